#include "debugger.h"

#include <algorithm>

#include <QLoggingCategory>

#include "catalogue.h"
#include "core/redact.h"
#include "core/sid.h"
#include "store/database.h"
#include "store/rows.h"
#include "store/sqlquery.h"

Q_LOGGING_CATEGORY(lcDebugger, "maskline.debugger", QtInfoMsg)

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

Debugger::RequestScope::RequestScope(Debugger *debugger, const QString &method, const QString &url, const QString &path,
                                     const QString &query, const QByteArray &variables)
    : m_debugger(debugger)
{
    if (m_debugger) {
        m_debugger->m_requests.append({method, url, path, query, variables});
    }
}

Debugger::RequestScope::~RequestScope()
{
    if (m_debugger && !m_debugger->m_requests.isEmpty()) {
        m_debugger->m_requests.removeLast();
    }
}

Debugger::Debugger(Database &db, const Clock &clock, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
{
    qRegisterMetaType<Maskline::DebuggerEvent>();
}

QString Debugger::levelFor(int code)
{
    const Catalogue::Entry *entry = Catalogue::find(code);
    return (entry && entry->isError) ? u"error"_s : u"warning"_s;
}

DebuggerEvent Debugger::record(DebuggerEvent event)
{
    if (event.sid.isEmpty()) {
        event.sid = Sid::generate(Sid::DEBUGGER_EVENT);
    }
    if (event.logLevel.isEmpty()) {
        event.logLevel = levelFor(event.code);
    }
    if (!event.dateCreated.isValid()) {
        event.dateCreated = m_clock.now();
    }
    if (!m_requests.isEmpty() && event.requestUrl.isEmpty() && event.requestVariables.isEmpty()) {
        constexpr qsizetype MAX_VARIABLES = 16 * 1024;
        const RequestContext &request = m_requests.constLast();
        event.requestMethod = request.method;
        event.requestUrl = request.url + request.path + (request.query.isEmpty() ? QString() : u'?' + request.query);
        event.requestVariables = QString::fromUtf8(request.variables.left(MAX_VARIABLES));
    }
    if (event.resourceSid.isEmpty()) {
        for (const QString *sid :
             {&event.interactionSid, &event.participantSid, &event.sessionSid, &event.serviceSid}) {
            if (!sid->isEmpty()) {
                event.resourceSid = *sid;
                break;
            }
        }
    }
    try {
        SqlQuery q(m_db.connection(),
                   u"INSERT INTO debugger_events (sid, account_sid, service_sid, session_sid, participant_sid, "
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
        event.id = idOfSid(m_db.connection(), u"debugger_events"_s, event.sid);
    } catch (const StoreError &e) {
        qCWarning(lcDebugger).noquote() << "could not store debugger event" << event.code << ":"
                                        << redactText(e.message());
    }
    {
        // The message quotes numbers and keywords: the log names the event, whose full text the debugger keeps.
        const Catalogue::Entry *entry = Catalogue::find(event.code);
        QStringList sids{event.sid, event.sessionSid, event.participantSid, event.interactionSid, event.resourceSid};
        sids.removeAll(QString());
        qCInfo(lcDebugger).noquote() << event.logLevel << event.code << (entry ? entry->title.toString() : QString())
                                     << u"("_s + sids.join(u", "_s) + u')';
    }
    Q_EMIT recorded(event);
    return event;
}

Result<Page<DebuggerEvent>> Debugger::list(const DebuggerFilter &filter, const PageRequest &page)
{
    try {
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
        // Paged as Proxy's lists are (proxy.cpp listPage): after, before (the previous page), or an offset.
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
        SqlQuery q(m_db.connection(), sql);
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
    } catch (const StoreError &e) {
        return ApiError::internal(e.message());
    }
}

int Debugger::purgeOlderThan(const QDateTime &olderThan)
{
    try {
        SqlQuery q(m_db.connection(), u"DELETE FROM debugger_events WHERE date_created < :t"_s);
        q.bind(u":t"_s, olderThan.toMSecsSinceEpoch()).exec();
        return q.numRowsAffected();
    } catch (const StoreError &e) {
        qCWarning(lcDebugger).noquote() << "could not purge debugger events:" << redactText(e.message());
        return 0;
    }
}

} // namespace Maskline
