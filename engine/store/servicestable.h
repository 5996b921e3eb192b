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

// --- front ---

// The Service's status callback URL; empty when it has none or there is no such Service.
QString callbackUrl(const QSqlDatabase &db, const QString &sid);
// The first `limit` Service SIDs in SID order (the Services /metrics gives series of).
QList<QString> firstSids(const QSqlDatabase &db, int limit);

} // namespace ServicesTable
} // namespace Maskline
