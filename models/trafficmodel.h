#pragma once

#include <QAbstractTableModel>
#include <QSet>
#include <QTimer>

#include "debugger/debugger.h"
#include "itemroles.h"
#include "store/records.h"
#include "storereader.h"

namespace Maskline {

class Clock;

// Traffic per minute over a sliding window (the last hour): messages, calls, debugger warnings and errors, and
// requests refused by the rate limit (which the warnings and errors columns do not count again). The rows
// are minutes, oldest first; column 0 is the minute's start in ms since the epoch (the chart's x axis). It backfills
// the window from the store once, then counts live: new interactions (their type re-read in one query per tick) and
// recorded debugger events.
class TrafficModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TrafficModel)

public:
    enum Column
    {
        MinuteColumn,
        MessagesColumn,
        CallsColumn,
        WarningsColumn,
        ErrorsColumn,
        RefusedColumn, // requests the rate limit refused (429), summed from the engine's 20429 events
        COLUMN_COUNT
    };

    static constexpr int DEFAULT_WINDOW_MINUTES = 60;

    explicit TrafficModel(StoreReader *reader, const Clock *clock = nullptr, int windowMinutes = DEFAULT_WINDOW_MINUTES,
                          QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    qint64 firstMinuteMs() const { return m_firstMinute; }
    int peak() const; // the largest count in the window, for the y axis
    int total(Column column) const;

    static constexpr int RATE_LIMIT_CODE = 20429;
    // How many requests a 20429 debugger event stands for (the engine records one per endpoint and Service per
    // second, "Too Many Requests: 12 refused on …"); 1 for any other event or an unreadable message.
    static int refusalsIn(const DebuggerEvent &event);

public Q_SLOTS:
    void backfill();
    void handleChanges(const QList<Maskline::Change> &changes);
    void handleEventRecorded(const Maskline::DebuggerEvent &event);
    // Slides the window when the minute changed (also on a timer).
    void advance();

Q_SIGNALS:
    void backfilled();

private:
    struct Bucket
    {
        int counts[COLUMN_COUNT] = {};
    };
    qint64 minuteOf(qint64 ms) const { return ms - (ms % 60000); }
    void add(qint64 ms, Column column, int count = 1);
    void flushInteractions();

    StoreReader *m_reader;
    const Clock *m_clock;
    int m_window;
    qint64 m_firstMinute = 0; // start of row 0
    QList<Bucket> m_buckets;
    QSet<QString> m_pendingInteractions;
    bool m_flushScheduled = false;
    QTimer m_timer;
};

// Live counts for the status bar, refreshed at most every five seconds while the engine changes things (at a
// million sessions a count is a scan: it runs on the background reader).
class StatusCounts final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StatusCounts)

public:
    struct Counts
    {
        qint64 services = 0;
        qint64 numbers = 0;
        qint64 activeSessions = 0;
        qint64 sessions = 0;
        qint64 errorsLastHour = 0;
    };

    explicit StatusCounts(StoreReader *reader, const Clock *clock = nullptr, QObject *parent = nullptr);
    const Counts &counts() const { return m_counts; }

public Q_SLOTS:
    void refresh();
    void handleChanges(const QList<Maskline::Change> &changes);
    void handleEventRecorded(const Maskline::DebuggerEvent &event);

Q_SIGNALS:
    void countsChanged();

private:
    StoreReader *m_reader;
    const Clock *m_clock;
    Counts m_counts;
    QTimer m_throttle;
    bool m_inFlight = false;
};

} // namespace Maskline
