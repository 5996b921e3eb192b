#include "participantstable.h"

#include "listpage.h"
#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::ParticipantsTable {

std::optional<Participant> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS + u" FROM participants WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::participant(q);
}

QList<Participant> ofSession(const QSqlDatabase &db, const QString &sessionSid)
{
    SqlQuery q(db,
               u"SELECT "_s + Rows::PARTICIPANT_COLUMNS + u" FROM participants WHERE session_sid = :s ORDER BY id"_s);
    q.bind(u":s"_s, sessionSid).exec();
    QList<Participant> result;
    while (q.next()) {
        result.append(Rows::participant(q));
    }
    return result;
}

// --- proxy ---

std::optional<Participant> routeHolder(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                       const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS +
                       u" FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                       u"AND routable = 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::participant(q);
}

std::optional<QString> latestDisplacedHolder(const QSqlDatabase &db, const QString &serviceSid,
                                             const QString &identifier, const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT p.sid FROM participants p JOIN sessions s ON s.sid = p.session_sid WHERE "
                   u"p.service_sid = :s AND p.identifier = :i AND p.proxy_identifier = :p AND p.routable = 0 AND "
                   u"p.date_deleted IS NULL AND s.status IN "_s +
                       Rows::ACTIVE_SESSION_STATUSES + u" ORDER BY p.id DESC LIMIT 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return q.value(0).toString();
}

void setRoutable(const QSqlDatabase &db, const QString &sid, bool routable)
{
    SqlQuery(db, routable ? u"UPDATE participants SET routable = 1 WHERE sid = :sid"_s
                          : u"UPDATE participants SET routable = 0 WHERE sid = :sid"_s)
        .bind(u":sid"_s, sid)
        .exec();
}

void routeSessionAgain(const QSqlDatabase &db, const QString &sessionSid, qint64 nowMs)
{
    SqlQuery(db, u"UPDATE participants SET routable = 1, date_updated = :u WHERE session_sid = :s AND "
                 u"date_deleted IS NULL"_s)
        .bind(u":u"_s, nowMs)
        .bind(u":s"_s, sessionSid)
        .exec();
}

void unrouteSession(const QSqlDatabase &db, const QString &sessionSid)
{
    SqlQuery(db, u"UPDATE participants SET routable = 0 WHERE session_sid = :s"_s).bind(u":s"_s, sessionSid).exec();
}

QList<NumberUse> numberUseOf(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier)
{
    SqlQuery q(db, u"SELECT proxy_identifier_sid, MAX(date_created), MAX(routable) FROM participants WHERE "
                   u"service_sid = :s AND identifier = :i GROUP BY proxy_identifier_sid"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).exec();
    QList<NumberUse> uses;
    while (q.next()) {
        NumberUse use;
        use.numberSid = q.value(0).toString();
        use.lastCreatedMs = q.value(1).toLongLong();
        use.routable = q.value(2).toInt() != 0;
        uses.append(use);
    }
    return uses;
}

void insert(const QSqlDatabase &db, const Participant &p)
{
    SqlQuery(db, u"INSERT INTO participants (sid, account_sid, service_sid, session_sid, identifier, "
                 u"proxy_identifier, proxy_identifier_sid, friendly_name, routable, date_created, date_updated) "
                 u"VALUES (:sid, :a, :s, :ks, :i, :p, :psid, :fn, 1, :c, :u)"_s)
        .bind(u":sid"_s, p.sid)
        .bind(u":a"_s, p.accountSid)
        .bind(u":s"_s, p.serviceSid)
        .bind(u":ks"_s, p.sessionSid)
        .bind(u":i"_s, p.identifier)
        .bind(u":p"_s, p.proxyIdentifier)
        .bind(u":psid"_s, p.proxyIdentifierSid)
        .bind(u":fn"_s, nullIfEmpty(p.friendlyName))
        .bind(u":c"_s, Rows::fromTime(p.dateCreated))
        .bind(u":u"_s, Rows::fromTime(p.dateUpdated))
        .exec();
}

void markDeleted(const QSqlDatabase &db, const QString &sid, qint64 nowMs)
{
    SqlQuery(db, u"UPDATE participants SET date_deleted = :d, routable = 0, date_updated = :u WHERE "
                 u"sid = :sid"_s)
        .bind(u":d"_s, nowMs)
        .bind(u":u"_s, nowMs)
        .bind(u":sid"_s, sid)
        .exec();
}

Page<Participant> page(const QSqlDatabase &db, const QString &sessionSid, const PageRequest &request, int maxPageSize)
{
    return listPage<Participant>(db, Rows::PARTICIPANT_COLUMNS, u"participants"_s, u"session_sid = :s"_s,
                                 {{u":s"_s, sessionSid}}, request, maxPageSize, &Rows::participant);
}

// --- routing ---
bool hasRoutable(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                 const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT 1 FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                   u"AND routable = 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    return q.next();
}

std::optional<Participant> latestBy(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                    const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS +
                       u" FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                       u"ORDER BY id DESC LIMIT 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::participant(q);
}

bool isRoutable(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT routable FROM participants WHERE sid = :p"_s);
    q.bind(u":p"_s, sid).exec();
    return q.next() && q.value(0).toInt() != 0;
}

} // namespace Maskline::ParticipantsTable
