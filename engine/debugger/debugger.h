#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include "core/clock.h"
#include "core/result.h"
#include "store/records.h"

namespace Maskline {

class Database;
class SqlQuery;

// One debugger event (an 80xxx warning or error), shaped after Twilio's Monitor Alert.
struct DebuggerEvent
{
    qint64 id = 0;
    QString sid; // NO…
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString participantSid;
    QString interactionSid;
    QString resourceSid; // the SID the event is mainly about
    int code = 0;
    QString logLevel; // "error" | "warning", from the catalogue
    QString message;
    QString requestMethod;
    QString requestUrl;
    QString requestVariables; // form-encoded or JSON text of what caused it
    QString responseBody;
    QDateTime dateCreated;
};

// The debugger_events row as every reader selects it (the engine's REST list, the console's log model).
namespace DebuggerRows {
extern const QString COLUMNS;
DebuggerEvent read(const SqlQuery &q);
} // namespace DebuggerRows

struct DebuggerFilter
{
    QString accountSid;
    QString logLevel;
    int code = 0;
    QString resourceSid; // matches any SID the event names
    QDateTime startDate;
    QDateTime endDate;
};

// Records 80xxx events where they happen, on the calling thread's connection, and lists them newest first.
class Debugger final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Debugger)

public:
    // The request being handled, for events raised deep inside it (the domain knows nothing of HTTP): while a scope
    // lives, record() fills an event's empty request fields from it. Scopes nest; the innermost one counts. On the
    // engine thread only, like record(); a null debugger makes it a no-op.
    class RequestScope final
    {
    public:
        // The URL is `url` + `path` + ("?" + `query` when there is one); `variables` the request body (UTF-8, cut at
        // 16 KiB). Nothing is composed or copied unless an event is recorded.
        RequestScope(Debugger *debugger, const QString &method, const QString &url, const QString &path = {},
                     const QString &query = {}, const QByteArray &variables = {});
        ~RequestScope();
        Q_DISABLE_COPY_MOVE(RequestScope)

    private:
        Debugger *m_debugger;
    };

    Debugger(Database &db, const Clock &clock, QObject *parent = nullptr);

    // The catalogue's level for a code ("error" or "warning"); "warning" for codes it does not list.
    static QString levelFor(int code);

    // Stores the event (filling sid, level when empty, and time) and emits recorded(). Storage failures are
    // logged, never thrown: a debugger event must not fail the request that raised it.
    DebuggerEvent record(DebuggerEvent event);

    // Newest first, keyset-paged like every other list (PageRequest.afterId is the last id of the previous page).
    Result<Page<DebuggerEvent>> list(const DebuggerFilter &filter, const PageRequest &page);
    // Deletes events older than `olderThan`; returns how many.
    int purgeOlderThan(const QDateTime &olderThan);

Q_SIGNALS:
    void recorded(const Maskline::DebuggerEvent &event);

private:
    struct RequestContext
    {
        QString method;
        QString url;
        QString path;
        QString query;
        QByteArray variables;
    };

    Database &m_db;
    const Clock &m_clock;
    QList<RequestContext> m_requests;
};

} // namespace Maskline

Q_DECLARE_METATYPE(Maskline::DebuggerEvent)
