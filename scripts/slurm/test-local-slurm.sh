#!/usr/bin/env bash
# A real test of scripts/slurm/sweep.sh on a private single-node Slurm cluster started here, in a temp folder, by this
# script (slurmctld and slurmd as child processes, own ports, state and logs; auth/none, or munge with its own key
# and socket where Slurm lacks auth/none or LAB_SLURM_AUTH=munge). Two cases, each checked against a one-process
# `lab sweep experiments/drift-regression.json`:
#   1. a 3-task array sweep into one shared folder and its final job: summary.json and summary.csv are byte-identical;
#   2. the same with array task 1 cancelled (scancel) in the middle of its shard: the final job (afterany) reruns what
#      the task left undone, and the result is again byte-identical.
# Installs slurm-wlm and munge with apt when they are missing (root only). Prints one closing line:
# "slurm test: passed …", "slurm test: skipped: REASON" (exit 0) or "slurm test: FAILED: REASON" (exit 1).
# Everything it starts is stopped by process id on exit, and the temp folder removed. LAB_SKIP_SLURM_TEST=1 skips it.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
experiment="drift-regression"
job_timeout=300            # seconds to wait for a job; the whole test takes 1–2 minutes on 2 idle cores
say() { printf 'slurm test: %s\n' "$*" >&2; }
skip() { echo "slurm test: skipped: $*"; exit 0; }

[ -z "${LAB_SKIP_SLURM_TEST:-}" ] || skip "LAB_SKIP_SLURM_TEST is set"
[ "$(uname -s)" = Linux ] || skip "not Linux"
[ "$(id -u)" -eq 0 ] || skip "not root (the test's slurmd runs jobs as SlurmUser=root)"

have_slurm() {
  local c
  for c in slurmctld slurmd sbatch squeue scontrol sinfo scancel; do command -v "$c" >/dev/null || return 1; done
}

# apt-get install, with invoke-rc.d told not to start the packages' system daemons (munged, slurmd, slurmctld):
# only the daemons this test starts, and stops, may run.
policy=/usr/sbin/policy-rc.d
policy_made=0
restore_policy() { if [ "$policy_made" -eq 1 ]; then rm -f "$policy"; policy_made=0; fi; }
install_slurm() {
  command -v apt-get >/dev/null || skip "Slurm is not installed and there is no apt-get (install slurm-wlm and munge)"
  local log; log="$(mktemp)"
  if [ ! -e "$policy" ]; then printf '#!/bin/sh\nexit 101\n' >"$policy"; chmod 755 "$policy"; policy_made=1; fi
  trap restore_policy EXIT
  say "installing slurm-wlm and munge (apt)"
  local apt=(env DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confold)
  if ! "${apt[@]}" install --no-install-recommends slurm-wlm munge >"$log" 2>&1; then
    "${apt[@]}" update >>"$log" 2>&1 || true
    "${apt[@]}" install --no-install-recommends slurm-wlm munge >>"$log" 2>&1 || { tail -n 5 "$log" >&2; rm -f "$log"; restore_policy; skip "apt-get could not install slurm-wlm and munge"; }
  fi
  rm -f "$log"
  restore_policy
  trap - EXIT
}
have_slurm || install_slurm
have_slurm || skip "slurm-wlm is installed but its commands are not on PATH"

started=$SECONDS
tmp="$(mktemp -d /tmp/lab-slurm-test.XXXXXX)"
conf="$tmp/etc/slurm.conf"
mkdir -p "$tmp/etc" "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/run"
daemon_pids=()

# Stops what this test started, by process id: its jobs (scancel), its daemons, then any process that still carries
# this test's own SLURM_CONF in its environment (job steps and their programs, which outlive a killed slurmd).
cleanup() {
  local rc=$? p
  set +e
  trap - EXIT INT TERM
  if [ "${#daemon_pids[@]}" -gt 0 ] && [ -n "${SLURM_CONF:-}" ]; then
    timeout 10 scancel --quiet --user="$(id -un)" >/dev/null 2>&1
    for _ in $(seq 1 20); do
      [ -z "$(timeout 5 squeue -h -o %i 2>/dev/null)" ] && break
      sleep 0.5
    done
  fi
  unset SLURM_CONF
  for p in "${daemon_pids[@]}"; do kill -TERM "$p" 2>/dev/null; done
  for _ in $(seq 1 20); do
    local alive=0
    for p in "${daemon_pids[@]}"; do kill -0 "$p" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.5
  done
  for p in "${daemon_pids[@]}"; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
  for p in /proc/[0-9]*; do
    p="${p#/proc/}"
    [ "$p" = "$$" ] || [ "$p" = "$BASHPID" ] && continue
    if grep -qsxzF "SLURM_CONF=$conf" "/proc/$p/environ"; then kill -KILL "$p" 2>/dev/null; fi
  done
  rm -rf "$tmp"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

fail() {
  echo "slurm test: FAILED: $*"
  local f
  for f in "$tmp"/log/slurmctld.log "$tmp"/log/slurmd.log "$tmp"/out-*/logs/*.log; do
    [ -f "$f" ] || continue
    printf '%s\n' "--- ${f#$tmp/} (last lines)" >&2
    tail -n 15 "$f" >&2
  done
  exit 1
}

# A free TCP port on this machine for each daemon, so that this cluster never meets another one.
free_port() {
  local port used
  used="$( (ss -Htan 2>/dev/null || true) | awk '{print $4}' | sed 's/.*://' | sort -u)"
  for _ in $(seq 1 100); do
    port=$((20000 + RANDOM % 30000))
    if ! grep -qx "$port" <<<"$used" && [ "$port" != "${1:-}" ]; then echo "$port"; return; fi
  done
  echo $((20000 + RANDOM % 30000))
}

# Build once: the jobs run this CLI, none builds.
say "building the CLI"
dotnet build "$root/src/LinearizationLab.Cli" -c Release -nologo -v quiet --disable-build-servers >"$tmp/log/build.log" 2>&1 || { cat "$tmp/log/build.log" >&2; fail "the build failed"; }
lab="$(dotnet msbuild "$root/src/LinearizationLab.Cli" -nologo -getProperty:TargetPath -p:Configuration=Release)"
[ -f "$lab" ] || fail "no built CLI at $lab"
built=$SECONDS

host="$(hostname -s)"
cpus="$(nproc)"
ctld_port="$(free_port)"
slurmd_port="$(free_port "$ctld_port")"

auth="${LAB_SLURM_AUTH:-none}"
if [ "$auth" = none ] && ! compgen -G "/usr/lib/*/slurm-wlm/auth_none.so" >/dev/null && ! compgen -G "/usr/lib*/slurm/auth_none.so" >/dev/null; then
  auth=munge   # this Slurm has no auth/none plugin
fi
auth_lines="AuthType=auth/none
CredType=cred/none"
if [ "$auth" = munge ]; then
  command -v munged >/dev/null || fail "AuthType=auth/munge needs munged (apt-get install munge)"
  mkdir -p "$tmp/munge"
  chmod 700 "$tmp/munge"
  dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
  chmod 400 "$tmp/munge/munge.key"
  munged --foreground --force --socket="$tmp/munge/munge.socket" --key-file="$tmp/munge/munge.key" \
    --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/log/munged.log" --seed-file="$tmp/munge/munged.seed" \
    >"$tmp/log/munged.out" 2>&1 &
  daemon_pids+=($!)
  for _ in $(seq 1 50); do [ -S "$tmp/munge/munge.socket" ] && break; sleep 0.2; done
  [ -S "$tmp/munge/munge.socket" ] || fail "munged did not start: $(tail -n 3 "$tmp/log/munged.out" "$tmp/log/munged.log" 2>/dev/null | tr '\n' ' ')"
  auth_lines="AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/munge.socket"
fi

cat >"$conf" <<EOF
# A private one-node cluster for scripts/slurm/test-local-slurm.sh; everything it writes lies under $tmp.
ClusterName=labtest
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
$auth_lines
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
ReturnToService=2
MinJobAge=3600
KillWait=5
MailProg=/bin/true
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/run/slurmctld.pid
SlurmdPidFile=$tmp/run/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=1024 State=UNKNOWN
PartitionName=debug Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF="$conf"

say "starting slurmctld and slurmd ($auth auth, ports $ctld_port/$slurmd_port, $cpus CPUs)"
slurmctld -D >"$tmp/log/slurmctld.out" 2>&1 &
daemon_pids+=($!)
slurmd -D -N "$host" >"$tmp/log/slurmd.out" 2>&1 &
daemon_pids+=($!)
state=""
for _ in $(seq 1 120); do
  state="$(timeout 5 sinfo -h -N -o %T 2>/dev/null | head -n 1 || true)"
  [ "$state" = idle ] && break
  for p in "${daemon_pids[@]}"; do kill -0 "$p" 2>/dev/null || fail "a Slurm daemon exited at start: $(tail -n 3 "$tmp"/log/*.out | tr '\n' ' ')"; done
  sleep 0.5
done
[ "$state" = idle ] || fail "the node did not become idle (state '${state:-none}')"
cluster_ready=$SECONDS

say "one-process reference: lab sweep experiments/$experiment.json"
OMP_NUM_THREADS="$cpus" dotnet "$lab" sweep "$root/experiments/$experiment.json" --out "$tmp/one" >"$tmp/log/one.log" 2>&1 || { tail -n 20 "$tmp/log/one.log" >&2; fail "the one-process sweep failed"; }
reference_done=$SECONDS

job_state() { timeout 10 scontrol show job "$1" -o 2>/dev/null | head -n 1 | grep -o 'JobState=[A-Z_]*' | cut -d= -f2 || true; }

# Waits until job $1 has ended; prints its final state.
wait_job() {
  local id="$1" s="" t0=$SECONDS
  while [ $((SECONDS - t0)) -lt "$job_timeout" ]; do
    s="$(job_state "$id")"
    case "$s" in
      COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE) echo "$s"; return 0 ;;
    esac
    sleep 1
  done
  echo "TIMEOUT_WAITING(${s:-unknown})"
}

# Submits the sweep into $1 (3 tasks; each takes every CPU, so they run one after another, and lab-job.sh sets
# OMP_NUM_THREADS to that count, as for the reference run: libtorch's float64 sums depend on it in the last bits).
# Sets array_job and final_job.
submit_sweep() {
  local out
  out="$(bash "$root/scripts/slurm/sweep.sh" "$experiment" --tasks 3 --out "$1" --no-build \
         --cpus-per-task="$cpus" --time=15 2>"$tmp/log/submit.err")" || { cat "$tmp/log/submit.err" >&2; fail "sweep.sh failed"; }
  printf '%s\n' "$out" >&2
  array_job="$(sed -n 's/^array job \([0-9][0-9]*\):.*/\1/p' <<<"$out")"
  final_job="$(sed -n 's/^final job \([0-9][0-9]*\):.*/\1/p' <<<"$out")"
  [ -n "$array_job" ] && [ -n "$final_job" ] || fail "sweep.sh did not print the job ids"
}

# The merged result in $1 must equal the one-process result byte for byte (summary.json holds no wall times).
same_as_reference() {
  local f
  for f in summary.json summary.csv; do
    [ -f "$1/$f" ] || fail "${1#$tmp/}/$f is missing"
    cmp -s "$tmp/one/$f" "$1/$f" || fail "${1#$tmp/}/$f differs from the one-process sweep's"
  done
  [ "$(ls "$1/runs" | grep -c '\.json$')" -eq "$(ls "$tmp/one/runs" | grep -c '\.json$')" ] || fail "${1#$tmp/}/runs has not every run"
  if ls -A "$1/runs" | grep -q '\.tmp$'; then say "note: a temp file was left in ${1#$tmp/}/runs (a write cut by a kill; never read)"; fi
}

# Case 1: the array and its final job.
say "case 1: 3-task array sweep into one folder, then the final job"
submit_sweep "$tmp/out-array"
s="$(wait_job "$final_job")"
[ "$s" = COMPLETED ] || fail "final job $final_job ended $s"
for i in 0 1 2; do
  s="$(job_state "${array_job}_$i")"
  [ "$s" = COMPLETED ] || fail "array task ${array_job}_$i ended $s"
  grep -q "sweep: shard $i/3 from SLURM_ARRAY_TASK_ID=$i" "$tmp"/out-array/logs/task-"${array_job}_$i".log \
    || fail "array task $i did not report shard $i/3 from SLURM_ARRAY_TASK_ID"
done
grep -q '^ran 0 runs' "$tmp"/out-array/logs/final-"$final_job".log || fail "the final job ran runs although no task failed"
same_as_reference "$tmp/out-array"
case1_done=$SECONDS

# Case 2: task 1 is cancelled once it has written its first run file; the final job must make up for it.
say "case 2: the same, with array task 1 cancelled in the middle of its shard"
submit_sweep "$tmp/out-kill"
t0=$SECONDS
until [ "$(job_state "${array_job}_1")" = RUNNING ]; do
  [ $((SECONDS - t0)) -lt "$job_timeout" ] || fail "array task ${array_job}_1 never ran"
  sleep 0.2
done
before="$(ls "$tmp/out-kill/runs" 2>/dev/null | grep -c '\.json$' || true)"
until [ "$(ls "$tmp/out-kill/runs" 2>/dev/null | grep -c '\.json$' || true)" -gt "$before" ]; do
  [ "$(job_state "${array_job}_1")" = RUNNING ] || break
  sleep 0.1
done
scancel "${array_job}_1"
killed_with="$(ls "$tmp/out-kill/runs" | grep -c '\.json$' || true)"
s="$(wait_job "$final_job")"
[ "$s" = COMPLETED ] || fail "final job $final_job ended $s after the kill"
s="$(job_state "${array_job}_1")"
[ "$s" = CANCELLED ] || fail "array task ${array_job}_1 ended $s: the kill came too late to test anything"
redone="$(sed -n 's/^ran \([0-9][0-9]*\) runs.*/\1/p' "$tmp"/out-kill/logs/final-"$final_job".log)"
[ "${redone:-0}" -ge 1 ] || fail "the final job reran no run although task 1 was cancelled"
same_as_reference "$tmp/out-kill"
case2_done=$SECONDS

echo "slurm test: passed in $((SECONDS - started)) s (build $((built - started)) s, cluster start $((cluster_ready - built)) s, one-process sweep $((reference_done - cluster_ready)) s, 3-task array + final job $((case1_done - reference_done)) s, kill case $((case2_done - case1_done)) s: task 1 cancelled with $killed_with of 15 runs written, the final job reran $redone)"
