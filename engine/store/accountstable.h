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
// --- proxy ---
// Every account, oldest first.
QList<Account> all(const QSqlDatabase &db);
// Inserts an account with its auth token; its settings start at the columns' defaults.
void insert(const QSqlDatabase &db, const QString &sid, const QString &authToken, const QString &friendlyName,
            qint64 nowMs);
// Writes the settings of `a` (allow_participant_conflict, the SMS STOP flags, friendly name) to the row with a.sid.
void updateSettings(const QSqlDatabase &db, const Account &a, qint64 nowMs);

// --- front ---

// The account's auth token (the key callbacks are signed with); empty when there is no such account.
QString authToken(const QSqlDatabase &db, const QString &sid);

} // namespace AccountsTable
} // namespace Maskline
