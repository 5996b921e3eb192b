#pragma once

#include <QTimer>

#include "pagedsqlmodel.h"

namespace Maskline {

class Clock;

// Sessions, newest first or by a column, filtered and sorted in SQL and loaded in batches. A one-second tick refreshes
// the TTL countdown with one table-wide dataChanged on that column.
class SessionModel final : public PagedSqlModel<Session>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SessionModel)

public:
    enum Column
    {
        StatusColumn,
        UniqueNameColumn,
        SidColumn,
        ModeColumn,
        ExpiresInColumn,
        DateExpiryColumn,
        TtlColumn,
        LastInteractionColumn,
        CreatedColumn,
        COLUMN_COUNT
    };

    explicit SessionModel(StoreReader *reader, const Clock *clock = nullptr, QObject *parent = nullptr);

    void setFilter(const SessionFilter &filter);
    const SessionFilter &sessionFilter() const { return m_filter; }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString statusText(const QString &status);
    // The countdown tick; 0 stops it (tests count dataChanged exactly).
    void setCountdownInterval(int ms);

protected:
    bool isActive() const override { return !m_filter.accountSid.isEmpty(); }
    bool collect(const Change &change, QSet<QString> &sids) override;
    std::optional<ConsoleQueries::SortField> sortFieldOf(int column) const override;
    Query pageQuery(const ConsoleQueries::Page &page) const override;
    Query sidsQuery(const QStringList &sids) const override;

private:
    // The filter as the store takes it: numbers in their stored form.
    SessionFilter storeFilter() const;
    void handleTick();

    const Clock *m_clock;
    SessionFilter m_filter;
    QTimer m_tick;
};

} // namespace Maskline
