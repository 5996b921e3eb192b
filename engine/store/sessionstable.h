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

} // namespace SessionsTable
} // namespace Maskline
