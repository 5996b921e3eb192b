#include "interactionstable.h"

#include <QHash>

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

// --- routing ---

namespace {

// One lifecycle order for message and call statuses: a status is only replaced by one at the same or a later stage,
// so callbacks arriving out of order cannot move a leg back.
const QList<std::pair<QString, int>> &statusRanks()
{
    static const QList<std::pair<QString, int>> ranks{
        {u"accepted"_s, 0},  {u"scheduled"_s, 0},   {u"queued"_s, 1},    {u"initiated"_s, 1},
        {u"sending"_s, 2},   {u"ringing"_s, 2},     {u"receiving"_s, 2}, {u"sent"_s, 3},
        {u"answered"_s, 3},  {u"in-progress"_s, 3}, {u"received"_s, 4},  {u"delivery-unknown"_s, 4},
        {u"delivered"_s, 5}, {u"undelivered"_s, 5}, {u"failed"_s, 5},    {u"canceled"_s, 5},
        {u"completed"_s, 5}, {u"busy"_s, 5},        {u"no-answer"_s, 5},
    };
    return ranks;
}

// The same ranks as an SQL expression over a status column (the names are this file's constants, not input).
QString rankSql(const QString &column)
{
    QString sql = u"(CASE "_s + column;
    for (const auto &[status, rank] : statusRanks()) {
        sql += u" WHEN '"_s + status + u"' THEN "_s + QString::number(rank);
    }
    return sql + u" ELSE -1 END)"_s;
}

} // namespace

int legStatusRank(const QString &status)
{
    static const QHash<QString, int> ranks = [] {
        QHash<QString, int> byName;
        for (const auto &[name, rank] : statusRanks()) {
            byName.insert(name, rank);
        }
        return byName;
    }();
    return ranks.value(status, -1);
}

bool advanceLeg(const QSqlDatabase &db, const QString &sid, bool outbound, const InteractionLeg &leg,
                const QString &data, qint64 nowMs)
{
    const QString prefix = outbound ? u"outbound"_s : u"inbound"_s;
    QList<std::pair<QString, QString>> sets;
    if (!leg.resourceSid.isEmpty()) {
        sets.append({prefix + u"_resource_sid"_s, leg.resourceSid});
    }
    if (!leg.resourceType.isEmpty()) {
        sets.append({prefix + u"_resource_type"_s, leg.resourceType});
    }
    if (!leg.resourceUrl.isEmpty()) {
        sets.append({prefix + u"_resource_url"_s, leg.resourceUrl});
    }
    if (!data.isEmpty()) {
        sets.append({u"data"_s, data});
    }
    QString sql = u"UPDATE interactions SET date_updated = :u"_s;
    for (qsizetype n = 0; n < sets.size(); ++n) {
        sql += u", "_s + sets.at(n).first + u" = :v"_s + QString::number(n);
    }
    if (!leg.resourceStatus.isEmpty()) {
        const QString column = prefix + u"_resource_status"_s;
        sql += u", "_s + column + u" = CASE WHEN "_s + rankSql(column) + u" <= :rank THEN :status ELSE "_s + column +
               u" END"_s;
    }
    SqlQuery q(db, sql + u" WHERE sid = :sid"_s);
    q.bind(u":u"_s, nowMs).bind(u":sid"_s, sid);
    for (qsizetype n = 0; n < sets.size(); ++n) {
        q.bind(u":v"_s + QString::number(n), sets.at(n).second);
    }
    if (!leg.resourceStatus.isEmpty()) {
        q.bind(u":rank"_s, legStatusRank(leg.resourceStatus)).bind(u":status"_s, leg.resourceStatus);
    }
    q.exec();
    return q.numRowsAffected() > 0;
}

} // namespace Maskline::InteractionsTable
