#!/usr/bin/env bash
# HTTPS end to end: a self-signed certificate for 127.0.0.1 made here with the openssl CLI, maskline-server serving
# with --tls-cert/--tls-key, and the official twilio npm client trusting that certificate through NODE_EXTRA_CA_CERTS
# (read by Node at start-up, which is why this wrapper exists). Exit 77 (skipped) without openssl.
set -euo pipefail
NODE=${1:-node}
command -v openssl >/dev/null || { echo "SKIP: openssl not found (scripts/setup-deps.sh test installs it)"; exit 77; }
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=127.0.0.1" \
  -addext "subjectAltName=IP:127.0.0.1,DNS:localhost" \
  -keyout "$dir/key.pem" -out "$dir/cert.pem" 2>/dev/null
chmod 600 "$dir/key.pem"
export MASKLINE_TEST_TLS_CERT="$dir/cert.pem" MASKLINE_TEST_TLS_KEY="$dir/key.pem" NODE_EXTRA_CA_CERTS="$dir/cert.pem"
exec "$NODE" --test tests/production/tls.test.mjs
