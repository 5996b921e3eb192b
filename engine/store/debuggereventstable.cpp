#include "debuggereventstable.h"

#include <algorithm>

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

QString str(const SqlQuery &q, int i)
{
    const QVariant v = q.value(i);
    return v.isNull() ? QString() : v.toString();
}

} // namespace

const QString DebuggerRows::COLUMNS =
    u"id, sid, account_sid, service_sid, session_sid, participant_sid, interaction_sid, "
    u"resource_sid, code, log_level, message, request_method, request_url, "
    u"request_variables, response_body, date_created"_s;

DebuggerEvent DebuggerRows::read(const SqlQuery &q)
{
    DebuggerEvent e;
    e.id = q.value(0).toLongLong();
    e.sid = str(q, 1);
    e.accountSid = str(q, 2);
    e.serviceSid = str(q, 3);
    e.sessionSid = str(q, 4);
    e.participantSid = str(q, 5);
    e.interactionSid = str(q, 6);
    e.resourceSid = str(q, 7);
    e.code = q.value(8).toInt();
    e.logLevel = str(q, 9);
    e.message = str(q, 10);
    e.requestMethod = str(q, 11);
    e.requestUrl = str(q, 12);
    e.requestVariables = str(q, 13);
    e.responseBody = str(q, 14);
    e.dateCreated = Rows::toTime(q.value(15));
    return e;
}

namespace DebuggerEventsTable {

qint64 insert(const QSqlDatabase &db, const DebuggerEvent &event)
{
    SqlQuery q(db, u"INSERT INTO debugger_events (sid, account_sid, service_sid, session_sid, participant_sid, "
                   u"interaction_sid, resource_sid, code, log_level, message, request_method, request_url, "
                   u"request_variables, response_body, date_created) VALUES (:sid, :a, :s, :ks, :p, :i, :r, :code, "
                   u":lvl, :msg, :rm, :ru, :rv, :rb, :c)"_s);
    q.bind(u":sid"_s, event.sid)
        .bind(u":a"_s, nullIfEmpty(event.accountSid))
        .bind(u":s"_s, nullIfEmpty(event.serviceSid))
        .bind(u":ks"_s, nullIfEmpty(event.sessionSid))
        .bind(u":p"_s, nullIfEmpty(event.participantSid))
        .bind(u":i"_s, nullIfEmpty(event.interactionSid))
        .bind(u":r"_s, nullIfEmpty(event.resourceSid))
        .bind(u":code"_s, event.code)
        .bind(u":lvl"_s, event.logLevel)
        .bind(u":msg"_s, event.message)
        .bind(u":rm"_s, nullIfEmpty(event.requestMethod))
        .bind(u":ru"_s, nullIfEmpty(event.requestUrl))
        .bind(u":rv"_s, nullIfEmpty(event.requestVariables))
        .bind(u":rb"_s, nullIfEmpty(event.responseBody))
        .bind(u":c"_s, event.dateCreated.toMSecsSinceEpoch())
        .exec();
    return idOfSid(db, u"debugger_events"_s, event.sid);
}

Page<DebuggerEvent> list(const QSqlDatabase &db, const DebuggerFilter &filter, const PageRequest &page)
{
    QString sql = u"SELECT "_s + DebuggerRows::COLUMNS + u" FROM debugger_events WHERE 1 = 1"_s;
    if (!filter.accountSid.isEmpty()) {
        sql += u" AND account_sid = :a"_s;
    }
    if (!filter.logLevel.isEmpty()) {
        sql += u" AND log_level = :lvl"_s;
    }
    if (filter.code != 0) {
        sql += u" AND code = :code"_s;
    }
    if (!filter.resourceSid.isEmpty()) {
        sql += u" AND (resource_sid = :r1 OR service_sid = :r2 OR session_sid = :r3 OR participant_sid = :r4 "
               u"OR interaction_sid = :r5)"_s;
    }
    if (filter.startDate.isValid()) {
        sql += u" AND date_created >= :start"_s;
    }
    if (filter.endDate.isValid()) {
        sql += u" AND date_created <= :end"_s;
    }
    // Paged as the other lists are (listpage.h): after, before (the previous page), or an offset.
    const bool backwards = page.beforeId.has_value() && !page.afterId;
    const bool offset = !page.afterId && !page.beforeId && page.offset > 0;
    if (page.afterId) {
        sql += u" AND id < :after"_s;
    } else if (backwards) {
        sql += u" AND id > :before"_s;
    }
    sql += backwards ? u" ORDER BY id ASC LIMIT :limit"_s : u" ORDER BY id DESC LIMIT :limit"_s;
    if (offset) {
        sql += u" OFFSET :offset"_s;
    }
    SqlQuery q(db, sql);
    if (!filter.accountSid.isEmpty()) {
        q.bind(u":a"_s, filter.accountSid);
    }
    if (!filter.logLevel.isEmpty()) {
        q.bind(u":lvl"_s, filter.logLevel);
    }
    if (filter.code != 0) {
        q.bind(u":code"_s, filter.code);
    }
    if (!filter.resourceSid.isEmpty()) {
        for (const QString &name : {u":r1"_s, u":r2"_s, u":r3"_s, u":r4"_s, u":r5"_s}) {
            q.bind(name, filter.resourceSid);
        }
    }
    if (filter.startDate.isValid()) {
        q.bind(u":start"_s, filter.startDate.toMSecsSinceEpoch());
    }
    if (filter.endDate.isValid()) {
        q.bind(u":end"_s, filter.endDate.toMSecsSinceEpoch());
    }
    if (page.afterId) {
        q.bind(u":after"_s, *page.afterId);
    } else if (backwards) {
        q.bind(u":before"_s, *page.beforeId);
    }
    if (offset) {
        q.bind(u":offset"_s, page.offset);
    }
    const int size = std::max(1, page.pageSize);
    q.bind(u":limit"_s, size + 1);
    q.exec();
    Page<DebuggerEvent> result;
    bool beyond = false;
    while (q.next()) {
        if (result.items.size() == size) {
            beyond = true;
            break;
        }
        result.items.append(DebuggerRows::read(q));
    }
    if (backwards) {
        std::reverse(result.items.begin(), result.items.end());
        result.hasNewer = beyond;
        result.hasMore = true;
    } else {
        result.hasMore = beyond;
        result.hasNewer = page.afterId.has_value() || offset;
    }
    return result;
}

int purgeOlderThan(const QSqlDatabase &db, const QDateTime &olderThan)
{
    SqlQuery q(db, u"DELETE FROM debugger_events WHERE date_created < :t"_s);
    q.bind(u":t"_s, olderThan.toMSecsSinceEpoch()).exec();
    return q.numRowsAffected();
}

} // namespace DebuggerEventsTable
} // namespace Maskline
