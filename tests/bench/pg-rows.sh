#!/usr/bin/env bash
# The 2-node PostgreSQL rows of tests/bench/run.sh (run through tests/pg/with-postgres.sh, which sets
# MASKLINE_TEST_DB): two maskline-server nodes on the throw-away database behind an nginx `upstream` (round robin,
# keep-alive), the webhook and session-create scenarios through it, ratios to run.sh's nginx reference ($REF).
set -euo pipefail
: "${MASKLINE_TEST_DB:?run through tests/pg/with-postgres.sh}" "${REF:?}" "${SERVER:?}" "${NPORT:?}"
HERE=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
LPORT=$(free_port); P1=$(free_port); P2=$(free_port)
LB="http://127.0.0.1:$LPORT"

node() { # port, carrier flags…
  local port=$1
  shift
  MASKLINE_ACCOUNT_SID=$SID MASKLINE_AUTH_TOKEN=$TOKEN MASKLINE_TWILIO_AUTH_TOKEN=$TWILIO_TOKEN \
    "$SERVER" --db "$MASKLINE_TEST_DB" --listen "127.0.0.1:$port" --public-url "$LB" --rate-limit off "$@" \
    --log-level warning > "$work/node$port.out" 2> "$work/node$port.err" &
  pids+=($!)
}
ready() {
  for _ in $(seq 200); do curl -sf "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
  curl -sf "http://127.0.0.1:$1/readyz" >/dev/null || { cat "$work/node$1.err" >&2; exit 1; }
}

# The pool is built through one node with the simulator carrier (with --carrier twilio a pool number is looked up
# in the carrier account, which the reference nginx does not answer); then both nodes serve the load with Twilio.
node "$P1" --carrier simulator
ready "$P1"
eval "$(python3 "$HERE/setup.py" "http://127.0.0.1:$P1" "$SID" "$TOKEN" "$TWILIO_TOKEN" "$work" "${WEBHOOKS:-200000}" "$LB")"
kill "${pids[0]}"
wait "${pids[0]}" 2>/dev/null || true
pids=()
for port in "$P1" "$P2"; do
  node "$port" --carrier twilio --twilio-api-url "http://127.0.0.1:$NPORT" --twilio-account-sid "$TWILIO_SID"
done
mkdir -p "$work/nginx/logs"
cat > "$work/lb.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx/logs/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  upstream maskline { server 127.0.0.1:$P1; server 127.0.0.1:$P2; keepalive 64; }
  server {
    listen 127.0.0.1:$LPORT;
    location / {
      proxy_pass http://maskline;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$http_host;
    }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/lb.conf" &
pids+=($!)
for port in "$P1" "$P2"; do
  ready "$port"
done
for _ in $(seq 50); do curl -sf "$LB/readyz" >/dev/null 2>&1 && break; sleep 0.1; done

AUTH="Basic $(printf '%s:%s' "$SID" "$TOKEN" | base64 -w0)"

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
row() {
  awk -v n="$1" -v r="$2" -v a="$3" -v b="$4" -v ref="$REF" -v x="$5" \
    'BEGIN { printf "| %-36s | %9.0f | %7.2f | %7.2f | %6.3f | %s\n", n, r, a, b, (ref > 0 ? r / ref : 0), x }'
}
read -r r a b _ bad < <(BENCH_WEBHOOKS="$work/webhooks.txt" load -s "$HERE/webhook.lua" "$LB/carrier/twilio/sms")
row "POST SMS webhook, 2 nodes on PG" "$r" "$a" "$b" "behind nginx upstream; non-2xx $bad"
read -r r a b _ bad < <(BENCH_AUTH="$AUTH" load -s "$HERE/create.lua" "$LB/v1/Services/$KS/Sessions")
row "POST session + 2, 2 nodes on PG" "$r" "$a" "$b" "behind nginx upstream; non-2xx $bad"
