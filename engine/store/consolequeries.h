#pragma once

#include <optional>
#include <tuple>

#include <QDateTime>
#include <QFlags>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QStringList>
#include <QVariant>

#include "records.h"

namespace Maskline {

struct DebuggerEvent;

// What the Sessions pane asks for. Every field narrows the SQL query; empty fields do not.
struct SessionFilter
{
    QString accountSid;
    QString serviceSid;     // empty: every Service of the account
    QString status;         // "", "active" (open or in-progress), or one status word
    QString text;           // a KC… SID (exact) or the start of a unique name
    QString identifier;     // a participant's own number (exact, E.164)
    QString proxyNumber;    // a proxy number a participant talks through (E.164)
    QString proxyNumberSid; // the same by PN… SID (the Numbers pane's "who holds this number")
    QDateTime createdFrom;  // date_created >= (inclusive)
    QDateTime createdTo;    // date_created < (exclusive)

    bool operator==(const SessionFilter &other) const = default;
    bool needsParticipants() const
    {
        return !identifier.isEmpty() || !proxyNumber.isEmpty() || !proxyNumberSid.isEmpty();
    }
};

// What the debugger log shows; the same test runs in SQL (history) and in memory (the bounded buffer's live events).
struct DebuggerLogFilter
{
    enum Level
    {
        Error = 0x1,
        Warning = 0x2,
        Other = 0x4,
        AllLevels = Error | Warning | Other,
    };
    Q_DECLARE_FLAGS(Levels, Level)

    Levels levels = AllLevels;
    int code = 0;   // 0: any
    QString sid;    // any SID the event names
    QString text;   // in the message (case-insensitive)
    QDateTime from; // inclusive
    QDateTime to;   // exclusive

    bool matches(const DebuggerEvent &e) const;
    bool isEmpty() const;
    bool operator==(const DebuggerLogFilter &other) const = default;
    static Level levelOf(const QString &logLevel);
};

// The console's read API over the store: every statement the console's models run is written here, from typed
// filters; models never hold SQL text. All functions run on the caller's (reader) thread with its connection and
// throw StoreError.
namespace ConsoleQueries {

// A stored column a console list can be ordered by. Computed columns (a countdown, a capability list) have none.
enum class SortField
{
    Id, // the natural order: newest first
    Sid,
    Status,
    UniqueName,
    Mode,
    ExpiresAt,
    DateExpiry,
    Ttl,
    LastInteraction,
    DateCreated,
    DateUpdated,
    DefaultTtl,
    GeoMatchLevel,
    NumberSelection,
    CallbackUrl,
    PhoneNumber,
    IsoCountry,
    IsReserved,
    InUse,
    FriendlyName,
};

// An order by one field, ties broken by id in the same direction, so every row has one place.
struct Sort
{
    SortField field = SortField::Id;
    Qt::SortOrder order = Qt::DescendingOrder;
    bool operator==(const Sort &other) const = default;
};

// A row's position in a sort: its sort value (as the SQL orders it) and its id. A page starts after one (a keyset
// cursor); there is no OFFSET.
struct Key
{
    QVariant value; // null for the Id sort
    qint64 id = 0;
    bool operator==(const Key &other) const = default;
};

struct Page
{
    Sort sort;
    std::optional<Key> after; // none: the first page
    int limit = 200;
};

// The sort value of a row, exactly as the query orders it: NULL text is '' and a NULL time is -1 (so NULLs come first
// ascending and last descending, the same on SQLite and PostgreSQL); times are ms since the epoch, booleans 0/1.
QVariant sortValue(const Session &s, SortField field);
QVariant sortValue(const Service &s, SortField field);
QVariant sortValue(const PhoneNumber &n, SortField field);
QVariant sortValue(const Participant &p, SortField field);
QVariant sortValue(const Interaction &i, SortField field);

// <0 if a row at `a` comes before one at `b` under `sort`, 0 if the same place, >0 after. Text compares by UTF-8
// bytes, as SQLite's BINARY and PostgreSQL's "C" collation do (the queries ask PostgreSQL for "C").
int compare(const Key &a, const Key &b, const Sort &sort);

// Whether a list orders by this field (the rest sort by id only).
bool sessionsSortBy(SortField field);
bool servicesSortBy(SortField field);
bool phoneNumbersSortBy(SortField field);

// One page of a list in `page.sort` order, or the rows among `sids` that the list shows (re-read after a change).
QList<Session> sessions(const QSqlDatabase &db, const SessionFilter &filter, const Page &page);
QList<Session> sessionsWithSids(const QSqlDatabase &db, const SessionFilter &filter, const QStringList &sids);
QList<Service> services(const QSqlDatabase &db, const QString &accountSid, const Page &page);
QList<Service> servicesWithSids(const QSqlDatabase &db, const QString &accountSid, const QStringList &sids);
QList<PhoneNumber> phoneNumbers(const QSqlDatabase &db, const QString &serviceSid, const Page &page);
QList<PhoneNumber> phoneNumbersWithSids(const QSqlDatabase &db, const QString &serviceSid, const QStringList &sids);
QList<Participant> participants(const QSqlDatabase &db, const QString &sessionSid, const Page &page);
QList<Participant> participantsWithSids(const QSqlDatabase &db, const QString &sessionSid, const QStringList &sids);
QList<Interaction> interactions(const QSqlDatabase &db, const QString &sessionSid, const Page &page);
QList<Interaction> interactionsWithSids(const QSqlDatabase &db, const QString &sessionSid, const QStringList &sids);

// How many of a Service's sessions are active (open or in progress).
qint64 activeSessionsOfService(const QSqlDatabase &db, const QString &serviceSid);

// The newest `limit` debugger events that match, oldest first.
QList<DebuggerEvent> debuggerHistory(const QSqlDatabase &db, const DebuggerLogFilter &filter, int limit);

// What the debugger's details pane shows beside SIDs and numbers.
struct Names
{
    QHash<QString, QString> bySid; // SID -> unique name / identifier / friendly name
    // Phone number -> {service SID, PN SID} when the number is in a pool.
    QHash<QString, std::pair<QString, QString>> poolNumbers;
    // Participant SID -> its session SID (a participant named only in a request body).
    QHash<QString, QString> participantSession;
};
Names names(const QSqlDatabase &db, const QStringList &sids, const QStringList &numbers);

// The traffic chart's history since `sinceMs`: interactions per minute and type, debugger events per minute and
// level (without `excludedCode`), and the events with `excludedCode` one by one (their message carries a count).
struct MinuteCount
{
    qint64 minute = 0;
    QString kind; // an interaction type or a log level
    int count = 0;
};
struct TrafficHistory
{
    QList<MinuteCount> interactions;
    QList<MinuteCount> events;
    QList<std::tuple<qint64, int, QString>> codedEvents; // date_created ms, code, message
};
TrafficHistory trafficSince(const QSqlDatabase &db, qint64 sinceMs, int excludedCode);
// date_created (ms) and type of these interactions.
QList<std::pair<qint64, QString>> interactionTimes(const QSqlDatabase &db, const QStringList &sids);

// The status bar's totals; errors are counted from `errorsSinceMs`.
struct StoreCounts
{
    qint64 services = 0;
    qint64 numbers = 0;
    qint64 activeSessions = 0;
    qint64 sessions = 0;
    qint64 errorsLastHour = 0;
};
StoreCounts counts(const QSqlDatabase &db, qint64 errorsSinceMs);

// What the simulator carrier sent out (simulator_traffic, direction outbound), newest `limit`, oldest first; with a
// SID, only that one.
struct SimulatorRecord
{
    QString kind; // "sms" | "call"
    QString from;
    QString to;
    QString body;
    QStringList media;
    QString status;
    QString sid;
    QDateTime time;
};
QList<SimulatorRecord> simulatorOutbound(const QSqlDatabase &db, const QString &sid, int limit);

// The account's pool numbers for a pick list, by Service name then number.
struct PoolNumber
{
    QString number;
    QString friendlyName;
    QString service;
};
QList<PoolNumber> poolNumbers(const QSqlDatabase &db, const QString &accountSid, int limit);

} // namespace ConsoleQueries
} // namespace Maskline

Q_DECLARE_OPERATORS_FOR_FLAGS(Maskline::DebuggerLogFilter::Levels)
