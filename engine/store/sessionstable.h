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

// --- routing ---
// Active sessions whose deadline (expires_at) is at or before nowMs, the earliest first, at most `limit`. With `claim`
// (PostgreSQL) the rows are locked FOR UPDATE SKIP LOCKED in the caller's transaction, so other nodes skip them.
QList<Session> dueForExpiry(const QSqlDatabase &db, qint64 nowMs, int limit, bool claim);

} // namespace SessionsTable
} // namespace Maskline
