#!/usr/bin/env bash
# The store-size rows of tests/bench/run.sh: number selection (session create with two participants, automatic
# selection) on a 5,000-number pool holding 1k / 100k / 1M active sessions, and cold start (process start to
# "listening on") on each of those stores. Stores come from maskline-gen-demo; ratios are to run.sh's nginx ($REF).
#
#   REF=… SERVER=… GEN=… DURATION=… bash tests/bench/selection.sh      (run.sh calls it; SELECTION=0 leaves it out)
#   SELECTION_SIZES="1000 100000 1000000" (default) — active sessions per store
#   ROUNDS=3 (default) — interleaved rounds, each on a fresh copy of every store; each row is its median round
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

SIZES=${SELECTION_SIZES:-1000 100000 1000000}
ROUNDS=${ROUNDS:-3}
median() { sort -n -k1,1 | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }
declare -A SIDS TOKENS GEN_S RUNS RATIOS
for active in $SIZES; do
  SIDS[$active]=AC$(hex); TOKENS[$active]=$(hex)
  gen_start=$(date +%s.%N)
  # (its store's migration lines stay out of the table)
  QT_LOGGING_RULES='maskline.store.info=false' \
    "$GEN" --db "$work/store-$active.db" --sessions "$active" --active-percent 100 --services 1 \
    --numbers-per-service 5000 --interactions-per-session 0 --account-sid "${SIDS[$active]}" \
    --auth-token "${TOKENS[$active]}" > "$work/gen.out"
  GEN_S[$active]=$(awk -v a="$gen_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }')
done

# Each round loads a fresh copy of every store (a round's creates would otherwise grow the next round's store),
# the sizes interleaved, so a slow moment of the machine does not land on one size only; each row is its median run.
for _ in $(seq "$ROUNDS"); do
  for active in $SIZES; do
    db="$work/run.db"
    rm -f "$db" "$db"-wal "$db"-shm
    cp "$work/store-$active.db" "$db"
    sync "$db" # else the copy's writeback (1.4 GB at 1M) competes with the load's fsyncs
    # Cold start: the page cache holds the file (it was just copied), as on a restart; timed from exec to the
    # "listening on" line by start.py.
    read -r PORT START_MS SERVER_PID < <(python3 "$HERE/start.py" "$work" "$SERVER" --db "$db" --rate-limit off \
      --log-level warning)
    URL="http://127.0.0.1:$PORT"
    AUTH="Basic $(printf '%s:%s' "${SIDS[$active]}" "${TOKENS[$active]}" | base64 -w0)"
    KS=$(curl -sf -H "Authorization: $AUTH" "$URL/v1/Services?PageSize=1" | python3 -c \
      'import json,sys; print(json.load(sys.stdin)["services"][0]["sid"])')
    # The load measures the steady cost of a create: the start-up in_use check (a recount of every active session
    # on its own thread, at the lowest priority) runs first; how long it took goes in the notes.
    check_start=$(date +%s.%N)
    for _ in $(seq 1200); do
      curl -sf "$URL/metrics" | grep -qx 'maskline_in_use_check_running 0' && break
      sleep 0.1
    done
    check_s=$(awk -v a="$check_start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
    # Identifiers the demo store never used (its customers are +1 415 555 …), so every create selects afresh.
    read -r r a b done bad < <(BENCH_AUTH="$AUTH" load -s "$HERE/create.lua" "$URL/v1/Services/$KS/Sessions")
    RUNS[$active]+="$r $a $b $bad $START_MS $check_s"$'\n'
    RATIOS[$active]+=$(awk -v a="$r" -v b="$REF" 'BEGIN { printf " %.3f", (b > 0 ? a / b : 0) }')
    # (start.py's child, not this shell's: wait for it to be gone, so the next round may take the store's lock)
    kill "$SERVER_PID" 2>/dev/null || true
    while kill -0 "$SERVER_PID" 2>/dev/null; do sleep 0.05; done
    SERVER_PID=
  done
done
rm -f "$work/run.db" "$work/run.db"-wal "$work/run.db"-shm

for active in $SIZES; do
  read -r r a b bad start_ms check_s < <(printf '%s' "${RUNS[$active]}" | median)
  label=$(awk -v n="$active" 'BEGIN { if (n >= 1000000) printf "%gM", n / 1000000; else printf "%gk", n / 1000 }')
  row "POST session + 2, ${label} active, 5k pool" "$r" "$a" "$b" \
    "median of $ROUNDS; rounds:${RATIOS[$active]}; cold start ${start_ms} ms; in_use check ${check_s} s; store written in ${GEN_S[$active]} s; non-2xx $bad"
done
