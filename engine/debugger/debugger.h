#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QObject>
#include <QString>

#include "core/clock.h"
#include "core/result.h"
#include "store/debuggereventstable.h"
#include "store/records.h"

namespace Maskline {

class Database;

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
