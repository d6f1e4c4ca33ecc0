#!/usr/bin/env bash
# Runs the PyTorch measuring stick inside the chroot built by setup-chroot.sh:
#
#   sudo bash bench/pytorch/run.sh MODE [OPTIONS]        # MODE: gd-step | sweep-step | run | check | cnn-step | cnn-ntk
#   sudo bash bench/pytorch/run.sh --help
#
# Copies sweep_step.py into $TORCH_CHROOT/opt/lab-bench/ and runs it there with python3 in a clean
# environment (OMP_NUM_THREADS, MKL_NUM_THREADS and the rest of the caller's environment are not passed;
# the script itself calls torch.set_num_threads). /proc is mounted in the chroot for the run and unmounted
# afterwards if this script mounted it: without it PyTorch cannot read /proc/cpuinfo and falls back to its
# slowest (no-AVX) kernels. Runs are serialized by a lock so that two benchmarks never overlap.
set -euo pipefail

CHROOT=${TORCH_CHROOT:-/opt/lab-pytorch-chroot}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { printf 'run.sh: error: %s\n' "$*" >&2; exit 1; }
[[ $(id -u) -eq 0 ]] || die "must run as root (chroot needs it)"
[[ -x "$CHROOT/usr/bin/python3" ]] || die "no chroot at $CHROOT; run: sudo bash $HERE/setup-chroot.sh"

mkdir -p "$CHROOT/opt/lab-bench"
install -m 644 "$HERE/sweep_step.py" "$CHROOT/opt/lab-bench/sweep_step.py"

exec 9>"$CHROOT/opt/lab-bench/.lock"
flock -n 9 || { echo "run.sh: waiting for another run in $CHROOT to finish" >&2; flock 9; }

PROC_MOUNTED=0
cleanup() { if [[ $PROC_MOUNTED -eq 1 ]]; then umount "$CHROOT/proc" || umount -l "$CHROOT/proc"; fi; }
trap cleanup EXIT
if ! mountpoint -q "$CHROOT/proc"; then
    mount -t proc proc "$CHROOT/proc"
    PROC_MOUNTED=1
fi

chroot "$CHROOT" /usr/bin/env -i PATH=/usr/bin:/bin HOME=/root LC_ALL=C.UTF-8 PYTHONDONTWRITEBYTECODE=1 \
    python3 -u /opt/lab-bench/sweep_step.py "$@"
