#include "sessionstable.h"

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::SessionsTable {

std::optional<Session> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SESSION_COLUMNS + u" FROM sessions WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::session(q);
}

std::optional<Session> inService(const QSqlDatabase &db, const QString &accountSid, const QString &serviceSid,
                                 const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SESSION_COLUMNS +
                       u" FROM sessions WHERE sid = :sid AND service_sid = :s AND account_sid = :a"_s);
    q.bind(u":sid"_s, sid).bind(u":s"_s, serviceSid).bind(u":a"_s, accountSid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::session(q);
}

// --- front ---

std::optional<qint64> countActive(const QSqlDatabase &db)
{
    SqlQuery sessions(db, QStringLiteral("SELECT COUNT(*) FROM sessions WHERE status = :open OR status = :busy"));
    sessions.bind(QStringLiteral(":open"), SessionStatus::OPEN)
        .bind(QStringLiteral(":busy"), SessionStatus::IN_PROGRESS)
        .exec();
    if (!sessions.next()) {
        return std::nullopt;
    }
    return sessions.value(0).toLongLong();
}

QList<std::pair<QString, qint64>> countActiveByService(const QSqlDatabase &db)
{
    SqlQuery sessionsBy(db, QStringLiteral("SELECT service_sid, COUNT(*) FROM sessions WHERE status = :open OR "
                                           "status = :busy GROUP BY service_sid"));
    sessionsBy.bind(QStringLiteral(":open"), SessionStatus::OPEN)
        .bind(QStringLiteral(":busy"), SessionStatus::IN_PROGRESS)
        .exec();
    QList<std::pair<QString, qint64>> counts;
    while (sessionsBy.next()) {
        counts.append({sessionsBy.value(0).toString(), sessionsBy.value(1).toLongLong()});
    }
    return counts;
}

} // namespace Maskline::SessionsTable
