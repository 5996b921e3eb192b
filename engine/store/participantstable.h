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

// --- proxy ---
// Who holds the routing key (Service, identifier, proxy number) now, if anyone.
std::optional<Participant> routeHolder(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                       const QString &proxyIdentifier);
// The most recent participant that lost this routing key under allow_participant_conflict and is still in an active
// session (not deleted): its SID. Joins sessions; it answers with a participant.
std::optional<QString> latestDisplacedHolder(const QSqlDatabase &db, const QString &serviceSid,
                                             const QString &identifier, const QString &proxyIdentifier);
// Gives the participant its routing key back, or takes it away.
void setRoutable(const QSqlDatabase &db, const QString &sid, bool routable);
// A re-opened session: every participant not deleted routes again.
void routeSessionAgain(const QSqlDatabase &db, const QString &sessionSid, qint64 nowMs);
// A closed session: none of its participants routes any more.
void unrouteSession(const QSqlDatabase &db, const QString &sessionSid);
// What the store knows about an identifier's use of one pool number in a Service.
struct NumberUse
{
    QString numberSid;
    qint64 lastCreatedMs = 0; // date_created of its latest participant on the number
    bool routable = false;    // one of them holds the routing key now
};
QList<NumberUse> numberUseOf(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier);
// Inserts a routable participant (SID, account, Service, session, identifier, proxy number and its SID, friendly
// name, dates).
void insert(const QSqlDatabase &db, const Participant &p);
// The soft delete: the row stays (so the identifier can never join the session again) without its routing key.
void markDeleted(const QSqlDatabase &db, const QString &sid, qint64 nowMs);
Page<Participant> page(const QSqlDatabase &db, const QString &sessionSid, const PageRequest &request, int maxPageSize);

// --- routing ---
// True when routeHolder would find one (without reading the row).
bool hasRoutable(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                 const QString &proxyIdentifier);
// The most recent participant, active or not, with that identifier on that proxy number: the sender's last session.
std::optional<Participant> latestBy(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                    const QString &proxyIdentifier);
// True while the participant still routes; false when its session closed or it is gone.
bool isRoutable(const QSqlDatabase &db, const QString &sid);

} // namespace ParticipantsTable
} // namespace Maskline
