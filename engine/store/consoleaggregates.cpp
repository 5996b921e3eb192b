#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include "consolequeries.h"
#include "core/sid.h"
#include "debuggereventstable.h"
#include "rows.h"
#include "sqlquery.h"

// The console's aggregates (traffic chart, status bar, simulator, pool list) and the debugger log filter: the
// reads of consolequeries.h that are not paged lists.

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

// ---------------------------------------------------------------------------------------------------------------

DebuggerLogFilter::Level DebuggerLogFilter::levelOf(const QString &logLevel)
{
    if (logLevel == u"error"_s) {
        return Error;
    }
    if (logLevel == u"warning"_s) {
        return Warning;
    }
    return Other;
}

bool DebuggerLogFilter::isEmpty() const
{
    return levels == AllLevels && code == 0 && sid.isEmpty() && text.isEmpty() && !from.isValid() && !to.isValid();
}

bool DebuggerLogFilter::matches(const DebuggerEvent &e) const
{
    if (!levels.testFlag(levelOf(e.logLevel))) {
        return false;
    }
    if (code != 0 && e.code != code) {
        return false;
    }
    if (!sid.isEmpty()) {
        const QString s = sid.trimmed();
        if (e.resourceSid != s && e.serviceSid != s && e.sessionSid != s && e.participantSid != s &&
            e.interactionSid != s && e.sid != s) {
            return false;
        }
    }
    if (!text.isEmpty() && !e.message.contains(text, Qt::CaseInsensitive)) {
        return false;
    }
    if (from.isValid() && e.dateCreated < from) {
        return false;
    }
    if (to.isValid() && e.dateCreated >= to) {
        return false;
    }
    return true;
}

namespace ConsoleQueries {

// ---------------------------------------------------------------------------------------------------------------

namespace {

// The smallest interaction id created at or after `ms`. Ids grow with time, so a binary search over the primary key
// finds it with ~25 point look-ups instead of an index on date_created over millions of rows.
qint64 firstInteractionIdAtOrAfter(const QSqlDatabase &db, qint64 ms)
{
    SqlQuery bounds(db, u"SELECT MIN(id), MAX(id) FROM interactions"_s);
    bounds.exec();
    if (!bounds.next() || bounds.value(0).isNull()) {
        return 0;
    }
    qint64 lo = bounds.value(0).toLongLong();
    qint64 hi = bounds.value(1).toLongLong() + 1;
    SqlQuery probe(db, u"SELECT id, date_created FROM interactions WHERE id >= :m ORDER BY id LIMIT 1"_s);
    while (lo < hi) {
        const qint64 mid = lo + (hi - lo) / 2;
        probe.bind(u":m"_s, mid).exec();
        if (!probe.next()) {
            hi = mid;
            continue;
        }
        const qint64 id = probe.value(0).toLongLong();
        if (probe.value(1).toLongLong() >= ms) {
            hi = mid;
        } else {
            lo = id + 1;
        }
    }
    return lo;
}

} // namespace

TrafficHistory trafficSince(const QSqlDatabase &db, qint64 sinceMs, int excludedCode)
{
    TrafficHistory h;
    const qint64 firstId = firstInteractionIdAtOrAfter(db, sinceMs);
    SqlQuery q(db, u"SELECT date_created - (date_created % 60000), type, COUNT(*) FROM interactions WHERE "
                   u"id >= :first GROUP BY 1, 2"_s);
    q.bind(u":first"_s, firstId).exec();
    while (q.next()) {
        MinuteCount c;
        c.minute = q.value(0).toLongLong();
        c.kind = q.value(1).toString();
        c.count = q.value(2).toInt();
        h.interactions.append(c);
    }
    SqlQuery d(db, u"SELECT date_created - (date_created % 60000), log_level, COUNT(*) FROM debugger_events "
                   u"WHERE date_created >= :since AND code <> :rl GROUP BY 1, 2"_s);
    d.bind(u":since"_s, sinceMs).bind(u":rl"_s, excludedCode).exec();
    while (d.next()) {
        MinuteCount c;
        c.minute = d.value(0).toLongLong();
        c.kind = d.value(1).toString();
        c.count = d.value(2).toInt();
        h.events.append(c);
    }
    // At most one rate-limit event per endpoint and Service per second: few enough to read one by one.
    SqlQuery r(db, u"SELECT date_created, code, message FROM debugger_events WHERE date_created >= :since AND "
                   u"code = :rl"_s);
    r.bind(u":since"_s, sinceMs).bind(u":rl"_s, excludedCode).exec();
    while (r.next()) {
        h.codedEvents.append({r.value(0).toLongLong(), r.value(1).toInt(), r.value(2).toString()});
    }
    return h;
}

QList<std::pair<qint64, QString>> interactionTimes(const QSqlDatabase &db, const QStringList &sids)
{
    if (sids.isEmpty()) {
        return {};
    }
    QStringList names;
    for (int i = 0; i < sids.size(); ++i) {
        names.append(u":s%1"_s.arg(i));
    }
    SqlQuery q(db, u"SELECT date_created, type FROM interactions WHERE sid IN ("_s + names.join(u", "_s) + u")"_s);
    for (int i = 0; i < sids.size(); ++i) {
        q.bind(names.at(i), sids.at(i));
    }
    q.exec();
    QList<std::pair<qint64, QString>> rows;
    while (q.next()) {
        rows.append({q.value(0).toLongLong(), q.value(1).toString()});
    }
    return rows;
}

StoreCounts counts(const QSqlDatabase &db, qint64 errorsSinceMs)
{
    StoreCounts c;
    auto count = [&db](const QString &sql, const QList<std::pair<QString, QVariant>> &binds = {}) {
        SqlQuery q(db, sql);
        for (const auto &[name, value] : binds) {
            q.bind(name, value);
        }
        q.exec();
        return q.next() ? q.value(0).toLongLong() : qint64(0);
    };
    c.services = count(u"SELECT COUNT(*) FROM services"_s);
    c.numbers = count(u"SELECT COUNT(*) FROM phone_numbers"_s);
    c.activeSessions = count(u"SELECT COUNT(*) FROM sessions WHERE status IN ('open', 'in-progress')"_s);
    c.sessions = count(u"SELECT COUNT(*) FROM sessions"_s);
    c.errorsLastHour = count(u"SELECT COUNT(*) FROM debugger_events WHERE date_created >= :t AND log_level = 'error'"_s,
                             {{u":t"_s, errorsSinceMs}});
    return c;
}

QList<SimulatorRecord> simulatorOutbound(const QSqlDatabase &db, const QString &sid, int limit)
{
    QString sql = u"SELECT kind, from_number, to_number, body, media_urls, status, sid, date_created FROM "
                  u"simulator_traffic WHERE direction = 'outbound'"_s;
    if (!sid.isEmpty()) {
        sql += u" AND sid = :sid"_s;
    }
    sql += u" ORDER BY id DESC LIMIT :limit"_s;
    SqlQuery q(db, sql);
    if (!sid.isEmpty()) {
        q.bind(u":sid"_s, sid);
    }
    q.bind(u":limit"_s, limit);
    q.exec();
    QList<SimulatorRecord> rows;
    while (q.next()) {
        SimulatorRecord t;
        t.kind = q.value(0).toString();
        t.from = q.value(1).toString();
        t.to = q.value(2).toString();
        t.body = q.value(3).toString();
        for (const QJsonValue &v : QJsonDocument::fromJson(q.value(4).toString().toUtf8()).array()) {
            t.media.append(v.toString());
        }
        t.status = q.value(5).toString();
        t.sid = q.value(6).toString();
        t.time = Rows::toTime(q.value(7));
        rows.prepend(t);
    }
    return rows;
}

QList<PoolNumber> poolNumbers(const QSqlDatabase &db, const QString &accountSid, int limit)
{
    SqlQuery q(db, u"SELECT n.phone_number, n.friendly_name, s.unique_name FROM phone_numbers n JOIN services s "
                   u"ON s.sid = n.service_sid WHERE n.account_sid = :a ORDER BY s.unique_name, "
                   u"n.phone_number LIMIT :limit"_s);
    q.bind(u":a"_s, accountSid).bind(u":limit"_s, limit).exec();
    QList<PoolNumber> numbers;
    while (q.next()) {
        PoolNumber n;
        n.number = q.value(0).toString();
        n.friendlyName = q.value(1).toString();
        n.service = q.value(2).toString();
        numbers.append(n);
    }
    return numbers;
}

} // namespace ConsoleQueries
} // namespace Maskline
