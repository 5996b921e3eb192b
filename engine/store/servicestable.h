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

} // namespace ServicesTable
} // namespace Maskline
