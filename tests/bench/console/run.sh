#!/usr/bin/env bash
# Console scale benchmark: first rows shown, a filter by identifier, peak RSS at 1M sessions / 10M interactions.
#   tests/bench/console/run.sh [BUILD_DIR] [STORE]
# The store (~7 GB) is generated once with maskline-gen-demo and reused.
set -euo pipefail
BUILD_DIR=${1:-build}
STORE=${2:-${TMPDIR:-/tmp}/maskline-bench-1m.db}
cmake --build "$BUILD_DIR" --target maskline-gen-demo maskline-bench-console
if [ ! -f "$STORE" ]; then
  "$BUILD_DIR/tests/tools/maskline-gen-demo" --db "$STORE" --sessions 1000000 --interactions-per-session 10
fi
# Cold-ish start: drop what a previous run left in the page cache when we may.
sync; (echo 3 > /proc/sys/vm/drop_caches) 2>/dev/null || true
QT_QPA_PLATFORM=offscreen QT_LOGGING_RULES='maskline.*.info=false' \
  "$BUILD_DIR/tests/bench/console/maskline-bench-console" --db "$STORE"
