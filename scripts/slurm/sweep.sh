#!/usr/bin/env bash
# Runs a width sweep on a Slurm cluster: an array job of K tasks, each `lab sweep` of its shard into ONE shared output
# folder, and a final job that runs `lab sweep` unsharded on that folder: it resumes (keeps every finished run file,
# reruns any that is missing) and writes summary.json, summary.csv and the figures.
#
#   scripts/slurm/sweep.sh NAME.json [--tasks K] [--out DIR] [--no-build] [sbatch options...]
#     NAME.json   experiments/NAME.json (or NAME, or a path to a sweep file)
#     --tasks K   array tasks (default $LAB_SLURM_TASKS, else 4; never more than the sweep has runs)
#     --out DIR   the shared output folder (default results/NAME in the repository)
#     --no-build  use the CLI as already built (dotnet build -c Release) instead of building it first
#     anything else goes to both sbatch calls: --partition=gpu, --time=2:00:00, --cpus-per-task=4, --account=…
#
# Prints the ids of the two jobs. The repository (with its built CLI and .data/) and the output folder must be on a
# file system that every node sees (NFS, Lustre, …); run files are written atomically, so tasks never see half a file.
#
# Why the final job waits with afterany and not afterok: with afterok, one task killed (scancel, node failure, time
# limit, preemption) or failed would leave the final job waiting forever and the sweep without a summary. With
# afterany it starts once every task has ended, however it ended, and since `lab sweep` resumes, it reruns exactly
# the runs the dead task did not finish (a run file is only written, atomically, when its run is complete), so the
# result is the same as if nothing had gone wrong. It gets the same sbatch options as the tasks, and lab-job.sh sets
# OMP_NUM_THREADS to --cpus-per-task, so a run it redoes uses the same thread count and gives the same numbers
# (libtorch's float64 sums depend on it in the last bits). Both jobs are submitted with --requeue: a requeued task
# simply resumes its shard.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
say() { printf 'sweep.sh: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }
usage() { sed -n '2,12p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' >&2; exit 2; }

[ $# -ge 1 ] || usage
case "$1" in -h|--help) usage ;; esac
spec_arg="$1"; shift
tasks="${LAB_SLURM_TASKS:-4}"
out=""
build=1
sbatch_args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --tasks) [ $# -ge 2 ] || die "--tasks needs a value"; tasks="$2"; shift 2 ;;
    --tasks=*) tasks="${1#--tasks=}"; shift ;;
    --out) [ $# -ge 2 ] || die "--out needs a value"; out="$2"; shift 2 ;;
    --out=*) out="${1#--out=}"; shift ;;
    --no-build) build=0; shift ;;
    --array|--array=*|--dependency|--dependency=*|-a|-d)
      die "$1 is set by this script (--tasks K gives the array size)" ;;
    *) sbatch_args+=("$1"); shift ;;
  esac
done
[[ "$tasks" =~ ^[1-9][0-9]*$ ]] || die "--tasks '$tasks' is not a whole number ≥ 1"

# The sweep file: a path as given, else experiments/NAME or experiments/NAME.json.
if [ -f "$spec_arg" ]; then spec="$spec_arg"
elif [ -f "$root/experiments/$spec_arg" ]; then spec="$root/experiments/$spec_arg"
elif [ -f "$root/experiments/$spec_arg.json" ]; then spec="$root/experiments/$spec_arg.json"
else die "no sweep file $spec_arg (nor experiments/$spec_arg[.json])"
fi
spec="$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"
name="$(basename "$spec" .json)"
out="${out:-$root/results/$name}"
mkdir -p "$out/logs"
out="$(cd "$out" && pwd)"

# No more tasks than runs (grid points × widths × seeds), where jq or python3 can count them; an extra task would find
# its shard empty.
runs=""
if command -v jq >/dev/null; then
  runs="$(jq -r '(.widths | length) * (if (.seeds | type) == "number" then .seeds else (.seeds | length) end) * ([(.grid // {})[] | length] | reduce .[] as $n (1; . * $n))' "$spec" 2>/dev/null || true)"
elif command -v python3 >/dev/null; then
  runs="$(python3 -c 'import json,math,sys; s=json.load(open(sys.argv[1])); n=s["seeds"]; print(len(s["widths"]) * (n if isinstance(n, int) else len(n)) * math.prod(len(v) for v in s.get("grid", {}).values()))' "$spec" 2>/dev/null || true)"
fi
if [[ "$runs" =~ ^[1-9][0-9]*$ ]] && [ "$runs" -lt "$tasks" ]; then tasks="$runs"; fi

# Build once here, so that the tasks do not build concurrently; they all run this one CLI.
if [ "$build" -eq 1 ]; then
  bash "$root/scripts/setup.sh"
  say "building the CLI (dotnet build -c Release)"
  dotnet build "$root/src/LinearizationLab.Cli" -c Release -nologo -v quiet >&2 || die "the build failed"
fi
lab="$(dotnet msbuild "$root/src/LinearizationLab.Cli" -nologo -getProperty:TargetPath -p:Configuration=Release)"
[ -f "$lab" ] || die "the CLI is not built ($lab); run dotnet build -c Release, or leave out --no-build"

submit() { local id; id="$(sbatch --parsable "$@")" || die "sbatch failed: sbatch $*"; printf '%s' "${id%%;*}"; }

common=(--chdir="$root" --requeue --open-mode=append "${sbatch_args[@]}")
array_job="$(submit "${common[@]}" --job-name="lab-$name" --array="0-$((tasks - 1))" \
  --output="$out/logs/task-%A_%a.log" \
  "$root/scripts/slurm/lab-job.sh" "$lab" sweep "$spec" --out "$out")"
final_job="$(submit "${common[@]}" --job-name="lab-$name-final" --dependency="afterany:$array_job" \
  --output="$out/logs/final-%j.log" \
  "$root/scripts/slurm/lab-job.sh" "$lab" sweep "$spec" --out "$out" --shard 0/1)"

echo "array job $array_job: $tasks tasks of lab sweep $spec --out $out (shard from SLURM_ARRAY_TASK_ID)"
echo "final job $final_job: after every task has ended (afterany:$array_job), lab sweep --shard 0/1 on the same folder: reruns what is missing, writes summary.json, summary.csv, plots/"
echo "logs: $out/logs/"
