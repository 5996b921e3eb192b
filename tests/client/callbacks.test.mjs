// Maskline's outgoing callbacks, judged by Twilio's own code: the official `twilio` npm package's validateRequest must
// accept the X-Twilio-Signature of every status, intercept and out-of-session callback maskline-server sends, and
// must refuse the same request with one parameter altered or with another auth token.
//
//   MASKLINE_SERVER=build/app/maskline-server node --test tests/client/callbacks.test.mjs
//
// A small HTTP server in this process plays the customer's callback endpoints: it answers the intercept with 200, the
// out-of-session callback with auto-create JSON (application/json; charset=utf-8) and the status callbacks with 204.
// Traffic comes from the built-in simulator carrier (POST /carrier/simulator/sms|voice), so nothing leaves the host.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parse as parseQuery } from 'node:querystring';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';

import twilio from 'twilio';

delete process.env.TWILIO_REGION;
delete process.env.TWILIO_EDGE;

const ACCOUNT_SID = 'AC' + '89abcdef01234567'.repeat(2);
const AUTH_TOKEN = '0123456789abcdef'.repeat(2);
const A = '+14155550101';
const B = '+14155550202';
const STRANGER = '+14155550303';
const POOL = '+14155559999';
const POOL2 = '+14155558888'; // B is busy on POOL: the auto-created session gives B this one
const STARTUP_TIMEOUT_MS = 30_000;
const WAIT_MS = 15_000;

function serverPath() {
  const server = process.env.MASKLINE_SERVER;
  assert.ok(server, 'set MASKLINE_SERVER to the maskline-server binary (ctest does this)');
  accessSync(server, fsConstants.X_OK);
  return server;
}

function startMaskline(dbDir) {
  const child = spawn(
    serverPath(),
    // MASKLINE_TEST_DB runs the same test on another store, e.g. PostgreSQL (tests/pg/with-postgres.sh).
    ['--db', process.env.MASKLINE_TEST_DB || path.join(dbDir, 'maskline.db'), '--listen', '127.0.0.1:0',
      '--rate-limit', 'off', '--carrier', 'simulator', '--intercept-timeout-ms', '3000'],
    {
      env: { ...process.env, MASKLINE_ACCOUNT_SID: ACCOUNT_SID, MASKLINE_AUTH_TOKEN: AUTH_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => stderr.push(chunk));
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const listening = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`maskline-server did not start; stderr:\n${stderr.join('')}`)),
      STARTUP_TIMEOUT_MS);
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`maskline-server exited (code ${code}, signal ${signal}); stderr:\n${stderr.join('')}`));
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^listening on (http:\/\/127\.0\.0\.1:\d+)$/.exec(line.trim());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { child, exited, listening, stderr };
}

// The customer's side: every callback recorded with the URL it was sent to, as a Node server sees it.
function startCallbackServer() {
  const received = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const { port } = server.address();
      received.push({
        path: req.url.split('?')[0],
        url: `http://127.0.0.1:${port}${req.url}`,
        headers: req.headers,
        params: { ...parseQuery(body) },
        body,
      });
      if (req.url.startsWith('/oos')) {
        res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ uniqueName: 'auto-created', ttl: 600, participantIdentifier: B }));
      } else if (req.url.startsWith('/intercept')) {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end('ok');
      } else {
        res.writeHead(204);
        res.end();
      }
    });
  });
  const ready = new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server.address().port)));
  return { server, received, ready };
}

async function waitFor(predicate, what) {
  const deadline = Date.now() + WAIT_MS;
  while (!predicate()) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${typeof what === 'function' ? what() : what}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe("maskline's callbacks, validated by twilio.validateRequest", () => {
  let dbDir;
  let maskline;
  let baseUrl;
  let callbacks;
  let callbackBase;

  before(async () => {
    dbDir = mkdtempSync(path.join(tmpdir(), 'maskline-callbacks-'));
    callbacks = startCallbackServer();
    callbackBase = `http://127.0.0.1:${await callbacks.ready}`;
    maskline = startMaskline(dbDir);
    baseUrl = await maskline.listening;
  });

  after(async () => {
    if (maskline && maskline.child.exitCode === null && maskline.child.signalCode === null) {
      maskline.child.kill('SIGKILL');
      await maskline.exited;
    }
    callbacks?.server.close();
    if (dbDir) {
      rmSync(dbDir, { recursive: true, force: true });
    }
  });

  async function inject(kind, fields) {
    const response = await fetch(`${baseUrl}/carrier/simulator/${kind}`, {
      method: 'POST',
      headers: {
        Authorization: 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64'),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams(fields).toString(),
    });
    assert.equal(response.status, 200, `POST /carrier/simulator/${kind}`);
    return response.json();
  }

  test('traffic produces status, intercept and out-of-session callbacks', async () => {
    const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
    client.proxy.baseUrl = baseUrl;
    const service = await client.proxy.v1.services.create({
      uniqueName: 'callbacks',
      // A query string with an encoded space, and a path with non-ASCII: signed exactly as requested.
      callbackUrl: `${callbackBase}/status/caf%C3%A9?tenant=a%20b&x=1`,
      interceptCallbackUrl: `${callbackBase}/intercept`,
      outOfSessionCallbackUrl: `${callbackBase}/oos`,
    });
    await client.proxy.v1.services(service.sid).phoneNumbers.create({ phoneNumber: POOL });
    await client.proxy.v1.services(service.sid).phoneNumbers.create({ phoneNumber: POOL2 });
    const session = await client.proxy.v1.services(service.sid).sessions.create({ uniqueName: 'ride' });
    for (const identifier of [A, B]) {
      await client.proxy.v1.services(service.sid).sessions(session.sid).participants.create({
        identifier, proxyIdentifier: POOL });
    }

    const sms = await inject('sms', { From: A, To: POOL, Body: 'Ünïcode & symbols: 100% + ✓', NumMedia: '1',
      MediaUrl0: 'https://media.example/a.png?x=1&y=2' });
    assert.equal(sms.outcome, 'pending'); // answered at once; the intercept decides
    const call = await inject('voice', { From: A, To: POOL });
    assert.equal(call.outcome, 'forwarded');
    const stranger = await inject('sms', { From: STRANGER, To: POOL, Body: 'who is this?' });
    assert.equal(stranger.outcome, 'pending');

    const count = (p) => callbacks.received.filter((r) => r.path.startsWith(p)).length;
    // message: queued + delivered; call: initiated + completed; the stranger's auto-created session: 2 more.
    await waitFor(() => count('/intercept') >= 3 && count('/oos') >= 1 && count('/status') >= 6,
      () => `the callbacks; received: ${callbacks.received.map((r) => r.path).join(' ')}; maskline said:\n` +
        maskline.stderr.join(''));

    const mms = callbacks.received.find((r) => r.path === '/intercept' && r.params.interactionType === 'message');
    assert.equal(mms.params.NumMedia, '1');
    assert.equal(mms.params.MediaUrl0, 'https://media.example/a.png?x=1&y=2');
    assert.equal(mms.params.outboundResourceSid, undefined, 'an intercept callback has no outbound fields');
    const oos = callbacks.received.find((r) => r.path === '/oos');
    assert.equal(oos.params.From, STRANGER);
    assert.equal(oos.params.Body, 'who is this?');
    const statuses = callbacks.received.filter((r) => r.path.startsWith('/status'));
    assert.ok(statuses.some((r) => r.params.interactionType === 'voice' && r.params.outboundResourceType === 'call'));
    assert.ok(statuses.some((r) => r.params.outboundResourceStatus === 'delivered'));
  });

  test('twilio.validateRequest accepts every callback', () => {
    assert.ok(callbacks.received.length >= 10);
    for (const r of callbacks.received) {
      const signature = r.headers['x-twilio-signature'];
      assert.ok(signature, `${r.path}: X-Twilio-Signature is missing`);
      assert.equal(twilio.validateRequest(AUTH_TOKEN, signature, r.url, r.params), true,
        `${r.url} ${r.body}: twilio.validateRequest refused the signature`);
      assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded; charset=utf-8');
      assert.equal(r.headers['user-agent'], 'TwilioProxy/1.1');
      assert.ok(r.headers['i-twilio-idempotency-token'], `${r.path}: I-Twilio-Idempotency-Token`);
    }
  });

  test('twilio.validateRequest refuses an altered parameter, an added one and another token', () => {
    for (const r of callbacks.received) {
      const signature = r.headers['x-twilio-signature'];
      const [first] = Object.keys(r.params);
      const altered = { ...r.params, [first]: `${r.params[first]}x` };
      assert.equal(twilio.validateRequest(AUTH_TOKEN, signature, r.url, altered), false, `${r.path}: altered`);
      const added = { ...r.params, Extra: '1' };
      assert.equal(twilio.validateRequest(AUTH_TOKEN, signature, r.url, added), false, `${r.path}: added`);
      assert.equal(twilio.validateRequest('f'.repeat(32), signature, r.url, r.params), false, `${r.path}: token`);
      assert.equal(twilio.validateRequest(AUTH_TOKEN, signature, `${r.url}&evil=1`, r.params), false,
        `${r.path}: url`);
    }
  });

  test('maskline-server stops cleanly on SIGTERM', async () => {
    maskline.child.kill('SIGTERM');
    const { code, signal } = await maskline.exited;
    assert.equal(signal, null);
    assert.equal(code, 0, maskline.stderr.join(''));
  });
});
