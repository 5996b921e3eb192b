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
    StoreError(const QString &message, bool constraintViolation);
    QString message() const { return m_message; }
    // A UNIQUE/foreign-key constraint refused the write (e.g. the routing-key index under a race).
    bool isConstraintViolation() const { return m_constraint; }

private:
    QString m_message;
    bool m_constraint;
};

// A prepared statement with named placeholders. Values are always bound, never pasted into SQL text.
class SqlQuery
{
public:
    SqlQuery(const QSqlDatabase &db, const QString &sql);

    SqlQuery &bind(const QString &placeholder, const QVariant &value);
    // Executes; throws StoreError on failure.
    SqlQuery &exec();
    bool next() { return m_query.next(); }
    QVariant value(int column) const { return m_query.value(column); }
    QVariant value(const QString &column) const { return m_query.value(column); }
    int numRowsAffected() const { return m_query.numRowsAffected(); }
    QSqlQuery &raw() { return m_query; }

private:
    QSqlQuery m_query;
    QString m_sql;
};

// Runs sql with no parameters (DDL, pragmas); throws StoreError.
void execSql(const QSqlDatabase &db, const QString &sql);

// The row id of the row with this sid in `table` (a table name from the schema, never user input), or 0. Inserts use
// it rather than lastInsertId(), which the PostgreSQL driver cannot answer for tables without OIDs.
qint64 idOfSid(const QSqlDatabase &db, const QString &table, const QString &sid);

// Null for an empty string, else the string; optional-like columns are NULL rather than ''.
QVariant nullIfEmpty(const QString &s);

} // namespace Maskline
