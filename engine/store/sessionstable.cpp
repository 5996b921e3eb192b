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

} // namespace Maskline::SessionsTable
