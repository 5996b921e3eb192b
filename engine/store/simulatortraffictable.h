#pragma once

#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

namespace Maskline {

// One message or call the simulator carried, as the console shows it (table simulator_traffic).
struct SimulatorRecord
{
    qint64 id = 0;
    QString sid;       // SM… / CA…
    QString kind;      // message | call
    QString direction; // inbound (injected, to a pool number) | outbound (sent by the engine to a participant)
    QString from;
    QString to;
    QString body;
    QStringList mediaUrls;
    QString status; // received / in-progress (inbound), delivered / completed (outbound)
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString interactionSid;
    QDateTime dateCreated;
};

// The `simulator_traffic` table: every statement of the engine that reads or writes it lives here (one owner per
// table; the console reads it on its own read-only connection). Each throws StoreError.
namespace SimulatorTrafficTable {

// Stores the record as given (sid and time filled in); returns the new row's id.
qint64 insert(const QSqlDatabase &db, const SimulatorRecord &record);
// Newest first, at most `limit` rows.
QList<SimulatorRecord> recent(const QSqlDatabase &db, int limit);

} // namespace SimulatorTrafficTable
} // namespace Maskline
