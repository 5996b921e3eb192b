#include "interactionstable.h"

#include <QHash>

#include "listpage.h"
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

std::optional<Interaction> bySidForUpdate(const QSqlDatabase &db, const QString &sid)
{
    if (db.driverName() != QLatin1String("QPSQL")) {
        return bySid(db, sid); // SQLite: the write transaction already excludes every other writer
    }
    SqlQuery q(db, u"SELECT "_s + Rows::INTERACTION_COLUMNS + u" FROM interactions WHERE sid = :sid FOR UPDATE"_s);
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

// --- proxy ---

void write(const QSqlDatabase &db, const Interaction &i, bool replace)
{
    const QString sql =
        replace ? u"UPDATE interactions SET account_sid = :a, service_sid = :s, session_sid = :ks, "
                  u"participant_sid = :p, type = :t, data = :d, inbound_participant_sid = :ip, "
                  u"inbound_resource_sid = :ir, inbound_resource_status = :is, inbound_resource_type = :it, "
                  u"inbound_resource_url = :iu, outbound_participant_sid = :op, outbound_resource_sid = :or, "
                  u"outbound_resource_status = :os, outbound_resource_type = :ot, outbound_resource_url = :ou, "
                  u"date_created = :c, date_updated = :u WHERE sid = :sid"_s
                : u"INSERT INTO interactions (sid, account_sid, service_sid, session_sid, participant_sid, type, "
                  u"data, inbound_participant_sid, inbound_resource_sid, inbound_resource_status, "
                  u"inbound_resource_type, inbound_resource_url, outbound_participant_sid, outbound_resource_sid, "
                  u"outbound_resource_status, outbound_resource_type, outbound_resource_url, date_created, "
                  u"date_updated) VALUES (:sid, :a, :s, :ks, :p, :t, :d, :ip, :ir, :is, :it, :iu, :op, :or, :os, "
                  u":ot, :ou, :c, :u)"_s;
    SqlQuery(db, sql)
        .bind(u":sid"_s, i.sid)
        .bind(u":a"_s, i.accountSid)
        .bind(u":s"_s, i.serviceSid)
        .bind(u":ks"_s, i.sessionSid)
        .bind(u":p"_s, nullIfEmpty(i.participantSid))
        .bind(u":t"_s, i.type.isEmpty() ? u"unknown"_s : i.type)
        .bind(u":d"_s, nullIfEmpty(i.data))
        .bind(u":ip"_s, nullIfEmpty(i.inbound.participantSid))
        .bind(u":ir"_s, nullIfEmpty(i.inbound.resourceSid))
        .bind(u":is"_s, nullIfEmpty(i.inbound.resourceStatus))
        .bind(u":it"_s, nullIfEmpty(i.inbound.resourceType))
        .bind(u":iu"_s, nullIfEmpty(i.inbound.resourceUrl))
        .bind(u":op"_s, nullIfEmpty(i.outbound.participantSid))
        .bind(u":or"_s, nullIfEmpty(i.outbound.resourceSid))
        .bind(u":os"_s, nullIfEmpty(i.outbound.resourceStatus))
        .bind(u":ot"_s, nullIfEmpty(i.outbound.resourceType))
        .bind(u":ou"_s, nullIfEmpty(i.outbound.resourceUrl))
        .bind(u":c"_s, Rows::fromTime(i.dateCreated))
        .bind(u":u"_s, Rows::fromTime(i.dateUpdated))
        .exec();
}

Interaction asWritten(const Interaction &i)
{
    Interaction stored = i;
    stored.id = 0;
    if (stored.type.isEmpty()) {
        stored.type = u"unknown"_s;
    }
    stored.dateCreated = Rows::toTime(Rows::fromTime(i.dateCreated));
    stored.dateUpdated = Rows::toTime(Rows::fromTime(i.dateUpdated));
    return stored;
}

void remove(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery(db, u"DELETE FROM interactions WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
}

Page<Interaction> page(const QSqlDatabase &db, const QString &sessionSid, const PageRequest &request, int maxPageSize,
                       const QString &participantSid)
{
    if (participantSid.isEmpty()) {
        return listPage<Interaction>(db, Rows::INTERACTION_COLUMNS, u"interactions"_s, u"session_sid = :s"_s,
                                     {{u":s"_s, sessionSid}}, request, maxPageSize, &Rows::interaction);
    }
    return listPage<Interaction>(
        db, Rows::INTERACTION_COLUMNS, u"interactions"_s, u"session_sid = :s AND participant_sid = :p"_s,
        {{u":s"_s, sessionSid}, {u":p"_s, participantSid}}, request, maxPageSize, &Rows::interaction);
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

// Sets the non-empty fields of `leg` and `data`; the status unconditionally, or with `forwardOnly` only when its rank
// is at least the stored one's (compared in the UPDATE, against the row as this transaction sees it).
bool writeLeg(const QSqlDatabase &db, const QString &sid, bool outbound, const InteractionLeg &leg, const QString &data,
              qint64 nowMs, bool forwardOnly)
{
    const QString prefix = outbound ? u"outbound"_s : u"inbound"_s;
    QList<std::pair<QString, QString>> sets;
    if (!leg.resourceSid.isEmpty()) {
        sets.append({prefix + u"_resource_sid"_s, leg.resourceSid});
    }
    if (!leg.resourceStatus.isEmpty() && !forwardOnly) {
        sets.append({prefix + u"_resource_status"_s, leg.resourceStatus});
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
    const bool guardedStatus = !leg.resourceStatus.isEmpty() && forwardOnly;
    if (guardedStatus) {
        const QString column = prefix + u"_resource_status"_s;
        sql += u", "_s + column + u" = CASE WHEN "_s + rankSql(column) + u" <= :rank THEN :status ELSE "_s + column +
               u" END"_s;
    }
    SqlQuery q(db, sql + u" WHERE sid = :sid"_s);
    q.bind(u":u"_s, nowMs).bind(u":sid"_s, sid);
    for (qsizetype n = 0; n < sets.size(); ++n) {
        q.bind(u":v"_s + QString::number(n), sets.at(n).second);
    }
    if (guardedStatus) {
        q.bind(u":rank"_s, legStatusRank(leg.resourceStatus)).bind(u":status"_s, leg.resourceStatus);
    }
    q.exec();
    return q.numRowsAffected() > 0;
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

void updateLeg(const QSqlDatabase &db, const QString &sid, bool outbound, const InteractionLeg &leg,
               const QString &data, qint64 nowMs)
{
    writeLeg(db, sid, outbound, leg, data, nowMs, false);
}

bool advanceLeg(const QSqlDatabase &db, const QString &sid, bool outbound, const InteractionLeg &leg,
                const QString &data, qint64 nowMs)
{
    return writeLeg(db, sid, outbound, leg, data, nowMs, true);
}

} // namespace Maskline::InteractionsTable
