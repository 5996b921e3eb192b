#include "database.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLoggingCategory>
#include <QMutexLocker>
#include <QSqlError>
#include <QThread>
#include <QUuid>

#include "sqlquery.h"
#include "transaction.h"

Q_LOGGING_CATEGORY(lcStore, "maskline.store", QtInfoMsg)

namespace Maskline {

Database::Database(StoreConfig config)
    : m_config(std::move(config))
    , m_instanceId(QUuid::createUuid().toString(QUuid::Id128).left(12))
{}

Database::~Database()
{
    QStringList names;
    {
        const QMutexLocker locker(&m_mutex);
        names = m_names.values();
        m_names.clear();
    }
    for (const QString &name : std::as_const(names)) {
        SqlQuery::dropConnection(name);
        {
            QSqlDatabase db = QSqlDatabase::database(name, false);
            if (db.isOpen()) {
                db.close();
            }
        }
        QSqlDatabase::removeDatabase(name);
    }
}

QString Database::connectionNameForThisThread() const
{
    return QStringLiteral("maskline-%1-%2")
        .arg(m_instanceId)
        .arg(reinterpret_cast<quintptr>(QThread::currentThread()), 0, 16);
}

QSqlDatabase Database::connection()
{
    const QString name = connectionNameForThisThread();
    if (QSqlDatabase::contains(name)) {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        if (db.isOpen()) {
            return db;
        }
    }

    SqlQuery::dropConnection(name); // statements of an earlier connection by this name are stale
    QSqlDatabase db;
    if (m_config.isSqlite()) {
        const QFileInfo info(m_config.path);
        if (!m_config.readOnly) {
            QDir().mkpath(info.absolutePath());
            if (!info.exists()) {
                // Create the file owner-only before SQLite does: it holds auth tokens and callers' numbers. SQLite
                // gives its -wal and -shm files the same permissions.
                QFile file(m_config.path);
                if (file.open(QIODevice::WriteOnly)) {
                    file.close();
                }
            }
            QFile::setPermissions(m_config.path, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
        }
        db = QSqlDatabase::addDatabase(QStringLiteral("QSQLITE"), name);
        db.setDatabaseName(m_config.path);
        QString options = QStringLiteral("QSQLITE_BUSY_TIMEOUT=10000");
        if (m_config.readOnly) {
            options += QStringLiteral(";QSQLITE_OPEN_READONLY");
        }
        db.setConnectOptions(options);
    } else {
        db = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), name);
        db.setHostName(m_config.pgHost);
        db.setPort(m_config.pgPort);
        db.setDatabaseName(m_config.pgDatabase);
        db.setUserName(m_config.pgUser);
        db.setPassword(m_config.pgPassword);
    }
    if (!db.open()) {
        const QString why = db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        throw StoreError(QStringLiteral("cannot open store %1: %2").arg(m_config.describe(), why), false);
    }
    configure(db);
    {
        const QMutexLocker locker(&m_mutex);
        m_names.insert(name);
    }
    SqlQuery::registerConnection(name);
    return db;
}

void Database::configure(QSqlDatabase &db)
{
    if (!m_config.isSqlite()) {
        execSql(db, QStringLiteral("SET TIME ZONE 'UTC'"));
        return;
    }
    if (!m_config.readOnly) {
        execSql(db, QStringLiteral("PRAGMA journal_mode=WAL"));
    }
    // FULL: an acknowledged write survives power loss, not only a crash of the process.
    execSql(db, QStringLiteral("PRAGMA synchronous=FULL"));
    execSql(db, QStringLiteral("PRAGMA foreign_keys=ON"));
    // SQLite's default page cache is 2 MB per connection. On a large store each session create touches pages of
    // several indexes far apart (participants by identifier and by proxy number, sessions by service): with 2 MB
    // most of them were read again with pread() on every change. The cache fills only as pages are used.
    execSql(db, m_config.readOnly ? QStringLiteral("PRAGMA cache_size=-16384")
                                  : QStringLiteral("PRAGMA cache_size=-65536"));
}

void Database::closeThreadConnection()
{
    const QString name = connectionNameForThisThread();
    {
        const QMutexLocker locker(&m_mutex);
        if (!m_names.remove(name)) {
            return;
        }
    }
    SqlQuery::dropConnection(name);
    {
        QSqlDatabase db = QSqlDatabase::database(name, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(name);
}

QString Database::dialect(QString sql) const
{
    if (isPostgres()) {
        sql.replace(QLatin1String("%ID%"), QLatin1String("BIGSERIAL PRIMARY KEY"));
        sql.replace(QLatin1String("%TIME%"), QLatin1String("BIGINT"));
        sql.replace(QLatin1String("%BOOL%"), QLatin1String("SMALLINT"));
    } else {
        sql.replace(QLatin1String("%ID%"), QLatin1String("INTEGER PRIMARY KEY AUTOINCREMENT"));
        sql.replace(QLatin1String("%TIME%"), QLatin1String("INTEGER"));
        sql.replace(QLatin1String("%BOOL%"), QLatin1String("INTEGER"));
    }
    return sql;
}

int Database::schemaVersion()
{
    QSqlDatabase db = connection();
    if (!db.tables().contains(QStringLiteral("schema_version"))) {
        return 0;
    }
    SqlQuery q(db, QStringLiteral("SELECT version FROM schema_version"));
    q.exec();
    return q.next() ? q.value(0).toInt() : 0;
}

namespace {

// The key of the start-up advisory lock: "MASKLINE" in ASCII, so it is recognisable in pg_locks.
constexpr qint64 STARTUP_LOCK_KEY = 0x4D41534B4C494E45LL;

} // namespace

void Database::lockStartup()
{
    if (!isPostgres()) {
        return;
    }
    // Blocks until the node holding it has finished starting (or its connection ends: a crashed node frees it).
    SqlQuery(connection(), QStringLiteral("SELECT pg_advisory_lock(:k)"))
        .bind(QStringLiteral(":k"), STARTUP_LOCK_KEY)
        .exec();
}

void Database::unlockStartup()
{
    if (!isPostgres()) {
        return;
    }
    SqlQuery(connection(), QStringLiteral("SELECT pg_advisory_unlock(:k)"))
        .bind(QStringLiteral(":k"), STARTUP_LOCK_KEY)
        .exec();
}

Status Database::migrate(const QList<Migration> &migrations)
{
    bool locked = false;
    const auto unlock = [&] {
        if (locked) {
            locked = false;
            try {
                unlockStartup();
            } catch (const StoreError &e) {
                qCWarning(lcStore).noquote() << "cannot release the start-up lock:" << e.message();
            }
        }
    };
    const Status status = migrateLocked(migrations, locked);
    unlock();
    return status;
}

Status Database::migrateLocked(const QList<Migration> &migrations, bool &locked)
{
    try {
        QSqlDatabase db = connection();
        // Every node starting at once on an empty database would otherwise run migration 1 together, and all but
        // one fail on CREATE TABLE. The others wait here, then find the schema current.
        lockStartup();
        locked = isPostgres();
        const int latest = migrations.isEmpty() ? 0 : migrations.constLast().version;
        int current = schemaVersion();
        if (current > latest) {
            return ApiError::make(
                80501, 500,
                QStringLiteral("The store %1 was written by a newer Maskline (schema version %2; this build knows up "
                               "to %3). It was not opened or changed: run a newer Maskline, or choose another --db.")
                    .arg(m_config.describe())
                    .arg(current)
                    .arg(latest));
        }
        if (current == 0 && !db.tables().contains(QStringLiteral("schema_version"))) {
            Transaction tx(db);
            execSql(db, QStringLiteral("CREATE TABLE schema_version (version INTEGER NOT NULL)"));
            execSql(db, QStringLiteral("INSERT INTO schema_version (version) VALUES (0)"));
            tx.commit();
        }
        for (const Migration &m : migrations) {
            if (m.version <= current) {
                continue;
            }
            qCInfo(lcStore).noquote() << "migrating" << m_config.describe() << "to schema version" << m.version << "("
                                      << m.description << ")";
            Transaction tx(db);
            for (const QString &statement : m.statements) {
                execSql(db, dialect(statement));
            }
            SqlQuery(db, QStringLiteral("UPDATE schema_version SET version = :v"))
                .bind(QStringLiteral(":v"), m.version)
                .exec();
            tx.commit();
            current = m.version;
        }
        return Ok{};
    } catch (const StoreError &e) {
        return ApiError::internal(QStringLiteral("migration failed, store left at its previous version: ") +
                                  e.message());
    }
}

} // namespace Maskline
