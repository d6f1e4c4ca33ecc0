#!/usr/bin/env bash
# Runs the whole test suite after setup, and ends with the plain line "N passed, N failed, N skipped".
# First the Slurm test (scripts/slurm/test-local-slurm.sh: a real array sweep on a private one-node cluster; it
# counts as one test, skipped where it cannot run, or with LAB_SKIP_SLURM_TEST=1), then the xunit suite.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0

slurm_status=0
bash "$root/scripts/slurm/test-local-slurm.sh" </dev/null | tee "$results/slurm.txt" || slurm_status=$?
slurm_passed=0; slurm_failed=0; slurm_skipped=0
if grep -q '^slurm test: skipped' "$results/slurm.txt" && [ "$slurm_status" -eq 0 ]; then slurm_skipped=1
elif grep -q '^slurm test: passed' "$results/slurm.txt" && [ "$slurm_status" -eq 0 ]; then slurm_passed=1
else
  slurm_failed=1
  grep -q '^slurm test: ' "$results/slurm.txt" || echo "slurm test: FAILED (exit code $slurm_status)"
fi

dotnet test "$root/tests/LinearizationLab.Tests" -c Release \
  --logger "trx;LogFileName=tests.trx" --results-directory "$results" "$@" || status=$?
trx="$(find "$results" -name '*.trx' | head -n 1)"
if [ -z "$trx" ]; then
  echo "no test results were written" >&2
  exit 1
fi
counters="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
count() { printf '%s' "$counters" | grep -o " $1=\"[0-9]*\"" | grep -o '[0-9]*'; }
passed="$(count passed)"; failed="$(count failed)"; total="$(count total)"; executed="$(count executed)"
skipped=$((total - executed))
passed=$((passed + slurm_passed)); failed=$((failed + slurm_failed)); skipped=$((skipped + slurm_skipped))
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] || status=1
exit "$status"
