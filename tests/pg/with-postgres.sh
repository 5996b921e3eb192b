#!/usr/bin/env bash
# Runs a command against a throw-away PostgreSQL 15 server: initdb into a temporary folder, start it on a free
# loopback port, create an empty database, export MASKLINE_TEST_DB=postgresql://…, run the command, stop the server.
#
#   bash tests/pg/with-postgres.sh node --test tests/client/proxy-client.test.mjs
set -euo pipefail

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
# 77: ctest reports the tests registered with SKIP_RETURN_CODE 77 (tests/pg/CMakeLists.txt) as skipped, with this reason.
[ -x "$PGBIN/initdb" ] || { echo "SKIP: with-postgres: PostgreSQL server binaries not found (make test installs them: scripts/setup-deps.sh)" >&2; exit 77; }

work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
# initdb refuses to run as root: run the server as the postgres user then.
as_pg() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
[ "$(id -u)" -eq 0 ] && chown postgres "$work"

stop() {
  as_pg "'$PGBIN/pg_ctl' -D '$work/data' -m immediate stop" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap stop EXIT

as_pg "'$PGBIN/initdb' -D '$work/data' -A trust -U postgres" > "$work/initdb.log" 2>&1 \
  || { cat "$work/initdb.log" >&2; exit 1; }
# A log file for pg_ctl, or a caller that captures its output waits forever.
as_pg "'$PGBIN/pg_ctl' -D '$work/data' -w -o '-p $port -k $work -c listen_addresses=127.0.0.1 -c fsync=off' -l '$work/server.log' start" >/dev/null \
  || { cat "$work/server.log" >&2; exit 1; }
as_pg "'$PGBIN/createdb' -h 127.0.0.1 -p $port -U postgres maskline"

export MASKLINE_TEST_DB="postgresql://postgres@127.0.0.1:$port/maskline"
"$@"
