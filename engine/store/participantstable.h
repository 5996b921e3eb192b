#pragma once

#include <optional>

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "records.h"

namespace Maskline {

// The `participants` table: every statement that reads or writes it lives here (one owner per table).
namespace ParticipantsTable {

std::optional<Participant> bySid(const QSqlDatabase &db, const QString &sid);
QList<Participant> ofSession(const QSqlDatabase &db, const QString &sessionSid);

} // namespace ParticipantsTable
} // namespace Maskline
