#pragma once

// Private helpers shared by the Proxy domain's translation units: proxy.cpp (construction and these helpers),
// accounts.cpp, services.cpp, numbers.cpp, sessions.cpp, participants.cpp and interactions.cpp, one resource family
// each. Every statement they run is a function of a table module in store/.

#include <QDateTime>
#include <QLoggingCategory>
#include <QSet>

#include "core/redact.h"
#include "proxy.h"
#include "store/database.h"
#include "store/sqlquery.h"
#include "store/transaction.h"
#include "store/writebatch.h"

Q_DECLARE_LOGGING_CATEGORY(lcProxy)

namespace Maskline {

// One domain call: a transaction plus the changes it made, announced only once the commit succeeded.
class ProxyTxn final
{
public:
    explicit ProxyTxn(Proxy &proxy)
        : m_proxy(proxy)
        , m_db(proxy.m_db.connection())
        , m_tx(m_db)
    {}

    QSqlDatabase &db() { return m_db; }
    void changed(Change::Kind kind, Change::Op op, const QString &sid, const QString &parentSid = {})
    {
        m_changes.append(Change{kind, op, sid, parentSid});
    }
    void commit()
    {
        m_tx.commit();
        if (!m_changes.isEmpty()) {
            // Announced once durable: inside a write batch, after the batch's commit.
            WriteBatch::afterCommit(
                m_db, [proxy = &m_proxy, changes = std::move(m_changes)] { Q_EMIT proxy->changed(changes); });
        }
    }

private:
    Proxy &m_proxy;
    QSqlDatabase m_db;
    Transaction m_tx;
    QList<Change> m_changes;
};

// Runs a domain call, turning a storage failure into ApiError 80501; work the database undid for a concurrent
// transaction is run again first, up to MAX_STORE_ATTEMPTS times in all.
inline constexpr int MAX_STORE_ATTEMPTS = 3;
template<typename Fn>
auto guarded(Fn &&fn) -> decltype(fn())
{
    // Nodes sharing PostgreSQL can deadlock on the same rows (two creates inserting the same routing keys in
    // opposite orders); the database then undoes one side's transaction, or savepoint, and says so. `fn` opens its
    // own transaction, which its exception rolled back, so it runs again, as a client retrying would.
    for (int attempt = 1;; ++attempt) {
        try {
            return fn();
        } catch (const StoreError &e) {
            if (e.isRetryable() && attempt < MAX_STORE_ATTEMPTS) {
                qCInfo(lcProxy).noquote() << "the store undid this work for a concurrent transaction (attempt"
                                          << attempt << "of" << MAX_STORE_ATTEMPTS << "); running it again";
                continue;
            }
            qCWarning(lcProxy).noquote() << "storage failure:" << redactText(e.message());
            return ApiError::internal(e.message());
        }
    }
}

// Constant-time equality of a stored secret and a presented one (the time follows the presented length only).
bool secretsEqual(QStringView expected, QStringView presented);

namespace ProxyInternal {

ApiError notFound(const QString &path);
QString servicePath(const QString &serviceSid);
QString sessionPath(const QString &serviceSid, const QString &sessionSid);

Status validateUniqueName(const QString &param, const QString &name);
Status validateTtl(const QString &param, qint64 ttl);

// The internal expiry deadline: date_expiry when set, else `ttl` seconds after the last activity.
QDateTime deadline(const QDateTime &dateExpiry, qint64 ttl, const QDateTime &lastActivity);

// When a participant gives up its routing key (close, delete), a participant that lost the key to it under
// allow_participant_conflict gets it back: the most recent one still in an active session.
void restoreRoutes(const QSqlDatabase &db, const QList<Participant> &released, ProxyTxn &txn);

// in_use is the number of active sessions holding the number. It moves with each change to one session, by the
// difference between the numbers that session held before and after the change, inside the same transaction, so it
// stays exact without recounting every participant on the number (a cost that grew with the number of sessions).
// Proxy::recountInUse() checks it against a full recount. Constructing it locks the session's row (PostgreSQL).
class InUseDelta final
{
    Q_DISABLE_COPY_MOVE(InUseDelta)

public:
    InUseDelta(const QSqlDatabase &db, const QString &sessionSid);
    ~InUseDelta() = default;

    // Applies the difference; returns the numbers whose in_use changed.
    QSet<QString> apply();

private:
    QSqlDatabase m_db;
    QString m_sessionSid;
    QSet<QString> m_before;
};

} // namespace ProxyInternal
} // namespace Maskline
