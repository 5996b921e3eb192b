#include "calls.h"

#include "carrier/carrier.h"
#include "carrier/twiml.h"
#include "core/channeladdress.h"
#include "core/redact.h"
#include "debugger/debugger.h"
#include "legs.h"
#include "store/participantstable.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

CallRouting::CallRouting(RoutingContext &context, LegAdvancer &legs)
    : m_context(context)
    , m_legs(legs)
{}

bool CallRouting::joinWaiting(const Interaction &seen, const RouteDone &done)
{
    auto waiting = m_waiting.find(seen.sid);
    if (waiting == m_waiting.end()) {
        return false;
    }
    waiting->append(done); // answered with the intercept's decision, not past it
    return true;
}

QByteArray CallRouting::answerAgain(const QSqlDatabase &db, const Service &service, const Interaction &seen,
                                    const InboundCall &call) const
{
    QByteArray twiml = Twiml::reject();
    const bool blocked = seen.outbound.resourceStatus == u"failed"_s && seen.outbound.resourceSid.isEmpty();
    const QList<Participant> ps = ParticipantsTable::ofSession(db, seen.sessionSid);
    for (const Participant &q : ps) {
        if (!blocked && q.sid == seen.outbound.participantSid) {
            twiml = Twiml::dial(
                {q.proxyIdentifier,
                 ChannelAddress::toCarrierAddress(q.identifier, service.mxInsertOne, service.arInsertNine, true),
                 m_context.statusCallbackUrl(call.callbackBase, seen.sid)});
        }
    }
    return twiml;
}

void CallRouting::bridge(const Service &service, const Participant &partner, const InboundCall &call,
                         const Interaction &recorded, RouteResult result, const RouteDone &done)
{
    result.outcome = RouteResult::Outcome::Forwarded;
    result.interaction = recorded;
    CallBridge bridge;
    bridge.from = call.from;
    bridge.to = call.to;
    bridge.callerId = partner.proxyIdentifier;
    bridge.number =
        ChannelAddress::toCarrierAddress(partner.identifier, service.mxInsertOne, service.arInsertNine, true);
    bridge.statusCallback = m_context.statusCallbackUrl(call.callbackBase, recorded.sid);
    bridge.inboundCallSid = call.callSid;
    bridge.accountSid = service.accountSid;
    bridge.serviceSid = service.sid;
    bridge.sessionSid = recorded.sessionSid;
    bridge.interactionSid = recorded.sid;
    const CallAnswer answer = m_context.carrier.bridgeCall(bridge);
    result.twiml = answer.twiml;
    if (!answer.outboundResourceSid.isEmpty()) {
        auto advanced = m_legs.advance(recorded.sid, true,
                                       {QString(), answer.outboundResourceSid, answer.outboundResourceStatus, QString(),
                                        m_context.carrier.resourceUrl(u"Calls"_s, answer.outboundResourceSid)});
        if (advanced) {
            result.interaction = *advanced;
        } else {
            qCInfo(lcRouter).noquote() << "interaction" << recorded.sid
                                       << "not updated:" << redactText(advanced.error().message);
        }
    }
    result.detail = u"call %1 from %2 to %3 bridged to %4 from %5 (interaction %6)"_s.arg(
        call.callSid, call.from, call.to, partner.identifier, partner.proxyIdentifier, recorded.sid);
    done(m_context.finish(result));
}

void CallRouting::awaitIntercept(const Service &service, const Participant &partner, const InboundCall &call,
                                 const Interaction &recorded, const RouteResult &result, const RouteDone &done)
{
    // The call waits for its intercept decision; the carrier's webhook is answered when it comes.
    m_waiting.insert(recorded.sid, QList<RouteDone>{done});
    QPointer<QObject> alive = m_context.owner;
    m_context.hooks->interceptCall(
        service, recorded, call.answerBy,
        [this, alive, service, partner, call, recorded, result](const InterceptDecision &decision) {
            if (alive) {
                decide(service, partner, call, recorded, decision, result);
            }
        });
}

void CallRouting::decide(const Service &service, const Participant &partner, const InboundCall &call,
                         const Interaction &recorded, const InterceptDecision &decision, RouteResult result)
{
    const QList<RouteDone> waiters = m_waiting.take(recorded.sid);
    const RouteDone answerAll = [waiters](const RouteResult &r) {
        for (const RouteDone &waiter : waiters) {
            waiter(r);
        }
    };
    result.debuggerCodes += decision.debuggerCodes;
    result.interaction = recorded;
    // The "new interaction" status callback is queued in the transaction that settles the interaction.
    const LegAdvancer::Then settle = [this, &service](const QSqlDatabase &tx, const Interaction &,
                                                      const Interaction &stored) {
        return m_context.hooks->interactionRecorded(tx, service, stored);
    };
    if (!decision.allowed) {
        InteractionLeg failed;
        failed.resourceStatus = u"failed"_s;
        if (auto blocked = m_legs.advance(recorded.sid, true, failed, {}, settle)) {
            result.interaction = *blocked;
        } else {
            qCWarning(lcRouter).noquote() << "cannot record that interaction" << recorded.sid
                                          << "was blocked:" << redactText(blocked.error().message);
        }
        result.outcome = RouteResult::Outcome::Blocked;
        result.twiml = Twiml::reject();
        result.detail = u"call %1 blocked by the intercept callback (interaction %2)"_s.arg(call.callSid, recorded.sid);
        DebuggerEvent e;
        e.code = 80909;
        e.interactionSid = recorded.sid;
        e.participantSid = recorded.inbound.participantSid;
        e.resourceSid = recorded.sid;
        e.requestMethod = u"POST"_s;
        e.requestUrl = decision.requestUrl;
        e.requestVariables = decision.requestVariables;
        e.responseBody = decision.responseBody;
        e.message = u"Inbound contact rejected: the intercept callback of Service %1 answered 403 for the call %2 "
                    u"from %3 to %4, so it was rejected and not connected (interaction %5, Session %6)."_s.arg(
                        service.sid, call.callSid, call.from, call.to, recorded.sid, recorded.sessionSid);
        m_context.raise(result, e);
        answerAll(m_context.finish(result));
        return;
    }
    Interaction settled = recorded;
    if (auto stored = m_legs.advance(recorded.sid, true, {}, {}, settle)) {
        settled = *stored;
    } else {
        qCWarning(lcRouter).noquote() << "cannot settle interaction" << recorded.sid << ":"
                                      << redactText(stored.error().message);
    }
    bridge(service, partner, call, settled, result, answerAll);
}

} // namespace Maskline
