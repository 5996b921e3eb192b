#include "servicestable.h"

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::ServicesTable {

std::optional<Service> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SERVICE_COLUMNS + u" FROM services WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::service(q);
}

std::optional<Service> inAccount(const QSqlDatabase &db, const QString &accountSid, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SERVICE_COLUMNS + u" FROM services WHERE sid = :sid AND account_sid = :a"_s);
    q.bind(u":sid"_s, sid).bind(u":a"_s, accountSid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::service(q);
}

// --- front ---

QString callbackUrl(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT callback_url FROM services WHERE sid = :s"_s);
    q.bind(u":s"_s, sid).exec();
    if (!q.next() || q.value(0).isNull()) {
        return {};
    }
    return q.value(0).toString();
}

QList<QString> firstSids(const QSqlDatabase &db, int limit)
{
    SqlQuery services(db, QStringLiteral("SELECT sid FROM services ORDER BY sid LIMIT %1").arg(limit));
    services.exec();
    QList<QString> sids;
    while (services.next()) {
        sids.append(services.value(0).toString());
    }
    return sids;
}

} // namespace Maskline::ServicesTable
