#pragma once

#include <optional>

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "records.h"

namespace Maskline {

// The `accounts` table: every statement that reads or writes it lives here (one owner per table).
namespace AccountsTable {

std::optional<Account> bySid(const QSqlDatabase &db, const QString &sid);

// --- front ---

// The account's auth token (the key callbacks are signed with); empty when there is no such account.
QString authToken(const QSqlDatabase &db, const QString &sid);

} // namespace AccountsTable
} // namespace Maskline
