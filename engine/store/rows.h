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

// Writes every column of `s` (its SID and account included): INSERT, or with `replace` an UPDATE of the row with
// s.sid. Throws StoreError.
void writeService(const QSqlDatabase &db, const Service &s, bool replace = false);

// Writes every column of `i` (its SID, account, Service and Session included): INSERT, or with `replace` an UPDATE of
// the row with i.sid. Throws StoreError.
void writeInteraction(const QSqlDatabase &db, const Interaction &i, bool replace = false);

// Times are stored as ms since the epoch; NULL <-> invalid QDateTime.
QVariant fromTime(const QDateTime &t);
QDateTime toTime(const QVariant &v);

} // namespace Rows
} // namespace Maskline
