// The real-client test of issue 3: the official `twilio` npm package (pinned in package.json / package-lock.json)
// drives maskline-server exactly as code written for Twilio Proxy would, with one change: client.proxy.baseUrl.
//
//   MASKLINE_SERVER=build/app/maskline-server node --test tests/client/proxy-client.test.mjs
//
// It starts its own server on a free port with a store in a temporary folder, walks every Proxy v1 operation through
// the client's API, checks the client's view of errors (RestException .status / .code), and stops the server with
// SIGTERM, which must exit 0. Any failure makes `node --test` exit non-zero.
//
// A second part needs no server: it records what the client puts on the wire for the requests Maskline must decode
// (dates, booleans, Participants, paging), so a client upgrade that changes the format fails here, by name.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { accessSync, constants as fsConstants, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, test } from 'node:test';

import twilio from 'twilio';

// TWILIO_REGION / TWILIO_EDGE make the client rewrite the host name of every request: never let them leak in.
delete process.env.TWILIO_REGION;
delete process.env.TWILIO_EDGE;

const ACCOUNT_SID = 'AC' + '0123456789abcdef'.repeat(2);
const AUTH_TOKEN = 'fedcba9876543210'.repeat(2);
const WRONG_TOKEN = '0'.repeat(32);
const STARTUP_TIMEOUT_MS = 30_000;
const SHUTDOWN_TIMEOUT_MS = 15_000;
const PAGING_SERVICES = 54; // + the main service = 55 > 50 (the default page size), in pages of 20: 20 + 20 + 15

const SID_RE = (prefix) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

function assertSid(value, prefix, what) {
  assert.match(String(value), SID_RE(prefix), `${what} should be a ${prefix} SID, got ${value}`);
}

function assertDate(value, what) {
  // The client turns YYYY-MM-DDTHH:mm:ssZ into a Date and leaves anything else as the raw string.
  assert.ok(value instanceof Date && !Number.isNaN(value.getTime()), `${what} should parse as a date, got ${value}`);
}

// Resolves to the RestException the promise rejected with, after checking its HTTP status and Twilio code.
async function expectRestError(promise, status, code, what) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `${what}: expected HTTP ${status} / ${code}, but the call succeeded`);
  assert.ok(
    error instanceof twilio.RestException,
    `${what}: expected a RestException, got ${error?.constructor?.name}: ${error?.message}`,
  );
  assert.equal(error.status, status, `${what}: HTTP status (message: ${error.message})`);
  assert.equal(error.code, code, `${what}: Twilio error code (message: ${error.message})`);
  assert.equal(typeof error.message, 'string', `${what}: message`);
  assert.ok(error.message.length > 0, `${what}: message must not be empty`);
  assert.equal(error.moreInfo, `https://www.twilio.com/docs/errors/${code}`, `${what}: more_info`);
  return error;
}

function makeClient(baseUrl, token = AUTH_TOKEN) {
  const client = twilio(ACCOUNT_SID, token);
  client.proxy.baseUrl = baseUrl;
  return client;
}

// ---------------------------------------------------------------------------------------------------------------
// maskline-server, started and stopped by the test

function serverPath() {
  const server = process.env.MASKLINE_SERVER;
  assert.ok(server, 'set MASKLINE_SERVER to the maskline-server binary (ctest does this)');
  accessSync(server, fsConstants.X_OK);
  return server;
}

function startServer(dbDir) {
  const child = spawn(
    serverPath(),
    // MASKLINE_TEST_DB runs the same walk on another store, e.g. PostgreSQL (tests/pg/with-postgres.sh).
    ['--db', process.env.MASKLINE_TEST_DB || path.join(dbDir, 'maskline.db'), '--listen', '127.0.0.1:0',
      '--rate-limit', 'off'],
    {
      env: { ...process.env, MASKLINE_ACCOUNT_SID: ACCOUNT_SID, MASKLINE_AUTH_TOKEN: AUTH_TOKEN },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const stderr = [];
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    stderr.push(chunk);
  });
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
      reject(new Error(`maskline-server exited (code ${code}, signal ${signal}) before listening; stderr:\n${stderr.join('')}`));
    });
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const match = /^listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line.trim());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return { child, exited, listening, stderr };
}

describe('the twilio client against maskline-server', () => {
  let dbDir;
  let server;
  let baseUrl;
  let client;

  // What the walk creates, shared by the tests below (they run in order).
  const state = {};

  before(async () => {
    dbDir = mkdtempSync(path.join(tmpdir(), 'maskline-client-'));
    server = startServer(dbDir);
    baseUrl = await server.listening;
    client = makeClient(baseUrl);
  });

  after(async () => {
    // Safety net only: the last test stops the server and checks its exit status.
    if (server && server.child.exitCode === null && server.child.signalCode === null) {
      server.child.kill('SIGKILL');
      await server.exited;
    }
    if (dbDir) {
      rmSync(dbDir, { recursive: true, force: true });
    }
  });

  // ---- Services --------------------------------------------------------------------------------------------------

  test('services: create', async () => {
    // A unique name with a space and non-ASCII letters: fetch-by-name puts it in the path, percent-encoded UTF-8.
    const service = await client.proxy.v1.services.create({
      uniqueName: 'Café client test',
      defaultTtl: 3600,
      callbackUrl: 'https://example.com/proxy/status',
      geoMatchLevel: 'country',
      numberSelectionBehavior: 'prefer-sticky',
    });
    assertSid(service.sid, 'KS', 'service.sid');
    assert.equal(service.accountSid, ACCOUNT_SID);
    assert.equal(service.uniqueName, 'Café client test');
    assert.equal(service.defaultTtl, 3600);
    assert.equal(service.callbackUrl, 'https://example.com/proxy/status');
    assert.equal(service.geoMatchLevel, 'country');
    assert.equal(service.numberSelectionBehavior, 'prefer-sticky');
    assert.equal(service.interceptCallbackUrl, null);
    assert.equal(service.outOfSessionCallbackUrl, null);
    assertDate(service.dateCreated, 'service.dateCreated');
    assertDate(service.dateUpdated, 'service.dateUpdated');
    assert.equal(service.url, `${baseUrl}/v1/Services/${service.sid}`);
    assert.deepEqual(service.links, {
      sessions: `${baseUrl}/v1/Services/${service.sid}/Sessions`,
      phone_numbers: `${baseUrl}/v1/Services/${service.sid}/PhoneNumbers`,
    });
    state.service = service;
  });

  test('services: fetch by sid and by unique name', async () => {
    const bySid = await client.proxy.v1.services(state.service.sid).fetch();
    assert.deepEqual(bySid.toJSON(), state.service.toJSON());

    const byName = await client.proxy.v1.services('Café client test').fetch();
    assert.equal(byName.sid, state.service.sid);
    assert.equal(byName.uniqueName, 'Café client test');

    // The instance's own fetch() goes through the same path.
    const again = await state.service.fetch();
    assert.equal(again.sid, state.service.sid);
  });

  test('services: update', async () => {
    const updated = await client.proxy.v1.services(state.service.sid).update({
      defaultTtl: 7200,
      geoMatchLevel: 'area-code',
      numberSelectionBehavior: 'avoid-sticky',
      interceptCallbackUrl: 'https://example.com/proxy/intercept',
    });
    assert.equal(updated.sid, state.service.sid);
    assert.equal(updated.defaultTtl, 7200);
    assert.equal(updated.geoMatchLevel, 'area-code');
    assert.equal(updated.numberSelectionBehavior, 'avoid-sticky');
    assert.equal(updated.interceptCallbackUrl, 'https://example.com/proxy/intercept');
    // Parameters the update did not carry keep their values.
    assert.equal(updated.uniqueName, 'Café client test');
    assert.equal(updated.callbackUrl, 'https://example.com/proxy/status');
    assertDate(updated.dateUpdated, 'service.dateUpdated');
    assert.ok(updated.dateUpdated >= state.service.dateUpdated);
    state.service = updated;
  });

  test(`services: create ${PAGING_SERVICES} more to force paging`, async () => {
    state.pagingSids = [];
    for (let i = 0; i < PAGING_SERVICES; i++) {
      const s = await client.proxy.v1.services.create({ uniqueName: `paging-${String(i).padStart(2, '0')}` });
      state.pagingSids.push(s.sid);
    }
    state.allServiceSids = new Set([state.service.sid, ...state.pagingSids]);
    assert.equal(state.allServiceSids.size, PAGING_SERVICES + 1);
  });

  test('services: list (follows every page)', async () => {
    const all = await client.proxy.v1.services.list();
    assert.equal(all.length, PAGING_SERVICES + 1);
    assert.deepEqual(new Set(all.map((s) => s.sid)), state.allServiceSids);
    // Newest first.
    assert.equal(all[0].sid, state.pagingSids.at(-1));
    assert.equal(all.at(-1).sid, state.service.sid);

    const limited = await client.proxy.v1.services.list({ limit: 7 });
    assert.equal(limited.length, 7);
    assert.deepEqual(
      limited.map((s) => s.sid),
      all.slice(0, 7).map((s) => s.sid),
    );
  });

  test('services: each', async () => {
    const seen = [];
    await client.proxy.v1.services.each({ pageSize: 20 }, (s) => {
      seen.push(s.sid);
    });
    assert.equal(seen.length, PAGING_SERVICES + 1);
    assert.deepEqual(new Set(seen), state.allServiceSids);
  });

  test('services: page({pageSize: 20}) and nextPage()', async () => {
    const page1 = await client.proxy.v1.services.page({ pageSize: 20 });
    assert.equal(page1.instances.length, 20);
    assert.ok(page1.nextPageUrl, 'page 1 must have a next_page_url');
    assert.ok(page1.nextPageUrl.startsWith(`${baseUrl}/v1/Services?`), `next_page_url ${page1.nextPageUrl}`);
    assert.equal(page1.previousPageUrl, undefined, 'page 1 has no previous page');

    const page2 = await page1.nextPage();
    assert.equal(page2.instances.length, 20);
    const page3 = await page2.nextPage();
    assert.equal(page3.instances.length, PAGING_SERVICES + 1 - 40);
    assert.equal(page3.nextPageUrl, undefined, 'the last page has no next_page_url');
    assert.equal(page3.nextPage(), undefined);

    const sids = [...page1.instances, ...page2.instances, ...page3.instances].map((s) => s.sid);
    assert.equal(sids.length, PAGING_SERVICES + 1, 'no record skipped or repeated across pages');
    assert.deepEqual(new Set(sids), state.allServiceSids);

    // Going back lands on the page before, and page 1 reached that way again has no previous page.
    assert.ok(page2.previousPageUrl, 'page 2 has a previous_page_url');
    assert.ok(page3.previousPageUrl, 'page 3 has a previous_page_url');
    const back2 = await page3.previousPage();
    assert.deepEqual(
      back2.instances.map((s) => s.sid),
      page2.instances.map((s) => s.sid),
    );
    const back = await back2.previousPage();
    assert.deepEqual(
      back.instances.map((s) => s.sid),
      page1.instances.map((s) => s.sid),
    );
    assert.equal(back.previousPageUrl, undefined, 'back on page 1: no previous page');

    // getPage() with a next_page_url (how apps resume paging from a stored URL).
    const resumed = await client.proxy.v1.services.getPage(page1.nextPageUrl);
    assert.deepEqual(
      resumed.instances.map((s) => s.sid),
      page2.instances.map((s) => s.sid),
    );
  });

  test('services: remove', async () => {
    for (const sid of state.pagingSids) {
      assert.equal(await client.proxy.v1.services(sid).remove(), true);
    }
    const remaining = await client.proxy.v1.services.list();
    assert.deepEqual(
      remaining.map((s) => s.sid),
      [state.service.sid],
    );
    await expectRestError(client.proxy.v1.services(state.pagingSids[0]).fetch(), 404, 20404, 'fetch a removed service');
    // The name of a removed service is free again (fixed by Twilio 2020-07-20).
    const reused = await client.proxy.v1.services.create({ uniqueName: 'paging-00' });
    assert.equal(await reused.remove(), true);
  });

  // ---- Phone numbers -------------------------------------------------------------------------------------------

  test('phoneNumbers: create', async () => {
    const numbers = () => client.proxy.v1.services(state.service.sid).phoneNumbers;
    const a = await numbers().create({ phoneNumber: '+14155550101' });
    const b = await numbers().create({ phoneNumber: '+14155550102', isReserved: false });
    const c = await numbers().create({ phoneNumber: '+14155550103', isReserved: true });
    for (const [n, e164, reserved] of [
      [a, '+14155550101', false],
      [b, '+14155550102', false],
      [c, '+14155550103', true],
    ]) {
      assertSid(n.sid, 'PN', 'phoneNumber.sid');
      assert.equal(n.accountSid, ACCOUNT_SID);
      assert.equal(n.serviceSid, state.service.sid);
      assert.equal(n.phoneNumber, e164);
      assert.equal(n.isReserved, reserved);
      assert.equal(n.inUse, 0);
      assert.equal(typeof n.capabilities, 'object');
      assertDate(n.dateCreated, 'phoneNumber.dateCreated');
      assert.equal(n.url, `${baseUrl}/v1/Services/${state.service.sid}/PhoneNumbers/${n.sid}`);
    }
    state.numbers = { a, b, c };
  });

  test('phoneNumbers: fetch, update, list', async () => {
    const numbers = client.proxy.v1.services(state.service.sid).phoneNumbers;
    const fetched = await numbers(state.numbers.c.sid).fetch();
    assert.deepEqual(fetched.toJSON(), state.numbers.c.toJSON());

    const unreserved = await numbers(state.numbers.c.sid).update({ isReserved: false });
    assert.equal(unreserved.isReserved, false);
    const reserved = await numbers(state.numbers.c.sid).update({ isReserved: true });
    assert.equal(reserved.isReserved, true);
    assert.equal(reserved.phoneNumber, '+14155550103');

    const listed = await numbers.list();
    assert.deepEqual(new Set(listed.map((n) => n.sid)), new Set(Object.values(state.numbers).map((n) => n.sid)));
    const paged = await numbers.page({ pageSize: 2 });
    assert.equal(paged.instances.length, 2);
    assert.equal((await paged.nextPage()).instances.length, 1);
  });

  test('phoneNumbers: remove', async () => {
    const numbers = client.proxy.v1.services(state.service.sid).phoneNumbers;
    assert.equal(await numbers(state.numbers.c.sid).remove(), true);
    await expectRestError(numbers(state.numbers.c.sid).fetch(), 404, 20404, 'fetch a removed number');
    assert.equal((await numbers.list()).length, 2);
  });

  // ---- Sessions ------------------------------------------------------------------------------------------------

  test('sessions: create with participants, ttl, mode and dateExpiry', async () => {
    // The client sends DateExpiry as YYYY-MM-DDTHH:mm:ssZ (milliseconds dropped).
    const expiry = new Date(Date.now() + 2 * 24 * 3600 * 1000);
    const session = await client.proxy.v1.services(state.service.sid).sessions.create({
      uniqueName: 'order-1',
      ttl: 3600,
      mode: 'message-only',
      dateExpiry: expiry,
      participants: [
        { Identifier: '+14155551001', FriendlyName: 'rider' },
        { Identifier: '+14155551002', FriendlyName: 'driver' },
      ],
    });
    assertSid(session.sid, 'KC', 'session.sid');
    assert.equal(session.serviceSid, state.service.sid);
    assert.equal(session.accountSid, ACCOUNT_SID);
    assert.equal(session.uniqueName, 'order-1');
    assert.equal(session.status, 'open');
    assert.equal(session.mode, 'message-only');
    assert.equal(session.ttl, 3600);
    assertDate(session.dateExpiry, 'session.dateExpiry');
    assert.equal(session.dateExpiry.getTime(), Math.floor(expiry.getTime() / 1000) * 1000);
    assert.equal(session.dateEnded, null);
    assertDate(session.dateCreated, 'session.dateCreated');
    assert.equal(session.url, `${baseUrl}/v1/Services/${state.service.sid}/Sessions/${session.sid}`);
    assert.deepEqual(session.links, {
      interactions: `${session.url}/Interactions`,
      participants: `${session.url}/Participants`,
    });

    const participants = await session.participants().list();
    assert.deepEqual(participants.map((p) => p.identifier).sort(), ['+14155551001', '+14155551002']);
    assert.deepEqual(participants.map((p) => p.friendlyName).sort(), ['driver', 'rider']);
    const pool = new Set(['+14155550101', '+14155550102']);
    for (const p of participants) {
      assert.ok(pool.has(p.proxyIdentifier), `proxy identifier ${p.proxyIdentifier} comes from the pool`);
      assertSid(p.proxyIdentifierSid, 'PN', 'participant.proxyIdentifierSid');
    }
    // in_use counts the active sessions holding a number.
    const used = await client.proxy.v1.services(state.service.sid).phoneNumbers(participants[0].proxyIdentifierSid).fetch();
    assert.ok(used.inUse >= 1, `in_use of a number held by an open session is ${used.inUse}`);
    state.session = session;
  });

  test('sessions: fetch by sid and by unique name', async () => {
    const sessions = client.proxy.v1.services(state.service.sid).sessions;
    const bySid = await sessions(state.session.sid).fetch();
    assert.deepEqual(bySid.toJSON(), state.session.toJSON());
    const byName = await sessions('order-1').fetch();
    assert.equal(byName.sid, state.session.sid);
  });

  test('sessions: update (close, then re-open as in-progress)', async () => {
    const sessions = client.proxy.v1.services(state.service.sid).sessions;
    const closed = await sessions(state.session.sid).update({ status: 'closed' });
    assert.equal(closed.status, 'closed');
    assertDate(closed.dateEnded, 'session.dateEnded after close');

    await expectRestError(sessions(state.session.sid).update({ status: 'open' }), 400, 80608, 'closed -> open');

    const reopened = await sessions(state.session.sid).update({ status: 'in-progress' });
    assert.equal(reopened.status, 'in-progress');
    assert.equal(reopened.dateEnded, null, 're-open clears date_ended');

    const longer = new Date(Date.now() + 3 * 24 * 3600 * 1000);
    const extended = await sessions(state.session.sid).update({ ttl: 600, dateExpiry: longer });
    assert.equal(extended.ttl, 600);
    assert.equal(extended.dateExpiry.getTime(), Math.floor(longer.getTime() / 1000) * 1000);
    assert.equal(extended.status, 'in-progress');
  });

  // The client passes each participant object through JSON.stringify untouched, so Node code written in the
  // library's own camelCase style sends {"identifier": ...}. Maskline matches the keys case-insensitively.
  test('sessions: create with camelCase participant keys', async () => {
    const session = await client.proxy.v1.services(state.service.sid).sessions.create({
      uniqueName: 'order-camel',
      participants: [{ identifier: '+14155551101', friendlyName: 'camel rider' }],
    });
    const participants = await session.participants().list();
    assert.deepEqual(participants.map((p) => p.identifier), ['+14155551101']);
    assert.equal(participants[0].friendlyName, 'camel rider');
    assert.equal(await session.remove(), true);
  });

  test('sessions: list', async () => {
    const sessions = client.proxy.v1.services(state.service.sid).sessions;
    state.session2 = await sessions.create({ uniqueName: 'order-2', mode: 'voice-and-message' });
    assert.equal(state.session2.status, 'open');
    assert.equal(state.session2.mode, 'voice-and-message');

    const listed = await sessions.list();
    const sids = listed.map((s) => s.sid);
    assert.ok(sids.includes(state.session.sid));
    assert.ok(sids.includes(state.session2.sid));
    assert.equal(sids[0], state.session2.sid, 'newest first');
  });

  test('errors: 80603 duplicate session unique name', async () => {
    await expectRestError(
      client.proxy.v1.services(state.service.sid).sessions.create({ uniqueName: 'order-1' }),
      400,
      80603,
      'duplicate session name',
    );
  });

  // ---- Participants and interactions ----------------------------------------------------------------------------

  test('participants: create, fetch, list', async () => {
    const participants = client.proxy.v1.services(state.service.sid).sessions(state.session2.sid).participants;
    const alice = await participants.create({ identifier: '+14155552001', friendlyName: 'alice' });
    assertSid(alice.sid, 'KP', 'participant.sid');
    assert.equal(alice.sessionSid, state.session2.sid);
    assert.equal(alice.serviceSid, state.service.sid);
    assert.equal(alice.accountSid, ACCOUNT_SID);
    assert.equal(alice.identifier, '+14155552001');
    assert.equal(alice.friendlyName, 'alice');
    assert.match(alice.proxyIdentifier, /^\+1415555010[12]$/);
    assertSid(alice.proxyIdentifierSid, 'PN', 'participant.proxyIdentifierSid');
    assert.equal(alice.dateDeleted, null);
    assert.equal(alice.url, `${state.session2.url}/Participants/${alice.sid}`);
    assert.deepEqual(alice.links, { message_interactions: `${alice.url}/MessageInteractions` });

    // An explicit proxy number from the pool.
    const bob = await participants.create({
      identifier: '+14155552002',
      friendlyName: 'bob',
      proxyIdentifier: '+14155550102',
    });
    assert.equal(bob.proxyIdentifier, '+14155550102');
    assert.equal(bob.proxyIdentifierSid, state.numbers.b.sid);

    const fetched = await participants(alice.sid).fetch();
    assert.deepEqual(fetched.toJSON(), alice.toJSON());
    const listed = await participants.list();
    assert.deepEqual(new Set(listed.map((p) => p.sid)), new Set([alice.sid, bob.sid]));
    state.alice = alice;
    state.bob = bob;
  });

  test('errors: 80609 a third participant', async () => {
    await expectRestError(
      client.proxy.v1.services(state.service.sid).sessions(state.session2.sid).participants.create({
        identifier: '+14155552003',
      }),
      400,
      80609,
      'third participant',
    );
  });

  test('messageInteractions: create, list, fetch', async () => {
    const messages = client.proxy.v1
      .services(state.service.sid)
      .sessions(state.session2.sid)
      .participants(state.alice.sid).messageInteractions;
    const text = 'Hello Alice — your driver is 2 min away & waiting at "Gate 3"';
    const sent = await messages.create({ body: text });
    assertSid(sent.sid, 'KI', 'messageInteraction.sid');
    assert.equal(sent.sessionSid, state.session2.sid);
    assert.equal(sent.serviceSid, state.service.sid);
    assert.equal(sent.accountSid, ACCOUNT_SID);
    assert.equal(sent.participantSid, state.alice.sid);
    assert.equal(sent.type, 'message');
    assert.deepEqual(JSON.parse(sent.data), { body: text });
    assert.equal(sent.inboundParticipantSid, null);
    assert.equal(sent.inboundResourceSid, null);
    assert.equal(sent.outboundParticipantSid, state.alice.sid);
    assert.equal(sent.outboundResourceType, 'Message');
    // The carrier send is durable and asynchronous: the message SID is null until the outbox has sent it.
    assert.equal(sent.outboundResourceStatus, 'queued');
    let delivered = sent;
    for (let i = 0; i < 50 && !delivered.outboundResourceSid; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      delivered = await messages(sent.sid).fetch();
    }
    assertSid(delivered.outboundResourceSid, 'SM', 'messageInteraction.outboundResourceSid');
    assert.equal(sent.url, `${state.alice.url}/MessageInteractions/${sent.sid}`);

    const listed = await messages.list();
    assert.deepEqual(
      listed.map((m) => m.sid),
      [sent.sid],
    );
    const fetched = await messages(sent.sid).fetch();
    assert.equal(fetched.sid, sent.sid);
    assert.equal(fetched.data, sent.data);
    state.messageInteraction = sent;
  });

  test('interactions: list, fetch, remove', async () => {
    const interactions = client.proxy.v1.services(state.service.sid).sessions(state.session2.sid).interactions;
    const listed = await interactions.list();
    assert.deepEqual(
      listed.map((i) => i.sid),
      [state.messageInteraction.sid],
      'a MessageInteraction also shows in the session interactions',
    );
    const interaction = await interactions(state.messageInteraction.sid).fetch();
    assert.equal(interaction.type, 'message');
    assert.equal(interaction.sessionSid, state.session2.sid);
    assert.equal(interaction.data, state.messageInteraction.data);
    assert.equal(interaction.outboundParticipantSid, state.alice.sid);
    assert.equal(interaction.url, `${state.session2.url}/Interactions/${interaction.sid}`);

    assert.equal(await interactions(interaction.sid).remove(), true);
    await expectRestError(interactions(interaction.sid).fetch(), 404, 20404, 'fetch a removed interaction');
    assert.deepEqual(await interactions.list(), []);
  });

  test('participants: remove', async () => {
    const participants = client.proxy.v1.services(state.service.sid).sessions(state.session2.sid).participants;
    assert.equal(await participants(state.bob.sid).remove(), true);
  });

  // ---- Errors as the client sees them -----------------------------------------------------------------------------

  test('errors: 404 / 20404 for unknown resources', async () => {
    const missingService = 'KS' + '0'.repeat(32);
    await expectRestError(client.proxy.v1.services(missingService).fetch(), 404, 20404, 'unknown service');
    await expectRestError(client.proxy.v1.services('no such name').fetch(), 404, 20404, 'unknown service name');
    const sessions = client.proxy.v1.services(state.service.sid).sessions;
    await expectRestError(sessions('KC' + '0'.repeat(32)).fetch(), 404, 20404, 'unknown session');
    await expectRestError(sessions('KC' + '0'.repeat(32)).remove(), 404, 20404, 'remove an unknown session');
    await expectRestError(
      sessions(state.session2.sid).participants('KP' + '0'.repeat(32)).fetch(),
      404,
      20404,
      'unknown participant',
    );
    // A list under an unknown parent fails the page, not with an empty list.
    await expectRestError(client.proxy.v1.services(missingService).sessions.list(), 404, 20404, 'list under unknown');
  });

  test('errors: 401 / 20003 with a wrong auth token', async () => {
    const intruder = makeClient(baseUrl, WRONG_TOKEN);
    await expectRestError(intruder.proxy.v1.services(state.service.sid).fetch(), 401, 20003, 'wrong token, fetch');
    await expectRestError(intruder.proxy.v1.services.list(), 401, 20003, 'wrong token, list');
    await expectRestError(
      intruder.proxy.v1.services.create({ uniqueName: 'intruder' }),
      401,
      20003,
      'wrong token, create',
    );
  });

  test('errors: 400 / 80701 for a malformed parameter, naming it', async () => {
    const error = await expectRestError(
      client.proxy.v1.services.create({ uniqueName: 'bad ttl', defaultTtl: 'soon' }),
      400,
      80701,
      'non-numeric DefaultTtl',
    );
    assert.match(error.message, /DefaultTtl/, 'the message names the parameter');
    await expectRestError(
      client.proxy.v1.services(state.service.sid).sessions.create({ uniqueName: 'bad mode', mode: 'carrier-pigeon' }),
      400,
      80701,
      'unknown Mode',
    );
    // The create must not have happened.
    await expectRestError(client.proxy.v1.services('bad ttl').fetch(), 404, 20404, 'the refused service');
  });

  // ---- Tear-down through the API -------------------------------------------------------------------------------

  test('sessions: remove', async () => {
    const sessions = client.proxy.v1.services(state.service.sid).sessions;
    assert.equal(await sessions(state.session.sid).remove(), true);
    await expectRestError(sessions(state.session.sid).fetch(), 404, 20404, 'fetch a removed session');
    // By name, Proxy's own code for this path: 80308 "Session with the unique name not found".
    await expectRestError(sessions('order-1').fetch(), 404, 80308, 'fetch a removed session by name');
    assert.equal(await state.session2.remove(), true);
    assert.deepEqual(await sessions.list(), []);
  });

  test('services: remove the last one (cascades)', async () => {
    assert.equal(await client.proxy.v1.services(state.service.sid).remove(), true);
    await expectRestError(client.proxy.v1.services(state.service.sid).fetch(), 404, 20404, 'fetch a removed service');
    await expectRestError(
      client.proxy.v1.services(state.service.sid).phoneNumbers.list(),
      404,
      20404,
      'numbers of a removed service',
    );
    assert.deepEqual(await client.proxy.v1.services.list(), []);
  });

  test('maskline-server exits 0 on SIGTERM', async () => {
    server.child.kill('SIGTERM');
    let timer;
    const timeout = new Promise((resolve) => {
      timer = setTimeout(() => resolve({ timedOut: true }), SHUTDOWN_TIMEOUT_MS);
    });
    const result = await Promise.race([server.exited, timeout]);
    clearTimeout(timer);
    assert.ok(!result.timedOut, `maskline-server did not exit within ${SHUTDOWN_TIMEOUT_MS} ms of SIGTERM`);
    assert.deepEqual(result, { code: 0, signal: null }, `exit status; stderr:\n${server.stderr.join('')}`);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// What the client sends, recorded by a stand-in server (no maskline needed). Maskline's form decoding must accept
// exactly this.

describe('what the twilio client puts on the wire', () => {
  let stub;
  let stubUrl;
  const requests = [];

  before(async () => {
    stub = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        requests.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() });
        // Enough for the client to build its objects; the content is not under test here.
        const list = req.method === 'GET' && /\/(Services|Sessions)$/.test(new URL(req.url, 'http://x').pathname);
        res.writeHead(req.method === 'POST' ? 201 : 200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(list ? { services: [], meta: { key: 'services', next_page_url: null } } : {}));
      });
    });
    await new Promise((resolve) => stub.listen(0, '127.0.0.1', resolve));
    stubUrl = `http://127.0.0.1:${stub.address().port}`;
  });

  after(async () => {
    stub.closeAllConnections();
    await new Promise((resolve) => stub.close(resolve));
  });

  const last = () => requests.at(-1);

  test('session create: DateExpiry without milliseconds, Participants as repeated JSON strings, %20 for spaces', async () => {
    const client = makeClient(stubUrl);
    await client.proxy.v1.services('KS' + 'a'.repeat(32)).sessions.create({
      uniqueName: 'Order #1234 +x',
      ttl: 3600,
      mode: 'voice-and-message',
      dateExpiry: new Date(Date.UTC(2030, 0, 2, 3, 4, 5, 678)),
      participants: [
        { Identifier: '+14155550100', FriendlyName: 'rider' },
        { identifier: '+14155550101' },
      ],
    });
    const r = last();
    assert.equal(r.method, 'POST');
    assert.equal(r.url, `/v1/Services/KS${'a'.repeat(32)}/Sessions`);
    assert.equal(r.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(r.headers.accept, 'application/json');
    assert.equal(r.headers['accept-charset'], 'utf-8');
    assert.equal(r.headers.authorization, 'Basic ' + Buffer.from(`${ACCOUNT_SID}:${AUTH_TOKEN}`).toString('base64'));
    assert.match(r.headers['user-agent'], /^twilio-node\/5\.13\.1 /);
    assert.equal(
      r.body,
      'UniqueName=Order%20%231234%20%2Bx' +
        '&DateExpiry=2030-01-02T03%3A04%3A05Z' +
        '&Ttl=3600' +
        '&Mode=voice-and-message' +
        '&Participants=' + encodeURIComponent('{"Identifier":"+14155550100","FriendlyName":"rider"}') +
        '&Participants=' + encodeURIComponent('{"identifier":"+14155550101"}'),
    );
  });

  test('booleans as true/false, MediaUrl repeated, Body UTF-8', async () => {
    const client = makeClient(stubUrl);
    const service = client.proxy.v1.services('KS' + 'a'.repeat(32));
    await service.phoneNumbers.create({ phoneNumber: '+14155550100', isReserved: true });
    assert.equal(last().body, 'PhoneNumber=%2B14155550100&IsReserved=true');
    await service.phoneNumbers('PN' + 'b'.repeat(32)).update({ isReserved: false });
    assert.equal(last().body, 'IsReserved=false');
    await service
      .sessions('KC' + 'c'.repeat(32))
      .participants('KP' + 'd'.repeat(32))
      .messageInteractions.create({ body: 'Grüße ✓', mediaUrl: ['https://a.example/1.png', 'https://a.example/2.png'] });
    assert.equal(
      last().body,
      'Body=Gr%C3%BC%C3%9Fe%20%E2%9C%93&MediaUrl=https%3A%2F%2Fa.example%2F1.png&MediaUrl=https%3A%2F%2Fa.example%2F2.png',
    );
  });

  test('paging: PageSize in the query; a unique name goes into the path percent-encoded, "#" cut off', async () => {
    const client = makeClient(stubUrl);
    await client.proxy.v1.services.page({ pageSize: 20 });
    assert.equal(last().method, 'GET');
    assert.equal(last().url, '/v1/Services?PageSize=20');
    assert.equal(last().body, '');

    await client.proxy.v1.services('Café client test').fetch();
    assert.equal(last().url, '/v1/Services/Caf%C3%A9%20client%20test');
    // The client does not encode path parameters: everything after '#' is a URL fragment and never sent.
    await client.proxy.v1.services('KS' + 'a'.repeat(32)).sessions('Order #1234').fetch();
    assert.equal(last().url, `/v1/Services/KS${'a'.repeat(32)}/Sessions/Order%20`);
  });

  test('remove: DELETE with axios\'s default Accept and no body', async () => {
    const client = makeClient(stubUrl);
    await client.proxy.v1.services('KS' + 'a'.repeat(32)).remove();
    assert.equal(last().method, 'DELETE');
    assert.equal(last().headers.accept, 'application/json, text/plain, */*');
    assert.equal(last().headers['content-type'], undefined);
    assert.equal(last().body, '');
  });
});

test('twilio.validateRequest is importable and checks X-Twilio-Signature', () => {
  assert.equal(typeof twilio.validateRequest, 'function');
  const url = 'https://example.com/proxy/status';
  const params = { interactionSid: 'KI' + 'e'.repeat(32), status: 'delivered' };
  const signature = twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params);
  assert.equal(twilio.validateRequest(AUTH_TOKEN, signature, url, params), true);
  assert.equal(twilio.validateRequest(WRONG_TOKEN, signature, url, params), false);
});
