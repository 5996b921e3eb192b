#pragma once

#include <functional>

#include <QAbstractTableModel>
#include <QDateTime>
#include <QObject>
#include <QPointer>

#include "core/result.h"

namespace Maskline {

class EngineClient;

// One message or call the simulator carrier saw: injected "from a handset" (inbound) or routed out (outbound).
struct SimulatedTraffic
{
    enum class Direction
    {
        Inbound,
        Outbound,
    };
    enum class Kind
    {
        Sms,
        Call,
    };
    Direction direction = Direction::Inbound;
    Kind kind = Kind::Sms;
    QString from;
    QString to;
    QString body;
    QStringList media;
    QString status; // e.g. "routed", "delivered", "dropped: 80901 …"
    QString sid;    // SM… / CA… when the carrier gave one
    QDateTime time;
};

// The console's seam to the simulator carrier (engine/carrier, issue 4). The Simulator pane is built against this
// interface: inject an inbound SMS or call through the engine's routing path, and hear back what was routed out.
// Implementations run the engine side on the engine thread and answer on the GUI thread.
class SimulatorBackend : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorBackend)

public:
    using Done = std::function<void(Result<SimulatedTraffic>)>;

    explicit SimulatorBackend(QObject *parent = nullptr);
    ~SimulatorBackend() override;

    virtual bool isAvailable() const = 0;
    // Why not, in words, when isAvailable() is false.
    virtual QString unavailableReason() const { return {}; }
    virtual void sendSms(const QString &from, const QString &to, const QString &body, const QStringList &media,
                         QObject *context, Done done) = 0;
    virtual void placeCall(const QString &from, const QString &to, QObject *context, Done done) = 0;

Q_SIGNALS:
    // Something the simulator carrier routed out (or an inbound leg's outcome), as it happened.
    void trafficRecorded(const Maskline::SimulatedTraffic &traffic);
    // isAvailable() or unavailableReason() may have changed (the engine started, the carrier is known).
    void availabilityChanged();
};

// Stands in while the engine has no simulator carrier: every send is refused with the reason.
class UnavailableSimulator final : public SimulatorBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UnavailableSimulator)

public:
    explicit UnavailableSimulator(QString reason, QObject *parent = nullptr);

    bool isAvailable() const override { return false; }
    QString unavailableReason() const override { return m_reason; }
    void sendSms(const QString &from, const QString &to, const QString &body, const QStringList &media,
                 QObject *context, Done done) override;
    void placeCall(const QString &from, const QString &to, QObject *context, Done done) override;

private:
    QString m_reason;
};

// What the Simulator pane lists: every injected and routed message or call, newest at the top.
class SimulatorTrafficModel final : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorTrafficModel)

public:
    enum Column
    {
        TimeColumn,
        DirectionColumn,
        KindColumn,
        FromColumn,
        ToColumn,
        ContentColumn,
        StatusColumn,
        COLUMN_COUNT
    };
    static constexpr int CAPACITY = 5000;

    explicit SimulatorTrafficModel(QObject *parent = nullptr);

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    const SimulatedTraffic *at(int row) const;

public Q_SLOTS:
    void append(const Maskline::SimulatedTraffic &traffic);
    void clear();

private:
    QList<SimulatedTraffic> m_rows; // newest first
};

} // namespace Maskline

Q_DECLARE_METATYPE(Maskline::SimulatedTraffic)
