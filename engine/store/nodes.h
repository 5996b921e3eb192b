#pragma once

#include <QSqlDatabase>
#include <QString>

namespace Maskline {

class Database;

// The engines sharing one PostgreSQL store (table engine_nodes, migration 9). Each node beats every few seconds;
// a node whose last beat is older than LIVE_MS counts as gone, and its row is removed a while later. Times are the
// database server's, so the nodes' clocks need not agree. Used to divide per-Service rate limits between the nodes
// (docs/scale-out.md). On SQLite there is one engine and nothing is written.
class NodeRegistry final
{
public:
    static constexpr int BEAT_MS = 2000;
    static constexpr int LIVE_MS = 6000;
    static constexpr int FORGET_MS = 60000;

    NodeRegistry(Database &db, QString listenUrl);
    NodeRegistry(const NodeRegistry &) = delete;
    NodeRegistry &operator=(const NodeRegistry &) = delete;

    QString nodeId() const { return m_nodeId; }
    // Records this node's heartbeat and returns how many nodes are live (this one included; at least 1). Throws
    // StoreError.
    int beat();
    // Removes this node's row (a graceful stop), so the others count one node fewer at once.
    void leave();

private:
    Database &m_db;
    QString m_nodeId;
    QString m_listenUrl;
};

// --- routing ---
// PostgreSQL session-level advisory locks, for work one node at a time does for the whole cluster (the retention
// sweep). Throw StoreError.
namespace AdvisoryLock {
// True when this connection took the lock; false when another node holds it.
bool tryLock(const QSqlDatabase &db, qint64 key);
// True when this connection held the lock and released it.
bool unlock(const QSqlDatabase &db, qint64 key);
} // namespace AdvisoryLock

} // namespace Maskline
