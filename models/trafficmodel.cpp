#include "trafficmodel.h"

#include <QDateTime>
#include <QRegularExpression>

#include "core/clock.h"
#include "formatting.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

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

struct Backfill
{
    QList<std::tuple<qint64, int, int>> rows; // minute, column, count
};

} // namespace

TrafficModel::TrafficModel(StoreReader *reader, const Clock *clock, int windowMinutes, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
    , m_clock(clock ? clock : SystemClock::instance())
    , m_window(std::max(1, windowMinutes))
{
    m_firstMinute = minuteOf(m_clock->nowMs()) - qint64(m_window - 1) * 60000;
    m_buckets.resize(m_window);
    m_timer.setInterval(5000);
    connect(&m_timer, &QTimer::timeout, this, &TrafficModel::advance);
    m_timer.start();
}

int TrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_buckets.size());
}

int TrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant TrafficModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const qint64 minute = m_firstMinute + qint64(index.row()) * 60000;
    if (role == Qt::DisplayRole || role == UnderlyingDataRole || role == Qt::EditRole) {
        if (index.column() == MinuteColumn) {
            // A number in every role: QVXYModelMapper reads the x values from DisplayRole.
            return double(minute);
        }
        return m_buckets.at(index.row()).counts[index.column()];
    }
    if (role == Qt::ToolTipRole) {
        return QDateTime::fromMSecsSinceEpoch(minute).toLocalTime().toString(u"HH:mm"_s);
    }
    if (role == Qt::TextAlignmentRole && index.column() != MinuteColumn) {
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    }
    return {};
}

QVariant TrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case MinuteColumn:
        return tr("Minute");
    case MessagesColumn:
        return tr("Messages");
    case CallsColumn:
        return tr("Calls");
    case WarningsColumn:
        return tr("Warnings");
    case ErrorsColumn:
        return tr("Errors");
    case RefusedColumn:
        return tr("Refused (429)");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

int TrafficModel::peak() const
{
    int p = 0;
    for (const Bucket &b : m_buckets) {
        for (int c = MessagesColumn; c < COLUMN_COUNT; ++c) {
            p = std::max(p, b.counts[c]);
        }
    }
    return p;
}

int TrafficModel::total(Column column) const
{
    int t = 0;
    for (const Bucket &b : m_buckets) {
        t += b.counts[column];
    }
    return t;
}

void TrafficModel::add(qint64 ms, Column column, int count)
{
    const qint64 row = (minuteOf(ms) - m_firstMinute) / 60000;
    if (row < 0) {
        return;
    }
    if (row >= m_buckets.size()) {
        advance();
    }
    const qint64 r = (minuteOf(ms) - m_firstMinute) / 60000;
    if (r < 0 || r >= m_buckets.size()) {
        return;
    }
    m_buckets[r].counts[column] += count;
    const QModelIndex i = index(int(r), column);
    Q_EMIT dataChanged(i, i, {Qt::DisplayRole, UnderlyingDataRole});
}

void TrafficModel::advance()
{
    const qint64 wantedFirst = minuteOf(m_clock->nowMs()) - qint64(m_window - 1) * 60000;
    if (wantedFirst <= m_firstMinute) {
        return;
    }
    const qint64 shift = std::min<qint64>((wantedFirst - m_firstMinute) / 60000, m_window);
    beginRemoveRows({}, 0, int(shift) - 1);
    m_buckets.remove(0, shift);
    endRemoveRows();
    beginInsertRows({}, int(m_buckets.size()), int(m_buckets.size() + shift) - 1);
    m_buckets.resize(m_window);
    endInsertRows();
    m_firstMinute = wantedFirst;
    // Minute values of the remaining rows moved with them; nothing else changed.
}

void TrafficModel::backfill()
{
    if (!m_reader) {
        return;
    }
    advance();
    const qint64 since = m_firstMinute;
    m_reader->read(
        this,
        [since](const QSqlDatabase &db) {
            Backfill b;
            const qint64 firstId = firstInteractionIdAtOrAfter(db, since);
            SqlQuery q(db, u"SELECT date_created - (date_created % 60000), type, COUNT(*) FROM interactions WHERE "
                           u"id >= :first GROUP BY 1, 2"_s);
            q.bind(u":first"_s, firstId).exec();
            while (q.next()) {
                const QString type = q.value(1).toString();
                const int column = type == u"voice"_s ? CallsColumn : (type == u"message"_s ? MessagesColumn : -1);
                if (column >= 0) {
                    b.rows.append({q.value(0).toLongLong(), column, q.value(2).toInt()});
                }
            }
            SqlQuery d(db, u"SELECT date_created - (date_created % 60000), log_level, COUNT(*) FROM debugger_events "
                           u"WHERE date_created >= :since AND code <> :rl GROUP BY 1, 2"_s);
            d.bind(u":since"_s, since).bind(u":rl"_s, RATE_LIMIT_CODE).exec();
            while (d.next()) {
                const QString level = d.value(1).toString();
                const int column = level == u"error"_s ? ErrorsColumn : WarningsColumn;
                b.rows.append({d.value(0).toLongLong(), column, d.value(2).toInt()});
            }
            // At most one rate-limit event per endpoint and Service per second: few enough to read one by one.
            SqlQuery r(db, u"SELECT date_created, code, message FROM debugger_events WHERE date_created >= :since AND "
                           u"code = :rl"_s);
            r.bind(u":since"_s, since).bind(u":rl"_s, RATE_LIMIT_CODE).exec();
            while (r.next()) {
                DebuggerEvent event;
                event.code = r.value(1).toInt();
                event.message = r.value(2).toString();
                const qint64 ms = r.value(0).toLongLong();
                b.rows.append({ms - (ms % 60000), int(RefusedColumn), refusalsIn(event)});
            }
            return b;
        },
        [this](Result<Backfill> result) {
            if (!result) {
                return;
            }
            beginResetModel();
            for (Bucket &bucket : m_buckets) {
                bucket = Bucket{};
            }
            for (const auto &[minute, column, count] : result->rows) {
                const qint64 r = (minute - m_firstMinute) / 60000;
                if (r >= 0 && r < m_buckets.size()) {
                    m_buckets[r].counts[column] += count;
                }
            }
            endResetModel();
            Q_EMIT backfilled();
        });
}

void TrafficModel::handleChanges(const QList<Change> &changes)
{
    for (const Change &c : changes) {
        if (c.kind == Change::Kind::Interaction && c.op == Change::Op::Added) {
            m_pendingInteractions.insert(c.sid);
        }
    }
    if (!m_pendingInteractions.isEmpty() && !m_flushScheduled) {
        m_flushScheduled = true;
        QTimer::singleShot(0, this, &TrafficModel::flushInteractions);
    }
}

void TrafficModel::flushInteractions()
{
    m_flushScheduled = false;
    if (!m_reader || m_pendingInteractions.isEmpty()) {
        return;
    }
    const QStringList sids(m_pendingInteractions.cbegin(), m_pendingInteractions.cend());
    m_pendingInteractions.clear();
    QStringList names;
    for (int i = 0; i < sids.size(); ++i) {
        names.append(u":s%1"_s.arg(i));
    }
    const QString sql = u"SELECT date_created, type FROM interactions WHERE sid IN ("_s + names.join(u", "_s) + u")"_s;
    m_reader->read(
        this,
        [sql, sids, names](const QSqlDatabase &db) {
            SqlQuery q(db, sql);
            for (int i = 0; i < sids.size(); ++i) {
                q.bind(names.at(i), sids.at(i));
            }
            q.exec();
            QList<std::pair<qint64, QString>> rows;
            while (q.next()) {
                rows.append({q.value(0).toLongLong(), q.value(1).toString()});
            }
            return rows;
        },
        [this](Result<QList<std::pair<qint64, QString>>> result) {
            if (!result) {
                return;
            }
            for (const auto &[ms, type] : *result) {
                if (type == u"voice"_s) {
                    add(ms, CallsColumn);
                } else if (type == u"message"_s) {
                    add(ms, MessagesColumn);
                }
            }
        });
}

void TrafficModel::handleEventRecorded(const DebuggerEvent &event)
{
    const qint64 ms = event.dateCreated.isValid() ? event.dateCreated.toMSecsSinceEpoch() : m_clock->nowMs();
    if (event.code == RATE_LIMIT_CODE) {
        add(ms, RefusedColumn, refusalsIn(event));
        return;
    }
    add(ms, event.logLevel == u"error"_s ? ErrorsColumn : WarningsColumn);
}

int TrafficModel::refusalsIn(const DebuggerEvent &event)
{
    if (event.code != RATE_LIMIT_CODE) {
        return 1;
    }
    static const QRegularExpression COUNT(u"^Too Many Requests: (\\d+) refused"_s);
    const QRegularExpressionMatch m = COUNT.match(event.message);
    const int n = m.hasMatch() ? m.captured(1).toInt() : 0;
    return n > 0 ? n : 1;
}

// ---------------------------------------------------------------------------------------------------------------

StatusCounts::StatusCounts(StoreReader *reader, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_reader(reader)
    , m_clock(clock ? clock : SystemClock::instance())
{
    m_throttle.setSingleShot(true);
    m_throttle.setInterval(5000);
    connect(&m_throttle, &QTimer::timeout, this, &StatusCounts::refresh);
}

void StatusCounts::refresh()
{
    if (!m_reader || m_inFlight) {
        return;
    }
    m_inFlight = true;
    const qint64 hourAgo = m_clock->nowMs() - 3600 * 1000;
    m_reader->read(
        this,
        [hourAgo](const QSqlDatabase &db) {
            Counts c;
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
            c.errorsLastHour =
                count(u"SELECT COUNT(*) FROM debugger_events WHERE date_created >= :t AND log_level = 'error'"_s,
                      {{u":t"_s, hourAgo}});
            return c;
        },
        [this](Result<Counts> result) {
            m_inFlight = false;
            if (result) {
                m_counts = *result;
                Q_EMIT countsChanged();
            }
        });
}

void StatusCounts::handleChanges(const QList<Change> &changes)
{
    Q_UNUSED(changes)
    if (!m_throttle.isActive()) {
        m_throttle.start();
    }
}

void StatusCounts::handleEventRecorded(const DebuggerEvent &event)
{
    Q_UNUSED(event)
    if (!m_throttle.isActive()) {
        m_throttle.start();
    }
}

} // namespace Maskline
