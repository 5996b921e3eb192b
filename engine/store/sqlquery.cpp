#include "sqlquery.h"

#include <optional>
#include <sqlite3.h>
#include <utility>

#include <QHash>
#include <QLoggingCategory>
#include <QMutex>
#include <QMutexLocker>
#include <QSqlDriver>
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
    throw StoreError(error.text(), isConstraint(error), StoreError::isRetryableCode(error.nativeErrorCode()));
}

[[noreturn]] void failNative(sqlite3 *db, int rc, const QString &sql)
{
    const QString text = QString::fromUtf8(sqlite3_errmsg(db));
    qCWarning(lcSql).noquote() << "statement failed:" << redactText(text) << "in" << sql.simplified().left(200);
    throw StoreError(text, (rc & 0xff) == SQLITE_CONSTRAINT);
}

// The connection's SQLite handle when its driver is Qt's SQLite driver, else null.
sqlite3 *sqliteHandle(const QSqlDatabase &db)
{
    const QSqlDriver *driver = db.driver();
    if (!driver || driver->dbmsType() != QSqlDriver::SQLite) {
        return nullptr;
    }
    const QVariant handle = driver->handle();
    if (!handle.isValid() || qstrcmp(handle.typeName(), "sqlite3*") != 0) {
        return nullptr;
    }
    return *static_cast<sqlite3 *const *>(handle.constData());
}

} // namespace

struct NativeStatement
{
    enum class State
    {
        Idle,     // not run since it was reset
        FirstRow, // exec() stepped onto the first row; next() makes it current
        Row,      // a row is current
        Done,     // no (more) rows
    };

    NativeStatement(sqlite3 *handle, sqlite3_stmt *statement)
        : db(handle)
        , stmt(statement)
    {}
    ~NativeStatement() { sqlite3_finalize(stmt); }
    NativeStatement(const NativeStatement &) = delete;
    NativeStatement &operator=(const NativeStatement &) = delete;

    void reset()
    {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        state = State::Idle;
    }

    sqlite3 *db;
    sqlite3_stmt *stmt;
    State state = State::Idle;
};

namespace {

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

    NativeStatement *takeNative(const QString &connection, const QString &sql)
    {
        const QMutexLocker locker(&m_mutex);
        const auto conn = m_native.find(connection);
        if (conn == m_native.end()) {
            return nullptr;
        }
        const auto stmt = conn->find(sql);
        if (stmt == conn->end() || stmt->isEmpty()) {
            return nullptr;
        }
        return stmt->takeLast();
    }

    // False when the connection is not registered (any more): the caller finalizes the statement.
    bool giveNative(const QString &connection, const QString &sql, NativeStatement *statement)
    {
        const QMutexLocker locker(&m_mutex);
        const auto conn = m_native.find(connection);
        if (conn == m_native.end()) {
            return false;
        }
        QList<NativeStatement *> &idle = (*conn)[sql];
        if (idle.size() >= MAX_IDLE_PER_STATEMENT) {
            return false;
        }
        idle.append(statement);
        return true;
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
        if (!m_native.contains(connection)) {
            m_native.insert(connection, {});
        }
    }

    void dropConnection(const QString &connection)
    {
        QHash<QString, QList<QSqlQuery>> dropped;
        QHash<QString, QList<NativeStatement *>> droppedNative;
        {
            const QMutexLocker locker(&m_mutex);
            dropped = m_idle.take(connection);
            droppedNative = m_native.take(connection);
        }
        // Finalized before the connection closes (SQLite refuses to close a handle with live statements).
        for (const QList<NativeStatement *> &statements : std::as_const(droppedNative)) {
            qDeleteAll(statements);
        }
    }

private:
    static constexpr qsizetype MAX_IDLE_PER_STATEMENT = 4;
    QMutex m_mutex;
    QHash<QString, QHash<QString, QList<QSqlQuery>>> m_idle;
    QHash<QString, QHash<QString, QList<NativeStatement *>>> m_native;
};

} // namespace

StoreError::StoreError(const QString &message, bool constraintViolation, bool retryable)
    : std::runtime_error(message.toStdString())
    , m_message(message)
    , m_constraint(constraintViolation)
    , m_retryable(retryable)
{}

bool StoreError::isRetryableCode(const QString &nativeErrorCode)
{
    return nativeErrorCode == QLatin1String("40P01") || nativeErrorCode == QLatin1String("40001");
}

SqlQuery::SqlQuery(const QSqlDatabase &db, const QString &sql)
    : m_sql(sql)
    , m_connection(db.connectionName())
{
    if (sqlite3 *handle = sqliteHandle(db)) {
        m_native = StatementCache::instance().takeNative(m_connection, sql);
        if (m_native) {
            return;
        }
        sqlite3_stmt *stmt = nullptr;
        const QByteArray text = sql.toUtf8();
        const int rc =
            sqlite3_prepare_v3(handle, text.constData(), int(text.size()), SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
        if (rc != SQLITE_OK) {
            sqlite3_finalize(stmt);
            m_connection.clear();
            failNative(handle, rc, sql);
        }
        m_native = new NativeStatement(handle, stmt);
        return;
    }
    if (auto cached = StatementCache::instance().take(m_connection, sql)) {
        m_query = std::move(*cached);
        return; // prepared before
    }
    m_query = QSqlQuery(db);
    m_query.setForwardOnly(true);
    if (!m_query.prepare(sql)) {
        const QSqlError error = m_query.lastError();
        m_connection.clear(); // never cache a statement that did not compile
        fail(error, sql);
    }
}

SqlQuery::SqlQuery(SqlQuery &&other) noexcept
    : m_query(std::move(other.m_query))
    , m_native(std::exchange(other.m_native, nullptr))
    , m_sql(std::move(other.m_sql))
    , m_connection(std::exchange(other.m_connection, QString()))
{}

SqlQuery::~SqlQuery()
{
    if (m_native) {
        // Reset: a SELECT left mid-result would otherwise pin its read snapshot (WAL) until reuse.
        m_native->reset();
        if (m_connection.isEmpty() || !StatementCache::instance().giveNative(m_connection, m_sql, m_native)) {
            delete m_native;
        }
        return;
    }
    if (m_connection.isEmpty()) {
        return;
    }
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

namespace {

// Qt SQL's idea of NULL (QSqlResultPrivate::isVariantNull): an empty QVariant, or a null string, byte array or date.
bool isNullValue(const QVariant &value)
{
    if (!value.isValid() || value.isNull()) {
        return true;
    }
    switch (value.typeId()) {
    case QMetaType::QString:
        return static_cast<const QString *>(value.constData())->isNull();
    case QMetaType::QByteArray:
        return static_cast<const QByteArray *>(value.constData())->isNull();
    default:
        return false;
    }
}

int bindNative(sqlite3_stmt *stmt, int index, const QVariant &value)
{
    if (isNullValue(value)) {
        return sqlite3_bind_null(stmt, index);
    }
    switch (value.typeId()) {
    case QMetaType::Bool:
    case QMetaType::Int:
    case QMetaType::UInt:
    case QMetaType::Long:
    case QMetaType::LongLong:
    case QMetaType::Short:
    case QMetaType::UShort:
    case QMetaType::Char:
    case QMetaType::SChar:
    case QMetaType::UChar:
        return sqlite3_bind_int64(stmt, index, value.toLongLong());
    case QMetaType::ULong:
    case QMetaType::ULongLong:
        return sqlite3_bind_int64(stmt, index, qint64(value.toULongLong()));
    case QMetaType::Double:
    case QMetaType::Float:
        return sqlite3_bind_double(stmt, index, value.toDouble());
    case QMetaType::QByteArray: {
        const auto *bytes = static_cast<const QByteArray *>(value.constData());
        return sqlite3_bind_blob64(stmt, index, bytes->constData(), sqlite3_uint64(bytes->size()), SQLITE_TRANSIENT);
    }
    default: {
        // Text (and whatever else Qt would bind as its string form).
        const QByteArray text = value.toString().toUtf8();
        return sqlite3_bind_text64(stmt, index, text.constData(), sqlite3_uint64(text.size()), SQLITE_TRANSIENT,
                                   SQLITE_UTF8);
    }
    }
}

} // namespace

SqlQuery &SqlQuery::bind(const QString &placeholder, const QVariant &value)
{
    // PostgreSQL text cannot hold U+0000, and the QPSQL driver cuts a literal at it (the statement then fails as an
    // unterminated string). Input that reaches the store with one (a carrier webhook's From, quoted in a debugger
    // event) keeps its place as U+FFFD, on every backend alike. REST input with control characters is refused before.
    QVariant bound = value;
    if (value.typeId() == QMetaType::QString) {
        const QString text = value.toString();
        if (text.contains(QChar(0))) {
            bound = QString(text).replace(QChar(0), QChar::ReplacementCharacter);
        }
    }
    if (!m_native) {
        m_query.bindValue(placeholder, bound);
        return *this;
    }
    if (m_native->state != NativeStatement::State::Idle) {
        // Bound again for another run: SQLite takes new values only on a statement that is not mid-run.
        sqlite3_reset(m_native->stmt);
        m_native->state = NativeStatement::State::Idle;
    }
    const int index = sqlite3_bind_parameter_index(m_native->stmt, placeholder.toUtf8().constData());
    if (index == 0) {
        return *this; // as Qt SQL: a name the statement does not use binds nothing
    }
    if (const int rc = bindNative(m_native->stmt, index, bound); rc != SQLITE_OK) {
        failNative(m_native->db, rc, m_sql);
    }
    return *this;
}

SqlQuery &SqlQuery::exec()
{
    if (!m_native) {
        if (!m_query.exec()) {
            fail(m_query.lastError(), m_sql);
        }
        return *this;
    }
    if (m_native->state != NativeStatement::State::Idle) {
        sqlite3_reset(m_native->stmt); // run again, with the values bound now
    }
    const int rc = sqlite3_step(m_native->stmt);
    if (rc == SQLITE_ROW) {
        m_native->state = NativeStatement::State::FirstRow;
    } else if (rc == SQLITE_DONE) {
        m_native->state = NativeStatement::State::Done;
    } else {
        sqlite3_reset(m_native->stmt);
        m_native->state = NativeStatement::State::Idle;
        failNative(m_native->db, rc, m_sql);
    }
    return *this;
}

bool SqlQuery::next()
{
    if (!m_native) {
        return m_query.next();
    }
    using State = NativeStatement::State;
    switch (m_native->state) {
    case State::FirstRow:
        m_native->state = State::Row;
        return true;
    case State::Row: {
        const int rc = sqlite3_step(m_native->stmt);
        if (rc == SQLITE_ROW) {
            return true;
        }
        m_native->state = State::Done;
        if (rc != SQLITE_DONE) {
            failNative(m_native->db, rc, m_sql);
        }
        return false;
    }
    case State::Idle:
    case State::Done:
        return false;
    }
    return false;
}

QVariant SqlQuery::value(int column) const
{
    if (!m_native) {
        return m_query.value(column);
    }
    if (m_native->state != NativeStatement::State::Row || column < 0 ||
        column >= sqlite3_column_count(m_native->stmt)) {
        return {};
    }
    sqlite3_stmt *stmt = m_native->stmt;
    switch (sqlite3_column_type(stmt, column)) {
    case SQLITE_INTEGER:
        return QVariant(qlonglong(sqlite3_column_int64(stmt, column)));
    case SQLITE_FLOAT:
        return QVariant(sqlite3_column_double(stmt, column));
    case SQLITE_BLOB: {
        const auto *data = static_cast<const char *>(sqlite3_column_blob(stmt, column));
        return QVariant(QByteArray(data, sqlite3_column_bytes(stmt, column)));
    }
    case SQLITE_NULL:
        return {};
    default: {
        const auto *text = reinterpret_cast<const char *>(sqlite3_column_text(stmt, column));
        return QVariant(QString::fromUtf8(text, sqlite3_column_bytes(stmt, column)));
    }
    }
}

QVariant SqlQuery::value(const QString &column) const
{
    if (!m_native) {
        return m_query.value(column);
    }
    const int count = sqlite3_column_count(m_native->stmt);
    for (int i = 0; i < count; ++i) {
        if (column.compare(QString::fromUtf8(sqlite3_column_name(m_native->stmt, i)), Qt::CaseInsensitive) == 0) {
            return value(i);
        }
    }
    return {};
}

int SqlQuery::numRowsAffected() const
{
    if (!m_native) {
        return m_query.numRowsAffected();
    }
    return sqlite3_changes(m_native->db);
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
