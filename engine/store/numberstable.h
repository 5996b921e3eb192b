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

// --- front ---

// How a pool's numbers are used: held by at least one active session, idle and unreserved, idle and reserved.
struct PoolUse
{
    qint64 inUse = 0;
    qint64 idle = 0;
    qint64 reserved = 0;
};
// Over every pool (a pass over the table: callers cache it, /metrics takes it once a minute).
std::optional<PoolUse> poolUse(const QSqlDatabase &db);
// The same per Service SID (one pair per Service with numbers), in one grouped pass.
QList<std::pair<QString, PoolUse>> poolUseByService(const QSqlDatabase &db);

} // namespace NumbersTable
} // namespace Maskline
