#pragma once

#include <optional>

#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "records.h"

namespace Maskline {

// The `interactions` table: every statement that reads or writes it lives here (one owner per table).
namespace InteractionsTable {

std::optional<Interaction> bySid(const QSqlDatabase &db, const QString &sid);
// The first interaction whose inbound / outbound leg is this carrier resource (MessageSid or CallSid), optionally
// only within one Service.
std::optional<Interaction> byInboundResource(const QSqlDatabase &db, const QString &resourceSid,
                                             const QString &serviceSid = {});
std::optional<Interaction> byOutboundResource(const QSqlDatabase &db, const QString &resourceSid,
                                              const QString &serviceSid = {});

} // namespace InteractionsTable
} // namespace Maskline
