#include "nodes.h"

#include <QCoreApplication>
#include <QHostInfo>
#include <QUuid>

#include "database.h"
#include "sqlquery.h"
#include "transaction.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

// Milliseconds since the epoch on the database server's clock.
const QString SERVER_NOW = u"CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)"_s;

} // namespace

NodeRegistry::NodeRegistry(Database &db, QString listenUrl)
    : m_db(db)
    , m_nodeId(QUuid::createUuid().toString(QUuid::Id128).left(16))
    , m_listenUrl(std::move(listenUrl))
{}

int NodeRegistry::beat()
{
    if (!m_db.isPostgres()) {
        return 1;
    }
    const QSqlDatabase db = m_db.connection();
    Transaction tx(db);
    SqlQuery(db, u"INSERT INTO engine_nodes (node_id, host, pid, listen_url, started_at, heartbeat_at) VALUES (:id, "
                 u":host, :pid, :url, "_s +
                     SERVER_NOW + u", "_s + SERVER_NOW +
                     u") ON CONFLICT (node_id) DO UPDATE SET heartbeat_at = EXCLUDED.heartbeat_at, listen_url = "
                     u"EXCLUDED.listen_url"_s)
        .bind(u":id"_s, m_nodeId)
        .bind(u":host"_s, QHostInfo::localHostName())
        .bind(u":pid"_s, QCoreApplication::applicationPid())
        .bind(u":url"_s, nullIfEmpty(m_listenUrl))
        .exec();
    SqlQuery(db, u"DELETE FROM engine_nodes WHERE heartbeat_at < "_s + SERVER_NOW + u" - :forget"_s)
        .bind(u":forget"_s, FORGET_MS)
        .exec();
    SqlQuery live(db, u"SELECT COUNT(*) FROM engine_nodes WHERE heartbeat_at >= "_s + SERVER_NOW + u" - :live"_s);
    live.bind(u":live"_s, LIVE_MS).exec();
    const int count = live.next() ? live.value(0).toInt() : 1;
    tx.commit();
    return std::max(1, count);
}

void NodeRegistry::leave()
{
    if (!m_db.isPostgres()) {
        return;
    }
    SqlQuery(m_db.connection(), u"DELETE FROM engine_nodes WHERE node_id = :id"_s).bind(u":id"_s, m_nodeId).exec();
}

// --- routing ---

namespace AdvisoryLock {

bool tryLock(const QSqlDatabase &db, qint64 key)
{
    SqlQuery q(db, u"SELECT pg_try_advisory_lock(:k)"_s);
    q.bind(u":k"_s, key).exec();
    return q.next() && q.value(0).toBool();
}

bool unlock(const QSqlDatabase &db, qint64 key)
{
    SqlQuery q(db, u"SELECT pg_advisory_unlock(:k)"_s);
    q.bind(u":k"_s, key).exec();
    return q.next() && q.value(0).toBool();
}

} // namespace AdvisoryLock

} // namespace Maskline
