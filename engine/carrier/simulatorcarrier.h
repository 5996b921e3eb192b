#pragma once

#include <QDateTime>
#include <QList>

#include "carrier.h"
#include "store/simulatortraffictable.h"

namespace Maskline {

class Clock;
class Database;

// The built-in carrier for trying Maskline without a Twilio account: nothing leaves the machine. Outbound messages
// and calls are recorded as delivered / completed at once; inbound traffic is injected through Router::injectSms /
// injectCall (and POST /carrier/simulator/sms|voice), which record it here and route it exactly like a webhook.
class SimulatorCarrier final : public Carrier
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(SimulatorCarrier)

public:
    SimulatorCarrier(Database &db, const Clock &clock, QObject *parent = nullptr);
    ~SimulatorCarrier() override;

    QString name() const override { return QStringLiteral("simulator"); }
    void sendMessage(const OutboundMessage &message, SendDone done) override;
    CallAnswer bridgeCall(const CallBridge &bridge) override;
    QString resourceUrl(const QString &, const QString &, const QString & = {}) const override { return {}; }
    QString messagesEndpoint() const override { return QStringLiteral("simulator:messages"); }

    // Records traffic injected towards a pool number; returns the stored record (sid filled in when empty).
    SimulatorRecord recordInbound(SimulatorRecord record);
    // Newest first, at most `limit` rows.
    QList<SimulatorRecord> recent(int limit = 100);

Q_SIGNALS:
    void trafficRecorded(const QString &sid);

private:
    SimulatorRecord store(SimulatorRecord record);

    Database &m_db;
    const Clock &m_clock;
};

} // namespace Maskline
