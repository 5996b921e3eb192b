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
// The same, locking the row until the transaction ends (PostgreSQL; on SQLite the write transaction is exclusive):
// what a transaction that changes the row reads it with, so what it read is what it changes.
std::optional<Interaction> bySidForUpdate(const QSqlDatabase &db, const QString &sid);
// The first interaction whose inbound / outbound leg is this carrier resource (MessageSid or CallSid), optionally
// only within one Service.
std::optional<Interaction> byInboundResource(const QSqlDatabase &db, const QString &resourceSid,
                                             const QString &serviceSid = {});
std::optional<Interaction> byOutboundResource(const QSqlDatabase &db, const QString &resourceSid,
                                              const QString &serviceSid = {});

// --- proxy ---
// The one writer of a whole interaction row (the domain records new ones, the importer copies or replaces them):
// every column of `i`, its SID, account, Service and Session included; INSERT, or with `replace` an UPDATE of the
// row with i.sid.
void write(const QSqlDatabase &db, const Interaction &i, bool replace = false);
// `i` as bySid reads it back once `write` stored it (the type defaulted, times at the store's millisecond), so the
// writer need not read the row it just wrote. Only `id`, the row number nothing above the store uses, stays 0.
Interaction asWritten(const Interaction &i);
void remove(const QSqlDatabase &db, const QString &sid);
// The session's interactions, or with `participantSid` only the MessageInteractions addressed to that participant.
Page<Interaction> page(const QSqlDatabase &db, const QString &sessionSid, const PageRequest &request, int maxPageSize,
                       const QString &participantSid = {});
// Sets the non-empty resource fields of `leg` (sid, status, type, url; not the participant) on the inbound or
// outbound leg, and `data` when non-empty, in one update — the status as given, even an earlier one (the domain's
// explicit set; traffic advances legs with advanceLeg below).
void updateLeg(const QSqlDatabase &db, const QString &sid, bool outbound, const InteractionLeg &leg,
               const QString &data, qint64 nowMs);
// --- routing ---
// Rank of a resource status along its lifecycle (queued < sending < sent < delivered …, message and call statuses
// alike, reference §3.5); -1 when unknown. A leg's status is only replaced by one of the same or a higher rank.
int legStatusRank(const QString &status);
// Advances the inbound or outbound leg: sets the non-empty resource fields of `leg` (sid, type, url; not the
// participant), `data` when non-empty, and date_updated = nowMs, in one UPDATE; the status only when its rank is at
// least the rank of the status stored at that moment (compared in the UPDATE itself, so a late "sent" never
// overwrites "delivered", whatever another node committed since). False when no interaction has that SID.
bool advanceLeg(const QSqlDatabase &db, const QString &sid, bool outbound, const InteractionLeg &leg,
                const QString &data, qint64 nowMs);

} // namespace InteractionsTable
} // namespace Maskline
