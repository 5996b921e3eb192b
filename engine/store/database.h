#pragma once

#include <QMutex>
#include <QSet>
#include <QSqlDatabase>
#include <QString>

#include "core/result.h"
#include "migrations.h"
#include "storeconfig.h"

namespace Maskline {

// The store: hands each thread its own named connection (Qt SQL connections belong to the thread that opened them),
// applies per-connection settings (WAL, foreign keys, busy timeout) and runs the numbered migrations.
class Database final
{
public:
    explicit Database(StoreConfig config);
    ~Database();
    Database(const Database &) = delete;
    Database &operator=(const Database &) = delete;

    const StoreConfig &config() const { return m_config; }
    bool isPostgres() const { return m_config.driver == StoreConfig::Driver::Postgres; }

    // This thread's connection, opened on first use. Throws StoreError when it cannot be opened.
    QSqlDatabase connection();
    // Closes the calling thread's connection; call before a worker thread ends.
    void closeThreadConnection();

    // Brings the schema up to the last of `migrations`, one transaction per step. Refuses (and leaves untouched) a
    // store whose schema is newer than this build knows. On PostgreSQL the whole run holds the start-up advisory lock
    // (below), so nodes starting together wait for the first and then find the schema current.
    Status migrate(const QList<Migration> &migrations = Migrations::all());
    // 0 for an empty store.
    int schemaVersion();

    // PostgreSQL: a session-level advisory lock (pg_advisory_lock) on this thread's connection that serialises the
    // start-up of every node sharing the database (migrations, the first account, the in_use recount). Re-entrant
    // (PostgreSQL counts them); each lockStartup() needs its unlockStartup(). No-ops on SQLite, where the lock file
    // (StoreLock) already keeps a second engine out. Throws StoreError.
    void lockStartup();
    void unlockStartup();

    // Replaces the %ID%/%TIME%/%BOOL% tokens of portable schema text for this store's SQL dialect.
    QString dialect(QString sql) const;

private:
    QString connectionNameForThisThread() const;
    void configure(QSqlDatabase &db);
    Status migrateLocked(const QList<Migration> &migrations, bool &locked);

    StoreConfig m_config;
    QString m_instanceId;
    QMutex m_mutex;
    QSet<QString> m_names;
};

} // namespace Maskline
