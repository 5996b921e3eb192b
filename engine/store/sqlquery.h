#pragma once

#include <stdexcept>

#include <QSqlDatabase>
#include <QSqlQuery>
#include <QString>
#include <QVariant>

namespace Maskline {

// A failed statement. Store code throws it; every domain entry point catches it at its boundary and turns it into
// ApiError 80501, so a storage failure never escapes as anything but a clean, typed refusal.
class StoreError : public std::runtime_error
{
public:
    StoreError(const QString &message, bool constraintViolation, bool retryable = false);
    QString message() const { return m_message; }
    // A UNIQUE/foreign-key constraint refused the write (e.g. the routing-key index under a race).
    bool isConstraintViolation() const { return m_constraint; }
    // The database gave up this transaction for another's sake (PostgreSQL: a deadlock, a serialization failure):
    // nothing of it was kept, and running the same work again is expected to succeed.
    bool isRetryable() const { return m_retryable; }
    // SQLSTATE 40P01 (deadlock_detected) and 40001 (serialization_failure).
    static bool isRetryableCode(const QString &nativeErrorCode);

private:
    QString m_message;
    bool m_constraint;
    bool m_retryable;
};

struct NativeStatement;

// A prepared statement with named placeholders. Values are always bound, never pasted into SQL text.
//
// Statements are compiled once per connection and reused: constructing a SqlQuery takes an idle prepared statement
// with the same text from the connection's cache (or prepares one), and destroying it resets the statement (releasing
// any read snapshot it held) and gives it back. Compiling was most of the cost of a request before (see
// docs/BENCHMARKS.md). Only connections opened by Database are cached; Database drops a connection's statements
// before it closes the connection. A SqlQuery is used on its connection's thread only, like the connection itself.
//
// On SQLite the statement runs through SQLite's own API on the connection's handle (the same library the Qt driver
// loads): Qt SQL's per-call work (a QSqlRecord rebuilt per execution, every text column converted to UTF-16 and back)
// was half of a statement's cost (docs/BENCHMARKS.md). Values come back as Qt SQL returns them: INTEGER as qlonglong,
// REAL as double, TEXT as QString, BLOB as QByteArray, NULL as a null QVariant; a null QString or QByteArray binds as
// NULL. Other drivers (PostgreSQL) go through QSqlQuery.
class SqlQuery
{
public:
    SqlQuery(const QSqlDatabase &db, const QString &sql);
    ~SqlQuery();
    SqlQuery(SqlQuery &&other) noexcept;
    SqlQuery &operator=(SqlQuery &&) = delete;
    SqlQuery(const SqlQuery &) = delete;
    SqlQuery &operator=(const SqlQuery &) = delete;

    // Database's side of the cache: statements are kept only for registered connections.
    static void registerConnection(const QString &connectionName);
    static void dropConnection(const QString &connectionName);

    SqlQuery &bind(const QString &placeholder, const QVariant &value);
    // Executes (again, with the values bound now, when it ran before); throws StoreError on failure.
    SqlQuery &exec();
    // The next row of a SELECT; false after the last. Throws StoreError when reading fails.
    bool next();
    QVariant value(int column) const;
    QVariant value(const QString &column) const;
    int numRowsAffected() const;

private:
    QSqlQuery m_query;                   // every driver but SQLite
    NativeStatement *m_native = nullptr; // SQLite
    QString m_sql;
    QString m_connection; // empty once moved from, or when the statement is not to be cached
};

// Runs sql with no parameters (DDL, pragmas); throws StoreError.
void execSql(const QSqlDatabase &db, const QString &sql);

// The row id of the row with this sid in `table` (a table name from the schema, never user input), or 0. Inserts use
// it rather than lastInsertId(), which the PostgreSQL driver cannot answer for tables without OIDs.
qint64 idOfSid(const QSqlDatabase &db, const QString &table, const QString &sid);

// Null for an empty string, else the string; optional-like columns are NULL rather than ''.
QVariant nullIfEmpty(const QString &s);

} // namespace Maskline
