#include "debugger.h"

#include <QLoggingCategory>

#include "catalogue.h"
#include "core/redact.h"
#include "core/sid.h"
#include "store/database.h"
#include "store/sqlquery.h"

Q_LOGGING_CATEGORY(lcDebugger, "maskline.debugger", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

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
        event.id = DebuggerEventsTable::insert(m_db.connection(), event);
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
        return DebuggerEventsTable::list(m_db.connection(), filter, page);
    } catch (const StoreError &e) {
        return ApiError::internal(e.message());
    }
}

int Debugger::purgeOlderThan(const QDateTime &olderThan)
{
    try {
        return DebuggerEventsTable::purgeOlderThan(m_db.connection(), olderThan);
    } catch (const StoreError &e) {
        qCWarning(lcDebugger).noquote() << "could not purge debugger events:" << redactText(e.message());
        return 0;
    }
}

} // namespace Maskline
