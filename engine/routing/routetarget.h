#pragma once

#include <optional>

#include <QSqlDatabase>
#include <QString>

#include "routingcontext.h"

namespace Maskline {

// Step 1 of the inbound pipeline: resolve the numbers. To must be a pool number (reference §7: matched on
// libphonenumber's E.164, then on the matching key with Mexico's '1' / Argentina's '9' taken out).
namespace RouteTargets {

// The pool number `to` names (a WhatsApp address names the number itself); none when it is not a pool number, or
// belongs to another account than onlyAccount (when set).
std::optional<PhoneNumber> poolNumber(const QSqlDatabase &db, const QString &to, const QString &onlyAccount);
// The target of traffic from `from` to `to`, with the result's account and service filled in. None when `to` is not a
// pool number: the result is then UnknownNumber with warning 80905 raised. Throws StoreError.
std::optional<RouteTarget> resolve(const RoutingContext &context, bool isCall, const QString &from, const QString &to,
                                   const QString &onlyAccount, RouteResult &result);
// True when `from` is an active participant on pool number `to`. Throws StoreError.
bool isInSession(const QSqlDatabase &db, const QString &from, const QString &to, const QString &onlyAccount);

} // namespace RouteTargets
} // namespace Maskline
