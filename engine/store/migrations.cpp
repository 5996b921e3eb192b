#include "migrations.h"

namespace Maskline::Migrations {

namespace {

// Times are stored as milliseconds since the epoch (UTC): exact, sortable and the same on SQLite and PostgreSQL.
// Every resource table has an integer `id` whose order is creation order: lists page newest-first on it, so a cursor
// never skips or repeats rows while others insert.
Migration initialSchema()
{
    return {1,
            QStringLiteral("accounts, services, numbers, sessions, participants, interactions"),
            {
                QStringLiteral(R"(CREATE TABLE accounts (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    auth_token TEXT NOT NULL,
                    friendly_name TEXT,
                    allow_participant_conflict %BOOL% NOT NULL DEFAULT 0,
                    respect_sms_stop_filter %BOOL% NOT NULL DEFAULT 0,
                    sms_stop_filtering %BOOL% NOT NULL DEFAULT 1,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL))"),
                QStringLiteral(R"(CREATE TABLE services (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
                    unique_name TEXT NOT NULL,
                    chat_instance_sid TEXT,
                    callback_url TEXT,
                    intercept_callback_url TEXT,
                    out_of_session_callback_url TEXT,
                    default_ttl INTEGER NOT NULL DEFAULT 0,
                    geo_match_level TEXT NOT NULL,
                    number_selection_behavior TEXT NOT NULL,
                    mx_insert_one %BOOL% NOT NULL DEFAULT 0,
                    ar_insert_nine %BOOL% NOT NULL DEFAULT 0,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL,
                    UNIQUE (account_sid, unique_name)))"),
                QStringLiteral(R"(CREATE TABLE phone_numbers (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
                    service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
                    phone_number TEXT NOT NULL UNIQUE,
                    friendly_name TEXT,
                    iso_country TEXT,
                    cap_voice %BOOL% NOT NULL DEFAULT 1,
                    cap_sms %BOOL% NOT NULL DEFAULT 1,
                    cap_mms %BOOL% NOT NULL DEFAULT 1,
                    cap_fax %BOOL% NOT NULL DEFAULT 0,
                    is_reserved %BOOL% NOT NULL DEFAULT 0,
                    in_use INTEGER NOT NULL DEFAULT 0,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL))"),
                QStringLiteral("CREATE INDEX phone_numbers_service ON phone_numbers(service_sid, id)"),
                QStringLiteral(R"(CREATE TABLE sessions (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
                    service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
                    unique_name TEXT,
                    status TEXT NOT NULL,
                    mode TEXT NOT NULL,
                    ttl INTEGER NOT NULL DEFAULT 0,
                    date_expiry %TIME%,
                    expires_at %TIME%,
                    closed_reason TEXT,
                    date_started %TIME%,
                    date_ended %TIME%,
                    date_last_interaction %TIME%,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL,
                    UNIQUE (service_sid, unique_name)))"),
                QStringLiteral("CREATE INDEX sessions_service ON sessions(service_sid, id)"),
                QStringLiteral("CREATE INDEX sessions_expiry ON sessions(expires_at) WHERE expires_at IS NOT NULL"),
                QStringLiteral("CREATE INDEX sessions_ended ON sessions(date_ended) WHERE date_ended IS NOT NULL"),
                // `routable` marks the participant that holds its (service, identifier, proxy number) routing key:
                // set while its session is active and it is not deleted. The partial unique index makes the key
                // unique in the database itself, whatever the code above it does.
                QStringLiteral(R"(CREATE TABLE participants (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
                    service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
                    session_sid TEXT NOT NULL REFERENCES sessions(sid) ON DELETE CASCADE,
                    identifier TEXT NOT NULL,
                    proxy_identifier TEXT NOT NULL,
                    proxy_identifier_sid TEXT,
                    friendly_name TEXT,
                    routable %BOOL% NOT NULL DEFAULT 0,
                    date_deleted %TIME%,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL,
                    UNIQUE (session_sid, identifier)))"),
                QStringLiteral("CREATE UNIQUE INDEX participants_routing_key ON participants(service_sid, identifier, "
                               "proxy_identifier) WHERE routable = 1"),
                QStringLiteral("CREATE INDEX participants_session ON participants(session_sid, id)"),
                QStringLiteral("CREATE INDEX participants_number ON participants(proxy_identifier_sid)"),
                QStringLiteral("CREATE INDEX participants_identifier ON participants(service_sid, identifier)"),
                QStringLiteral(R"(CREATE TABLE interactions (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
                    service_sid TEXT NOT NULL REFERENCES services(sid) ON DELETE CASCADE,
                    session_sid TEXT NOT NULL REFERENCES sessions(sid) ON DELETE CASCADE,
                    participant_sid TEXT,
                    type TEXT NOT NULL,
                    data TEXT,
                    inbound_participant_sid TEXT,
                    inbound_resource_sid TEXT,
                    inbound_resource_status TEXT,
                    inbound_resource_type TEXT,
                    inbound_resource_url TEXT,
                    outbound_participant_sid TEXT,
                    outbound_resource_sid TEXT,
                    outbound_resource_status TEXT,
                    outbound_resource_type TEXT,
                    outbound_resource_url TEXT,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL))"),
                QStringLiteral("CREATE INDEX interactions_session ON interactions(session_sid, id)"),
                QStringLiteral("CREATE INDEX interactions_participant ON interactions(participant_sid, id) "
                               "WHERE participant_sid IS NOT NULL"),
                QStringLiteral("CREATE INDEX interactions_inbound_resource ON interactions(inbound_resource_sid)"),
                QStringLiteral("CREATE INDEX interactions_outbound_resource ON interactions(outbound_resource_sid)"),
            }};
}

Migration debuggerAndOutbox()
{
    return {2,
            QStringLiteral("debugger events and the durable callback/carrier outbox"),
            {
                QStringLiteral(R"(CREATE TABLE debugger_events (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    account_sid TEXT,
                    service_sid TEXT,
                    session_sid TEXT,
                    participant_sid TEXT,
                    interaction_sid TEXT,
                    resource_sid TEXT,
                    code INTEGER NOT NULL,
                    log_level TEXT NOT NULL,
                    message TEXT NOT NULL,
                    request_method TEXT,
                    request_url TEXT,
                    request_variables TEXT,
                    response_body TEXT,
                    date_created %TIME% NOT NULL))"),
                QStringLiteral("CREATE INDEX debugger_events_account ON debugger_events(account_sid, id)"),
                QStringLiteral("CREATE INDEX debugger_events_created ON debugger_events(date_created)"),
                // Work that must survive a restart: status callbacks and carrier sends. `dedupe_key` makes "never
                // sent twice for one inbound message" a database guarantee.
                QStringLiteral(R"(CREATE TABLE outbox (
                    id %ID%,
                    kind TEXT NOT NULL,
                    account_sid TEXT,
                    service_sid TEXT,
                    session_sid TEXT,
                    interaction_sid TEXT,
                    dedupe_key TEXT UNIQUE,
                    url TEXT NOT NULL,
                    payload TEXT NOT NULL,
                    state TEXT NOT NULL DEFAULT 'pending',
                    attempts INTEGER NOT NULL DEFAULT 0,
                    next_attempt_at %TIME% NOT NULL,
                    last_error TEXT,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL))"),
                QStringLiteral("CREATE INDEX outbox_due ON outbox(state, next_attempt_at)"),
            }};
}

Migration simulatorTraffic()
{
    return {3,
            QStringLiteral("traffic carried by the built-in simulator carrier"),
            {
                // What the simulator carrier sent and what was injected into it, so the console can show masked
                // traffic without a real carrier. media_urls is a JSON array.
                QStringLiteral(R"(CREATE TABLE simulator_traffic (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    kind TEXT NOT NULL,
                    direction TEXT NOT NULL,
                    from_number TEXT NOT NULL,
                    to_number TEXT NOT NULL,
                    body TEXT,
                    media_urls TEXT,
                    status TEXT NOT NULL,
                    account_sid TEXT,
                    service_sid TEXT,
                    session_sid TEXT,
                    interaction_sid TEXT,
                    date_created %TIME% NOT NULL))"),
                QStringLiteral("CREATE INDEX simulator_traffic_interaction ON simulator_traffic(interaction_sid)"),
            }};
}

Migration outboxOrder()
{
    return {4,
            QStringLiteral("ordered outbox lines (status callbacks in order per session)"),
            {
                // Items sharing an order_key are delivered one at a time, in id order: the worker asks, for each
                // candidate, whether an earlier open item of its line exists, which this partial index answers.
                QStringLiteral("ALTER TABLE outbox ADD COLUMN order_key TEXT"),
                QStringLiteral("CREATE INDEX outbox_open_line ON outbox(order_key, id) "
                               "WHERE state IN ('pending', 'sending')"),
            }};
}

Migration consoleIndexes()
{
    return {5,
            QStringLiteral("console: sessions by participant identifier across services"),
            {
                // The console's Sessions pane filters by a participant's number over every Service of the account
                // (sid IN (SELECT session_sid FROM participants WHERE identifier = ?)); the (service_sid, identifier)
                // index answers that only with ANALYZE statistics (skip-scan), so it gets its own.
                QStringLiteral("CREATE INDEX participants_identifier_any ON participants(identifier)"),
            }};
}

Migration outboxByKind()
{
    return {6,
            QStringLiteral("outbox: due items of one kind found by index"),
            {
                // The worker looks for due items one kind at a time (a kind whose slots are busy must not crowd the
                // others out); without `kind` in the index each pass scanned the whole backlog.
                QStringLiteral("CREATE INDEX outbox_kind_due ON outbox(kind, state, next_attempt_at)"),
            }};
}

Migration apiKeys()
{
    return {7,
            QStringLiteral("API keys (the 2010-04-01 Keys resource)"),
            {
                // `sid` is the key's identity (UNIQUE); `id`, as in every table, is creation order for paging. Only a
                // salt and HMAC-SHA256(salt, secret) are kept, both hex text (the same on SQLite and PostgreSQL):
                // the secret itself is shown once, by create, and can never be read back.
                QStringLiteral(R"(CREATE TABLE api_keys (
                    id %ID%,
                    sid TEXT NOT NULL UNIQUE,
                    account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
                    friendly_name TEXT,
                    salt TEXT NOT NULL,
                    secret_hash TEXT NOT NULL,
                    date_created %TIME% NOT NULL,
                    date_updated %TIME% NOT NULL))"),
                QStringLiteral("CREATE INDEX api_keys_account ON api_keys(account_sid, id)"),
            }};
}

Migration carrierNumbers()
{
    return {8,
            QStringLiteral("pool numbers from the carrier account: their previous webhooks; selection by index"),
            {
                // A number added from the carrier account (--carrier twilio) has its webhooks pointed at Maskline;
                // what they were before is kept here and put back when the number leaves the pool.
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN carrier_managed %BOOL% NOT NULL DEFAULT 0"),
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN prev_sms_url TEXT"),
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN prev_sms_method TEXT"),
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN prev_voice_url TEXT"),
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN prev_voice_method TEXT"),
                // Automatic selection reads only a Service's unreserved numbers (up to 500 of a pool of up to
                // 5,500), and the Service delete finds its carrier-managed numbers, both by this index.
                QStringLiteral("CREATE INDEX phone_numbers_selectable ON phone_numbers(service_sid, is_reserved, "
                               "carrier_managed)"),
            }};
}

Migration nodes()
{
    return {9,
            QStringLiteral("engine nodes sharing the store (heartbeats)"),
            {
                // Every engine on a shared PostgreSQL store announces itself here every few seconds (times from the
                // database server's clock, so the nodes' own clocks do not matter). The live count divides each
                // Service's rate limit between the nodes (docs/scale-out.md). SQLite has one engine and leaves it
                // empty.
                QStringLiteral(R"(CREATE TABLE engine_nodes (
                    node_id TEXT PRIMARY KEY,
                    host TEXT NOT NULL,
                    pid INTEGER NOT NULL,
                    listen_url TEXT,
                    started_at %TIME% NOT NULL,
                    heartbeat_at %TIME% NOT NULL))"),
            }};
}

Migration numberGeography()
{
    return {10,
            QStringLiteral("pool numbers' geography, so automatic selection asks the index for the least-loaded fit"),
            {
                // What number selection derives from a pool number (its calling code, region, NANP area code and
                // overlay group; proxy/numberselector.h), stored once instead of parsed for every participant. NULL
                // dial_code = not derived yet: the domain derives such rows before it selects, whoever wrote them.
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN dial_code INTEGER"),
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN geo_region TEXT"),
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN nanp_area TEXT"),
                QStringLiteral("ALTER TABLE phone_numbers ADD COLUMN overlay_area TEXT"),
                // A Service's unreserved numbers of one calling code in load order (fewest active sessions, then
                // SID): the selector's ranking for numbers the identifier never used, read from the front.
                QStringLiteral("CREATE INDEX phone_numbers_by_load ON phone_numbers(service_sid, is_reserved, "
                               "dial_code, in_use, sid)"),
            }};
}

Migration fewerParticipantIndexes()
{
    return {11,
            QStringLiteral("participants: two indexes the others cover, dropped"),
            {
                // Every participant insert wrote 7 B-tree leaves keyed by random values; on a large store no two
                // creates of a group commit share them, so each cost a page per index in the WAL and again at the
                // checkpoint. UNIQUE(session_sid, identifier) answers session_sid look-ups (and the cascade from
                // sessions) as participants_session did, the row ids of a session's few participants sorted in
                // memory; participants_identifier_any answers (service_sid, identifier) as participants_identifier
                // did, a service being no narrower than an identifier in practice.
                QStringLiteral("DROP INDEX IF EXISTS participants_session"),
                QStringLiteral("DROP INDEX IF EXISTS participants_identifier"),
            }};
}

} // namespace

QList<Migration> all()
{
    return {initialSchema(),          debuggerAndOutbox(), simulatorTraffic(), outboxOrder(), consoleIndexes(),
            outboxByKind(),           apiKeys(),           carrierNumbers(),   nodes(),       numberGeography(),
            fewerParticipantIndexes()};
}

int latestVersion()
{
    return all().constLast().version;
}

} // namespace Maskline::Migrations
