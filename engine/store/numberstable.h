#pragma once

#include <optional>

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "records.h"

namespace Maskline {

// The `phone_numbers` table: every statement that reads or writes it lives here (one owner per table).
namespace NumbersTable {

std::optional<PhoneNumber> bySid(const QSqlDatabase &db, const QString &sid);
std::optional<PhoneNumber> byPhoneNumber(const QSqlDatabase &db, const QString &e164);

} // namespace NumbersTable
} // namespace Maskline
