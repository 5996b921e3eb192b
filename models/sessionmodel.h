#pragma once

#include <QTimer>

#include "pagedsqlmodel.h"

namespace Maskline {

class Clock;

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

// Sessions, newest first, filtered in SQL and loaded in batches. A one-second tick refreshes the TTL countdown with
// one table-wide dataChanged on that column.
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
    SqlFilter filter() const override;

private:
    void handleTick();

    const Clock *m_clock;
    SessionFilter m_filter;
    QTimer m_tick;
};

} // namespace Maskline
