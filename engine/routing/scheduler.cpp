#include "scheduler.h"

#include <algorithm>
#include <optional>

#include <QLoggingCategory>

#include "core/redact.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "store/database.h"
#include "store/nodes.h"
#include "store/outbox.h"
#include "store/sessionstable.h"
#include "store/sqlquery.h"
#include "store/transaction.h"
#include "store/writebatch.h"

Q_LOGGING_CATEGORY(lcScheduler, "maskline.routing.scheduler", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

constexpr int BATCH = 500;
// PostgreSQL: one session per expiry transaction, claimed (row-locked) so other nodes skip it and take the next. One:
// a transaction holding several sessions' and numbers' locks could deadlock with a node's request that locks them in
// another order.
constexpr int PG_EXPIRY_BATCH = 1;
constexpr qint64 MS_PER_DAY = 24LL * 3600 * 1000;
// The retention sweep runs on one node at a time (pg_try_advisory_lock); the others skip that round.
constexpr qint64 RETENTION_LOCK_KEY = 0x4D534B5245544E31LL;

} // namespace

Scheduler::Scheduler(Proxy &proxy, Debugger *debugger, Outbox *outbox, SchedulerConfig config, QObject *parent)
    : QObject(parent)
    , m_proxy(proxy)
    , m_debugger(debugger)
    , m_outbox(outbox)
    , m_config(config)
{
    connect(&m_expiryTimer, &QTimer::timeout, this, [this]() { runExpiry(); });
    connect(&m_retentionTimer, &QTimer::timeout, this, [this]() { runRetention(); });
}

Scheduler::~Scheduler() = default;

void Scheduler::start()
{
    // The first passes run from the event loop, once the engine is listening: a store whose sessions expired (or
    // passed their retention) while it was down is swept behind the traffic, not before the first request.
    continueExpirySoon();
    continueRetentionSoon();
    m_expiryTimer.start(std::max(100, m_config.expiryIntervalMs));
    m_retentionTimer.start(std::max(1000, m_config.retentionIntervalMs));
}

void Scheduler::stop()
{
    m_expiryTimer.stop();
    m_retentionTimer.stop();
}

QString Scheduler::expiryReason(const Session &session, const QDateTime &now)
{
    return session.dateExpiry.isValid() && session.dateExpiry <= now ? u"date_expiry"_s : u"ttl"_s;
}

QStringList Scheduler::runExpiry()
{
    QStringList closed;
    const QDateTime now = m_proxy.clock().now();
    Database &database = m_proxy.database();
    const bool shared = database.isPostgres();
    const int batch = shared ? PG_EXPIRY_BATCH : std::min(BATCH, std::max(1, m_config.expiryClosesPerPass));
    try {
        for (;;) {
            const QSqlDatabase db = database.connection();
            // On PostgreSQL every node sweeps: the due sessions are claimed (row-locked, skipped by the others) in one
            // transaction with their closes, so each is closed by exactly one node and a node never waits for
            // another's batch. On SQLite this engine is the only one, and a pass's closes share one commit (each in
            // its own savepoint, so one that fails rolls back alone): a backlog costs one fsync per pass, not per
            // session.
            std::optional<Transaction> claim;
            std::optional<WriteBatch> group;
            if (shared) {
                claim.emplace(db);
            } else {
                group.emplace(database);
            }
            const QList<Session> due = SessionsTable::dueForExpiry(db, now.toMSecsSinceEpoch(), batch, shared);
            int progress = 0;
            QStringList closedNow;
            for (const Session &s : std::as_const(due)) {
                auto result = m_proxy.closeSession(s.sid, expiryReason(s, now));
                if (!result) {
                    qCWarning(lcScheduler).noquote()
                        << "could not close expired session" << s.sid << ":" << redactText(result.error().message);
                    continue;
                }
                ++progress;
                closedNow.append(s.sid);
            }
            if (claim) {
                claim->commit();
            }
            if (group) {
                group->commit();
            }
            closed += closedNow;
            if (due.size() < batch || progress == 0) {
                break;
            }
            if (closed.size() >= m_config.expiryClosesPerPass) {
                continueExpirySoon();
                break;
            }
        }
    } catch (const StoreError &e) {
        qCWarning(lcScheduler).noquote() << "expiry sweep failed, will try again:" << redactText(e.message());
    }
    if (!closed.isEmpty()) {
        qCInfo(lcScheduler) << "closed" << closed.size() << "expired session(s)";
        Q_EMIT sessionsExpired(closed);
    }
    return closed;
}

void Scheduler::continueExpirySoon()
{
    runSoon(m_expiryContinues, &Scheduler::runExpiry);
}

void Scheduler::continueRetentionSoon()
{
    runSoon(m_retentionContinues, &Scheduler::runRetention);
}

void Scheduler::runSoon(bool &queued, QStringList (Scheduler::*sweep)())
{
    if (queued) {
        return;
    }
    queued = true;
    QTimer::singleShot(0, this, [this, &queued, sweep]() {
        queued = false;
        (this->*sweep)();
    });
}

bool Scheduler::lockRetention(bool lock)
{
    Database &database = m_proxy.database();
    if (!database.isPostgres()) {
        return true;
    }
    try {
        const QSqlDatabase db = database.connection();
        return lock ? AdvisoryLock::tryLock(db, RETENTION_LOCK_KEY) : AdvisoryLock::unlock(db, RETENTION_LOCK_KEY);
    } catch (const StoreError &e) {
        qCWarning(lcScheduler).noquote() << "retention lock:" << redactText(e.message());
        return false;
    }
}

QStringList Scheduler::runRetention()
{
    const QDateTime now = m_proxy.clock().now();
    QStringList purged;
    bool more = false;
    if (!lockRetention(true)) {
        return purged; // another node is sweeping right now; this node's next round comes in an hour
    }
    if (m_config.sessionRetentionDays > 0) {
        const QDateTime cutoff = now.addMSecs(-m_config.sessionRetentionDays * MS_PER_DAY);
        const int limit = std::min(BATCH, std::max(1, m_config.retentionPurgesPerPass));
        for (;;) {
            auto batch = m_proxy.purgeClosedSessions(cutoff, limit);
            if (!batch) {
                qCWarning(lcScheduler).noquote() << "retention sweep failed:" << redactText(batch.error().message);
                break;
            }
            purged += *batch;
            if (batch->size() < limit) {
                break;
            }
            if (purged.size() >= m_config.retentionPurgesPerPass) {
                more = true;
                break;
            }
        }
        if (m_outbox && !more) {
            m_outbox->purgeFinished(cutoff);
        }
    }
    if (m_debugger && m_config.debuggerRetentionDays > 0 && !more) {
        m_debugger->purgeOlderThan(now.addMSecs(-m_config.debuggerRetentionDays * MS_PER_DAY));
    }
    lockRetention(false);
    if (more) {
        continueRetentionSoon(); // the rest of the backlog, and the outbox and debugger purges, on the next turn
    }
    if (!purged.isEmpty()) {
        qCInfo(lcScheduler) << "deleted" << purged.size() << "session(s) closed more than"
                            << m_config.sessionRetentionDays << "days ago";
        Q_EMIT sessionsPurged(purged);
    }
    return purged;
}

} // namespace Maskline
