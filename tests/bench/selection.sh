#!/usr/bin/env bash
# The store-size rows of tests/bench/run.sh: number selection (session create with two participants, automatic
# selection) on a 5,000-number pool holding 1k / 100k / 1M active sessions, and cold start (process start to
# "listening on") on each of those stores. Stores come from maskline-gen-demo; ratios are to run.sh's nginx ($REF).
#
#   REF=… SERVER=… GEN=… DURATION=… bash tests/bench/selection.sh      (run.sh calls it; SELECTION=0 leaves it out)
#   SELECTION_SIZES="1000 100000 1000000" (default) — active sessions per store
set -euo pipefail
: "${REF:?}" "${SERVER:?}" "${GEN:?}" "${DURATION:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
SERVER_PID=
cleanup() {
  [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
hex() { head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

row() { # name rps p50 p99 extra
  awk -v n="$1" -v r="$2" -v a="$3" -v b="$4" -v ref="$REF" -v x="$5" \
    'BEGIN { printf "| %-36s | %9.0f | %7.2f | %7.2f | %6.3f | %s\n", n, r, a, b, (ref > 0 ? r / ref : 0), x }'
}
load() {
  wrk -t2 -c32 -d"${DURATION}s" --latency "$@" > "$work/wrk.out" 2>&1 || true
  awk '
    function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
    /Requests\/sec/ { rps = $2 }
    /^ +50%/ { p50 = ms($2) }
    /^ +99%/ { p99 = ms($2) }
    / requests in / { done = $1 }
    /Non-2xx or 3xx/ { bad = $5 }
    END { printf "%s %.2f %.2f %d %d\n", rps, p50, p99, done, bad + 0 }' "$work/wrk.out"
}

for active in ${SELECTION_SIZES:-1000 100000 1000000}; do
  SID=AC$(hex); TOKEN=$(hex)
  db="$work/store-$active.db"
  gen_start=$(date +%s.%N)
  # (its store's migration lines stay out of the table)
  QT_LOGGING_RULES='maskline.store.info=false' \
    "$GEN" --db "$db" --sessions "$active" --active-percent 100 --services 1 --numbers-per-service 5000 \
    --interactions-per-session 0 --account-sid "$SID" --auth-token "$TOKEN" > "$work/gen.out"
  gen_s=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
  # Cold start: the page cache holds the file (it was just written), as on a restart; timed from exec to the
  # "listening on" line by start.py.
  read -r PORT START_MS SERVER_PID < <(python3 "$HERE/start.py" "$work" "$SERVER" --db "$db" --rate-limit off \
    --log-level warning)
  URL="http://127.0.0.1:$PORT"
  AUTH="Basic $(printf '%s:%s' "$SID" "$TOKEN" | base64 -w0)"
  KS=$(curl -sf -H "Authorization: $AUTH" "$URL/v1/Services?PageSize=1" | python3 -c \
    'import json,sys; print(json.load(sys.stdin)["services"][0]["sid"])')
  # Identifiers the demo store never used (its customers are +1 415 555 …), so every create selects afresh.
  read -r r a b done bad < <(BENCH_AUTH="$AUTH" load -s "$HERE/create.lua" "$URL/v1/Services/$KS/Sessions")
  label=$(awk -v n="$active" 'BEGIN { if (n >= 1000000) printf "%gM", n / 1000000; else printf "%gk", n / 1000 }')
  row "POST session + 2, ${label} active, 5k pool" "$r" "$a" "$b" \
    "cold start ${START_MS} ms; store written in ${gen_s} s; non-2xx $bad"
  kill "$SERVER_PID" 2>/dev/null || true
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
  rm -f "$db" "$db"-wal "$db"-shm
done
