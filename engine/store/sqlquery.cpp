#include "sqlquery.h"

#include <QLoggingCategory>
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

} // namespace

StoreError::StoreError(const QString &message, bool constraintViolation)
    : std::runtime_error(message.toStdString())
    , m_message(message)
    , m_constraint(constraintViolation)
{}

SqlQuery::SqlQuery(const QSqlDatabase &db, const QString &sql)
    : m_query(db)
    , m_sql(sql)
{
    m_query.setForwardOnly(true);
    if (!m_query.prepare(sql)) {
        fail(m_query.lastError(), sql);
    }
}

SqlQuery &SqlQuery::bind(const QString &placeholder, const QVariant &value)
{
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
