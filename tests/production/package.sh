#!/usr/bin/env bash
# The Debian package as an operator meets it: `cpack -G DEB` builds it, its Depends name runtime packages only,
# `dpkg -i` installs it, the unit's ExecStart runs as the unit would (a user of its own, the state directory, the
# packaged /etc/maskline/maskline.ini; systemd is not PID 1 here), /readyz answers 200, SIGTERM exits 0, and
# `dpkg --purge` removes it. Exit 77 (skipped) without root or dpkg.
set -euo pipefail
BUILD_DIR=$(cd "${1:?build dir}" && pwd)
skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "installing a package needs root"
command -v dpkg >/dev/null && command -v dpkg-deb >/dev/null || skip "dpkg is not available (not a Debian system)"
command -v setpriv >/dev/null || skip "setpriv (util-linux) is needed to run the service as its own user"
if dpkg-query -W -f='${Status}' maskline 2>/dev/null | grep -q 'install ok installed'; then
  skip "a maskline package is installed already; not touching it"
fi

work=$(mktemp -d)
chmod 711 "$work" # the service user must reach its state directory inside
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null || true
  dpkg --purge maskline >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

(cd "$BUILD_DIR" && cpack -G DEB -B "$work/out" >"$work/cpack.log" 2>&1) || { cat "$work/cpack.log"; exit 1; }
deb=$(ls "$work"/out/maskline_*.deb)
depends=$(dpkg-deb -f "$deb" Depends)
echo "Depends: $depends"
if echo "$depends" | tr ',' '\n' | grep -q -- '-dev\b'; then
  echo "FAIL: the package depends on a -dev package"; exit 1
fi
contents=$(dpkg-deb -c "$deb")
for f in /usr/bin/maskline-server /usr/bin/maskline /usr/lib/systemd/system/maskline.service /etc/maskline/maskline.ini; do
  echo "$contents" | grep -q "\.${f}\$" || { echo "FAIL: $f is not in the package"; echo "$contents"; exit 1; }
done

dpkg -i "$deb"
unit=/usr/lib/systemd/system/maskline.service
exec_start=$(sed -n 's/^ExecStart=//p' "$unit")
echo "ExecStart=$exec_start"
case "$exec_start" in
  */maskline-server\ --config\ /etc/maskline/maskline.ini) ;;
  *) echo "FAIL: unexpected ExecStart"; exit 1 ;;
esac
grep -q '^DynamicUser=yes' "$unit" && grep -q '^StateDirectory=maskline' "$unit" || { echo "FAIL: unit"; exit 1; }

# As systemd would: an unprivileged user of its own, STATE_DIRECTORY owned by it, umask 0077, no inherited MASKLINE_*.
# The store and port are moved aside through the environment (which ranks above the INI file), so the test never
# touches a real /var/lib/maskline and never collides with a port in use.
state="$work/state"
mkdir -m 0700 "$state"
chown nobody:nogroup "$state"
for v in $(env | sed -n 's/^\(MASKLINE_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
(
  cd /
  umask 0077
  exec env STATE_DIRECTORY="$state" MASKLINE_DB="$state/maskline.db" MASKLINE_LISTEN=127.0.0.1:0 \
    setpriv --reuid=nobody --regid=nogroup --clear-groups $exec_start
) >"$work/out.log" 2>"$work/err.log" &
server_pid=$!
port=""
for _ in $(seq 1 200); do
  port=$(sed -n 's|^listening on http://127\.0\.0\.1:\([0-9]*\)$|\1|p' "$work/out.log")
  [ -n "$port" ] && break
  kill -0 "$server_pid" 2>/dev/null || break
  sleep 0.1
done
[ -n "$port" ] || { echo "FAIL: the service did not start"; cat "$work/err.log"; exit 1; }

exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
reply=$(cat <&3)
exec 3>&-
echo "$reply" | head -1
echo "$reply" | head -1 | grep -q '^HTTP/1.1 200' || { echo "FAIL: /readyz"; echo "$reply"; cat "$work/err.log"; exit 1; }
[ "$(stat -c %a "$state/maskline.db")" = 600 ] || { echo "FAIL: the store is not 0600"; exit 1; }

kill -TERM "$server_pid"
rc=0
wait "$server_pid" || rc=$?
server_pid=""
[ "$rc" -eq 0 ] || { echo "FAIL: SIGTERM exit code $rc"; cat "$work/err.log"; exit 1; }

dpkg --purge maskline
[ ! -e /usr/bin/maskline-server ] || { echo "FAIL: not removed"; exit 1; }
echo "package: built, installed, served /readyz, stopped cleanly, removed"
