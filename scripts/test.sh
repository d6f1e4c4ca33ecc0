#!/usr/bin/env bash
# Runs the whole test suite after setup, and ends with the plain line "N passed, N failed, N skipped".
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup.sh"
results="$(mktemp -d)"
trap 'rm -rf "$results"' EXIT
status=0
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
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
[ "$failed" -eq 0 ] || status=1
exit "$status"
