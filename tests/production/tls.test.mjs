// The official twilio client over HTTPS: maskline-server with --tls-cert/--tls-key, the client trusting the test's
// self-signed certificate through NODE_EXTRA_CA_CERTS (set by tls.sh). Absolute URLs in the replies say https, a
// plain-HTTP request on the TLS port gets no answer, and SIGTERM still exits 0.
//
//   MASKLINE_SERVER=build/app/maskline-server bash tests/production/tls.sh

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';
import { createRequire } from 'node:module';

delete process.env.TWILIO_REGION;
delete process.env.TWILIO_EDGE;
// The client lives in tests/client/node_modules (make client-deps).
const require = createRequire(new URL('../client/package.json', import.meta.url));
const twilio = require('twilio');

const ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
const AUTH_TOKEN = 'fedcba9876543210'.repeat(2);

let server;
let baseUrl;
let dir;

before(async () => {
  assert.ok(process.env.MASKLINE_SERVER, 'MASKLINE_SERVER names the maskline-server binary');
  assert.ok(process.env.NODE_EXTRA_CA_CERTS, 'run through tls.sh, which makes the certificate');
  dir = mkdtempSync(path.join(tmpdir(), 'maskline-tls-'));
  const env = { ...process.env, MASKLINE_ACCOUNT_SID: ACCOUNT_SID, MASKLINE_AUTH_TOKEN: AUTH_TOKEN };
  server = spawn(process.env.MASKLINE_SERVER, [
    '--db', path.join(dir, 'tls.db'), '--listen', '127.0.0.1:0', '--rate-limit', 'off', '--carrier', 'simulator',
    '--tls-cert', process.env.MASKLINE_TEST_TLS_CERT, '--tls-key', process.env.MASKLINE_TEST_TLS_KEY,
  ], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  baseUrl = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no "listening on" line within 30 s')), 30_000);
    createInterface({ input: server.stdout }).on('line', (line) => {
      const m = /^listening on (https:\/\/127\.0\.0\.1:\d+)$/.exec(line);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    server.on('exit', (code) => reject(new Error(`maskline-server exited early with ${code}`)));
  });
});

after(async () => {
  if (server && server.exitCode === null) {
    const exited = new Promise((resolve) => server.on('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    assert.equal(await exited, 0, 'SIGTERM exits 0');
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the twilio client works over HTTPS', async () => {
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
  client.proxy.baseUrl = baseUrl;
  const service = await client.proxy.v1.services.create({ uniqueName: 'tls' });
  assert.match(service.sid, /^KS[0-9a-f]{32}$/);
  assert.ok(service.url.startsWith(baseUrl + '/v1/Services/'), `absolute URL says https: ${service.url}`);
  const fetched = await client.proxy.v1.services(service.sid).fetch();
  assert.equal(fetched.uniqueName, 'tls');
  const listed = await client.proxy.v1.services.list();
  assert.ok(listed.some((s) => s.sid === service.sid));
  const session = await client.proxy.v1.services(service.sid).sessions.create({ uniqueName: 's1' });
  assert.match(session.sid, /^KC[0-9a-f]{32}$/);
  await client.proxy.v1.services(service.sid).remove();
});

test('plain HTTP on the TLS port gets no HTTP answer', async () => {
  const port = Number(new URL(baseUrl).port);
  const reply = await new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'));
    let data = '';
    socket.on('data', (d) => (data += d.toString('latin1')));
    socket.on('close', () => resolve(data));
    socket.on('error', () => resolve(data));
    setTimeout(() => socket.destroy(), 5000);
  });
  assert.ok(!reply.startsWith('HTTP/1.1 200'), 'no cleartext reply');
});
