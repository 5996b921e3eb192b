#!/usr/bin/env bash
# Runs libFuzzer targets built by `make fuzz`: run.sh BUILD_DIR SECONDS TARGET... Each starts from its committed corpus
# (read only) and writes what it finds to BUILD_DIR/corpus/TARGET; a crash stops that target, is saved under
# BUILD_DIR/artifacts and fails the run (copy it into tests/fuzz/corpus/TARGET once fixed: it is then a regression
# test that `make test` replays). One summary line per target at the end.
set -uo pipefail
build=$1; seconds=$2; shift 2
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$build/artifacts"
summary=(); failed=0
for t in "$@"; do
  mkdir -p "$build/corpus/$t"
  log="$build/fuzz-$t.log"
  echo "fuzz: $t for ${seconds}s (log: $log)"
  "$build/tests/fuzz/fuzz_$t" -max_total_time="$seconds" -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 \
    -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "$here/corpus/$t" >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
  if [ $rc -ne 0 ]; then
    failed=1
    summary+=("$t: FAILED after ${runs:-?} executions ($cov); see $log and $build/artifacts/")
  else
    summary+=("$t: ${runs:-?} executions in ${seconds}s, no crash ($cov)")
  fi
done
printf '%s\n' "${summary[@]}"
exit $failed
