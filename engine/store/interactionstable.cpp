#include "interactionstable.h"

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::InteractionsTable {

namespace {

std::optional<Interaction> byResource(const QSqlDatabase &db, const QString &column, const QString &resourceSid,
                                      const QString &serviceSid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::INTERACTION_COLUMNS + u" FROM interactions WHERE "_s + column + u" = :v"_s +
                       (serviceSid.isEmpty() ? QString() : u" AND service_sid = :s"_s) + u" ORDER BY id LIMIT 1"_s);
    q.bind(u":v"_s, resourceSid);
    if (!serviceSid.isEmpty()) {
        q.bind(u":s"_s, serviceSid);
    }
    q.exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::interaction(q);
}

} // namespace

std::optional<Interaction> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::INTERACTION_COLUMNS + u" FROM interactions WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::interaction(q);
}

std::optional<Interaction> byInboundResource(const QSqlDatabase &db, const QString &resourceSid,
                                             const QString &serviceSid)
{
    return byResource(db, u"inbound_resource_sid"_s, resourceSid, serviceSid);
}

std::optional<Interaction> byOutboundResource(const QSqlDatabase &db, const QString &resourceSid,
                                              const QString &serviceSid)
{
    return byResource(db, u"outbound_resource_sid"_s, resourceSid, serviceSid);
}

} // namespace Maskline::InteractionsTable
