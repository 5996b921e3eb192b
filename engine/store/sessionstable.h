#pragma once

#include <optional>

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "records.h"

namespace Maskline {

// The `sessions` table: every statement that reads or writes it lives here (one owner per table).
namespace SessionsTable {

std::optional<Session> bySid(const QSqlDatabase &db, const QString &sid);
std::optional<Session> inService(const QSqlDatabase &db, const QString &accountSid, const QString &serviceSid,
                                 const QString &sid);

// --- front ---

// Sessions open or in progress, in all (a pass over the table: callers cache it, /metrics takes it once a minute).
std::optional<qint64> countActive(const QSqlDatabase &db);
// The same per Service SID (one pair per Service with any), in one grouped pass.
QList<std::pair<QString, qint64>> countActiveByService(const QSqlDatabase &db);

} // namespace SessionsTable
} // namespace Maskline
