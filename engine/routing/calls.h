#pragma once

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "routingcontext.h"

namespace Maskline {

class LegAdvancer;

// Calls, once the inbound pipeline has recorded their interaction: bridged to the partner at once, or held until the
// intercept callback decides (reference §6.2). A carrier retry of a held call waits for the same decision instead of
// being bridged past the intercept.
class CallRouting final
{
    Q_DISABLE_COPY_MOVE(CallRouting)

public:
    CallRouting(RoutingContext &context, LegAdvancer &legs);

    // A retry of a call routed before (interaction `seen`): true when that call still waits for its intercept
    // decision, and `done` now waits for it too.
    bool joinWaiting(const Interaction &seen, const RouteDone &done);
    // The TwiML a retry of a call routed before is answered with: the same dial, unless the intercept blocked it.
    QByteArray answerAgain(const QSqlDatabase &db, const Service &service, const Interaction &seen,
                           const InboundCall &call) const;
    // Bridges the call to the partner (the carrier's TwiML) and records the outbound leg when the carrier knows it.
    void bridge(const Service &service, const Participant &partner, const InboundCall &call,
                const Interaction &recorded, RouteResult result, const RouteDone &done);
    // Holds the call for the intercept callback; `done` is called when it decides (or its time is up).
    void awaitIntercept(const Service &service, const Participant &partner, const InboundCall &call,
                        const Interaction &recorded, const RouteResult &result, const RouteDone &done);

private:
    void decide(const Service &service, const Participant &partner, const InboundCall &call,
                const Interaction &recorded, const InterceptDecision &decision, RouteResult result);

    RoutingContext &m_context;
    LegAdvancer &m_legs;
    // Calls waiting for their intercept decision, by interaction SID.
    QHash<QString, QList<RouteDone>> m_waiting;
};

} // namespace Maskline
