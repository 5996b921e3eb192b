#pragma once

#include <optional>

#include <QList>
#include <QString>

#include "routingcontext.h"

namespace Maskline {

class CallRouting;
class OutOfSessionHandler;
struct OutboundMessage;

// Inbound traffic -> the session -> the partner (reference §6.1), as a pipeline of steps:
//   1. resolve the numbers (RouteTargets::resolve: To must be a pool number),
//   2. dedupe (a carrier retry of the same MessageSid / CallSid is routed once),
//   3. find the sender's session (the active participant with identifier == From on proxy number == To),
//   4. the rules (InboundRules: the session's own deadline, its partner, its mode, opt-out keywords),
//   5. record the interaction (with the carrier send queued in the same transaction, or held for the intercept),
//   6. intercept (the callback decides before the traffic is forwarded),
//   7. forward (the send is in the outbox; a call is bridged by CallRouting).
// Traffic that leaves the pipeline out-of-session goes to OutOfSessionHandler, which may route it again.
class InboundPipeline final
{
    Q_DISABLE_COPY_MOVE(InboundPipeline)

public:
    InboundPipeline(RoutingContext &context, CallRouting &calls, OutOfSessionHandler &outOfSession);

    // `done` is called exactly once: at once for a message, possibly later for a call.
    void route(InboundTraffic traffic, RouteDone done, QList<int> priorCodes = {});

private:
    // How the record step ended.
    enum class Recording
    {
        Recorded,      // the interaction (and its send, or its hold) committed
        AlreadyQueued, // a copy of this inbound message queued its send first: nothing new
        SenderLeft,    // the sender's session closed while the traffic was being routed
        Failed,        // the store (or a hook) refused: `error` says why
    };
    struct SenderSession
    {
        Participant sender;
        Session session;
    };

    bool isDuplicate(const InboundTraffic &traffic, const RouteTarget &target, RouteResult &result,
                     const RouteDone &done);
    std::optional<SenderSession> senderSession(const RouteTarget &target) const;
    Interaction newInteraction(const InboundTraffic &traffic, const SenderSession &found, const Participant &partner,
                               const QStringList &media) const;
    OutboundMessage forwardedMessage(const InboundTraffic &traffic, const Service &service, const Participant &partner,
                                     const Interaction &interaction, const QStringList &media) const;
    Recording record(const InboundTraffic &traffic, const Service &service, const QString &senderSid,
                     const Interaction &interaction, const OutboundMessage &outbound, bool intercepting,
                     Interaction &recorded, QString &error);

    RoutingContext &m_context;
    CallRouting &m_calls;
    OutOfSessionHandler &m_outOfSession;
};

} // namespace Maskline
