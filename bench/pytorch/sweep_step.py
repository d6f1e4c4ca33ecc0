#!/usr/bin/env python3
"""PyTorch measuring stick for LinearizationLab's benchmarks (python3 + torch only).

An independent implementation of the steps that `dotnet run --project bench/LinearizationLab.Bench -c Release --
gd-step | sweep-step` times in C#/TorchSharp, written the way a PyTorch user would write them, to time side by
side on the same machine. It is not part of LinearizationLab and nothing there depends on it. It runs inside
the Debian 13 chroot of setup-chroot.sh through run.sh (which copies this file there):

    run.sh gd-step    [--widths 1024,4096] [--dtypes float32,float64]
    run.sh sweep-step [--widths 512,1024,2048,4096] [--dtypes float64,float32] [--gemm 2048] [--no-check]
    run.sh run        [--width 2048] [--dtype float64] [--steps 1000] [--checkpoints 100,1000]
    run.sh check      [--width 64]
    run.sh cnn-step   [--width 128] [--dtypes float32]       (2-conv CNN, 256 inputs of 1x28x28)
    run.sh cnn-ntk    [--dtypes float32,float64]             (the CNN NTK by torch.func, N = 64, O = 10)

Conventions (the same as LinearizationLab's):
  * NTK parameterization. Every weight and bias entry is drawn N(0, 1); dense layer l computes
        z_l = (w_std / sqrt(fan_in)) · a_{l-1} · W_lᵀ + b_std · b_l,     a_l = relu(z_l)  (no relu after the last layer)
  * loss  L = ½ · mean over examples of the squared error summed over outputs = ½·Σ(f − y)²/N, so ∂L/∂f = (f − y)/N;
  * full-batch gradient descent θ ← θ − η·∂L/∂θ (no momentum, no weight decay);
  * the linearization f_lin(θ; x) = f(θ0; x) + J0(x)·(θ − θ0) is trained in Δθ = θ − θ0 from Δθ = 0 with the same η.
  * Times are wall-clock milliseconds per step (time.perf_counter), the median of --steps steps after --warmup
    warm-up steps; min and max are printed next to it where useful.
"""

import argparse
import math
import os
import sys
import time
from dataclasses import dataclass

import torch
import torch.nn.functional as F

DTYPES = {"float32": torch.float32, "float64": torch.float64}


# ============================================================================================================
# The model: a ReLU MLP in NTK parameterization, as a flat list of tensors [W1, b1, W2, b2, ..., WL, bL]
# (a flat tuple is what torch.func's jvp/jacrev/grad take directly).
# ============================================================================================================

@dataclass(frozen=True)
class Mlp:
    """Layer sizes d_0 → d_1 → … → d_L, with the same w_std and b_std on every dense layer."""
    sizes: tuple
    w_std: float
    b_std: float

    @property
    def depth(self):
        return len(self.sizes) - 1

    def scale(self, l):
        """w_std / sqrt(fan_in) of dense layer l = 1..L."""
        return self.w_std / math.sqrt(self.sizes[l - 1])

    def init(self, seed, dtype):
        """θ0: every entry N(0, 1). Drawn in float64 from one seeded generator and then cast, so that the
        float32 and float64 networks of the same seed start from the same θ0 (up to rounding)."""
        g = torch.Generator().manual_seed(seed)
        params = []
        for l in range(1, self.depth + 1):
            params.append(torch.randn(self.sizes[l], self.sizes[l - 1], generator=g, dtype=torch.float64).to(dtype))
            params.append(torch.randn(self.sizes[l], generator=g, dtype=torch.float64).to(dtype))
        return params


def weight(params, l):
    return params[2 * (l - 1)]


def bias(params, l):
    return params[2 * (l - 1) + 1]


def forward(mlp, params, x, cache=False):
    """f(θ; x), an N × d_L matrix. One fused addmm per layer: z = b_std·b + scale·(a·Wᵀ).
    With cache=True also returns the activations a_0 = x, a_1, …, a_{L-1} and the ReLU masks
    m_l = 1[z_l > 0] (as 0/1 tensors of the data type) of the hidden layers l = 1..L-1."""
    a, activations, masks = x, [x], []
    for l in range(1, mlp.depth + 1):
        z = torch.addmm(bias(params, l), a, weight(params, l).t(), beta=mlp.b_std, alpha=mlp.scale(l))
        if l < mlp.depth:
            a = torch.relu(z)
            if cache:
                activations.append(a)
                masks.append((z > 0).to(z.dtype))
    return (z, activations, masks) if cache else z


def mse(f, y):
    """½ · mean over examples of the squared error summed over outputs."""
    return 0.5 * (f - y).square().sum() / f.shape[0]


def network_step(mlp, params, x, y, lr):
    """One full-batch GD step of the network, the idiomatic autograd way: forward, loss.backward(), then an
    in-place update p.add_(p.grad, alpha=-lr) (one fused axpy per tensor; no optimizer object) and p.grad = None."""
    loss = mse(forward(mlp, params, x), y)
    loss.backward()
    with torch.no_grad():
        for p in params:
            p.add_(p.grad, alpha=-lr)
            p.grad = None


# ============================================================================================================
# Empirical NTK Θ̂(x, x') = J(x)·J(x')ᵀ of a scalar-output MLP on one input set (N × N)
# ============================================================================================================

@torch.no_grad()
def ntk(mlp, params, x):
    """Exact empirical NTK, layer by layer (no Jacobian is formed). With δ_l = ∂f/∂z_l (N × d_l), δ_L = 1 and
    δ_{l-1} = scale_l · (δ_l · W_l) ⊙ m_{l-1}, since ∂f_i/∂W_l[j,k] = δ_l[i,j] · scale_l · a_{l-1}[i,k] and
    ∂f_i/∂b_l[j] = δ_l[i,j] · b_std:
        Θ̂ = Σ_l  scale_l² · (δ_l δ_lᵀ) ⊙ (a_{l-1} a_{l-1}ᵀ)  +  b_std² · δ_l δ_lᵀ."""
    assert mlp.sizes[-1] == 1, "the per-layer NTK here is for scalar outputs"
    _, acts, masks = forward(mlp, params, x, cache=True)
    delta = torch.ones(x.shape[0], 1, dtype=x.dtype)
    theta = torch.zeros(x.shape[0], x.shape[0], dtype=x.dtype)
    for l in range(mlp.depth, 0, -1):
        dd = delta @ delta.t()
        theta += mlp.scale(l) ** 2 * dd * (acts[l - 1] @ acts[l - 1].t()) + mlp.b_std ** 2 * dd
        if l > 1:
            delta = mlp.scale(l) * (delta @ weight(params, l)) * masks[l - 2]
    return theta


def ntk_jacrev(mlp, params, x):
    """The same kernel as J·Jᵀ with the full Jacobian from torch.func.jacrev (for the correctness check only)."""
    n = len(params)
    jac = torch.func.jacrev(lambda *p: forward(mlp, p, x), argnums=tuple(range(n)))(*[p.detach() for p in params])
    J = torch.cat([j.reshape(x.shape[0], -1) for j in jac], dim=1)
    return J @ J.t()


def critical_learning_rate(theta0):
    """η_crit = 2N / λ_max(Θ̂0): GD on ½·mean MSE moves the training outputs by f ← f − (η/N)·Θ̂·(f − y)."""
    lam_max = torch.linalg.eigvalsh(theta0.to(torch.float64))[-1].item()
    return 2 * theta0.shape[0] / lam_max


# ============================================================================================================
# The linearized model in factored form
# ============================================================================================================

class Linearization:
    """f_lin(θ0 + Δθ; x) = f(θ0; x) + J0(x)·Δθ without ever forming J0.

    At θ0 the forward pass is run once per input set and its activations a0_l and ReLU masks m_l are cached.
    J0·Δθ is then the tangent (forward-mode) pass through the frozen network,
        ȧ_0 = 0,   ż_l = scale_l · (a0_{l-1}·ΔW_lᵀ + ȧ_{l-1}·W0_lᵀ) + b_std·Δb_l,   ȧ_l = m_l ⊙ ż_l,   J0·Δθ = ż_L,
    and the gradient J0ᵀ·r of the loss is its transpose, which needs only θ0's cache (it does not depend on Δθ).
    Per step this costs, for the n×n hidden layer, two GEMMs forward (a0·ΔWᵀ, ȧ·W0ᵀ) and two backward
    (ΔW's gradient, and g·W0 to reach the layer below): one GEMM more than the network's step."""

    def __init__(self, mlp, params0, **inputs):
        self.mlp = mlp
        self.W0 = [weight(params0, l).detach().clone() for l in range(1, mlp.depth + 1)]  # a copy: θ may train on
        self.cache = {}
        with torch.no_grad():
            for name, x in inputs.items():
                f0, acts, masks = forward(mlp, [p.detach() for p in params0], x, cache=True)
                self.cache[name] = (f0, acts, masks)
        self.delta = [torch.zeros_like(p, requires_grad=False) for p in params0]

    def tangent(self, name, delta):
        """J0(x)·Δθ on the cached input set `name` (differentiable in Δθ when Δθ requires grad)."""
        mlp, (_, acts, masks) = self.mlp, self.cache[name]
        a_dot = None                                                        # ȧ_0 = 0: the inputs do not move
        for l in range(1, mlp.depth + 1):
            s = mlp.scale(l)
            z_dot = torch.addmm(bias(delta, l), acts[l - 1], weight(delta, l).t(), beta=mlp.b_std, alpha=s)
            if a_dot is not None:
                z_dot = z_dot.addmm_(a_dot, self.W0[l - 1].t(), alpha=s)  # + scale·ȧ_{l-1}·W0_lᵀ
            if l < mlp.depth:
                a_dot = masks[l - 1] * z_dot                                 # ȧ_l = m_l ⊙ ż_l
        return z_dot

    def outputs(self, name, delta=None):
        with torch.no_grad():
            return self.cache[name][0] + self.tangent(name, self.delta if delta is None else delta)

    @torch.no_grad()
    def step_by_hand(self, name, y, lr):
        """One GD step with the transposed tangent pass written out and fused into the update: the gradient of
        ΔW_l, scale_l·g_lᵀ·a0_{l-1}, is accumulated straight into ΔW_l by one addmm_ (no gradient tensor),
            g_L = (f_lin − y)/N,   g_{l-1} = scale_l · (g_l·W0_l) ⊙ m_{l-1},
            ΔW_l ← ΔW_l − η·scale_l·g_lᵀ·a0_{l-1},   Δb_l ← Δb_l − η·b_std·Σ_i g_l[i]."""
        mlp, (f0, acts, masks) = self.mlp, self.cache[name]
        g = (f0 + self.tangent(name, self.delta) - y) / y.shape[0]
        for l in range(mlp.depth, 0, -1):
            s = mlp.scale(l)
            g_below = (g @ self.W0[l - 1]).mul_(masks[l - 2]).mul_(s) if l > 1 else None
            weight(self.delta, l).addmm_(g.t(), acts[l - 1], alpha=-lr * s)
            bias(self.delta, l).add_(g.sum(0), alpha=-lr * mlp.b_std)
            g = g_below

    def step_autograd(self, name, y, lr):
        """The same step with autograd differentiating through the tangent pass only (θ0's cache is constant)."""
        for d in self.delta:
            d.requires_grad_(True)
        mse(self.cache[name][0] + self.tangent(name, self.delta), y).backward()
        with torch.no_grad():
            for d in self.delta:
                d.add_(d.grad, alpha=-lr)
                d.grad = None
                d.requires_grad_(False)


def jvp_outputs(mlp, params0, x, delta):
    """Reference f_lin = f(θ0) + J0·Δθ by torch.func.jvp through the whole network."""
    f0, tangent_out = torch.func.jvp(lambda *p: forward(mlp, p, x), tuple(params0), tuple(delta))
    return f0 + tangent_out


def jvp_step(mlp, params0, x, y, delta, lr):
    """Reference GD step of the linearization: torch.func.grad (reverse mode) over torch.func.jvp."""
    grads = torch.func.grad(lambda *d: mse(jvp_outputs(mlp, params0, x, d), y), argnums=tuple(range(len(delta))))(*delta)
    return [d - lr * g for d, g in zip(delta, grads)]


# ============================================================================================================
# Data
# ============================================================================================================

def sphere_protocol(dtype, seed=0, train=64, test=32, dim=16):
    """The sweep-step protocol's data: points uniform on the sphere of radius √dim in R^dim (normalized
    Gaussians), targets y = sin(uᵀx) of one fixed teacher direction u ~ N(0, I/dim) (seed 1000).
    (LinearizationLab's own sphere data set uses its own generator and teacher: timings compare, numbers don't.)"""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(train + test, dim, generator=g, dtype=torch.float64)
    x = x / x.norm(dim=1, keepdim=True) * math.sqrt(dim)
    u = torch.randn(dim, 1, generator=torch.Generator().manual_seed(1000), dtype=torch.float64) / math.sqrt(dim)
    y = torch.sin(x @ u)
    return x[:train].to(dtype), y[:train].to(dtype), x[train:].to(dtype), y[train:].to(dtype)


def protocol_mlp(width):
    """ReLU MLP 16 → n → n → 1, NTK parameterization, w_std = √2 and b_std = 0.1 on all three dense layers."""
    return Mlp((16, width, width, 1), math.sqrt(2.0), 0.1)


# ============================================================================================================
# Timing helpers and printing
# ============================================================================================================

def time_steps(step, warmup, steps):
    """Runs step() warmup + steps times; returns the sorted milliseconds of the last `steps` calls."""
    times = []
    for i in range(warmup + steps):
        t = time.perf_counter()
        step()
        if i >= warmup:
            times.append((time.perf_counter() - t) * 1e3)
    return sorted(times)


def median(sorted_times):
    return sorted_times[len(sorted_times) // 2]


def gemm_rate(dtype, size, reps=7):
    """Median GFLOP/s of a size×size by size×size matmul (2·size³ FLOPs) after one warm-up, as the C# GemmRate."""
    g = torch.Generator().manual_seed(2)
    a = torch.randn(size, size, generator=g, dtype=dtype)
    b = torch.randn(size, size, generator=g, dtype=dtype)
    a @ b
    return 2.0 * size ** 3 / (median(time_steps(lambda: a @ b, 0, reps)) / 1e3) / 1e9


def step_flops(examples, sizes):
    """GEMM FLOPs of one step, counted as the C# SweepStepBenchmark.StepFlops counts them (c_l = 2N·d_{l-1}·d_l):
    network = forward Σc_l + weight gradients Σc_l + input gradients Σ_{l>1} c_l;
    linearization = the same plus one more Σ_{l>1} c_l (the tangent pass's ȧ·W0ᵀ)."""
    c = [2.0 * examples * sizes[l - 1] * sizes[l] for l in range(1, len(sizes))]
    return 2 * sum(c) + sum(c[1:]), 2 * sum(c) + 2 * sum(c[1:])


def loaded_blas():
    """Basenames of the BLAS libraries mapped into this process (Debian's libtorch uses the libblas.so.3 alternative)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if "blas" in line and "/" in line}
        names = {"/".join(p.split("/")[-2:]) for p in paths}
        return ", ".join(sorted(n for n in names if "lapack" not in n)) or "none found"
    except OSError:
        return "unknown (/proc not mounted)"


def header(threads):
    torch.set_num_threads(threads)
    print(f"PyTorch {torch.__version__}; torch threads {torch.get_num_threads()} (interop {torch.get_num_interop_threads()}), "
          f"OMP_NUM_THREADS={os.environ.get('OMP_NUM_THREADS', 'unset')}; "
          f"CPU capability {torch.backends.cpu.get_cpu_capability()}; BLAS {loaded_blas()}")
    info = [line.strip() for line in torch.__config__.parallel_info().splitlines()[1:] if line.strip()]
    print("parallel_info: " + "; ".join(info[:4]))   # the lines after its "ATen/Parallel:" title
    if not os.path.exists("/proc/cpuinfo"):
        print("warning: /proc is not mounted: PyTorch cannot detect the CPU and runs its slowest kernels (use run.sh)")
    print()


def csv_list(kind):
    return lambda s: [kind(v) for v in s.split(",") if v]


# ============================================================================================================
# Modes
# ============================================================================================================

def run_check(width=64, steps=5, seed=0, quiet=False):
    """Correctness on a small float64 network of the sweep-step protocol: the per-layer NTK against jacrev,
    and the factored linearization (tangent pass, hand-written and autograd steps) against torch.func.jvp."""
    dtype = torch.float64
    mlp = protocol_mlp(width)
    x, y, xt, _ = sphere_protocol(dtype, seed)
    params0 = mlp.init(seed, dtype)
    theta0 = ntk(mlp, params0, x)
    lr = 0.5 * critical_learning_rate(theta0)
    rows = []

    def compare(what, got, ref):
        diff = max((g - r).abs().max().item() for g, r in zip(got, ref))
        scale = max(r.abs().max().item() for r in ref)
        rows.append((what, diff, scale, diff <= 1e-12 * max(1.0, scale)))

    compare("NTK: per-layer formula vs jacrev J·Jᵀ", [theta0], [ntk_jacrev(mlp, params0, x)])
    lin = Linearization(mlp, params0, train=x, test=xt)
    g = torch.Generator().manual_seed(seed + 7)
    random_delta = [0.1 * torch.randn(p.shape, generator=g, dtype=dtype) for p in params0]
    compare("J0·Δθ (random Δθ): factored tangent vs jvp", [lin.outputs("test", random_delta)],
            [jvp_outputs(mlp, params0, xt, random_delta)])

    ref_delta = [torch.zeros_like(p) for p in params0]
    auto = Linearization(mlp, params0, train=x, test=xt)
    for _ in range(steps):
        lin.step_by_hand("train", y, lr)
        auto.step_autograd("train", y, lr)
        ref_delta = jvp_step(mlp, params0, x, y, ref_delta, lr)
    ref_train, ref_test = jvp_outputs(mlp, params0, x, ref_delta), jvp_outputs(mlp, params0, xt, ref_delta)
    compare(f"f_lin after {steps} GD steps, by hand vs jvp (train, test)",
            [lin.outputs("train"), lin.outputs("test")], [ref_train, ref_test])
    compare(f"Δθ after {steps} GD steps, by hand vs jvp", lin.delta, ref_delta)
    compare(f"f_lin after {steps} GD steps, autograd vs jvp (train, test)",
            [auto.outputs("train"), auto.outputs("test")], [ref_train, ref_test])

    print(f"check: float64, ReLU MLP 16-{width}-{width}-1, 64 train / 32 test points, eta = eta_crit/2 = {lr:.4g}; "
          "pass if max|diff| <= 1e-12 * max(1, max|ref|)")
    w = max(len(r[0]) for r in rows)
    print(f"  {'quantity':<{w}} {'max |diff|':>11} {'max |ref|':>10}  result")
    for what, diff, scale, ok in rows:
        print(f"  {what:<{w}} {diff:>11.2e} {scale:>10.3g}  {'ok' if ok else 'FAIL'}")
    print()
    return all(r[3] for r in rows)


def run_gd_step(args):
    """(a) One full-batch GD step of a ReLU MLP 784 → n → n → 10 on 256 examples, network and linearization."""
    examples, lr = 256, 0.1
    print(f"gd-step: ReLU MLP 784-n-n-10, NTK parameterization, w_std 1.414 and b_std 0.1 on all three layers "
          f"(the C# bench uses w_std 1.0, b_std 0 on the readout); {examples} random examples (seeded normal, "
          f"unit-norm rows), one-hot targets of random labels; 1/2 mean MSE; GD eta {lr}; "
          f"median of {args.steps} steps after {args.warmup}")
    print("  network: autograd + in-place p.add_(p.grad, alpha=-eta); linearized: factored tangent pass at theta0, "
          "hand-written transpose fused into the update")
    print(f"{'width':>6} {'dtype':>8} {'model':<11} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for width in args.widths:
        for dtype_name in args.dtypes:
            dtype = DTYPES[dtype_name]
            g = torch.Generator().manual_seed(args.seed)
            x = torch.randn(examples, 784, generator=g, dtype=torch.float64)
            x = (x / x.norm(dim=1, keepdim=True)).to(dtype)
            y = torch.nn.functional.one_hot(torch.randint(0, 10, (examples,), generator=g), 10).to(dtype)
            mlp = Mlp((784, width, width, 10), 1.414, 0.1)
            params = [p.requires_grad_(True) for p in mlp.init(args.seed, dtype)]
            lin = Linearization(mlp, params, train=x)
            for model, step in (("network", lambda: network_step(mlp, params, x, y, lr)),
                                ("linearized", lambda: lin.step_by_hand("train", y, lr))):
                t = time_steps(step, args.warmup, args.steps)
                print(f"{width:>6} {dtype_name:>8} {model:<11} {median(t):>10.2f} {t[0]:>8.2f} {t[-1]:>8.2f}")
            del params, lin


def run_sweep_step(args):
    """(b) The sweep's hot path on the reference protocol: ms per network step and per linearized step."""
    if not args.no_check and not run_check():
        sys.exit("correctness check failed")
    gemm = {d: gemm_rate(DTYPES[d], args.gemm) for d in args.dtypes} if args.gemm > 0 else {}
    print(f"sweep-step: ReLU MLP 16-n-n-1 on 64 points of the sphere of radius 4 in R^16, NTK parameterization "
          f"(w_std sqrt 2, b_std 0.1), 1/2 mean MSE, full-batch GD at eta_crit/2; median of {args.steps} steps after {args.warmup}")
    print("  network: autograd + in-place p.add_(p.grad, alpha=-eta); lin hand: factored tangent pass, hand-written "
          "transpose fused into addmm_ updates; lin autograd: autograd through the tangent pass + in-place update")
    if gemm:
        print(f"GEMM {args.gemm}^3: " + ", ".join(f"{d} {r:.1f} GFLOP/s" for d, r in gemm.items()))
    print(f"{'width':>6} {'dtype':>8} {'network ms':>11} {'lin hand ms':>12} {'lin autograd ms':>16} {'lin/net':>8} "
          f"{'GFLOP/step':>11} {'% of GEMM':>10}")
    for dtype_name in args.dtypes:
        dtype = DTYPES[dtype_name]
        x, y, xt, _ = sphere_protocol(dtype, args.seed)
        for width in args.widths:
            mlp = protocol_mlp(width)
            params0 = mlp.init(args.seed, dtype)
            lr = 0.5 * critical_learning_rate(ntk(mlp, params0, x))
            params = [p.clone().requires_grad_(True) for p in params0]
            net = median(time_steps(lambda: network_step(mlp, params, x, y, lr), args.warmup, args.steps))
            by_hand = Linearization(mlp, params0, train=x)
            hand = median(time_steps(lambda: by_hand.step_by_hand("train", y, lr), args.warmup, args.steps))
            by_autograd = Linearization(mlp, params0, train=x)
            auto = median(time_steps(lambda: by_autograd.step_autograd("train", y, lr), args.warmup, args.steps))
            flops_net, flops_lin = step_flops(x.shape[0], mlp.sizes)
            share = f"{100 * (flops_net + flops_lin) / ((net + hand) / 1e3) / 1e9 / gemm[dtype_name]:>9.0f}%" if gemm else f"{'-':>10}"
            print(f"{width:>6} {dtype_name:>8} {net:>11.2f} {hand:>12.2f} {auto:>16.2f} {hand / net:>8.2f} "
                  f"{(flops_net + flops_lin) / 1e9:>11.3f} {share}")
            del params, by_hand, by_autograd, params0


@torch.no_grad()
def function_space_linearization(mlp, params0, x, y, xt, lr, steps, checkpoints, out):
    """The linearization trained in function space: under GD, Δθ_t = J0(X)ᵀ·c_t, so the outputs are f0 + Θ̂0(·, X)·c_t
    and a step is c ← c − η·(f_lin(X) − y)/N. Θ̂0 on train ∪ test is one structured kernel (the `ntk` above); its
    train columns are all a step needs. Fills out[step] = (train outputs, test outputs) at the checkpoints."""
    n = x.shape[0]
    both = torch.cat([x, xt])
    kernel = ntk(mlp, params0, both)[:, :n].contiguous()
    f0 = forward(mlp, params0, both)
    c = torch.zeros(n, 1, dtype=x.dtype)
    for step in range(1, steps + 1):
        f_train = torch.addmm(f0[:n], kernel[:n], c)
        c.add_(f_train - y, alpha=-lr / n)
        if step in checkpoints:
            f = torch.addmm(f0, kernel, c)
            out[step] = (f[:n], f[n:])


def run_whole(args):
    """(c) A whole run: init, Θ̂0 and η; T steps of the network, then T of its linearization; at the
    checkpoints the kernel drift and the RMSE between the network's and the linearization's outputs."""
    t_start = time.perf_counter()
    dtype = DTYPES[args.dtype]
    checkpoints = sorted({c for c in args.checkpoints if 0 < c <= args.steps} | {args.steps})
    x, y, xt, yt = sphere_protocol(dtype, args.seed)
    mlp = protocol_mlp(args.width)
    params0 = mlp.init(args.seed, dtype)
    theta0 = ntk(mlp, params0, x)
    lr = 0.5 * critical_learning_rate(theta0)
    t_setup = time.perf_counter()

    # The network, with Θ̂_t recomputed at the checkpoints (timed separately).
    params = [p.clone().requires_grad_(True) for p in params0]
    net_out, drift, t_kernel = {}, {}, 0.0
    for step in range(1, args.steps + 1):
        network_step(mlp, params, x, y, lr)
        if step in checkpoints:
            t = time.perf_counter()
            with torch.no_grad():
                net_out[step] = (forward(mlp, params, x), forward(mlp, params, xt))
                drift[step] = (torch.linalg.matrix_norm(ntk(mlp, params, x) - theta0) / torch.linalg.matrix_norm(theta0)).item()
            t_kernel += time.perf_counter() - t
    t_network = time.perf_counter()
    del params

    # Its linearization from the same θ0 with the same η, in parameter space or in function space.
    lin_out = {}
    if args.linearization == "function":
        function_space_linearization(mlp, params0, x, y, xt, lr, args.steps, checkpoints, lin_out)
    else:
        lin = Linearization(mlp, params0, train=x, test=xt)
        for step in range(1, args.steps + 1):
            lin.step_by_hand("train", y, lr)
            if step in checkpoints:
                lin_out[step] = (lin.outputs("train"), lin.outputs("test"))
    t_end = time.perf_counter()

    def rmse(a, b):
        return (a - b).square().mean().sqrt().item()

    print(f"run: ReLU MLP 16-{args.width}-{args.width}-1, {args.dtype}, sweep-step protocol, T = {args.steps}, "
          f"eta = eta_crit/2 = {lr:.6g} (lambda_max(Theta0) = {2 * x.shape[0] / (2 * lr):.6g})")
    print(f"{'step':>6} {'kernel_drift':>13} {'rmse_train':>11} {'rmse_test':>11} {'net loss':>11} {'lin loss':>11} {'net test':>11} {'lin test':>11}")
    for c in checkpoints:
        (nf, nft), (lf, lft) = net_out[c], lin_out[c]
        print(f"{c:>6} {drift[c]:>13.6g} {rmse(nf, lf):>11.4g} {rmse(nft, lft):>11.4g} {mse(nf, y).item():>11.4g} "
              f"{mse(lf, y).item():>11.4g} {mse(nft, yt).item():>11.4g} {mse(lft, yt).item():>11.4g}")
    print(f"wall time {t_end - t_start:.2f} s: init + Theta0 + eta {t_setup - t_start:.2f} s, network {t_network - t_setup:.2f} s "
          f"(of which kernels and outputs at checkpoints {t_kernel:.2f} s), linearization {t_end - t_network:.2f} s")


# ============================================================================================================
# A small CNN in NTK parameterization: 3×3 SAME convs with ReLU, flatten, dense readout
# (z = w_std/√(C_in·9) · W⋆a + b_std·b, dense as above), as a flat list [W1, b1, W2, b2, W3, b3]
# ============================================================================================================

@dataclass(frozen=True)
class Cnn:
    """conv(channels) → relu → conv(channels) → relu → flatten → dense(outputs) on [in_channels, side, side] inputs."""
    in_channels: int
    side: int
    channels: int
    outputs: int
    w_std: float = 1.414
    b_std: float = 0.1

    def shapes(self):
        c, n = self.in_channels, self.channels
        return [(n, c, 3, 3), (n,), (n, n, 3, 3), (n,), (self.outputs, n * self.side * self.side), (self.outputs,)]

    def init(self, seed, dtype):
        """Every entry N(0, 1), drawn in float64 from one seeded generator, then cast."""
        g = torch.Generator().manual_seed(seed)
        return [torch.randn(s, generator=g, dtype=torch.float64).to(dtype) for s in self.shapes()]

    def forward(self, params, x):
        """f(θ; x) [N, O]: the idiomatic functional form, the multiplier folded into the weight."""
        w1, b1, w2, b2, w3, b3 = params
        a = torch.relu(F.conv2d(x, w1 * (self.w_std / math.sqrt(self.in_channels * 9)), b1 * self.b_std, padding=1))
        a = torch.relu(F.conv2d(a, w2 * (self.w_std / math.sqrt(self.channels * 9)), b2 * self.b_std, padding=1))
        return F.linear(a.flatten(1), w3 / math.sqrt(w3.shape[1]), b3 * 0.0)   # readout: w_std 1, b_std 0 (as the C# benches)


def cnn_data(n, side, dtype, seed):
    """n seeded normal inputs [n, 1, side, side] with unit-norm rows, and one-hot targets of random labels (10 classes)."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, side * side, generator=g, dtype=torch.float64)
    x = (x / x.norm(dim=1, keepdim=True)).to(dtype).view(n, 1, side, side)
    return x, torch.nn.functional.one_hot(torch.randint(0, 10, (n,), generator=g), 10).to(dtype)


def run_cnn_step(args):
    """One full-batch GD step of the CNN on 256 MNIST-shaped inputs (bench/LinearizationLab.Bench's cnn-step)."""
    examples, lr = 256, 0.1
    print(f"cnn-step: conv{args.width}-relu-conv{args.width}-relu-flatten-dense10 (3x3 SAME, NTK parameterization, "
          f"w_std 1.414, b_std 0.1; readout w_std 1, b_std 0), {examples} random 1x28x28 inputs (seeded normal, unit-norm rows), "
          f"one-hot targets of random labels; 1/2 mean MSE; GD eta {lr}; autograd + in-place p.add_(p.grad, alpha=-eta); "
          f"median of {args.steps} steps after {args.warmup}")
    print(f"{'channels':>8} {'dtype':>8} {'median ms':>10} {'min ms':>8} {'max ms':>8}")
    for dtype_name in args.dtypes:
        dtype = DTYPES[dtype_name]
        x, y = cnn_data(examples, 28, dtype, args.seed)
        cnn = Cnn(1, 28, args.width, 10)
        params = [p.requires_grad_(True) for p in cnn.init(args.seed, dtype)]

        def step():
            loss = mse(cnn.forward(params, x), y)
            loss.backward()
            with torch.no_grad():
                for p in params:
                    p.add_(p.grad, alpha=-lr)
                    p.grad = None

        t = time_steps(step, args.warmup, args.steps)
        print(f"{args.width:>8} {dtype_name:>8} {median(t):>10.1f} {t[0]:>8.1f} {t[-1]:>8.1f}")


def cnn_ntk(cnn, params, x):
    """Θ̂ = J Jᵀ [N·O, N·O] with torch.func: per-example Jacobians by vmap(jacrev), contracted parameter by parameter
    (the PyTorch tutorial's empirical_ntk_jacobian_contraction)."""
    def single(ps, xi):
        return cnn.forward(list(ps), xi.unsqueeze(0)).squeeze(0)

    jac = torch.func.vmap(torch.func.jacrev(single), (None, 0))(tuple(params), x)   # per parameter: [N, O, *shape]
    total = None
    for j in jac:
        j = j.flatten(2)                                                               # [N, O, P_l]
        term = torch.einsum("Naf,Mbf->NaMb", j, j)
        total = term if total is None else total + term
    return total.reshape(x.shape[0] * cnn.outputs, -1)


def run_cnn_ntk(args):
    """The full N·O × N·O empirical NTK of the README's CNN (two 3×3 SAME convs of 64 channels on 1×12×12, flatten,
    dense 10) on N = 64 inputs with torch.func (bench/LinearizationLab.Bench's cnn-ntk)."""
    n = 64
    print(f"cnn-ntk: conv64-relu-conv64-relu-flatten-dense10 (3x3 SAME, NTK parameterization) on {n} seeded normal 1x12x12 "
          f"inputs (unit-norm), full {n * 10}x{n * 10} kernel by torch.func vmap(jacrev) + per-parameter contraction; "
          f"median of {args.steps} runs after {args.warmup}")
    print(f"{'dtype':>8} {'median s':>9} {'min s':>7} {'max s':>7}")
    cnn = Cnn(1, 12, 64, 10)
    for dtype_name in args.dtypes:
        x, params = cnn_data(n, 12, DTYPES[dtype_name], args.seed)[0], cnn.init(args.seed, DTYPES[dtype_name])
        with torch.no_grad():
            t = time_steps(lambda: cnn_ntk(cnn, params, x), args.warmup, args.steps)
        print(f"{dtype_name:>8} {median(t) / 1e3:>9.3f} {t[0] / 1e3:>7.3f} {t[-1] / 1e3:>7.3f}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", choices=["gd-step", "sweep-step", "run", "check", "cnn-step", "cnn-ntk"])
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads (default 2)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--widths", type=csv_list(int), help="gd-step: 1024,4096; sweep-step: 512,1024,2048,4096")
    parser.add_argument("--dtypes", type=csv_list(str), help="gd-step: float32,float64; sweep-step: float64,float32")
    parser.add_argument("--warmup", type=int, default=3, help="warm-up steps before timing (default 3)")
    parser.add_argument("--steps", type=int, help="timed steps (default 15), or T for run (default 1000)")
    parser.add_argument("--gemm", type=int, default=2048, help="sweep-step: GEMM size for the %% of GEMM column; 0 skips")
    parser.add_argument("--no-check", action="store_true", help="sweep-step: skip the correctness check")
    parser.add_argument("--width", type=int, help="run: width (default 2048); check: width (default 64); cnn-step: channels (default 128)")
    parser.add_argument("--dtype", default="float64", choices=list(DTYPES), help="run: data type (default float64)")
    parser.add_argument("--checkpoints", type=csv_list(int), default=[100, 1000], help="run: default 100,1000 (T is always one)")
    parser.add_argument("--linearization", default="parameter", choices=["parameter", "function"],
                        help="run: train the linearization in parameter space (default) or in function space")
    args = parser.parse_args()
    for d in args.dtypes or []:
        if d not in DTYPES:
            parser.error(f"unknown dtype {d} (float32, float64)")

    header(args.threads)
    if args.mode == "gd-step":
        args.widths = args.widths or [1024, 4096]
        args.dtypes = args.dtypes or ["float32", "float64"]
        args.steps = args.steps or 15
        run_gd_step(args)
    elif args.mode == "sweep-step":
        args.widths = args.widths or [512, 1024, 2048, 4096]
        args.dtypes = args.dtypes or ["float64", "float32"]
        args.steps = args.steps or 15
        run_sweep_step(args)
    elif args.mode == "cnn-step":
        args.width = args.width or 128
        args.dtypes = args.dtypes or ["float32"]
        args.steps = args.steps or 7
        args.warmup = min(args.warmup, 2)
        run_cnn_step(args)
    elif args.mode == "cnn-ntk":
        args.dtypes = args.dtypes or ["float32", "float64"]
        args.steps = args.steps or 5
        args.warmup = min(args.warmup, 1)
        run_cnn_ntk(args)
    elif args.mode == "run":
        args.width = args.width or 2048
        args.steps = args.steps or 1000
        run_whole(args)
    else:
        sys.exit(0 if run_check(width=args.width or 64, seed=args.seed) else 1)


if __name__ == "__main__":
    main()
