#pragma once

#include <QSqlDatabase>
#include <QString>
#include <QVariant>

#include "records.h"

namespace Maskline {

class SqlQuery;

// Column lists and row readers shared by the domain and the console's read-side models: one place knows how a
// resource is laid out in the store.
namespace Rows {

extern const QString ACCOUNT_COLUMNS;
extern const QString SERVICE_COLUMNS;
extern const QString PHONE_NUMBER_COLUMNS;
extern const QString SESSION_COLUMNS;
extern const QString PARTICIPANT_COLUMNS;
extern const QString INTERACTION_COLUMNS;

Account account(const SqlQuery &q);
Service service(const SqlQuery &q);
PhoneNumber phoneNumber(const SqlQuery &q);
Session session(const SqlQuery &q);
Participant participant(const SqlQuery &q);
Interaction interaction(const SqlQuery &q);

// Times are stored as ms since the epoch; NULL <-> invalid QDateTime.
QVariant fromTime(const QDateTime &t);
QDateTime toTime(const QVariant &v);

// --- proxy ---
// The statuses of an active session as an SQL list, for `status IN …`: ('open', 'in-progress').
extern const QString ACTIVE_SESSION_STATUSES;

} // namespace Rows
} // namespace Maskline
