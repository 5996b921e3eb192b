#!/usr/bin/env bash
# REST API throughput, measured as a ratio against nginx serving a static file of the same size on the same machine
# in the same run (wall-clock figures alone say more about the machine than about Maskline).
#
#   bash tests/bench/run.sh [BUILD_DIR]        (make bench)
#
# Loads: wrk, 2 threads, 32 connections, DURATION seconds each (default 10), all on 127.0.0.1.
set -euo pipefail
BUILD_DIR=${1:-build}
DURATION=${DURATION:-10}
SERVER="$BUILD_DIR/app/maskline-server"
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

SID=AC$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')
TOKEN=$(head -c16 /dev/urandom | od -An -tx1 | tr -d ' \n')
AUTH=$(printf '%s:%s' "$SID" "$TOKEN" | base64 -w0)

MASKLINE_ACCOUNT_SID=$SID MASKLINE_AUTH_TOKEN=$TOKEN QT_LOGGING_RULES='*.info=false' \
  "$SERVER" --db "$work/bench.db" --listen 127.0.0.1:0 --rate-limit off > "$work/server.out" 2> "$work/server.err" &
SERVER_PID=$!
for _ in $(seq 50); do grep -q 'listening on' "$work/server.out" 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^listening on //p' "$work/server.out")
[ -n "$URL" ] || { cat "$work/server.err" >&2; exit 1; }

service_json=$(curl -s -u "$SID:$TOKEN" -d UniqueName=bench "$URL/v1/Services")
KS=$(printf '%s' "$service_json" | sed -n 's/.*"sid":"\(KS[0-9a-f]*\)".*/\1/p')
curl -s -u "$SID:$TOKEN" -d PhoneNumber=%2B14155550100 "$URL/v1/Services/$KS/PhoneNumbers" > /dev/null

# nginx reference: the same service JSON as a static file.
mkdir -p "$work/www" "$work/nginx/logs"
printf '%s' "$service_json" > "$work/www/service.json"
NPORT=$(free_port)
cat > "$work/nginx.conf" <<CONF
worker_processes 1;
daemon off;
error_log $work/nginx/logs/error.log;
pid $work/nginx/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  server { listen 127.0.0.1:$NPORT; root $work/www; location / { default_type application/json; } }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx.conf" &
NGINX_PID=$!
sleep 0.5

rps() { wrk -t2 -c32 -d"${DURATION}s" "$@" 2>&1 | awk '/Requests\/sec/ {print $2}'; }

cat > "$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = "Mode=message-only&Ttl=600"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = "Basic $AUTH"
LUA

echo "bench: wrk -t2 -c32 -d${DURATION}s on 127.0.0.1, $(nproc) cores"
ref=$(rps "http://127.0.0.1:$NPORT/service.json")
health=$(rps "$URL/healthz")
fetch=$(rps -H "Authorization: Basic $AUTH" "$URL/v1/Services/$KS")
create=$(rps -s "$work/post.lua" "$URL/v1/Services/$KS/Sessions")
ratio() { awk -v a="$1" -v b="$ref" 'BEGIN { printf "%.3f", (b > 0 ? a / b : 0) }'; }
printf '%-40s %12s %10s\n' "load" "req/s" "vs nginx"
printf '%-40s %12s %10s\n' "nginx static file (reference)" "$ref" "1.000"
printf '%-40s %12s %10s\n' "GET /healthz" "$health" "$(ratio "$health")"
printf '%-40s %12s %10s\n' "GET /v1/Services/{Sid} (auth + read)" "$fetch" "$(ratio "$fetch")"
printf '%-40s %12s %10s\n' "POST …/Sessions (durable write)" "$create" "$(ratio "$create")"
