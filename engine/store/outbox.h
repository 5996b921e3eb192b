#pragma once

#include <functional>
#include <optional>

#include <QDateTime>
#include <QHash>
#include <QObject>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <QTimer>

#include "core/clock.h"

namespace Maskline {

class Database;
class SqlQuery;

// One unit of durable outgoing work (table `outbox`): a carrier send, or a status / intercept / out-of-session
// callback (engine/callbacks/callbacks.h). `kind` picks the handler; `payload` is the handler's JSON; `url` says
// where it goes.
struct OutboxItem
{
    qint64 id = 0;
    QString kind;
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString interactionSid;
    QString dedupeKey; // unique when set: the same work is never queued twice
    // When set, items with the same key are attempted one at a time in the order they were queued (head of line):
    // a later item waits while an earlier one is pending or in flight, including its retries. Given up items stop
    // holding the line.
    QString orderKey;
    QString url;
    QString payload;
    QString state; // pending | sending | done | failed
    int attempts = 0;
    QDateTime nextAttemptAt; // pending: when to try; sending: when the claim lapses
    QString lastError;
    QDateTime dateCreated;
    QDateTime dateUpdated;
};

struct OutboxConfig
{
    int maxAttempts = 8;             // 1 try + 7 retries: 2+4+…+128 s ≈ 4 min of retrying, then given up
    qint64 firstRetryDelayMs = 2000; // doubles after each failure…
    qint64 maxRetryDelayMs = 300000; // …up to 5 min
    qint64 claimMs = 120000;         // an attempt not finished by then is considered lost (hung) and redone
    // A claim is a lease this long, renewed every leaseMs / 3 while the attempt is in flight on this node (up to
    // claimMs in all): a node that dies mid-item leaves it to another node within leaseMs, not claimMs.
    qint64 leaseMs = 5000;
    int maxInFlight = 4;
    qint64 idleCheckMs = 30000; // re-check the table at least this often (other nodes, clock changes)
};

// The durable outbox. Work is written in the same transaction as what caused it (enqueue() on the caller's
// connection), so it exists if and only if that commit happened; the worker then delivers it through the handler
// registered for its kind, retrying with exponential backoff, and survives restarts because its state is the table.
//
// Guarantees: an item with a dedupe key is queued at most once (UNIQUE index). An item is attempted by one worker at a
// time (claimed by a conditional UPDATE, on PostgreSQL after SELECT … FOR UPDATE SKIP LOCKED, so several nodes share
// one store without waiting on each other's rows). A claim is a short lease that its node renews while the attempt
// is in flight, so the work of a node that died is taken over within OutboxConfig::leaseMs. A delivered item is never
// delivered again. The one gap no carrier API lets us close: if the process dies after handing a request to the
// network but before recording the answer, the item is attempted again once its lease lapses (at-least-once there).
class Outbox final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Outbox)

public:
    enum class Verdict
    {
        Done,  // delivered
        Retry, // transient failure: try again later (given up once attempts reach maxAttempts)
        Fail,  // permanent failure: give up now
    };
    struct Attempt
    {
        Attempt(Verdict v = Verdict::Done, QString e = {}, std::function<void()> also = {}, QString why = {})
            : verdict(v)
            , error(std::move(e))
            , alsoRecord(std::move(also))
            , failure(std::move(why))
        {}
        Verdict verdict = Verdict::Done;
        QString error;
        // Writes that belong with the outcome (the interaction leg a send produced): run in the transaction that
        // records it, so many outcomes and their follow-ups share one commit.
        std::function<void()> alsoRecord;
        // For metrics, when the attempt failed: the HTTP status the far end answered ("500"), or failureLabel()'s
        // "timeout", "no_answer", "too_large"; empty for "engine" (the attempt never reached the network).
        QString failure;
        double seconds = 0; // how long the attempt took, set by the outbox
    };
    // The failure label of an attempt that got the HTTP status `status` (0: none; see Attempt::failure).
    static QString failureLabel(int status, bool timedOut = false, bool tooLarge = false);
    using Complete = std::function<void(const Attempt &)>;
    struct Handler
    {
        // Starts one attempt; must call complete exactly once (it may do so before returning).
        std::function<void(const OutboxItem &item, Complete complete)> deliver;
        // Called once when the item is given up: a Fail verdict (exhausted == false) or too many Retry verdicts.
        std::function<void(const OutboxItem &item, const QString &error, bool exhausted)> gaveUp;
        int maxInFlight = 0; // attempts of this kind at once; 0: OutboxConfig::maxInFlight. Kinds never wait for
                             // each other's slots (a slow callback server cannot hold up carrier sends).
        qint64 claimMs = 0;  // how long an attempt may run before it is considered lost; 0: OutboxConfig::claimMs
    };

    Outbox(Database &db, const Clock &clock, OutboxConfig config = {}, QObject *parent = nullptr);
    ~Outbox() override;

    const OutboxConfig &config() const { return m_config; }
    void registerHandler(const QString &kind, Handler handler);

    // Queues `item` on `db` (the caller's open transaction). False when an item with the same dedupe key exists
    // already, in which case nothing was written. Throws StoreError.
    static bool enqueue(const QSqlDatabase &db, const OutboxItem &item, const QDateTime &now);

    // Resumes the queue (items left pending by an earlier run are attempted) and keeps processing until stop().
    void start();
    // For an engine that knows it is the store's only worker (SQLite, held by its lock file): every claim found in
    // the table was left by a dead predecessor, so it is made due now instead of waiting for its lease. Returns how
    // many. Never call it where other nodes may be working (PostgreSQL).
    int releaseClaims();
    // Extends the lease of every attempt in flight on this node (the renewal timer calls it while running).
    void renewClaims();
    void stop();
    // Something was queued: look at the table soon (on the next turn of the event loop).
    void poke();
    // Claims and starts every item that is due now (up to each kind's maxInFlight, first in line for ordered items);
    // returns how many were started. Tests call it after moving a ManualClock; the running worker calls it from its
    // timer.
    int processDue();
    int inFlight() const { return int(m_inFlight.size()); }
    int inFlight(const QString &kind) const;
    // The wait before attempt n+1 after attempt n failed: firstRetryDelayMs * 2^(n-1), capped.
    qint64 retryDelayMs(int attempts) const;

    std::optional<OutboxItem> find(qint64 id);
    std::optional<OutboxItem> findByDedupeKey(const QString &key);
    QList<OutboxItem> items(const QString &kind = {});
    // Deletes finished (done / failed) items last updated before `before`; returns how many.
    int purgeFinished(const QDateTime &before);

    // For /readyz and /metrics (index range scans on outbox_due; throw StoreError). When the oldest item due at
    // `nowMs` became due (ms since the epoch), if any item is.
    static std::optional<qint64> oldestDueAt(const QSqlDatabase &db, qint64 nowMs);
    struct Backlog
    {
        qint64 pending = 0;                  // items of the kind waiting for an attempt, counted up to 10000
        std::optional<qint64> oldestDueAtMs; // when the oldest of them due at nowMs became due
    };
    static Backlog backlog(const QSqlDatabase &db, const QString &kind, qint64 nowMs);
    // Records the outcomes of finished attempts now (they are otherwise recorded together, a moment after they
    // arrive: one commit for many). find() and items() do it first, so they always see every outcome.
    void flushFinished();

Q_SIGNALS:
    // After an attempt's result is stored: state is done, pending (will retry) or failed.
    void attemptFinished(qint64 id, const QString &state);
    // The same, for metrics: the item's kind, the state recorded, why it failed (empty when done; "engine" when the
    // attempt never reached the network) and how long it took.
    void attemptMeasured(const QString &kind, const QString &state, const QString &failure, double seconds);

private:
    void finish(const OutboxItem &item, const Attempt &attempt);
    void armTimer();
    int limitFor(const QString &kind) const;
    qint64 claimFor(const QString &kind) const;
    qint64 leaseFor(const QString &kind) const;
    // The kinds with a handler and a free slot: items of other kinds wait for theirs.
    QStringList kindsWithRoom() const;

    Database &m_db;
    const Clock &m_clock;
    OutboxConfig m_config;
    QHash<QString, Handler> m_handlers;
    struct Claim
    {
        QString kind;
        int attempts = 0;
        qint64 claimedAt = 0; // ms
    };
    QHash<qint64, Claim> m_inFlight;
    QList<std::pair<OutboxItem, Attempt>> m_finished; // outcomes waiting for flushFinished()
    QTimer m_timer;
    QTimer m_flushTimer;
    QTimer m_renewTimer;
    bool m_running = false;
    bool m_processing = false;
};

} // namespace Maskline
