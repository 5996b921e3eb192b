#!/usr/bin/env bash
# Installs the Debian 12 packages Maskline needs, skipping what is present. Root uses apt-get directly; anyone else
# goes through sudo. Safe to run again: it only installs what is missing.
#
#   setup-deps.sh          what building and running need (`make build`, `make run`, `make serve`, `make package`)
#   setup-deps.sh test     that plus the test tools (`make test`)
#   setup-deps.sh bench    that plus the benchmark tools (`make bench`)
#   setup-deps.sh fuzz     that plus the test tools and clang's libFuzzer and sanitizer runtimes (`make fuzz`)
set -euo pipefail

# Building and running.
BUILD_PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config ccache clang-format
  # Qt 6.4: Core/Gui/Widgets/Sql/Network/Test/Concurrent live in qt6-base-dev.
  qt6-base-dev qt6-base-dev-tools libqt6sql6-sqlite libqt6sql6-psql
  # the store runs statements through SQLite's C API on the Qt driver's handle (engine/store/sqlquery.cpp)
  libsqlite3-dev
  # Charts' CMake config needs OpenGL, or find_package fails.
  qt6-charts-dev libqt6opengl6-dev libgl-dev
  # the console's translations: lupdate/lrelease, and the Qt6LinguistTools CMake package (qt_add_translations)
  qt6-l10n-tools qt6-tools-dev
  # the console's SVG window icon renders only with the SVG image plugin
  libqt6svg6
  # phone numbers; Boost is also Beast's HTTP parser for carrier sends (engine/carrier/apiclient.cpp)
  libphonenumber-dev libicu-dev libprotobuf-dev libboost-dev
  # the executables initialise OpenSSL before Qt does (app/tlsexit.h)
  libssl-dev
)

# Only the tests need these.
TEST_PACKAGES=(
  # a display server for the screenshot test
  xvfb xauth fonts-dejavu-core
  # Node.js + npm for the real twilio client
  nodejs npm
  # PostgreSQL for the scale-out store
  postgresql
  # openssl makes the TLS test's certificate; promtool (in Debian's prometheus package) checks /metrics
  openssl prometheus
)

# The benchmarks: nginx as the side-by-side reference, wrk as the load.
BENCH_PACKAGES=(nginx-light wrk curl)

# `make fuzz`: clang's libFuzzer and sanitizer runtimes (the corpus replays in `make test` need neither).
FUZZ_PACKAGES=(clang libclang-rt-14-dev llvm)

PACKAGES=("${BUILD_PACKAGES[@]}")
case "${1:-}" in
  "") ;;
  test) PACKAGES+=("${TEST_PACKAGES[@]}") ;;
  bench) PACKAGES+=("${TEST_PACKAGES[@]}" "${BENCH_PACKAGES[@]}") ;;
  fuzz) PACKAGES+=("${TEST_PACKAGES[@]}" "${FUZZ_PACKAGES[@]}") ;;
  *) echo "usage: setup-deps.sh [test|bench|fuzz]" >&2; exit 2 ;;
esac

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
