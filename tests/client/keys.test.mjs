// API keys with the official `twilio` npm package (pinned in package.json / package-lock.json): the account's auth
// token creates, lists, fetches, renames and deletes keys through client.newKeys / client.keys with
// client.api.baseUrl pointed at maskline-server; then a client built as production code builds it,
// twilio(key.sid, key.secret, { accountSid }), walks every Proxy v1 operation. A key may not manage keys (401 /
// 20003), and a deleted key stops working on the next request.
//
//   MASKLINE_SERVER=build/app/maskline-server node --test tests/client/keys.test.mjs
//
// MASKLINE_TEST_DB runs the same walk on another store, e.g. PostgreSQL (tests/pg/with-postgres.sh).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';

import twilio from 'twilio';

delete process.env.TWILIO_REGION;
delete process.env.TWILIO_EDGE;

const ACCOUNT_SID = 'AC' + '13572468ace0bdf9'.repeat(2);
const AUTH_TOKEN = '2468ace013579bdf'.repeat(2);
const STARTUP_TIMEOUT_MS = 30_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;
const RFC2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d \+0000$/;

const SID_RE = (prefix) => new RegExp(`^${prefix}[0-9a-f]{32}$`);
function assertSid(value, prefix, what) {
  assert.match(String(value), SID_RE(prefix), `${what} should be a ${prefix} SID, got ${value}`);
}

async function expectRestError(promise, status, code, what) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `${what}: expected HTTP ${status} / ${code}, but the call succeeded`);
  assert.ok(error instanceof twilio.RestException, `${what}: expected a RestException, got ${error?.message}`);
  assert.equal(error.status, status, `${what}: HTTP status (message: ${error.message})`);
  assert.equal(error.code, code, `${what}: Twilio error code (message: ${error.message})`);
  assert.equal(error.moreInfo, `https://www.twilio.com/docs/errors/${code}`, `${what}: more_info`);
  return error;
}

function pointAt(client, baseUrl) {
  client.proxy.baseUrl = baseUrl;
  client.api.baseUrl = baseUrl;
  return client;
}

function startServer(dbDir) {
  const server = process.env.MASKLINE_SERVER;
  assert.ok(server, 'set MASKLINE_SERVER to the maskline-server binary (ctest does this)');
  accessSync(server, fsConstants.X_OK);
  const child = spawn(
    server,
    ['--db', process.env.MASKLINE_TEST_DB || path.join(dbDir, 'maskline.db'), '--listen', '127.0.0.1:0',
      '--rate-limit', 'off'],
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
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line within ${STARTUP_TIMEOUT_MS} ms; stderr:\n${stderr.join('')}`)),
      STARTUP_TIMEOUT_MS,
    );
    child.once('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`maskline-server exited (code ${code}, signal ${signal}) before listening:\n${stderr.join('')}`));
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

describe('API keys with the twilio client against maskline-server', () => {
  let dbDir;
  let server;
  let baseUrl;
  let owner; // the auth token's client
  let keyed; // the API key's client
  const state = {};

  before(async () => {
    dbDir = mkdtempSync(path.join(tmpdir(), 'maskline-keys-'));
    server = startServer(dbDir);
    baseUrl = await server.listening;
    owner = pointAt(twilio(ACCOUNT_SID, AUTH_TOKEN), baseUrl);
  });

  after(async () => {
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    if (dbDir) {
      rmSync(dbDir, { recursive: true, force: true });
    }
  });

  test('keys: create with the auth token (the secret comes once)', async () => {
    const key = await owner.newKeys.create({ friendlyName: 'proxy worker' });
    assertSid(key.sid, 'SK', 'key.sid');
    assert.equal(key.friendlyName, 'proxy worker');
    assert.match(key.secret, /^[A-Za-z0-9]{32}$/);
    // The client parses RFC 2822 into a Date; anything else would come back Invalid Date.
    assert.ok(key.dateCreated instanceof Date && !Number.isNaN(key.dateCreated.getTime()), 'dateCreated parses');
    assert.ok(Math.abs(key.dateCreated.getTime() - Date.now()) < 5 * 60_000, 'dateCreated is now');
    state.key = key;
    state.spare = await owner.newKeys.create();
    assert.equal(state.spare.friendlyName, null);
  });

  test('keys: list, fetch and update never show the secret', async () => {
    const listed = await owner.keys.list();
    assert.deepEqual(new Set(listed.map((k) => k.sid)), new Set([state.key.sid, state.spare.sid]));
    for (const k of listed) {
      assert.equal(k.secret, undefined);
      assert.equal(JSON.stringify(k.toJSON()).includes(state.key.secret), false);
    }
    const page = await owner.keys.page({ pageSize: 1 });
    assert.equal(page.instances.length, 1);
    assert.ok(page.nextPageUrl?.startsWith(`${baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Keys.json?`), page.nextPageUrl);
    const second = await page.nextPage();
    assert.equal(second.instances.length, 1);
    assert.notEqual(second.instances[0].sid, page.instances[0].sid);
    assert.equal(second.nextPageUrl, undefined);

    const fetched = await owner.keys(state.key.sid).fetch();
    assert.equal(fetched.sid, state.key.sid);
    assert.equal(fetched.friendlyName, 'proxy worker');
    assert.equal(fetched.dateCreated.getTime(), state.key.dateCreated.getTime());

    const renamed = await owner.keys(state.key.sid).update({ friendlyName: 'proxy worker (prod)' });
    assert.equal(renamed.friendlyName, 'proxy worker (prod)');
    assert.equal((await owner.keys(state.key.sid).fetch()).friendlyName, 'proxy worker (prod)');

    await expectRestError(owner.keys('SK' + '0'.repeat(32)).fetch(), 404, 20404, 'unknown key');
    await expectRestError(owner.newKeys.create({ friendlyName: 'n'.repeat(65) }), 400, 20002, 'long FriendlyName');
  });

  test('keys: the raw JSON is Twilio\'s', async () => {
    const response = await owner.request({
      method: 'get',
      uri: `${baseUrl}/2010-04-01/Accounts/${ACCOUNT_SID}/Keys/${state.key.sid}.json`,
    });
    assert.equal(response.statusCode, 200);
    const body = typeof response.body === 'string' ? JSON.parse(response.body) : response.body;
    assert.deepEqual(Object.keys(body).sort(), ['date_created', 'date_updated', 'friendly_name', 'sid']);
    assert.match(body.date_created, RFC2822);
    assert.match(body.date_updated, RFC2822);
  });

  test('a client on the key: twilio(key.sid, key.secret, { accountSid })', async () => {
    keyed = pointAt(twilio(state.key.sid, state.key.secret, { accountSid: ACCOUNT_SID }), baseUrl);
    assert.equal(keyed.accountSid, ACCOUNT_SID);
    assert.equal(keyed.username, state.key.sid);
  });

  test('proxy with the key: services', async () => {
    const services = keyed.proxy.v1.services;
    const service = await services.create({ uniqueName: 'keyed service', defaultTtl: 600 });
    assertSid(service.sid, 'KS', 'service.sid');
    assert.equal(service.accountSid, ACCOUNT_SID, 'the key acts as its account');
    assert.equal((await services(service.sid).fetch()).uniqueName, 'keyed service');
    assert.equal((await services('keyed service').fetch()).sid, service.sid);
    const updated = await services(service.sid).update({ defaultTtl: 1200, geoMatchLevel: 'area-code' });
    assert.equal(updated.defaultTtl, 1200);
    const extra = await services.create({ uniqueName: 'keyed extra' });
    const listed = await services.list({ pageSize: 1 });
    assert.deepEqual(new Set(listed.map((s) => s.sid)), new Set([service.sid, extra.sid]));
    assert.equal(await services(extra.sid).remove(), true);
    // The owner sees what the key made: one account.
    assert.equal((await owner.proxy.v1.services(service.sid).fetch()).sid, service.sid);
    state.service = service;
  });

  test('proxy with the key: phone numbers', async () => {
    const numbers = keyed.proxy.v1.services(state.service.sid).phoneNumbers;
    const a = await numbers.create({ phoneNumber: '+14155553101' });
    const b = await numbers.create({ phoneNumber: '+14155553102' });
    const c = await numbers.create({ phoneNumber: '+14155553103', isReserved: true });
    for (const n of [a, b, c]) {
      assertSid(n.sid, 'PN', 'phoneNumber.sid');
      assert.equal(n.accountSid, ACCOUNT_SID);
    }
    assert.equal((await numbers(c.sid).fetch()).isReserved, true);
    assert.equal((await numbers(c.sid).update({ isReserved: false })).isReserved, false);
    assert.deepEqual(new Set((await numbers.list()).map((n) => n.sid)), new Set([a.sid, b.sid, c.sid]));
    assert.equal(await numbers(c.sid).remove(), true);
    await expectRestError(numbers(c.sid).fetch(), 404, 20404, 'removed number');
    state.numbers = { a, b };
  });

  test('proxy with the key: sessions and participants', async () => {
    const sessions = keyed.proxy.v1.services(state.service.sid).sessions;
    const session = await sessions.create({
      uniqueName: 'keyed order',
      mode: 'message-only',
      ttl: 3600,
      participants: [{ Identifier: '+14155554001', FriendlyName: 'rider' }],
    });
    assertSid(session.sid, 'KC', 'session.sid');
    assert.equal(session.accountSid, ACCOUNT_SID);
    assert.equal((await sessions('keyed order').fetch()).sid, session.sid);
    assert.equal((await sessions(session.sid).update({ ttl: 7200 })).ttl, 7200);
    const participants = sessions(session.sid).participants;
    const driver = await participants.create({ identifier: '+14155554002', friendlyName: 'driver' });
    assertSid(driver.sid, 'KP', 'participant.sid');
    assert.match(driver.proxyIdentifier, /^\+1415555310[12]$/);
    assert.equal((await participants(driver.sid).fetch()).friendlyName, 'driver');
    const listed = await participants.list();
    assert.deepEqual(listed.map((p) => p.identifier).sort(), ['+14155554001', '+14155554002']);
    state.session = session;
    state.rider = listed.find((p) => p.identifier === '+14155554001');
    state.driver = driver;
    const second = await sessions.create({ uniqueName: 'keyed order 2' });
    assert.deepEqual(new Set((await sessions.list()).map((s) => s.sid)), new Set([session.sid, second.sid]));
    assert.equal(await sessions(second.sid).remove(), true);
  });

  test('proxy with the key: message interactions and interactions', async () => {
    const session = keyed.proxy.v1.services(state.service.sid).sessions(state.session.sid);
    const messages = session.participants(state.driver.sid).messageInteractions;
    const sent = await messages.create({ body: 'sent with an API key' });
    assertSid(sent.sid, 'KI', 'messageInteraction.sid');
    assert.equal(sent.accountSid, ACCOUNT_SID);
    assert.deepEqual(JSON.parse(sent.data), { body: 'sent with an API key' });
    assert.equal((await messages(sent.sid).fetch()).sid, sent.sid);
    assert.deepEqual((await messages.list()).map((m) => m.sid), [sent.sid]);
    const interactions = session.interactions;
    assert.deepEqual((await interactions.list()).map((i) => i.sid), [sent.sid]);
    assert.equal((await interactions(sent.sid).fetch()).type, 'message');
    assert.equal(await interactions(sent.sid).remove(), true);
    assert.deepEqual(await interactions.list(), []);
  });

  test('proxy with the key: deletes', async () => {
    const service = keyed.proxy.v1.services(state.service.sid);
    assert.equal(await service.sessions(state.session.sid).participants(state.driver.sid).remove(), true);
    assert.equal(await service.sessions(state.session.sid).remove(), true);
    assert.equal(await service.phoneNumbers(state.numbers.b.sid).remove(), true);
    assert.equal(await service.remove(), true);
    await expectRestError(service.fetch(), 404, 20404, 'removed service');
    assert.deepEqual(await keyed.proxy.v1.services.list(), []);
  });

  test('a key cannot manage keys (401 / 20003)', async () => {
    await expectRestError(keyed.keys.list(), 401, 20003, 'key lists keys');
    await expectRestError(keyed.newKeys.create({ friendlyName: 'escalate' }), 401, 20003, 'key creates a key');
    await expectRestError(keyed.keys(state.spare.sid).fetch(), 401, 20003, 'key fetches a key');
    await expectRestError(keyed.keys(state.spare.sid).update({ friendlyName: 'x' }), 401, 20003, 'key renames');
    await expectRestError(keyed.keys(state.spare.sid).remove(), 401, 20003, 'key deletes a key');
    assert.equal((await owner.keys.list()).length, 2, 'nothing was created or deleted');
  });

  test('a wrong secret is refused', async () => {
    const wrong = pointAt(twilio(state.key.sid, 'x'.repeat(32), { accountSid: ACCOUNT_SID }), baseUrl);
    await expectRestError(wrong.proxy.v1.services.list(), 401, 20003, 'wrong secret');
  });

  test('keys: remove, and the deleted key stops at once', async () => {
    assert.equal((await keyed.proxy.v1.services.list()).length, 0);
    assert.equal(await owner.keys(state.key.sid).remove(), true);
    await expectRestError(keyed.proxy.v1.services.list(), 401, 20003, 'deleted key');
    await expectRestError(owner.keys(state.key.sid).fetch(), 404, 20404, 'fetch a deleted key');
    assert.equal(await owner.keys(state.spare.sid).remove(), true);
    assert.deepEqual(await owner.keys.list(), []);
  });

  test('maskline-server exits 0 on SIGTERM, and its log never carried a secret', async () => {
    server.child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ timedOut: true }), SHUTDOWN_TIMEOUT_MS);
    });
    const result = await Promise.race([server.exited, timeout]);
    clearTimeout(timer);
    assert.ok(!result.timedOut, `maskline-server did not exit within ${SHUTDOWN_TIMEOUT_MS} ms of SIGTERM`);
    assert.deepEqual(result, { code: 0, signal: null }, `exit status; stderr:\n${server.stderr.join('')}`);
    const log = server.stderr.join('');
    assert.equal(log.includes(state.key.secret), false, 'the secret appeared in the log');
    assert.equal(log.includes(state.spare.secret), false, 'the secret appeared in the log');
  });
});
