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

// --- routing ---

QList<Session> dueForExpiry(const QSqlDatabase &db, qint64 nowMs, int limit, bool claim)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SESSION_COLUMNS +
                       u" FROM sessions WHERE expires_at IS NOT NULL AND expires_at <= :now AND status IN "
                       u"(:open, :busy) ORDER BY expires_at, id LIMIT :limit"_s +
                       (claim ? u" FOR UPDATE SKIP LOCKED"_s : QString()));
    q.bind(u":now"_s, nowMs)
        .bind(u":open"_s, SessionStatus::OPEN)
        .bind(u":busy"_s, SessionStatus::IN_PROGRESS)
        .bind(u":limit"_s, limit)
        .exec();
    QList<Session> due;
    while (q.next()) {
        due.append(Rows::session(q));
    }
    return due;
}

} // namespace Maskline::SessionsTable
