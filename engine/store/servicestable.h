#pragma once

#include <optional>

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "records.h"

namespace Maskline {

// The `services` table: every statement that reads or writes it lives here (one owner per table).
namespace ServicesTable {

std::optional<Service> bySid(const QSqlDatabase &db, const QString &sid);
std::optional<Service> inAccount(const QSqlDatabase &db, const QString &accountSid, const QString &sid);

// --- proxy ---
// The one writer of a whole service row (the domain creates them, the importer copies or replaces them): every
// column of `s`, its SID and account included; INSERT, or with `replace` an UPDATE of the row with s.sid.
void write(const QSqlDatabase &db, const Service &s, bool replace = false);
// Whether another Service of the account (not `exceptSid`) has this unique name.
bool uniqueNameTaken(const QSqlDatabase &db, const QString &accountSid, const QString &uniqueName,
                     const QString &exceptSid);
std::optional<Service> byUniqueName(const QSqlDatabase &db, const QString &accountSid, const QString &uniqueName);
// Writes the fields an API update may change (all but SID, account and creation date) to the row with s.sid.
void update(const QSqlDatabase &db, const Service &s, qint64 nowMs);
// Deletes the Service; its numbers, sessions, participants and interactions go with it (ON DELETE CASCADE).
void remove(const QSqlDatabase &db, const QString &sid);
Page<Service> page(const QSqlDatabase &db, const QString &accountSid, const PageRequest &request, int maxPageSize);

// --- front ---

// The Service's status callback URL; empty when it has none or there is no such Service.
QString callbackUrl(const QSqlDatabase &db, const QString &sid);
// The first `limit` Service SIDs in SID order (the Services /metrics gives series of).
QList<QString> firstSids(const QSqlDatabase &db, int limit);

} // namespace ServicesTable
} // namespace Maskline
