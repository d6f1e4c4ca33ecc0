#!/usr/bin/env bash
# Diagonal regularization against early stopping for the infinite-width predictors (Lee et al. 2020, §3.6): the NNGP
# posterior and the NTK-GP mean at t = ∞ with σ² added to the kernels' diagonal, and the NTK-GP mean at finite
# gradient-flow times t without it, on the data and kernels of finite-vs-infinite-mnist.json (one-hidden-layer ReLU,
# 2,000 MNIST training images, the 10,000 test images). Each point is one `lab gp` run; the table is
# OUT/kernel-regularization.csv (what, value, NNGP and NTK-GP test MSE and accuracy).
#
#   bash experiments/kernel-regularization-mnist.sh [OUT]        # default results/kernel-regularization-mnist
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-results/kernel-regularization-mnist}
lab=${LAB:-./lab}
mkdir -p "$out/configs"

config() {   # config NAME NOISE TIME
    cat > "$out/configs/$1.json" <<EOF
{
  "arch": {
    "input_shape": [784], "parameterization": "ntk",
    "layers": [
      {"type": "dense", "width": 512, "w_std": 1.414, "b_std": 0.1}, {"type": "relu"},
      {"type": "dense", "width": 10, "w_std": 1.0, "b_std": 0.0}
    ]
  },
  "data": {"source": "mnist", "train_size": 2000, "test_size": 10000, "subset": "random", "seed": 0,
           "normalize": "unit_norm", "one_hot": [-0.1, 0.9]},
  "noise": $2,
  "time": $3
}
EOF
}

# A field of gp.json's "nngp" or "ntk" object: value KIND FIELD FILE.
value() { tr -d ' \n' < "$3" | sed -E "s/.*\"$1\":\\{[^}]*\"$2\":([^,}]*).*/\\1/"; }

runs=()
for noise in 0 1e-4 1e-3 1e-2 3e-2 1e-1 3e-1 1; do config "noise-$noise" "$noise" '"infinity"'; runs+=("noise-$noise"); done
for t in 1 3 10 30 100 300 1000 10000; do config "time-$t" 0 "$t"; runs+=("time-$t"); done

echo "what,value,nngp_test_mse,nngp_test_accuracy,ntkgp_test_mse,ntkgp_test_accuracy" > "$out/kernel-regularization.csv.tmp"
for name in "${runs[@]}"; do
    echo "kernel-regularization: $name"
    $lab gp --config "$out/configs/$name.json" --out "$out/$name" > "$out/$name.log" 2>&1 || { cat "$out/$name.log"; exit 1; }
    json="$out/$name/gp.json"
    echo "${name%%-*},${name#*-},$(value nngp test_mse "$json"),$(value nngp test_accuracy "$json"),$(value ntk test_mse "$json"),$(value ntk test_accuracy "$json")" \
        >> "$out/kernel-regularization.csv.tmp"
done
mv "$out/kernel-regularization.csv.tmp" "$out/kernel-regularization.csv"
cat "$out/kernel-regularization.csv"
