#!/usr/bin/env bash
# Builds the Debian 13 (trixie) chroot that holds PyTorch for the side-by-side measuring stick
# (bench/pytorch/sweep_step.py). PyTorch is never a dependency of LinearizationLab: it lives only here.
#
#   sudo nice -n 19 bash bench/pytorch/setup-chroot.sh        # chroot at $TORCH_CHROOT (default /opt/lab-pytorch-chroot)
#
# Idempotent: when the chroot already has python3-torch and python3-numpy installed it says so and
# stops (a second run takes well under a second). Otherwise, as root:
#   1. installs debootstrap with apt if it is missing;
#   2. debootstrap --variant=minbase trixie "$TORCH_CHROOT" MIRROR, with MIRROR read from this
#      machine's own apt configuration (deb822 `URIs:` in /etc/apt/sources.list.d/*.sources, else the
#      one-line `deb URI ...` form); $TORCH_MIRROR overrides it;
#   3. inside the chroot, with /proc mounted for the duration (unmounted again on exit, also on error):
#      apt-get install -y --no-install-recommends python3-torch python3-numpy libopenblas0-openmp.
#
# Why libopenblas0-openmp: Debian's libtorch calls whatever libblas.so.3 the alternatives system points at
# (BLAS_INFO=generic) and only *recommends* an optimized one; with --no-install-recommends it gets the
# netlib reference BLAS (libblas3), whose GEMMs run at a few GFLOP/s and would make every timing
# meaningless. The OpenMP build of OpenBLAS shares libtorch's OpenMP runtime, so torch.set_num_threads
# governs it too. TORCH_BLAS=other-package picks another (e.g. libblis4-openmp); TORCH_BLAS= (empty) keeps
# the reference BLAS.
# The host's apt sources are not touched.
set -euo pipefail

CHROOT=${TORCH_CHROOT:-/opt/lab-pytorch-chroot}
SUITE=trixie
PACKAGES=(python3-torch python3-numpy)
BLAS=${TORCH_BLAS-libopenblas0-openmp}
if [[ -n $BLAS ]]; then PACKAGES+=("$BLAS"); fi

say() { printf 'setup-chroot: %s\n' "$*"; }
die() { printf 'setup-chroot: error: %s\n' "$*" >&2; exit 1; }

# ---- 0. already done? (a dpkg-query in the chroot: no network, no torch import) -------------------
installed() {
    [[ -x "$CHROOT/usr/bin/python3" && -x "$CHROOT/usr/bin/dpkg-query" ]] || return 1
    local status
    status=$(chroot "$CHROOT" dpkg-query -W -f='${Status}\n' "${PACKAGES[@]}" 2>/dev/null) || return 1
    [[ $(grep -c '^install ok installed$' <<<"$status") -eq ${#PACKAGES[@]} ]]
}

[[ $(id -u) -eq 0 ]] || die "must run as root (debootstrap and chroot need it)"

if installed; then
    say "ready: $CHROOT has ${PACKAGES[*]} ($(chroot "$CHROOT" dpkg-query -W -f='python3-torch ${Version}' python3-torch))"
    exit 0
fi

# ---- 1. debootstrap ------------------------------------------------------------------------------
if ! command -v debootstrap >/dev/null 2>&1; then
    say "installing debootstrap"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends debootstrap \
        || { apt-get update && apt-get install -y --no-install-recommends debootstrap; }
fi

# ---- 2. the mirror, from this machine's apt configuration ----------------------------------------
# The first archive URI that is not a security or updates-only source; the same mirror serves trixie.
host_mirror() {
    local f uri
    # deb822 (.sources): "URIs: http://host/debian [more]"
    for f in /etc/apt/sources.list.d/*.sources; do
        [[ -r $f ]] || continue
        while read -r uri; do
            [[ $uri == *security* ]] && continue
            echo "$uri"; return 0
        done < <(awk 'tolower($1) == "uris:" { for (i = 2; i <= NF; i++) print $i }' "$f")
    done
    # one-line form: "deb [options] http://host/debian suite components"
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [[ -r $f ]] || continue
        while read -r uri; do
            [[ $uri == *security* ]] && continue
            echo "$uri"; return 0
        done < <(awk '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ } print $i }' "$f")
    done
    return 1
}

MIRROR=${TORCH_MIRROR:-$(host_mirror || true)}
[[ -n $MIRROR ]] || die "no Debian mirror found in /etc/apt/sources.list{,.d/*}; set TORCH_MIRROR=http://.../debian"
MIRROR=${MIRROR%/}

# ---- 3. the base system ----------------------------------------------------------------------------
# debootstrap deletes $CHROOT/debootstrap when it finishes; a leftover one means an interrupted run,
# which debootstrap can resume over.
if [[ -x "$CHROOT/usr/bin/apt-get" && ! -d "$CHROOT/debootstrap" ]]; then
    say "base system present in $CHROOT"
else
    script=()
    # Older debootstraps without a trixie script build it with the sid script (trixie's rules are the same).
    [[ -e /usr/share/debootstrap/scripts/$SUITE ]] || script=(/usr/share/debootstrap/scripts/sid)
    say "debootstrap --variant=minbase $SUITE $CHROOT $MIRROR"
    mkdir -p "$CHROOT"
    debootstrap --variant=minbase "$SUITE" "$CHROOT" "$MIRROR" "${script[@]}"
fi

# ---- 4. PyTorch inside the chroot ----------------------------------------------------------------
PROC_MOUNTED=0
cleanup() {
    if [[ $PROC_MOUNTED -eq 1 ]] && mountpoint -q "$CHROOT/proc"; then umount "$CHROOT/proc" || umount -l "$CHROOT/proc"; fi
    rm -f "$CHROOT/usr/sbin/policy-rc.d"
}
trap cleanup EXIT

if ! mountpoint -q "$CHROOT/proc"; then
    mount -t proc proc "$CHROOT/proc"
    PROC_MOUNTED=1
fi
# Name resolution for apt inside the chroot, and no service starts from maintainer scripts.
cp -L /etc/resolv.conf "$CHROOT/etc/resolv.conf"
printf '#!/bin/sh\nexit 101\n' >"$CHROOT/usr/sbin/policy-rc.d"
chmod 755 "$CHROOT/usr/sbin/policy-rc.d"

in_chroot() {
    chroot "$CHROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin LC_ALL=C.UTF-8 \
        DEBIAN_FRONTEND=noninteractive "$@"
}
say "apt-get install ${PACKAGES[*]} in $CHROOT"
in_chroot apt-get update
in_chroot apt-get install -y --no-install-recommends "${PACKAGES[@]}"
in_chroot apt-get clean

installed || die "python3-torch/python3-numpy did not install in $CHROOT"
say "ready: $CHROOT has ${PACKAGES[*]} ($(chroot "$CHROOT" dpkg-query -W -f='python3-torch ${Version}' python3-torch))"
