#include "outbox.h"

#include <algorithm>
#include <optional>

#include <QElapsedTimer>
#include <QLoggingCategory>
#include <QPointer>

#include "core/redact.h"
#include "database.h"
#include "rows.h"
#include "sqlquery.h"
#include "transaction.h"

Q_LOGGING_CATEGORY(lcOutbox, "maskline.callbacks.outbox", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

const QString COLUMNS = u"id, kind, account_sid, service_sid, session_sid, interaction_sid, dedupe_key, url, payload, "
                        u"state, attempts, next_attempt_at, last_error, date_created, date_updated, order_key"_s;
// An item is first in line when no earlier item with its order key is still open (pending or in flight).
const QString FIRST_IN_LINE = u"(order_key IS NULL OR NOT EXISTS (SELECT 1 FROM outbox AS earlier WHERE "
                              u"earlier.order_key = outbox.order_key AND earlier.id < outbox.id AND "
                              u"earlier.state IN ('pending', 'sending')))"_s;
const QString PENDING = u"pending"_s;
const QString SENDING = u"sending"_s;
const QString DONE = u"done"_s;
const QString FAILED = u"failed"_s;
constexpr int MAX_ERROR_TEXT = 2000;
// Outcomes are recorded together: at most this many per commit, at most this long after the first of them.
constexpr qsizetype MAX_OUTCOMES_PER_COMMIT = 256;
constexpr int OUTCOME_COMMIT_DELAY_MS = 2;

QString str(const SqlQuery &q, int i)
{
    const QVariant v = q.value(i);
    return v.isNull() ? QString() : v.toString();
}

OutboxItem readItem(const SqlQuery &q)
{
    OutboxItem item;
    item.id = q.value(0).toLongLong();
    item.kind = str(q, 1);
    item.accountSid = str(q, 2);
    item.serviceSid = str(q, 3);
    item.sessionSid = str(q, 4);
    item.interactionSid = str(q, 5);
    item.dedupeKey = str(q, 6);
    item.url = str(q, 7);
    item.payload = str(q, 8);
    item.state = str(q, 9);
    item.attempts = q.value(10).toInt();
    item.nextAttemptAt = Rows::toTime(q.value(11));
    item.lastError = str(q, 12);
    item.dateCreated = Rows::toTime(q.value(13));
    item.dateUpdated = Rows::toTime(q.value(14));
    item.orderKey = str(q, 15);
    return item;
}

} // namespace

Outbox::Outbox(Database &db, const Clock &clock, OutboxConfig config, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
    , m_config(config)
{
    m_config.maxAttempts = std::max(1, m_config.maxAttempts);
    m_config.maxInFlight = std::max(1, m_config.maxInFlight);
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, [this]() { processDue(); });
    m_flushTimer.setSingleShot(true);
    m_flushTimer.setInterval(OUTCOME_COMMIT_DELAY_MS);
    // Recording outcomes frees their slots: the same pass claims what can start next, rather than a turn later.
    // A stopped worker (draining) only records what finishes.
    connect(&m_flushTimer, &QTimer::timeout, this, [this]() { m_running ? void(processDue()) : flushFinished(); });
    connect(&m_renewTimer, &QTimer::timeout, this, &Outbox::renewClaims);
}

Outbox::~Outbox() = default;

QString Outbox::failureLabel(int status, bool timedOut, bool tooLarge)
{
    if (status > 0) {
        return QString::number(status);
    }
    return timedOut ? u"timeout"_s : tooLarge ? u"too_large"_s : u"no_answer"_s;
}

void Outbox::registerHandler(const QString &kind, Handler handler)
{
    m_handlers.insert(kind, std::move(handler));
}

bool Outbox::enqueue(const QSqlDatabase &db, const OutboxItem &item, const QDateTime &now)
{
    const QDateTime due = item.nextAttemptAt.isValid() ? item.nextAttemptAt : now;
    // ON CONFLICT DO NOTHING (SQLite >= 3.24 and PostgreSQL alike) keeps the caller's transaction usable when the
    // dedupe key exists, which a failed plain INSERT would not on PostgreSQL.
    SqlQuery q(db,
               u"INSERT INTO outbox (kind, account_sid, service_sid, session_sid, interaction_sid, dedupe_key, url, "
               u"payload, state, attempts, next_attempt_at, date_created, date_updated, order_key) VALUES (:k, :a, "
               u":s, :ks, :i, :d, :url, :p, 'pending', 0, :n, :c, :u, :o) ON CONFLICT (dedupe_key) DO NOTHING"_s);
    q.bind(u":k"_s, item.kind)
        .bind(u":a"_s, nullIfEmpty(item.accountSid))
        .bind(u":s"_s, nullIfEmpty(item.serviceSid))
        .bind(u":ks"_s, nullIfEmpty(item.sessionSid))
        .bind(u":i"_s, nullIfEmpty(item.interactionSid))
        .bind(u":d"_s, nullIfEmpty(item.dedupeKey))
        .bind(u":url"_s, item.url)
        .bind(u":p"_s, item.payload)
        .bind(u":n"_s, due.toMSecsSinceEpoch())
        .bind(u":c"_s, now.toMSecsSinceEpoch())
        .bind(u":u"_s, now.toMSecsSinceEpoch())
        .bind(u":o"_s, nullIfEmpty(item.orderKey))
        .exec();
    return q.numRowsAffected() == 1;
}

void Outbox::start()
{
    m_running = true;
    if (m_config.leaseMs > 0) {
        m_renewTimer.start(int(std::max<qint64>(50, m_config.leaseMs / 3)));
    }
    poke();
}

void Outbox::stop()
{
    m_running = false;
    m_timer.stop();
    flushFinished();
    // Attempts still in flight keep their leases until they finish (drain) or the process ends; renewal goes on
    // only while the worker runs.
    m_renewTimer.stop();
}

int Outbox::releaseClaims()
{
    try {
        const qint64 now = m_clock.nowMs();
        SqlQuery q(m_db.connection(),
                   u"UPDATE outbox SET next_attempt_at = :now WHERE state = 'sending' AND next_attempt_at > :now"_s);
        q.bind(u":now"_s, now).exec();
        const int released = q.numRowsAffected();
        if (released > 0) {
            qCInfo(lcOutbox) << released << "outbox item(s) claimed by a process that stopped are attempted again now";
        }
        return released;
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << "could not release earlier claims:" << redactText(e.message());
        return 0;
    }
}

void Outbox::renewClaims()
{
    if (m_inFlight.isEmpty()) {
        return;
    }
    const qint64 now = m_clock.nowMs();
    try {
        const QSqlDatabase db = m_db.connection();
        Transaction tx(db);
        for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it) {
            const qint64 deadline = it->claimedAt + claimFor(it->kind);
            if (now >= deadline) {
                continue; // hung past claimMs: let the claim lapse, the item is redone
            }
            SqlQuery q(db, u"UPDATE outbox SET next_attempt_at = :until WHERE id = :id AND state = 'sending' AND "
                           u"attempts = :a AND next_attempt_at < :until"_s);
            q.bind(u":until"_s, std::min(now + leaseFor(it->kind), deadline))
                .bind(u":id"_s, it.key())
                .bind(u":a"_s, it->attempts)
                .exec();
        }
        tx.commit();
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << "could not renew the outbox claims in flight:" << redactText(e.message());
    }
}

void Outbox::poke()
{
    if (m_running) {
        m_timer.start(0);
    }
}

qint64 Outbox::retryDelayMs(int attempts) const
{
    qint64 delay = m_config.firstRetryDelayMs;
    for (int i = 1; i < attempts && delay < m_config.maxRetryDelayMs; ++i) {
        delay *= 2;
    }
    return std::min(delay, m_config.maxRetryDelayMs);
}

int Outbox::inFlight(const QString &kind) const
{
    int n = 0;
    for (auto it = m_inFlight.cbegin(); it != m_inFlight.cend(); ++it) {
        n += it->kind == kind ? 1 : 0;
    }
    return n;
}

int Outbox::limitFor(const QString &kind) const
{
    const auto handler = m_handlers.constFind(kind);
    return handler != m_handlers.cend() && handler->maxInFlight > 0 ? handler->maxInFlight : m_config.maxInFlight;
}

qint64 Outbox::claimFor(const QString &kind) const
{
    const auto handler = m_handlers.constFind(kind);
    return handler != m_handlers.cend() && handler->claimMs > 0 ? handler->claimMs : m_config.claimMs;
}

qint64 Outbox::leaseFor(const QString &kind) const
{
    const qint64 claim = claimFor(kind);
    return m_config.leaseMs > 0 ? std::min(m_config.leaseMs, claim) : claim;
}

QStringList Outbox::kindsWithRoom() const
{
    QStringList kinds;
    for (auto it = m_handlers.cbegin(); it != m_handlers.cend(); ++it) {
        if (inFlight(it.key()) < limitFor(it.key())) {
            kinds.append(it.key());
        }
    }
    kinds.sort();
    return kinds;
}

int Outbox::processDue()
{
    // A handler that completes synchronously calls finish() from inside this loop; finish() only queues the outcome,
    // so the loop is never re-entered and the set of claimed ids stays consistent.
    if (m_processing || m_handlers.isEmpty()) {
        return 0;
    }
    m_processing = true;
    flushFinished(); // outcomes first: they free slots and open ordered lines
    QList<OutboxItem> claimed;
    try {
        const QSqlDatabase db = m_db.connection();
        const qint64 now = m_clock.nowMs();
        // Every claim of this pass in one transaction: one commit, however many items start.
        Transaction tx(db);
        // One query per kind, so a kind whose slots are all busy never crowds the others out of a shared LIMIT.
        for (const QString &kind : kindsWithRoom()) {
            const int room = limitFor(kind) - inFlight(kind);
            // Claims that lapsed (an attempt whose node died, or that hung) first: they were at the head of the
            // queue when they were claimed, and a backlog of pending items must not hold up their fail-over. Then
            // pending items that are due. Of an ordered line, only its first open item.
            QList<OutboxItem> due;
            for (const QString &state : {SENDING, PENDING}) {
                SqlQuery q(db, u"SELECT "_s + COLUMNS +
                                   u" FROM outbox WHERE kind = :kind AND state = :state AND next_attempt_at <= :now "
                                   u"AND "_s +
                                   FIRST_IN_LINE + u" ORDER BY next_attempt_at, id LIMIT :limit"_s +
                                   // Nodes sharing PostgreSQL pass over rows another node is claiming right now.
                                   (m_db.isPostgres() ? u" FOR UPDATE SKIP LOCKED"_s : QString()));
                q.bind(u":kind"_s, kind)
                    .bind(u":state"_s, state)
                    .bind(u":now"_s, now)
                    .bind(u":limit"_s, room + inFlight(kind));
                q.exec();
                while (q.next()) {
                    OutboxItem item = readItem(q);
                    if (!m_inFlight.contains(item.id)) {
                        due.append(item);
                    }
                }
                if (due.size() >= room) {
                    break;
                }
            }
            for (OutboxItem item : std::as_const(due)) {
                if (inFlight(kind) >= limitFor(kind)) {
                    break;
                }
                // Claim: only one worker wins the conditional update, however many nodes share the store.
                const qint64 claimUntil = now + leaseFor(kind);
                SqlQuery claim(db, u"UPDATE outbox SET state = 'sending', attempts = attempts + 1, next_attempt_at = "
                                   u":until, date_updated = :now WHERE id = :id AND state = :state AND attempts = "
                                   u":attempts"_s);
                claim.bind(u":until"_s, claimUntil)
                    .bind(u":now"_s, now)
                    .bind(u":id"_s, item.id)
                    .bind(u":state"_s, item.state)
                    .bind(u":attempts"_s, item.attempts)
                    .exec();
                if (claim.numRowsAffected() != 1) {
                    continue;
                }
                if (item.state == SENDING) {
                    qCWarning(lcOutbox).noquote() << "outbox item" << item.id << "(" << item.kind
                                                  << ") was claimed but never finished (the process stopped?); "
                                                     "attempting it again";
                }
                item.state = SENDING;
                item.attempts += 1;
                item.nextAttemptAt = Time::fromMs(claimUntil);
                m_inFlight.insert(item.id, Claim{item.kind, item.attempts, now});
                claimed.append(item);
            }
        }
        tx.commit();
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << "outbox unavailable, will try again:" << redactText(e.message());
        for (const OutboxItem &item : std::as_const(claimed)) {
            m_inFlight.remove(item.id);
        }
        claimed.clear();
    }
    // Delivery starts once the claims are committed. A delivery that completes at once and writes as it goes (the
    // simulator records the message it carried) commits together with its outcome, in one transaction: a crash
    // cannot leave a send made but not marked done, to be made again.
    try {
        std::optional<Transaction> deliveries;
        if (!claimed.isEmpty()) {
            deliveries.emplace(m_db.connection());
        }
        for (const OutboxItem &item : std::as_const(claimed)) {
            const Handler &handler = m_handlers[item.kind];
            QPointer<Outbox> self(this);
            QElapsedTimer started;
            started.start();
            handler.deliver(item, [self, item, started](const Attempt &attempt) {
                if (self) {
                    Attempt measured = attempt;
                    measured.seconds = double(started.nsecsElapsed()) / 1e9;
                    self->finish(item, measured);
                }
            });
        }
        m_processing = false;
        flushFinished(); // what completed synchronously
        if (deliveries) {
            deliveries->commit();
        }
    } catch (const StoreError &e) {
        // Rolled back: the claims stand and lapse, and the items are attempted again.
        qCWarning(lcOutbox).noquote() << "could not record this pass's deliveries:" << redactText(e.message());
    }
    m_processing = false;
    armTimer();
    return int(claimed.size());
}

void Outbox::finish(const OutboxItem &item, const Attempt &attempt)
{
    m_inFlight.remove(item.id);
    m_finished.append({item, attempt});
    if (m_processing) {
        return; // processDue() records it before it returns
    }
    // Outcomes that arrive close together are recorded in one transaction. Until then the item stays claimed in
    // the table: a crash in between means one more attempt, never a lost item.
    if (m_finished.size() >= MAX_OUTCOMES_PER_COMMIT) {
        flushFinished();
    } else if (!m_flushTimer.isActive()) {
        m_flushTimer.start();
    }
}

void Outbox::flushFinished()
{
    m_flushTimer.stop();
    if (m_finished.isEmpty()) {
        return;
    }
    struct Outcome
    {
        OutboxItem item;
        QString state;
        QString error;
        bool gaveUp = false;
        bool exhausted = false;
        QString failure;
        double seconds = 0;
    };
    const QList<std::pair<OutboxItem, Attempt>> finished = std::exchange(m_finished, {});
    QList<Outcome> stored;
    const qint64 now = m_clock.nowMs();
    try {
        const QSqlDatabase db = m_db.connection();
        Transaction tx(db);
        for (const auto &[item, attempt] : finished) {
            Outcome outcome{item, QString(), attempt.error, false, false, attempt.failure, attempt.seconds};
            qint64 next = now;
            switch (attempt.verdict) {
            case Verdict::Done:
                outcome.state = DONE;
                break;
            case Verdict::Fail:
                outcome.state = FAILED;
                outcome.gaveUp = true;
                break;
            case Verdict::Retry:
                if (item.attempts >= m_config.maxAttempts) {
                    outcome.state = FAILED;
                    outcome.gaveUp = true;
                    outcome.exhausted = true;
                } else {
                    outcome.state = PENDING;
                    next = now + retryDelayMs(item.attempts);
                }
                break;
            }
            SqlQuery q(db, u"UPDATE outbox SET state = :state, next_attempt_at = :next, last_error = :err, "
                           u"date_updated = :now WHERE id = :id AND state = 'sending' AND attempts = :a"_s);
            q.bind(u":state"_s, outcome.state)
                .bind(u":next"_s, next)
                .bind(u":err"_s, nullIfEmpty(attempt.error.left(MAX_ERROR_TEXT)))
                .bind(u":now"_s, now)
                .bind(u":id"_s, item.id)
                .bind(u":a"_s, item.attempts)
                .exec();
            if (q.numRowsAffected() == 1) {
                if (attempt.alsoRecord) {
                    attempt.alsoRecord(); // inside this transaction: its own work is a savepoint of it
                }
                stored.append(outcome);
            } else {
                qCWarning(lcOutbox) << "outbox item" << item.id << "was re-claimed before its attempt finished";
            }
        }
        tx.commit();
    } catch (const StoreError &e) {
        // The claims lapse and the items are attempted again: at-least-once rather than lost.
        qCWarning(lcOutbox).noquote() << "could not record the results of" << finished.size()
                                      << "outbox attempt(s):" << redactText(e.message());
        stored.clear();
    }
    for (const Outcome &outcome : std::as_const(stored)) {
        const OutboxItem &item = outcome.item;
        if (outcome.state == PENDING) {
            qCInfo(lcOutbox).noquote() << "outbox item" << item.id << "(" << item.kind << ") attempt" << item.attempts
                                       << "failed, retrying in" << retryDelayMs(item.attempts)
                                       << "ms:" << redactText(outcome.error);
        }
        if (outcome.gaveUp) {
            qCWarning(lcOutbox).noquote() << "outbox item" << item.id << "(" << item.kind << ") given up after"
                                          << item.attempts << "attempt(s):" << redactText(outcome.error);
            const auto handler = m_handlers.constFind(item.kind);
            if (handler != m_handlers.cend() && handler->gaveUp) {
                OutboxItem done = item;
                done.state = outcome.state;
                done.lastError = outcome.error;
                handler->gaveUp(done, outcome.error, outcome.exhausted);
            }
        }
        Q_EMIT attemptFinished(item.id, outcome.state);
        Q_EMIT attemptMeasured(item.kind, outcome.state,
                               outcome.state == DONE       ? QString()
                               : outcome.failure.isEmpty() ? u"engine"_s
                                                           : outcome.failure,
                               outcome.seconds);
    }
    poke();
}

void Outbox::armTimer()
{
    if (!m_running) {
        return;
    }
    qint64 wait = m_config.idleCheckMs;
    try {
        // The earliest item that could start: of a kind with a free slot, and first in its line. Work waiting only
        // for a slot, or behind an earlier item, is started when that attempt finishes (finish() pokes).
        const QStringList kinds = kindsWithRoom();
        if (!kinds.isEmpty()) {
            QStringList placeholders;
            for (qsizetype i = 0; i < kinds.size(); ++i) {
                placeholders.append(u":kind%1"_s.arg(i));
            }
            SqlQuery q(m_db.connection(), u"SELECT MIN(next_attempt_at) FROM outbox WHERE state IN ('pending', "
                                          u"'sending') AND kind IN ("_s +
                                              placeholders.join(u", "_s) + u") AND "_s + FIRST_IN_LINE);
            for (qsizetype i = 0; i < kinds.size(); ++i) {
                q.bind(placeholders.at(i), kinds.at(i));
            }
            q.exec();
            if (q.next() && !q.value(0).isNull()) {
                wait = std::clamp(q.value(0).toLongLong() - m_clock.nowMs(), qint64(0), m_config.idleCheckMs);
            }
        }
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << "outbox unavailable:" << redactText(e.message());
    }
    // A short floor, so a store that keeps failing is not polled in a tight loop.
    m_timer.start(int(std::max<qint64>(wait, 20)));
}

std::optional<OutboxItem> Outbox::find(qint64 id)
{
    flushFinished();
    try {
        SqlQuery q(m_db.connection(), u"SELECT "_s + COLUMNS + u" FROM outbox WHERE id = :id"_s);
        q.bind(u":id"_s, id).exec();
        if (q.next()) {
            return readItem(q);
        }
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << redactText(e.message());
    }
    return std::nullopt;
}

std::optional<OutboxItem> Outbox::findByDedupeKey(const QString &key)
{
    flushFinished();
    try {
        SqlQuery q(m_db.connection(), u"SELECT "_s + COLUMNS + u" FROM outbox WHERE dedupe_key = :k"_s);
        q.bind(u":k"_s, key).exec();
        if (q.next()) {
            return readItem(q);
        }
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << redactText(e.message());
    }
    return std::nullopt;
}

QList<OutboxItem> Outbox::items(const QString &kind)
{
    flushFinished();
    QList<OutboxItem> result;
    try {
        SqlQuery q(m_db.connection(), u"SELECT "_s + COLUMNS + u" FROM outbox"_s +
                                          (kind.isEmpty() ? QString() : u" WHERE kind = :k"_s) + u" ORDER BY id"_s);
        if (!kind.isEmpty()) {
            q.bind(u":k"_s, kind);
        }
        q.exec();
        while (q.next()) {
            result.append(readItem(q));
        }
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << redactText(e.message());
    }
    return result;
}

int Outbox::purgeFinished(const QDateTime &before)
{
    try {
        SqlQuery q(m_db.connection(), u"DELETE FROM outbox WHERE state IN ('done', 'failed') AND date_updated < :t"_s);
        q.bind(u":t"_s, before.toMSecsSinceEpoch()).exec();
        return q.numRowsAffected();
    } catch (const StoreError &e) {
        qCWarning(lcOutbox).noquote() << "could not purge the outbox:" << redactText(e.message());
        return 0;
    }
}

} // namespace Maskline
