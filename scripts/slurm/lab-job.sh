#!/usr/bin/env bash
# The batch script of scripts/slurm/sweep.sh's jobs: runs the built lab CLI (LAB_DLL) with the remaining arguments.
#   sbatch … scripts/slurm/lab-job.sh LAB_DLL sweep experiments/NAME.json --out DIR [--shard 0/1]
# Without --shard, `lab sweep` takes its shard from SLURM_ARRAY_TASK_ID − SLURM_ARRAY_TASK_MIN of SLURM_ARRAY_TASK_COUNT.
set -euo pipefail
lab="$1"; shift
printf 'lab-job: job %s%s on %s, attempt %s: lab %s\n' "${SLURM_JOB_ID:-?}" \
  "${SLURM_ARRAY_TASK_ID:+ (array ${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID})}" "$(hostname -s)" \
  "$(( ${SLURM_RESTART_COUNT:-0} + 1 ))" "$*" >&2
# libtorch's float64 sums depend in their last bits on the thread count: one count for every task and the final
# job (the CPUs they were given) keeps a sweep's numbers the same wherever its runs ran.
if [ -n "${SLURM_CPUS_PER_TASK:-}" ] && [ -z "${OMP_NUM_THREADS:-}" ]; then export OMP_NUM_THREADS="$SLURM_CPUS_PER_TASK"; fi
exec dotnet "$lab" "$@"
