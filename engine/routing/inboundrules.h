#pragma once

#include <QDateTime>

#include "routingcontext.h"

namespace Maskline {

// The rules of the inbound pipeline, between finding the sender's session and recording the interaction. Each
// returns true when the traffic stops there; it has then filled in the result and raised its debugger event.
namespace InboundRules {

// The session's own deadline passed since the last expiry sweep: it is closed now, here, not later.
bool isExpired(const Session &session, const QDateTime &now);
// The session's mode and the partner's channel: a message into a voice-only session (80910), a call into a
// message-only one or to a WhatsApp partner (80911) is rejected.
bool rejectedByMode(const RoutingContext &context, const InboundTraffic &traffic, const Session &session,
                    const Participant &sender, const Participant &partner, RouteResult &result);
// Opt-out and opt-in keywords (80901): dropped, with no interaction, so no callbacks either.
bool droppedAsKeyword(const RoutingContext &context, const InboundTraffic &traffic, const RouteTarget &target,
                      const Session &session, const Participant &sender, RouteResult &result);

} // namespace InboundRules
} // namespace Maskline
