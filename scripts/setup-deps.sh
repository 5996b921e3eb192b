#!/usr/bin/env bash
# Installs every Debian 12 package Maskline needs to build, test and run, skipping what is present.
# Root uses apt-get directly; anyone else goes through sudo. Safe to run again: it only installs what is missing.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang-format
  # Qt 6.4: Core/Gui/Widgets/Sql/Network/Test/Concurrent live in qt6-base-dev.
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql
  # qt6-httpserver-dev's CMake config needs WebSockets, and Charts needs OpenGL, or find_package fails.
  qt6-httpserver-dev qt6-websockets-dev qt6-charts-dev libqt6opengl6-dev libgl-dev
  # phone numbers
  libphonenumber-dev libicu-dev libprotobuf-dev libboost-dev
  # tests: a display server for the screenshot test, Node.js + npm for the real twilio client, PostgreSQL for scale-out,
  # clang's libFuzzer and sanitizer runtimes for `make fuzz`
  xvfb xauth fonts-dejavu-core nodejs npm postgresql clang libclang-rt-14-dev llvm
)

# `setup-deps.sh bench` adds what the benchmarks need: nginx as the side-by-side reference, wrk as the load.
if [ "${1:-}" = "bench" ]; then
  PACKAGES+=(nginx-light wrk curl)
fi

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
# Node.js may come from elsewhere than Debian (e.g. a preinstalled nodejs.org build): accept any working node+npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
  filtered=()
  for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || filtered+=("$p"); done
  missing=("${filtered[@]}")
fi

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "setup: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  SUDO="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
