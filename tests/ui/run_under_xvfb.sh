#!/bin/sh
# Runs a test under a throw-away X server. Without xvfb-run the test FAILS: a screenshot test that silently skips
# proves nothing. `make test` installs xvfb (scripts/setup-deps.sh).
if ! command -v xvfb-run >/dev/null 2>&1; then
  echo "FAIL: xvfb-run is not installed, so the screenshot test cannot run. Install the 'xvfb' package" >&2
  echo "      (scripts/setup-deps.sh does) and run again." >&2
  exit 1
fi
exec xvfb-run -a -s "-screen 0 1600x1000x24" "$@"
