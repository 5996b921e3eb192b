#!/usr/bin/env bash
# Throughput and latency of every hot path, each as a ratio against nginx serving a static file on the same machine
# in the same run (wall-clock figures alone say more about the machine than about Maskline).
#
#   bash tests/bench/run.sh [BUILD_DIR]        (make bench; DURATION=seconds per scenario, default 8)
#
# Loads: wrk, 2 threads, 32 connections, all on 127.0.0.1; nginx with worker_processes auto. Every 2xx Maskline
# gives is durable (synchronous=FULL, answered after its commit). Scenarios:
#   webhook   signed inbound SMS webhooks routed through an existing session with --carrier twilio, whose API is
#             answered by the same nginx (201); "forwarded" = carrier sends that reached it by the end of the load,
#             against webhooks acknowledged
#   create    session create with two participants (automatic number selection, identifiers never seen before)
#   fetch     GET one session;  list: GET a 100-row page of sessions;  healthz: the HTTP front alone
# SIDE_BY_SIDE=other/maskline-server: only the webhook load, this build against that one (see below).
set -euo pipefail
BUILD_DIR=${1:-build}
DURATION=${DURATION:-8}
SERVER=${SERVER:-$BUILD_DIR/app/maskline-server}
HERE=$(cd "$(dirname "$0")" && pwd)
[ -x "$SERVER" ] || { echo "bench: $SERVER not built" >&2; exit 1; }
command -v wrk >/dev/null && command -v nginx >/dev/null || { echo "bench: needs wrk and nginx (make bench installs them)" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
  [ -n "${SERVER_PID:-}" ] && kill "$SERVER_PID" 2>/dev/null || true
  [ -n "${NGINX_PID:-}" ] && kill "$NGINX_PID" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
hex() { head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n'; }

SID=AC$(hex); TOKEN=$(hex); TWILIO_SID=AC$(hex); TWILIO_TOKEN=$(hex)
AUTH="Basic $(printf '%s:%s' "$SID" "$TOKEN" | base64 -w0)"
NPORT=$(free_port); MPORT=$(free_port)

# nginx: the reference static file, and the carrier's Messages API for the webhook scenario (every send logged).
mkdir -p "$work/www" "$work/nginx/logs"
head -c 800 /dev/zero | tr '\0' 'x' > "$work/www/static.json"
cat > "$work/nginx.conf" <<CONF
worker_processes auto;
daemon off;
error_log $work/nginx/logs/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  server {
    listen 127.0.0.1:$NPORT;
    root $work/www;
    location / { default_type application/json; }
    location ~ /Messages\.json\$ {
      access_log $work/carrier.log;
      default_type application/json;
      return 201 '{"sid":"SM00000000000000000000000000000001","status":"queued"}';
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf" &
NGINX_PID=$!

# The server: first with the simulator carrier, to build the pool (with --carrier twilio a pool number is looked up
# at the carrier, which the reference nginx does not answer), then restarted on the same store with the Twilio
# carrier for the loads.
start_server() {
  MASKLINE_ACCOUNT_SID=$SID MASKLINE_AUTH_TOKEN=$TOKEN MASKLINE_TWILIO_AUTH_TOKEN=$TWILIO_TOKEN \
    "$SERVER" --db "$work/bench.db" --listen "127.0.0.1:$MPORT" --public-url "http://127.0.0.1:$MPORT" \
    --rate-limit off ${SERVER_ARGS:-} "$@" ${LOG_FLAGS---log-level warning} > "$work/server.out" 2> "$work/server.err" &
  SERVER_PID=$!
  for _ in $(seq 100); do grep -q 'listening on' "$work/server.out" 2>/dev/null && break; sleep 0.1; done
  grep -q 'listening on' "$work/server.out" || { cat "$work/server.err" >&2; exit 1; }
}
URL="http://127.0.0.1:$MPORT"
start_server
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$NPORT/static.json" >/dev/null && break; sleep 0.1; done

WEBHOOKS=${WEBHOOKS:-200000}
setup_out=$(python3 "$HERE/setup.py" "$URL" "$SID" "$TOKEN" "$TWILIO_TOKEN" "$work" "$WEBHOOKS")
eval "$setup_out"
kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
start_server --carrier twilio --twilio-api-url "http://127.0.0.1:$NPORT" --twilio-account-sid "$TWILIO_SID"

# One wrk run: prints "req/s p50 p99 completed non2xx".
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

# Side by side: SIDE_BY_SIDE=other/maskline-server runs only the webhook load, ROUNDS (default 3) interleaved rounds
# of this build (B) and that one (A), each on a fresh copy of one store, and prints per run the webhooks acknowledged,
# the server's CPU per webhook over the load (its forward included, from /proc) and how many were forwarded.
if [ -n "${SIDE_BY_SIDE:-}" ]; then
  kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
  cp "$work/bench.db" "$work/seed.db"
  this_build=$SERVER
  echo "side by side: A=$SIDE_BY_SIDE B=$this_build, wrk -t2 -c32 -d${DURATION}s, webhook load"
  for _ in $(seq "${ROUNDS:-3}"); do
    for which in A B; do
      if [ "$which" = A ]; then SERVER=$SIDE_BY_SIDE; else SERVER=$this_build; fi
      rm -f "$work/bench.db"*; cp "$work/seed.db" "$work/bench.db"; sync
      start_server --carrier twilio --twilio-api-url "http://127.0.0.1:$NPORT" --twilio-account-sid "$TWILIO_SID"
      : > "$work/carrier.log"
      t0=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
      read -r r a b done bad < <(BENCH_WEBHOOKS="$work/webhooks.txt" load -s "$HERE/webhook.lua" "$URL/carrier/twilio/sms")
      t1=$(awk '{ print $14 + $15 }' "/proc/$SERVER_PID/stat")
      sent=$(wc -l < "$work/carrier.log")
      awk -v w="$which" -v r="$r" -v a="$a" -v b="$b" -v n="$done" -v bad="$bad" -v s="$sent" -v t0="$t0" -v t1="$t1" \
        -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%s  %8.0f webhooks/s  p50 %6.2f ms  p99 %6.2f ms  %4.0f us CPU/webhook  forwarded %d of %d  non-2xx %d\n",
          w, r, a, b, (n > 0 ? (t1 - t0) * 1e6 / hz / n : 0), s, n - bad, bad }'
      kill "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true
    done
  done
  SERVER_PID=
  exit 0
fi

echo "bench: wrk -t2 -c32 -d${DURATION}s --latency on 127.0.0.1, $(nproc) cores, $(git -C "$HERE" rev-parse --short HEAD 2>/dev/null || echo '?')"
# The reference and the two rows that only measure the front (healthz, fetch) take a few milliseconds of CPU per
# thousand requests, so where the scheduler puts the server's thread beside wrk's two moves them by up to a third
# from one 8 s run to the next: they run ROUNDS times (default 3), interleaved, and each row is its median run, with
# every round's ratio in the notes.
ROUNDS=${ROUNDS:-3}
median() { sort -n -k1,1 | awk '{ l[NR] = $0 } END { print l[int((NR + 1) / 2)] }'; }
ref_runs=; healthz_runs=; fetch_runs=; healthz_ratios=; fetch_ratios=
for _ in $(seq "$ROUNDS"); do
  r0=$(load "http://127.0.0.1:$NPORT/static.json"); ref_runs+="$r0"$'\n'
  r1=$(load "$URL/healthz"); healthz_runs+="$r1"$'\n'
  r2=$(load -H "Authorization: $AUTH" "$URL/v1/Services/$KS/Sessions/$KC"); fetch_runs+="$r2"$'\n'
  healthz_ratios+=$(awk -v a="${r1%% *}" -v b="${r0%% *}" 'BEGIN { printf " %.2f", (b > 0 ? a / b : 0) }')
  fetch_ratios+=$(awk -v a="${r2%% *}" -v b="${r0%% *}" 'BEGIN { printf " %.2f", (b > 0 ? a / b : 0) }')
done
read -r ref ref50 ref99 _ _ < <(printf '%s' "$ref_runs" | median)
row() { # name rps p50 p99 extra
  awk -v n="$1" -v r="$2" -v a="$3" -v b="$4" -v ref="$ref" -v x="$5" \
    'BEGIN { printf "| %-36s | %9.0f | %7.2f | %7.2f | %6.3f | %s\n", n, r, a, b, (ref > 0 ? r / ref : 0), x }'
}
printf '| %-36s | %9s | %7s | %7s | %6s | %s\n' "scenario" "req/s" "p50 ms" "p99 ms" "ratio" "notes"
printf '|%s|%s|%s|%s|%s|%s\n' "--------------------------------------" "-----------" "---------" "---------" "--------" "------"
row "nginx static file (reference)" "$ref" "$ref50" "$ref99" ""

read -r r a b _ bad < <(printf '%s' "$healthz_runs" | median)
row "GET /healthz (HTTP front alone)" "$r" "$a" "$b" "median of $ROUNDS; rounds:$healthz_ratios; non-2xx $bad"
read -r r a b _ bad < <(printf '%s' "$fetch_runs" | median)
row "GET session (fetch)" "$r" "$a" "$b" "median of $ROUNDS; rounds:$fetch_ratios; non-2xx $bad"
read -r r a b _ bad < <(load -H "Authorization: $AUTH" "$URL/v1/Services/$KS/Sessions?PageSize=100")
row "GET 100-row session page (list)" "$r" "$a" "$b" "non-2xx $bad"

: > "$work/carrier.log"
read -r r a b done bad < <(BENCH_WEBHOOKS="$work/webhooks.txt" load -s "$HERE/webhook.lua" "$URL/carrier/twilio/sms")
sent=$(wc -l < "$work/carrier.log")
acked=$((done - bad))
fwd=$(awk -v s="$sent" -v a="$acked" 'BEGIN { printf "%.2f", (a > 0 ? s / a : 0) }')
row "POST signed SMS webhook (routing)" "$r" "$a" "$b" "forwarded $sent of $acked acked ($fwd) by the end; non-2xx $bad"

read -r r a b _ bad < <(BENCH_AUTH="$AUTH" load -s "$HERE/create.lua" "$URL/v1/Services/$KS/Sessions")
row "POST session + 2 participants" "$r" "$a" "$b" "non-2xx $bad"

# Store size: selection on a 5,000-number pool at 1k / 100k / 1M active sessions, and cold start on each store
# (tests/bench/selection.sh). SELECTION=0 leaves them out.
if [ "${SELECTION:-1}" != 0 ]; then
  REF=$ref SERVER=$SERVER GEN=${GEN:-$BUILD_DIR/tests/tools/maskline-gen-demo} DURATION=$DURATION \
    bash "$HERE/selection.sh"
fi

# Scale-out: the webhook and create scenarios again on two nodes sharing a throw-away PostgreSQL, behind an nginx
# upstream (tests/bench/pg-rows.sh; docs/scale-out.md). PG=0 leaves them out.
if [ "${PG:-1}" != 0 ]; then
  if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    REF=$ref SERVER=$SERVER NPORT=$NPORT SID=$SID TOKEN=$TOKEN TWILIO_SID=$TWILIO_SID TWILIO_TOKEN=$TWILIO_TOKEN \
      DURATION=$DURATION bash "$HERE/../pg/with-postgres.sh" bash "$HERE/pg-rows.sh"
  else
    echo "| (2-node PostgreSQL rows skipped: PostgreSQL server binaries not installed; make test installs them)"
  fi
fi
