#include "sqlquery.h"

#include <optional>
#include <utility>

#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QSqlError>

#include "core/redact.h"

Q_LOGGING_CATEGORY(lcSql, "maskline.store.sql", QtInfoMsg)

namespace Maskline {

namespace {

bool isConstraint(const QSqlError &error)
{
    const QString code = error.nativeErrorCode();
    // SQLite: 19 (SQLITE_CONSTRAINT) and its extended codes (2067 unique, 1555 primary key, 787 foreign key).
    // PostgreSQL: class 23 (integrity constraint violation).
    return code == QLatin1String("19") || code == QLatin1String("2067") || code == QLatin1String("1555") ||
           code == QLatin1String("787") || code.startsWith(QLatin1String("23"));
}

[[noreturn]] void fail(const QSqlError &error, const QString &sql)
{
    // A PostgreSQL error's DETAIL quotes the row's values (numbers among them); the SQL has placeholders only.
    qCWarning(lcSql).noquote() << "statement failed:" << redactText(error.text()) << "in" << sql.simplified().left(200);
    throw StoreError(error.text(), isConstraint(error));
}

// Idle prepared statements per registered connection, by SQL text. Each connection is used by one thread, so the
// mutex is uncontended but for Database dropping a connection from another thread at shutdown.
class StatementCache
{
public:
    static StatementCache &instance()
    {
        static StatementCache cache;
        return cache;
    }

    std::optional<QSqlQuery> take(const QString &connection, const QString &sql)
    {
        const QMutexLocker locker(&m_mutex);
        const auto conn = m_idle.find(connection);
        if (conn == m_idle.end()) {
            return std::nullopt;
        }
        const auto stmt = conn->find(sql);
        if (stmt == conn->end() || stmt->isEmpty()) {
            return std::nullopt;
        }
        return stmt->takeLast();
    }

    void give(const QString &connection, const QString &sql, QSqlQuery query)
    {
        std::optional<QSqlQuery> dropped; // destroyed after the lock is released
        const QMutexLocker locker(&m_mutex);
        const auto conn = m_idle.find(connection);
        if (conn == m_idle.end()) {
            dropped = std::move(query);
            return;
        }
        QList<QSqlQuery> &idle = (*conn)[sql];
        // A statement is rarely open twice at once on one connection (a loop reading one table while looking up
        // another): a few idle copies cover nesting without letting the cache grow.
        if (idle.size() < MAX_IDLE_PER_STATEMENT) {
            idle.append(std::move(query));
        } else {
            dropped = std::move(query);
        }
    }

    void registerConnection(const QString &connection)
    {
        const QMutexLocker locker(&m_mutex);
        if (!m_idle.contains(connection)) {
            m_idle.insert(connection, {});
        }
    }

    void dropConnection(const QString &connection)
    {
        QHash<QString, QList<QSqlQuery>> dropped;
        {
            const QMutexLocker locker(&m_mutex);
            dropped = m_idle.take(connection);
        }
    }

private:
    static constexpr qsizetype MAX_IDLE_PER_STATEMENT = 4;
    QMutex m_mutex;
    QHash<QString, QHash<QString, QList<QSqlQuery>>> m_idle;
};

} // namespace

StoreError::StoreError(const QString &message, bool constraintViolation)
    : std::runtime_error(message.toStdString())
    , m_message(message)
    , m_constraint(constraintViolation)
{}

SqlQuery::SqlQuery(const QSqlDatabase &db, const QString &sql)
    : m_query([&] {
        if (auto cached = StatementCache::instance().take(db.connectionName(), sql)) {
            return std::move(*cached);
        }
        return QSqlQuery(db);
    }())
    , m_sql(sql)
    , m_connection(db.connectionName())
{
    if (m_query.isValid() || !m_query.lastQuery().isEmpty()) {
        return; // a cached statement, prepared before
    }
    m_query.setForwardOnly(true);
    if (!m_query.prepare(sql)) {
        const QSqlError error = m_query.lastError();
        m_connection.clear(); // never cache a statement that did not compile
        fail(error, sql);
    }
}

SqlQuery::SqlQuery(SqlQuery &&other) noexcept
    : m_query(std::move(other.m_query))
    , m_sql(std::move(other.m_sql))
    , m_connection(std::exchange(other.m_connection, QString()))
{}

SqlQuery::~SqlQuery()
{
    if (m_connection.isEmpty()) {
        return;
    }
    // Resets the statement: a SELECT left mid-result would otherwise pin its read snapshot (WAL) until reuse.
    m_query.finish();
    StatementCache::instance().give(m_connection, m_sql, std::move(m_query));
}

void SqlQuery::registerConnection(const QString &connectionName)
{
    StatementCache::instance().registerConnection(connectionName);
}

void SqlQuery::dropConnection(const QString &connectionName)
{
    StatementCache::instance().dropConnection(connectionName);
}

SqlQuery &SqlQuery::bind(const QString &placeholder, const QVariant &value)
{
    // PostgreSQL text cannot hold U+0000, and the QPSQL driver cuts a literal at it (the statement then fails as an
    // unterminated string). Input that reaches the store with one (a carrier webhook's From, quoted in a debugger
    // event) keeps its place as U+FFFD, on every backend alike. REST input with control characters is refused before.
    if (value.typeId() == QMetaType::QString) {
        const QString text = value.toString();
        if (text.contains(QChar(0))) {
            m_query.bindValue(placeholder, QString(text).replace(QChar(0), QChar::ReplacementCharacter));
            return *this;
        }
    }
    m_query.bindValue(placeholder, value);
    return *this;
}

SqlQuery &SqlQuery::exec()
{
    if (!m_query.exec()) {
        fail(m_query.lastError(), m_sql);
    }
    return *this;
}

void execSql(const QSqlDatabase &db, const QString &sql)
{
    QSqlQuery query(db);
    if (!query.exec(sql)) {
        fail(query.lastError(), sql);
    }
}

qint64 idOfSid(const QSqlDatabase &db, const QString &table, const QString &sid)
{
    SqlQuery q(db, QStringLiteral("SELECT id FROM ") + table + QStringLiteral(" WHERE sid = :sid"));
    q.bind(QStringLiteral(":sid"), sid).exec();
    return q.next() ? q.value(0).toLongLong() : 0;
}

QVariant nullIfEmpty(const QString &s)
{
    return s.isEmpty() ? QVariant() : QVariant(s);
}

} // namespace Maskline
