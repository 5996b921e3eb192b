#pragma once

#include <QDateTime>
#include <QMetaType>
#include <QSqlDatabase>
#include <QString>

#include "core/paging.h"

namespace Maskline {

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

// The `debugger_events` table: every statement that reads or writes it lives here (one owner per table), except the
// console's read-only log model, which selects DebuggerRows::COLUMNS on its own connection. Each throws StoreError.
namespace DebuggerEventsTable {

// Stores the event as given (sid, level and time already filled); returns the new row's id.
qint64 insert(const QSqlDatabase &db, const DebuggerEvent &event);
// Newest first, keyset-paged like every other list (PageRequest.afterId is the last id of the previous page).
Page<DebuggerEvent> list(const QSqlDatabase &db, const DebuggerFilter &filter, const PageRequest &page);
// Deletes events created before `olderThan`; returns how many.
int purgeOlderThan(const QSqlDatabase &db, const QDateTime &olderThan);

} // namespace DebuggerEventsTable
} // namespace Maskline

Q_DECLARE_METATYPE(Maskline::DebuggerEvent)
