#pragma once

// Private helpers shared by the Proxy domain's translation units.

#include <QLoggingCategory>

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

// Runs a domain call, turning a storage failure into ApiError 80501 (or the given code for constraint races).
template<typename Fn>
auto guarded(Fn &&fn) -> decltype(fn())
{
    try {
        return fn();
    } catch (const StoreError &e) {
        qCWarning(lcProxy).noquote() << "storage failure:" << redactText(e.message());
        return ApiError::internal(e.message());
    }
}

// Constant-time equality of two secrets (length is not leaked either: both are hashed first).
bool secretsEqual(const QString &a, const QString &b);

} // namespace Maskline
