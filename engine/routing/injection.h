#pragma once

#include <QString>
#include <QStringList>

#include "traffic.h"

namespace Maskline {

class Router;
struct RoutingContext;

// The simulator's inbound side (the console and POST /carrier/simulator/…): injected traffic is recorded as the
// simulator's and routed exactly like a carrier webhook, through the Router. Refused (outcome Failed) when the
// active carrier is not the simulator: injected traffic must never reach real phones.
class SimulatorInjection final
{
    Q_DISABLE_COPY_MOVE(SimulatorInjection)

public:
    SimulatorInjection(RoutingContext &context, Router &router);

    RouteResult injectSms(const QString &from, const QString &to, const QString &body, const QStringList &mediaUrls);
    RouteResult injectCall(const QString &from, const QString &to);
    RouteResult injectMessage(InboundMessage message);
    void injectVoice(InboundCall call, RouteDone done);

private:
    RoutingContext &m_context;
    Router &m_router;
};

} // namespace Maskline
