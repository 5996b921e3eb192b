#pragma once

#include <QPointer>

#include "simulator.h"

namespace Maskline {

class EngineClient;
class StoreReader;

// The Simulator pane's backend over the engine's own simulator carrier (engine/carrier, engine/routing): sends go to
// Router::injectSms / injectCall on the engine thread — the same routing path as a carrier webhook — and what the
// simulator carrier records (table simulator_traffic) comes back through the read-only store connection.
class EngineSimulator final : public SimulatorBackend
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineSimulator)

public:
    EngineSimulator(EngineClient *engine, StoreReader *reader, QObject *parent = nullptr);

    bool isAvailable() const override;
    QString unavailableReason() const override;
    void sendSms(const QString &from, const QString &to, const QString &body, const QStringList &media,
                 QObject *context, Done done) override;
    void placeCall(const QString &from, const QString &to, QObject *context, Done done) override;

    // Re-reads the last `limit` outbound records (oldest first) and reports each.
    void loadRecent(int limit = 100);

private:
    void handleEngineStarted();
    void handleCarrierTraffic(const QString &sid);
    // What the simulator carrier sent out: the newest `limit`, or with a SID only that one.
    void readRecords(const QString &sid, int limit);

    QPointer<EngineClient> m_engine;
    StoreReader *m_reader;
    QString m_carrierName; // learned on the engine thread when it starts
};

} // namespace Maskline
