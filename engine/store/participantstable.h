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

// --- routing ---
// The active participant whose routing key is (identifier, proxy identifier) in the service: the sender of inbound
// traffic, when it is in a session.
std::optional<Participant> routableBy(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                      const QString &proxyIdentifier);
// True when routableBy would find one.
bool hasRoutable(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                 const QString &proxyIdentifier);
// The most recent participant, active or not, with that identifier on that proxy number: the sender's last session.
std::optional<Participant> latestBy(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                    const QString &proxyIdentifier);
// True while the participant still routes; false when its session closed or it is gone.
bool isRoutable(const QSqlDatabase &db, const QString &sid);

} // namespace ParticipantsTable
} // namespace Maskline
