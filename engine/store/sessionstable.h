#pragma once

#include <optional>
#include <utility>

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

// --- proxy ---
// Nodes sharing PostgreSQL change one session one at a time: this locks the session's row until the commit, so its
// state is read after any other node's change to it. SQLite has one writer, so there it does nothing.
void lockForUpdate(const QSqlDatabase &db, const QString &sid);
// The SID of the Service's session with this unique name (closed sessions keep their name until deleted).
std::optional<QString> sidByUniqueName(const QSqlDatabase &db, const QString &serviceSid, const QString &uniqueName);
std::optional<Session> byUniqueName(const QSqlDatabase &db, const QString &accountSid, const QString &serviceSid,
                                    const QString &uniqueName);
// Inserts a new session: its SID, account, Service, unique name, status, mode, ttl, expiry, start and dates.
void insert(const QSqlDatabase &db, const Session &s);
// Writes what an API update changes (status, ttl, date_expiry, expires_at, closed reason, start and end,
// date_updated) to the row with s.sid.
void update(const QSqlDatabase &db, const Session &s);
// Writes what an interaction moves (status, date_started, date_last_interaction, expires_at, date_updated).
void recordActivity(const QSqlDatabase &db, const Session &s);
// Closes the session for `reason`: status closed, date_ended now, no expiry deadline.
void close(const QSqlDatabase &db, const QString &sid, const QString &reason, qint64 nowMs);
// Deletes the session; its participants and interactions go with it (ON DELETE CASCADE).
void remove(const QSqlDatabase &db, const QString &sid);
// SID and Service SID of at most `limit` sessions closed before `endedBeforeMs`, the longest closed first.
QList<std::pair<QString, QString>> closedBefore(const QSqlDatabase &db, qint64 endedBeforeMs, int limit);
Page<Session> page(const QSqlDatabase &db, const QString &serviceSid, const PageRequest &request, int maxPageSize);

// --- routing ---
// Active sessions whose deadline (expires_at) is at or before nowMs, the earliest first, at most `limit`. With `claim`
// (PostgreSQL) the rows are locked FOR UPDATE SKIP LOCKED in the caller's transaction, so other nodes skip them.
QList<Session> dueForExpiry(const QSqlDatabase &db, qint64 nowMs, int limit, bool claim);

// --- front ---

// Sessions open or in progress, in all (a pass over the table: callers cache it, /metrics takes it once a minute).
std::optional<qint64> countActive(const QSqlDatabase &db);
// The same per Service SID (one pair per Service with any), in one grouped pass.
QList<std::pair<QString, qint64>> countActiveByService(const QSqlDatabase &db);

} // namespace SessionsTable
} // namespace Maskline
