#include "trafficmodel.h"

#include <QDateTime>
#include <QRegularExpression>

#include "core/clock.h"
#include "formatting.h"
#include "store/consolequeries.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

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
    // A row's minute is derived from row 0's, so row 0's moves with the removal: when the rows are announced removed,
    // the rows left must already show the minutes they showed before (views and proxies check exactly that).
    beginRemoveRows({}, 0, int(shift) - 1);
    m_buckets.remove(0, shift);
    m_firstMinute = wantedFirst;
    endRemoveRows();
    beginInsertRows({}, int(m_buckets.size()), int(m_buckets.size() + shift) - 1);
    m_buckets.resize(m_window);
    endInsertRows();
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
            const ConsoleQueries::TrafficHistory h = ConsoleQueries::trafficSince(db, since, RATE_LIMIT_CODE);
            for (const ConsoleQueries::MinuteCount &c : h.interactions) {
                const int column = c.kind == u"voice"_s ? CallsColumn : (c.kind == u"message"_s ? MessagesColumn : -1);
                if (column >= 0) {
                    b.rows.append({c.minute, column, c.count});
                }
            }
            for (const ConsoleQueries::MinuteCount &c : h.events) {
                b.rows.append({c.minute, c.kind == u"error"_s ? ErrorsColumn : WarningsColumn, c.count});
            }
            for (const auto &[ms, code, message] : h.codedEvents) {
                DebuggerEvent event;
                event.code = code;
                event.message = message;
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
    m_reader->read(
        this, [sids](const QSqlDatabase &db) { return ConsoleQueries::interactionTimes(db, sids); },
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
            const ConsoleQueries::StoreCounts stored = ConsoleQueries::counts(db, hourAgo);
            Counts c;
            c.services = stored.services;
            c.numbers = stored.numbers;
            c.activeSessions = stored.activeSessions;
            c.sessions = stored.sessions;
            c.errorsLastHour = stored.errorsLastHour;
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
