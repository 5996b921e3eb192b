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

// --- app ---
// Gives the account a new auth token; false when there is no such account.
bool setAuthToken(const QSqlDatabase &db, const QString &sid, const QString &token, qint64 nowMs);

} // namespace AccountsTable
} // namespace Maskline
