#pragma once

#include <optional>
#include <utility>

#include <QHash>
#include <QList>
#include <QSet>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include "records.h"

namespace Maskline {

// The `phone_numbers` table: every statement that reads or writes it lives here (one owner per table).
namespace NumbersTable {

std::optional<PhoneNumber> bySid(const QSqlDatabase &db, const QString &sid);
std::optional<PhoneNumber> byPhoneNumber(const QSqlDatabase &db, const QString &e164);

// --- proxy ---
// Adds a number to a pool: every column of `n` but in_use, which starts at 0.
void insert(const QSqlDatabase &db, const PhoneNumber &n);
// How many reserved / unreserved numbers the Service's pool has.
int countInPool(const QSqlDatabase &db, const QString &serviceSid, bool reserved);
// The Service's carrier-managed numbers, unreserved first, each group in id order.
QList<PhoneNumber> carrierManagedInPool(const QSqlDatabase &db, const QString &serviceSid);
// What number selection needs of a pool number, and nothing else: the pool is read whole for each participant, and
// mapping every column of 5,000 rows was most of a session create's cost.
struct PoolEntry
{
    QString sid;
    QString phoneNumber;
    QString isoCountry;
    bool voice = false;
    bool sms = false;
    bool reserved = false;
    qint64 inUse = 0;
};
// The Service's reserved or unreserved numbers (with `firstOnly`, at most one), read by phone_numbers_selectable.
QList<PoolEntry> inPool(const QSqlDatabase &db, const QString &serviceSid, bool reserved, bool firstOnly);

// Selection by index (phone_numbers_by_load). What the selector derives from a number (its calling code, region,
// NANP area code and overlay group: proxy/numberselector.h) is stored with it; dial_code 0 = not a valid number.
struct Geography
{
    int dialCode = 0;
    QString region;
    QString nanpArea;
    QString overlayArea;
};
// The Service's unreserved numbers whose geography has not been derived yet (written before it was stored, or by
// a writer that does not derive it), at most `limit`.
QList<PoolEntry> underived(const QSqlDatabase &db, const QString &serviceSid, int limit);
void setGeography(const QSqlDatabase &db, const QString &sid, const Geography &geography);
// What a participant needs of a number, as the index can check it: the calling code, one of `regions` (empty: any;
// a number of unknown region always fits), the NANP area or overlay group when set, the capabilities.
struct Fit
{
    static constexpr int MAX_REGIONS = 6;
    int dialCode = 0;
    QStringList regions;
    QString nanpArea;
    QString overlayArea;
    bool voice = false;
    bool sms = false;
};
// The Service's unreserved numbers that fit, fewest active sessions first, then by SID; at most `limit`.
QList<PoolEntry> leastLoaded(const QSqlDatabase &db, const QString &serviceSid, const Fit &fit, int limit);
void setReserved(const QSqlDatabase &db, const QString &sid, bool reserved, qint64 nowMs);
void setCapabilities(const QSqlDatabase &db, const QString &sid, const Capabilities &c, qint64 nowMs);
void remove(const QSqlDatabase &db, const QString &sid);
Page<PhoneNumber> page(const QSqlDatabase &db, const QString &serviceSid, const PageRequest &request, int maxPageSize);

// in_use is the number of active sessions holding the number, moved by each change to a session (the domain's
// InUseDelta) and checked against a recount at start-up.
// The SIDs of the pool numbers an active session holds (those of its participants not deleted); none once it is
// closed. Joins participants and sessions; it answers with phone-number SIDs, so it lives here.
QSet<QString> heldBySession(const QSqlDatabase &db, const QString &sessionSid);
void addToInUse(const QSqlDatabase &db, const QString &sid, int by);
void setInUse(const QSqlDatabase &db, const QString &sid, qint64 inUse);
// The recount: active sessions per number SID, over every participant not deleted. Joins sessions and participants;
// it answers with phone-number SIDs, so it lives here.
QHash<QString, qint64> activeSessionsPerNumber(const QSqlDatabase &db);
// SID and stored in_use of every number whose in_use is not 0, in the store's order.
QList<std::pair<QString, qint64>> inUseNotZero(const QSqlDatabase &db);
// The same two over the number SIDs from `first` to `last` (inclusive, in SID order), for a check in small steps.
QHash<QString, qint64> activeSessionsPerNumber(const QSqlDatabase &db, const QString &first, const QString &last);
QList<std::pair<QString, qint64>> inUseNotZero(const QSqlDatabase &db, const QString &first, const QString &last);
// Up to `limit` SIDs of numbers (of any pool) after `after`, in SID order.
QStringList sidsAfter(const QSqlDatabase &db, const QString &after, int limit);

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
