using LinearizationLab.Architecture;
using LinearizationLab.Empirical;
using LinearizationLab.Experiments;
using LinearizationLab.Layers;
using LinearizationLab.Networks;
using TorchSharp;

namespace LinearizationLab.Runs;

/// <summary>
/// The peak memory of each command's run, estimated from its config before anything is allocated (<see cref="MemoryEstimate"/>):
/// the one place that knows what a run holds at once. Notation: P parameters of e bytes each (4 for float32, 8 for float64),
/// A activations per example (Σ of the layers' output sizes), U parameter units (the layers with weights), O outputs, N training
/// and M test examples of d features, B the batch (N for full-batch GD), N_k the kernel examples. The terms are summed as if
/// they coexisted at the peak; measured peaks of a wide MLP sweep, a CNN sweep and <c>lab gp</c> are within a factor 1.2 of
/// the sums (<c>lab-bench memory</c> prints both). Runs on CUDA are estimated but not checked (<see cref="MemoryEstimate.Unchecked"/>).
/// </summary>
public static class RunMemory
{
    /// <summary>
    /// Resident memory of the runtime: .NET, libtorch and MKL loaded, 0.15 GB before the first tensor (<c>lab-bench memory</c>
    /// prints it), and about 50 MB more once MKL's threads and the JIT-compiled code have run.
    /// </summary>
    public const long RuntimeBytes = 200_000_000;

    /// <summary>Bytes of the MNIST and Fashion-MNIST image files decompressed: 70,000 images of 28×28.</summary>
    private const long ImageFileBytes = 70_000L * 28 * 28;

    /// <summary>The test rows at which the network is evaluated at once (<see cref="Training.Trainer.EvaluationBatchSize"/>).</summary>
    private const int EvaluationRows = 4096;

    /// <summary>
    /// One run of a width sweep (<see cref="SweepRunner.RunOne"/>) at width <paramref name="width"/> of <paramref name="spec"/>
    /// (already at its grid point), beside the sweep's shared side for <paramref name="contexts"/> grid points: runtime, data,
    /// analytic kernels (and NTK-GP) per point, θ, θ0 and Δθ (and a Taylor model's Δθ), the optimizer's state, the training
    /// buffers of the network and its linearization (and its kernels when it trains in function space), the Taylor jets, Θ̂0 kept for the run beside Θ̂_t at a checkpoint (with
    /// per-layer terms and the structured method's Δ), the kernel's velocity dΘ̂/dτ(0) (MSE), η_crit's eigendecomposition, and
    /// the hierarchy's O₃ and O₄.
    /// </summary>
    public static MemoryEstimate SweepRun(SweepSpec spec, int width, int train, int test, int contexts = 1)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var setup = spec.Setup;
        var sizes = new NetworkSizes(setup.Arch.WithHiddenWidth(width), setup.Settings);
        int o = setup.Arch.OutputCount, kernel = Math.Min(spec.KernelExamples ?? train, train);
        long batch = setup.Optimizer.BatchSize is int b ? Math.Min(b, train) : train;
        bool backprop = sizes.Arch.Layers.All(l => l.TrainsByHand);
        int taylor = spec.TaylorOrders.Max();
        long? functionSpace = Linearization.FunctionSpaceLinearization.TreatsTensorsAlike(sizes.Arch, setup.Optimizer)
            ? Linearization.FunctionSpaceLinearization.TestRowsKept(setup.LinearizationSpace, setup.Optimizer, train, test, o, setup.Settings.DType)
            : null;
        var terms = new List<MemoryTerm>
        {
            Runtime,
            Data(setup, train, test, sizes.ElementBytes),
            AnalyticKernels(setup.Arch, train + test, train, contexts, gp: setup.Loss is Training.MeanSquaredError, test),
            sizes.Parameters(ParameterCopies(setup, taylor)),
            Optimizer(sizes, setup.Optimizer, backprop, models: 2),
            TrainingBuffers(sizes, batch, backprop, linearized: functionSpace is null),
            Evaluation(sizes, Math.Max(train, test)),
            EmpiricalNtk(sizes, kernel, kernel, spec.NtkMethod, perLayer: true, kept: 2),
            CriticalRate(sizes, train, o, kernel == train),
        };
        if (setup.Loss is Training.MeanSquaredError) terms.Add(KernelVelocity(sizes, kernel));
        if (taylor >= 2) terms.Add(TaylorJets(sizes, batch, taylor, kernel, setup.Checkpoints.Count, spec.TaylorOrders.Count - 1));
        if (spec.Hierarchy) terms.Add(Hierarchy(train, o));
        if (functionSpace is long kept) terms.Add(FunctionSpace(sizes, train, kept));
        return new MemoryEstimate(terms) { Unchecked = OnDevice(setup.Settings) };
    }

    /// <summary>
    /// <c>lab train</c> (<see cref="TrainingRun"/>): runtime, data, θ with the linearization's θ0 and Δθ, the optimizer's state for
    /// both models, the training buffers, the evaluation pass, the function-space kernels when the linearization trains there
    /// and, for a learning_rate_fraction, η_crit's kernel.
    /// </summary>
    public static MemoryEstimate Training(RunConfig config, int train, int test)
    {
        ArgumentNullException.ThrowIfNull(config);
        var setup = config.Setup;
        var sizes = new NetworkSizes(setup.Arch, setup.Settings);
        long batch = setup.Optimizer.BatchSize is int b ? Math.Min(b, train) : train;
        bool backprop = sizes.Arch.Layers.All(l => l.TrainsByHand);
        long? functionSpace = Linearization.FunctionSpaceLinearization.TreatsTensorsAlike(setup.Arch, setup.Optimizer)
            ? Linearization.FunctionSpaceLinearization.TestRowsKept(setup.LinearizationSpace, setup.Optimizer, train, test,
                setup.Arch.OutputCount, setup.Settings.DType)
            : null;
        var terms = new List<MemoryTerm>
        {
            Runtime,
            Data(setup, train, test, sizes.ElementBytes),
            sizes.Parameters(["θ", "θ0", "Δθ"], drawing: true),
            Optimizer(sizes, setup.Optimizer, backprop, models: 2),
            TrainingBuffers(sizes, batch, backprop, linearized: functionSpace is null),
            Evaluation(sizes, Math.Max(train, test)),
        };
        if (setup.Optimizer.CriticalFraction is not null) terms.Add(CriticalRate(sizes, train, setup.Arch.OutputCount, haveKernel: false));
        if (functionSpace is long kept) terms.Add(FunctionSpace(sizes, train, kept));
        return new MemoryEstimate(terms) { Unchecked = OnDevice(setup.Settings) };
    }

    /// <summary><c>lab ntk</c> (<see cref="EmpiricalKernelRun"/>): runtime, inputs, θ, Θ̂(x1, x2) by <paramref name="method"/> and the readout NNGP.</summary>
    public static MemoryEstimate EmpiricalKernel(ArchitectureSpec arch, TensorSettings settings, int n1, int n2, NtkMethod method, bool perLayer)
    {
        var sizes = new NetworkSizes(arch, settings);
        return new MemoryEstimate(
        [
            Runtime,
            Inputs(arch, n1 + n2, sizes.ElementBytes),
            sizes.Parameters(["θ"], drawing: true),
            EmpiricalNtk(sizes, n1, n2, method, perLayer, kept: 1),
            new("empirical NNGP and readout features", 8L * n1 * n2 + 2L * (n1 + n2) * sizes.LargestLayer * sizes.ElementBytes,
                "N1·N2 float64 + 2·(N1+N2)·(largest layer)·e"),
        ]) { Unchecked = OnDevice(settings) };
    }

    /// <summary><c>lab kernel</c> (<see cref="AnalyticKernelRun"/>): runtime, inputs, and the analytic K and Θ, N1·N2 float64 each.</summary>
    public static MemoryEstimate AnalyticKernel(ArchitectureSpec arch, int n1, int n2)
    {
        ArgumentNullException.ThrowIfNull(arch);
        return new MemoryEstimate([Runtime, Inputs(arch, n1 + n2, 8), AnalyticKernels(arch, n1, n2, 1, gp: false, 0)]);
    }

    /// <summary>
    /// <c>lab gp</c> (<see cref="GpExperiment"/>): runtime, data, the training kernels' lower-triangular tiles (K and Θ at once
    /// when <paramref name="bothKernels"/>, else one; <see cref="SymmetricTiles.Bytes"/> each), one tile row of both kernels being
    /// filled (2·T·N float64, T = the tile size) and the recursion's rows (256·N float64 and per-thread spatial states), and the
    /// N×O targets and weights. The test blocks (2·1024·N float64) come after the tiles are released and are smaller.
    /// </summary>
    public static MemoryEstimate Gp(ArchitectureSpec arch, Data.DataSpec data, int train, int test, int outputs, bool bothKernels)
    {
        ArgumentNullException.ThrowIfNull(arch);
        ArgumentNullException.ThrowIfNull(data);
        int kernels = bothKernels ? 2 : 1;
        return new MemoryEstimate(
        [
            Runtime,
            new("data", 8L * (train + test) * (2L * arch.InputSize + outputs) + ImageFiles(data),
                "(N+M)·(2d+O) float64: the data set and the input matrices" + (ImageFiles(data) > 0 ? ImageFilesFormula : "")),
            new($"training kernel tiles ({(bothKernels ? "K and Θ" : "one kernel at a time")})", kernels * SymmetricTiles.Bytes(train),
                $"{kernels} × the lower triangle of N×N float64 in {SymmetricTiles.DefaultTileSize}² tiles, N = {train}"),
            new("tile row and recursion rows", 8L * train * (2L * SymmetricTiles.DefaultTileSize + 256) + RecursionStates(arch),
                "(2·T + 256)·N float64 + per-thread spatial states"),
            new("targets and weights", 8L * train * outputs * 4, "4·N·O float64"),
        ]);
    }

    /// <summary>
    /// The linearization in function space (<see cref="Linearization.FunctionSpaceLinearization"/>): the empirical NTK of the
    /// training set Θ̂0(X, X), [N·O, N·O] in the network's dtype, and of the <paramref name="testRows"/> test inputs it keeps,
    /// Θ̂0(X_test, X) (<see cref="Linearization.FunctionSpaceLinearization.KernelBytes"/>), and one more [N·O, N·O] matrix while
    /// the training kernel is computed or copied from Θ̂0: (N + M_kept)·N·O²·e + (N·O)²·e.
    /// </summary>
    private static MemoryTerm FunctionSpace(NetworkSizes sizes, int train, long testRows)
    {
        int o = sizes.Arch.OutputCount;
        long rows = (long)train * o;
        return new("function-space linearization's kernels",
            Linearization.FunctionSpaceLinearization.KernelBytes(train, testRows, o, sizes.ScalarType) + rows * rows * sizes.ElementBytes,
            $"(N + M_kept)·N·O²·e + (N·O)²·e, N = {train}, M_kept = {testRows}, O = {o}");
    }

    /// <summary>
    /// The parameter-sized tensors a sweep run holds at once: θ, the linearization's θ0 and Δθ, a Taylor model's Δθ (order ≥ 2),
    /// and for MSE the kernel velocity's flow direction −∇L, the gradient it is negated from and the jet's scaled weights.
    /// </summary>
    private static string[] ParameterCopies(TrainingSetup setup, int taylor)
    {
        var copies = new List<string> { "θ", "θ0", "Δθ" };
        if (taylor >= 2) copies.Add("a Taylor model's Δθ");
        if (setup.Loss is Training.MeanSquaredError) copies.AddRange(["the kernel velocity's −∇L", "∇L", "scaled weights"]);
        return [.. copies];
    }

    /// <summary>Why a run on a CUDA device is not checked (the terms count host memory; the device's is not read), or null on the CPU.</summary>
    private static string? OnDevice(TensorSettings settings) =>
        settings.Device.type == DeviceType.CPU ? null : $"tensors on {settings.Device}: only host memory is estimated";

    /// <summary>Resident memory before any tensor: <see cref="RuntimeBytes"/>.</summary>
    private static MemoryTerm Runtime => new("runtime (.NET, libtorch)", RuntimeBytes, "measured");

    /// <summary>
    /// The data set: (N+M)·(d+O) float64 as read, the same as tensors (e bytes), and the inputs as a float64 matrix for the
    /// analytic kernels; the image files while they are read (<see cref="ImageFiles"/>).
    /// </summary>
    private static MemoryTerm Data(TrainingSetup setup, int train, int test, int elementBytes)
    {
        var arch = setup.Arch;
        long entries = (long)(train + test) * (arch.InputSize + arch.OutputCount);
        long images = ImageFiles(setup.Data);
        return new("data", entries * (8 + elementBytes) + 8L * (train + test) * arch.InputSize + images,
            "(N+M)·(d+O)·(8+e) + (N+M)·d·8" + (images > 0 ? ImageFilesFormula : ""));
    }

    /// <summary>MNIST and Fashion-MNIST: the image files while they are read, 4× their decompressed size (the compressed bytes, the growing buffer and its copy); 0 for other sources.</summary>
    private static long ImageFiles(Data.DataSpec data) => data is Data.ImageDataSpec ? 4 * ImageFileBytes : 0;

    private const string ImageFilesFormula = " + 4 × 70,000 images of 28×28 bytes";

    /// <summary>Kernel inputs: (N1+N2)·d float64 as read and as tensors.</summary>
    private static MemoryTerm Inputs(ArchitectureSpec arch, int rows, int elementBytes) =>
        new("inputs", (long)rows * arch.InputSize * (8 + elementBytes), "(N1+N2)·d·(8+e)");

    /// <summary>
    /// The analytic NNGP and NTK between <paramref name="rows"/> and <paramref name="columns"/> inputs, 2·N1·N2 float64, per grid
    /// point; with the NTK-GP, its modes and eigendecomposition ((2·M·N + 4·N²) float64); and the recursion's per-thread states.
    /// </summary>
    private static MemoryTerm AnalyticKernels(ArchitectureSpec arch, int rows, int columns, int contexts, bool gp, int test)
    {
        long bytes = 16L * rows * columns + (gp ? 8L * (2L * test * columns + 4L * columns * columns) : 0);
        return new(contexts > 1 ? $"analytic kernels of {contexts} grid points" : "analytic kernels", contexts * bytes + RecursionStates(arch),
            $"2·N1·N2{(gp ? " + (2·M·N + 4·N²) for the NTK-GP" : "")} float64, N1 = {rows}, N2 = {columns}");
    }

    /// <summary>
    /// States of the analytic recursion: K, Θ and their next values over pairs of positions, 4·S² float64 each (S positions; 1 for
    /// vectors), two per core (Parallel.For's workers and their replacements).
    /// </summary>
    private static long RecursionStates(ArchitectureSpec arch)
    {
        long positions = arch.Shapes.Where(s => s.Length > 1).Select(s => (long)s.Skip(1).Aggregate(1, (a, n) => a * n)).DefaultIfEmpty(1).Max();
        return 4 * 8 * positions * positions * Environment.ProcessorCount * 2;
    }

    /// <summary>
    /// The optimizer's state, P·e per copy: Adam's two moments and its scratch (3), else the velocity with momentum (1) and its
    /// gradient copy with Nesterov (1); weight decay toward θ0 keeps θ0 (1); and, when training goes through autograd, the
    /// gradients of θ and of Δθ (one each of <paramref name="models"/> models, which keep them until disposed).
    /// </summary>
    private static MemoryTerm Optimizer(NetworkSizes sizes, Training.OptimizerSpec optimizer, bool backprop, int models)
    {
        int state = optimizer.Adam is not null ? 3 : (optimizer.Momentum > 0 ? 1 : 0) + (optimizer.Nesterov ? 1 : 0);
        int copies = state + (optimizer is { WeightDecay: > 0, DecayCenter: LinearizationLab.Training.WeightDecayCenter.Init } ? 1 : 0) + (backprop ? 0 : models);
        return new("optimizer state and gradients", copies * sizes.ParameterBytes, $"{copies}·P·e");
    }

    /// <summary>
    /// The training buffers of the largest batch B: by hand, the network's layer outputs, φ′ and δ (3·B·A·e) and, when it trains
    /// in parameter space, the linearization's outputs and φ′ at θ0, tangents and δ (4·B·A·e); through autograd, the graph's saved inputs and outputs and
    /// the backward pass's (3·B·A·e, and 5·B·A·e for the linearization's forward-mode tangents).
    /// </summary>
    private static MemoryTerm TrainingBuffers(NetworkSizes sizes, long batch, bool backprop, bool linearized)
    {
        int copies = backprop ? 3 + (linearized ? 4 : 0) : 3 + (linearized ? 5 : 0);
        return new($"training buffers ({(backprop ? "hand-written passes" : "autograd")})", copies * batch * sizes.Activations * sizes.ElementBytes,
            $"{copies}·B·A·e, B = {batch}, A = {sizes.Activations}");
    }

    /// <summary>The evaluation pass at checkpoints, in row blocks of at most 4096: 3·R·(largest layer)·e (input, output and tangent).</summary>
    private static MemoryTerm Evaluation(NetworkSizes sizes, int rows)
    {
        long r = Math.Min(rows, EvaluationRows);
        return new("evaluation pass", 3 * r * sizes.LargestLayer * sizes.ElementBytes, $"3·{r}·{sizes.LargestLayer}·e");
    }

    /// <summary>
    /// Θ̂(x1, x2), [N1·O, N2·O]: the total and, per layer, U terms in the network's dtype while computed, and as float64 copies
    /// (<paramref name="kept"/> results alive at once: Θ̂0 for the run beside Θ̂_t): (U+1)·(N1·O)(N2·O)·(e + 8·kept). The
    /// structured method also holds each unit's Δ [N, O, unit output] and the per-output gradients it is stacked from
    /// (2·N·O·Σ unit outputs·e per input set), the traced forward pass (2·N·A·e) and, for a unit over positions (conv), its
    /// per-example weight gradients [N·O, P_l], one unit at a time (N·O·max P_l·e: an upper bound where the conv contracts by the
    /// position kernel instead, <see cref="Layers.ConvLayer.CheaperContraction"/>, which holds (N·P)² + N·O·C_out·P entries); the
    /// jacobian method its row blocks (512 MiB).
    /// </summary>
    private static MemoryTerm EmpiricalNtk(NetworkSizes sizes, int n1, int n2, NtkMethod method, bool perLayer, int kept)
    {
        int o = sizes.Arch.OutputCount, terms = perLayer || method != NtkMethod.Structured ? sizes.Units + 1 : 2;
        long entries = (long)n1 * o * n2 * o;
        long kernels = terms * entries * (sizes.ElementBytes + 8L * kept);
        long rows = n1 == n2 ? n1 : (long)n1 + n2;
        long extra = method switch
        {
            NtkMethod.Structured => rows * (2L * o * sizes.UnitOutputs + 2L * sizes.Activations + o * sizes.SpatialUnitParameters.DefaultIfEmpty(0).Max()) * sizes.ElementBytes,
            NtkMethod.Jacobian => Empirical.EmpiricalNtk.DefaultJacobianMemoryBytes,
            _ => 2L * n1 * o * sizes.Activations * sizes.ElementBytes,
        };
        return new($"empirical NTK ({method.ToString().ToLowerInvariant()}{(perLayer ? ", per layer" : "")})", kernels + extra,
            $"{terms}·(N1·O)·(N2·O)·(e + 8·{kept}), N1 = {n1}, N2 = {n2}, O = {o}, U = {sizes.Units}, + {MemoryEstimate.Format(extra)} of intermediates");
    }

    /// <summary>
    /// The kernel's velocity dΘ̂/dτ(0) on the N_k kernel examples (<see cref="Linearization.KernelVelocity"/>, MSE sweeps), beside
    /// its three parameter-sized tensors (<see cref="ParameterCopies"/>): the point's and the jet's graphs
    /// (6·N_k·A·e); Δ and its rate per output, stacked (4·N_k·O·Σ unit outputs·e); the per-example weight gradients of units over
    /// positions, four per unit, all kept until the end (4·N_k·O·Σ P_l·e); and the half-kernel, its term and the sum, 3·(N_k·O)²·e.
    /// </summary>
    private static MemoryTerm KernelVelocity(NetworkSizes sizes, int kernel)
    {
        int o = sizes.Arch.OutputCount;
        long rows = (long)kernel * o;
        long bytes = kernel * (6L * sizes.Activations + 4L * o * sizes.UnitOutputs) * sizes.ElementBytes
                     + 4 * rows * sizes.SpatialUnitParameters.Sum() * sizes.ElementBytes + 3 * rows * rows * sizes.ElementBytes;
        return new("kernel velocity dΘ̂/dτ(0)", bytes, $"N_k·(6·A + 4·O·Σ unit outputs)·e + 4·N_k·O·Σ P_l·e + 3·(N_k·O)²·e, N_k = {kernel}");
    }

    /// <summary>
    /// η_crit = 2N/λ_max (<see cref="Linearization.CriticalLearningRate"/>): the eigendecomposition of the training set's
    /// [N·O, N·O] kernel (3·(N·O)² float64; the kernel is computed here too unless it is the run's Θ̂0) while N·O ≤ 2048, else power
    /// iteration on NTK-vector products (a graph of 3·N·A·e).
    /// </summary>
    private static MemoryTerm CriticalRate(NetworkSizes sizes, int train, int outputs, bool haveKernel)
    {
        long rows = (long)train * outputs;
        if (haveKernel || rows <= Linearization.CriticalLearningRate.DirectLimit)
            return new("η_crit eigendecomposition", rows * rows * (3 * 8 + (haveKernel ? 0 : 2L * sizes.ElementBytes + 8)),
                $"3·(N·O)² float64{(haveKernel ? "" : " + the kernel, (N·O)²·(2e + 8)")}, N·O = {rows}");
        return new("η_crit power iteration", 3L * train * sizes.Activations * sizes.ElementBytes, "3·N·A·e");
    }

    /// <summary>
    /// The Taylor model of order k (<see cref="Linearization.TaylorizedNetwork"/>): its jet, (k+1)·B·A·e of coefficients and as
    /// much of the point's derivatives and the reverse pass, 2·(k+1)·B·A·e, and its output-averaged kernels kept at every
    /// checkpoint, N_k² float64 per checkpoint and model.
    /// </summary>
    private static MemoryTerm TaylorJets(NetworkSizes sizes, long batch, int order, int kernel, int checkpoints, int models) =>
        new($"Taylor jets (order {order})", 2L * (order + 1) * batch * sizes.Activations * sizes.ElementBytes + 8L * kernel * kernel * checkpoints * models,
            $"2·(k+1)·B·A·e + N_k²·8 per checkpoint, k = {order}");

    /// <summary>The NTK hierarchy (<see cref="Linearization.NtkHierarchy"/>): O₄ with (N·O)⁴ and O₃ with (N·O)³ float64 entries, and a copy of each while they flow.</summary>
    private static MemoryTerm Hierarchy(int train, int outputs)
    {
        long m = (long)train * outputs;
        return new("NTK hierarchy O₃, O₄", 2 * 8 * (m * m * m * m + m * m * m), $"2·((N·O)⁴ + (N·O)³) float64, N·O = {m}");
    }

    private static int ElementBytes(torch.ScalarType dtype) => dtype == torch.ScalarType.Float32 ? 4 : 8;

    private static string DTypeName(torch.ScalarType dtype) => dtype == torch.ScalarType.Float32 ? "float32" : "float64";

    /// <summary>The sizes of one network that the terms use, read from its architecture without building it.</summary>
    private sealed class NetworkSizes
    {
        public NetworkSizes(ArchitectureSpec arch, TensorSettings settings)
        {
            Arch = arch;
            ScalarType = settings.DType;
            ElementBytes = RunMemory.ElementBytes(settings.DType);
            DType = DTypeName(settings.DType);
            var units = new List<ParameterUnit>();
            int offset = 0;
            for (int i = 0; i < arch.Layers.Count; i++)
            {
                units.AddRange(arch.Layers[i].ParameterUnits(arch.ContextOf(i), offset));
                offset += arch.Layers[i].ParameterTensorCount;
            }
            Units = units.Count;
            SpatialUnitParameters = units.Where(u => u.Context.InputShape.Length > 1).Select(u => u.Layer.ParameterCount(u.Context.InputShape)).ToArray();
            var unitOutputs = units.Select(u => Size(u.Layer.OutputShape(u.Context.InputShape))).ToArray();
            UnitOutputs = unitOutputs.Sum();
            // A: every top-level layer's output; a block's inside is counted as its units' outputs and their activations.
            Activations = Enumerable.Range(0, arch.Layers.Count).Sum(i => Size(arch.Shapes[i + 1])
                + (arch.Layers[i] is CompositeLayer ? 2 * arch.Layers[i].ParameterUnits(arch.ContextOf(i), 0).Sum(u => Size(u.Layer.OutputShape(u.Context.InputShape))) : 0));
            LargestLayer = arch.Shapes.Skip(1).Select(Size).Concat(unitOutputs).Max();
            var tensors = units.SelectMany((u, k) => u.Layer.InitialParameters(u.Context).Select(p => (Unit: k, u.Layer.TypeName, p.Shape))).ToArray();
            var largest = tensors.MaxBy(t => t.Shape.Aggregate(1L, (a, n) => a * n));
            LargestTensorBytes = tensors.Length == 0 ? 0 : 8 * largest.Shape.Aggregate(1L, (a, n) => a * n);
            LargestTensor = tensors.Length == 0 ? "" :
                $"{(largest.Unit == Units - 1 ? "the readout" : $"hidden {largest.TypeName} layer {largest.Unit + 1}")}'s weights " +
                $"{string.Join("×", largest.Shape)} {DType} = {MemoryEstimate.Format(largest.Shape.Aggregate(1L, (a, n) => a * n) * ElementBytes)}";
        }

        public ArchitectureSpec Arch { get; }
        public torch.ScalarType ScalarType { get; }
        public int ElementBytes { get; }
        public string DType { get; }
        public int Units { get; }
        public long UnitOutputs { get; }
        public long Activations { get; }
        public long LargestLayer { get; }
        public string LargestTensor { get; }
        public long LargestTensorBytes { get; }
        public long[] SpatialUnitParameters { get; }

        public long ParameterBytes => Arch.ParameterCount * ElementBytes;

        /// <summary>
        /// The tensors of θ's size that <paramref name="copies"/> names, c·P·e for c copies; with <paramref name="drawing"/>, two
        /// float64 copies of the largest tensor more, held while θ0 is drawn (<see cref="Network.Create"/> draws each tensor in
        /// float64, then scales and shifts it), where nothing else is held yet.
        /// </summary>
        public MemoryTerm Parameters(string[] copies, bool drawing = false) =>
            new(copies.Length == 1 ? $"parameters {copies[0]}" : "parameters and parameter-sized tensors",
                copies.Length * ParameterBytes + (drawing ? 2 * LargestTensorBytes : 0),
                $"{copies.Length}·P·e{(copies.Length > 1 ? $": {string.Join(", ", copies)}" : "")}" +
                $"{(drawing ? " + 2 × the largest tensor in float64 while θ0 is drawn" : "")}; P = {Arch.ParameterCount:N0} {DType}" +
                (LargestTensor.Length > 0 ? $", the largest tensor {LargestTensor}" : ""));

        private static long Size(int[] shape) => shape.Aggregate(1L, (a, n) => a * n);
    }
}
