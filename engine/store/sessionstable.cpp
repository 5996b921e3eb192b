#include "sessionstable.h"

#include "listpage.h"
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

// --- proxy ---

void lockForUpdate(const QSqlDatabase &db, const QString &sid)
{
    if (db.driverName() == QLatin1String("QPSQL")) {
        SqlQuery(db, u"SELECT 1 FROM sessions WHERE sid = :s FOR UPDATE"_s).bind(u":s"_s, sid).exec();
    }
}

std::optional<QString> sidByUniqueName(const QSqlDatabase &db, const QString &serviceSid, const QString &uniqueName)
{
    SqlQuery q(db, u"SELECT sid FROM sessions WHERE service_sid = :s AND unique_name = :n"_s);
    q.bind(u":s"_s, serviceSid).bind(u":n"_s, uniqueName).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return q.value(0).toString();
}

std::optional<Session> byUniqueName(const QSqlDatabase &db, const QString &accountSid, const QString &serviceSid,
                                    const QString &uniqueName)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SESSION_COLUMNS +
                       u" FROM sessions WHERE service_sid = :s AND account_sid = :a AND unique_name = :n"_s);
    q.bind(u":s"_s, serviceSid).bind(u":a"_s, accountSid).bind(u":n"_s, uniqueName).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::session(q);
}

void insert(const QSqlDatabase &db, const Session &s)
{
    SqlQuery(db, u"INSERT INTO sessions (sid, account_sid, service_sid, unique_name, status, mode, ttl, date_expiry, "
                 u"expires_at, date_started, date_created, date_updated) VALUES (:sid, :a, :s, :n, :st, :m, :ttl, "
                 u":de, :ea, :ds, :c, :u)"_s)
        .bind(u":sid"_s, s.sid)
        .bind(u":a"_s, s.accountSid)
        .bind(u":s"_s, s.serviceSid)
        .bind(u":n"_s, nullIfEmpty(s.uniqueName))
        .bind(u":st"_s, s.status)
        .bind(u":m"_s, s.mode)
        .bind(u":ttl"_s, s.ttl)
        .bind(u":de"_s, Rows::fromTime(s.dateExpiry))
        .bind(u":ea"_s, Rows::fromTime(s.expiresAt))
        .bind(u":ds"_s, Rows::fromTime(s.dateStarted))
        .bind(u":c"_s, Rows::fromTime(s.dateCreated))
        .bind(u":u"_s, Rows::fromTime(s.dateUpdated))
        .exec();
}

void update(const QSqlDatabase &db, const Session &s)
{
    SqlQuery(db, u"UPDATE sessions SET status = :st, ttl = :ttl, date_expiry = :de, expires_at = :ea, "
                 u"closed_reason = :cr, date_started = :ds, date_ended = :dend, date_updated = :u "
                 u"WHERE sid = :sid"_s)
        .bind(u":st"_s, s.status)
        .bind(u":ttl"_s, s.ttl)
        .bind(u":de"_s, Rows::fromTime(s.dateExpiry))
        .bind(u":ea"_s, Rows::fromTime(s.expiresAt))
        .bind(u":cr"_s, nullIfEmpty(s.closedReason))
        .bind(u":ds"_s, Rows::fromTime(s.dateStarted))
        .bind(u":dend"_s, Rows::fromTime(s.dateEnded))
        .bind(u":u"_s, Rows::fromTime(s.dateUpdated))
        .bind(u":sid"_s, s.sid)
        .exec();
}

void recordActivity(const QSqlDatabase &db, const Session &s)
{
    SqlQuery(db, u"UPDATE sessions SET status = :st, date_started = :ds, date_last_interaction = :dl, "
                 u"expires_at = :ea, date_updated = :u WHERE sid = :sid"_s)
        .bind(u":st"_s, s.status)
        .bind(u":ds"_s, Rows::fromTime(s.dateStarted))
        .bind(u":dl"_s, Rows::fromTime(s.dateLastInteraction))
        .bind(u":ea"_s, Rows::fromTime(s.expiresAt))
        .bind(u":u"_s, Rows::fromTime(s.dateUpdated))
        .bind(u":sid"_s, s.sid)
        .exec();
}

void close(const QSqlDatabase &db, const QString &sid, const QString &reason, qint64 nowMs)
{
    SqlQuery(db, u"UPDATE sessions SET status = :st, closed_reason = :cr, date_ended = :de, expires_at = NULL, "
                 u"date_updated = :u WHERE sid = :sid"_s)
        .bind(u":st"_s, SessionStatus::CLOSED)
        .bind(u":cr"_s, nullIfEmpty(reason))
        .bind(u":de"_s, nowMs)
        .bind(u":u"_s, nowMs)
        .bind(u":sid"_s, sid)
        .exec();
}

void remove(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery(db, u"DELETE FROM sessions WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
}

QList<std::pair<QString, QString>> closedBefore(const QSqlDatabase &db, qint64 endedBeforeMs, int limit)
{
    SqlQuery q(db, u"SELECT sid, service_sid FROM sessions WHERE status = :closed AND date_ended IS NOT NULL "
                   u"AND date_ended < :before ORDER BY date_ended LIMIT :limit"_s);
    q.bind(u":closed"_s, SessionStatus::CLOSED).bind(u":before"_s, endedBeforeMs).bind(u":limit"_s, limit).exec();
    QList<std::pair<QString, QString>> sessions;
    while (q.next()) {
        sessions.append({q.value(0).toString(), q.value(1).toString()});
    }
    return sessions;
}

Page<Session> page(const QSqlDatabase &db, const QString &serviceSid, const PageRequest &request, int maxPageSize)
{
    return listPage<Session>(db, Rows::SESSION_COLUMNS, u"sessions"_s, u"service_sid = :s"_s, {{u":s"_s, serviceSid}},
                             request, maxPageSize, &Rows::session);
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
