#pragma once

#include <QAbstractTableModel>
#include <QDateTime>
#include <QFlags>
#include <QSortFilterProxyModel>

#include "debugger/debugger.h"
#include "itemroles.h"
#include "store/consolequeries.h"
#include "storereader.h"

namespace Maskline {

// The debugger's events as a bounded ring buffer, oldest at the top and the live tail at the bottom (qBittorrent's
// LogModel): it replays the newest history from the store first, then appends what the engine records, coalescing
// the events of one event-loop tick into one insertion and evicting the oldest rows (beginRemoveRows) first.
class DebuggerLogModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebuggerLogModel)

public:
    enum Column
    {
        TimeColumn,
        LevelColumn,
        CodeColumn,
        MessageColumn,
        SidColumn,
        SessionColumn,
        COLUMN_COUNT
    };
    enum Role
    {
        SessionSidRole = FIRST_MODEL_SPECIFIC_ROLE,
        LevelRole,
        CodeRole,
        TimeRole,
    };

    static constexpr int DEFAULT_CAPACITY = 10000;
    static constexpr int DEFAULT_HISTORY = 2000;
    // Live events are gathered this long before one insertion (a burst becomes one beginInsertRows).
    static constexpr int COALESCE_MS = 25;

    explicit DebuggerLogModel(StoreReader *reader, int capacity = DEFAULT_CAPACITY, QObject *parent = nullptr);

    int capacity() const { return m_capacity; }
    void setHistorySize(int events) { m_historySize = events; }
    // Replays the newest history that matches `filter` (from the store, in SQL), keeping live events after it.
    void setHistoryFilter(const DebuggerLogFilter &filter);
    const DebuggerLogFilter &historyFilter() const { return m_historyFilter; }
    bool isLoaded() const { return m_loaded; }

    const DebuggerEvent *eventAt(int row) const;
    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString toCsv(const QList<DebuggerEvent> &events);
    static QString describe(const DebuggerEvent &e); // the details pane's text

public Q_SLOTS:
    void replay();
    void handleEventRecorded(const Maskline::DebuggerEvent &event);

Q_SIGNALS:
    void historyLoaded(int events);
    void readFailed(const QString &message);

private:
    void flushLive();
    void insertEvents(QList<DebuggerEvent> events);

    StoreReader *m_reader;
    int m_capacity;
    int m_historySize = DEFAULT_HISTORY;
    DebuggerLogFilter m_historyFilter;
    QList<DebuggerEvent> m_events;   // oldest first
    QList<DebuggerEvent> m_incoming; // live events of this tick (or waiting for the history)
    ReadTicketPtr m_ticket;
    quint64 m_generation = 0;
    bool m_loaded = false;
    bool m_replaying = false;
    bool m_flushScheduled = false;
};

// Typed filters over the debugger log (STYLE 10). Setting one also asks the log to replay matching history from the
// store, so an old event beyond the buffer is found too.
class DebuggerLogFilterModel final : public QSortFilterProxyModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DebuggerLogFilterModel)

public:
    explicit DebuggerLogFilterModel(DebuggerLogModel *log, QObject *parent = nullptr);

    void setLevels(DebuggerLogFilter::Levels levels);
    void setCode(int code);
    void setSid(const QString &sid);
    void setText(const QString &text);
    void setTimeRange(const QDateTime &from, const QDateTime &to);
    void setFilter(const DebuggerLogFilter &filter);
    const DebuggerLogFilter &filter() const { return m_filter; }

    QList<DebuggerEvent> visibleEvents() const;

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;

private:
    void apply();

    DebuggerLogModel *m_log;
    DebuggerLogFilter m_filter;
};

} // namespace Maskline
