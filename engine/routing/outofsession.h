#pragma once

#include <functional>

#include <QList>

#include "routingcontext.h"

namespace Maskline {

// Out-of-session traffic (reference §6.3): the sender is not an active participant on the number they contacted
// (never was, or their session closed or expired), or their session has nobody to forward to. The out-of-session
// hook may answer, or create a session and have the traffic routed again; without one the traffic is dropped /
// rejected with its warning (80905 message, 80902 call, 80904 expired, 80614 no partner).
class OutOfSessionHandler final
{
    Q_DISABLE_COPY_MOVE(OutOfSessionHandler)

public:
    // Routes the traffic again from the start (after the hook created a session for it).
    using Reroute = std::function<void(InboundTraffic traffic, RouteDone done, QList<int> priorCodes)>;

    OutOfSessionHandler(RoutingContext &context, Reroute reroute);

    void handle(const RouteTarget &target, const InboundTraffic &traffic, OutOfSessionContext::Reason reason,
                RouteResult result, const RouteDone &done);

private:
    // What the hook sees: the sender's most recent session on this number and its participants, and the reason
    // refined by that session (closed by its ttl or date_expiry: Expired).
    OutOfSessionContext contextFor(const RouteTarget &target, const InboundTraffic &traffic,
                                   OutOfSessionContext::Reason reason) const;
    void withoutHandler(const OutOfSessionContext &context, RouteResult &result);

    RoutingContext &m_context;
    Reroute m_reroute;
};

} // namespace Maskline
