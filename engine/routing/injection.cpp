#include "injection.h"

#include <memory>
#include <optional>

#include <QPointer>

#include "carrier/simulatorcarrier.h"
#include "carrier/twiml.h"
#include "core/sid.h"
#include "router.h"
#include "routingcontext.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

SimulatorInjection::SimulatorInjection(RoutingContext &context, Router &router)
    : m_context(context)
    , m_router(router)
{}

RouteResult SimulatorInjection::injectSms(const QString &from, const QString &to, const QString &body,
                                          const QStringList &mediaUrls)
{
    InboundMessage m;
    m.from = from;
    m.to = to;
    m.body = body;
    m.mediaUrls = mediaUrls;
    m.carrierParams = {{u"From"_s, from}, {u"To"_s, to}, {u"Body"_s, body}};
    return injectMessage(m);
}

RouteResult SimulatorInjection::injectCall(const QString &from, const QString &to)
{
    InboundCall c;
    c.from = from;
    c.to = to;
    c.carrierParams = {{u"From"_s, from}, {u"To"_s, to}};
    auto answer = std::make_shared<std::optional<RouteResult>>();
    injectVoice(c, [answer](const RouteResult &r) { *answer = r; });
    if (*answer) {
        return **answer;
    }
    RouteResult pending;
    pending.outcome = RouteResult::Outcome::Pending;
    pending.detail = u"call from %1 to %2 waits for a callback; routed() reports the outcome"_s.arg(from, to);
    return pending;
}

RouteResult SimulatorInjection::injectMessage(InboundMessage message)
{
    auto *simulator = qobject_cast<SimulatorCarrier *>(&m_context.carrier);
    if (!simulator) {
        RouteResult refused;
        refused.twiml = Twiml::empty();
        refused.detail =
            u"injected traffic is refused: the carrier is %1, not the simulator"_s.arg(m_context.carrier.name());
        return refused;
    }
    if (message.messageSid.isEmpty()) {
        message.messageSid = Sid::generate(Sid::MESSAGE);
    }
    SimulatorRecord record;
    record.sid = message.messageSid;
    record.kind = u"message"_s;
    record.from = message.from;
    record.to = message.to;
    record.body = message.body;
    record.mediaUrls = message.mediaUrls;
    record.status = u"received"_s;
    RouteResult result = m_router.routeMessage(message);
    record.accountSid = result.accountSid;
    record.serviceSid = result.serviceSid;
    record.sessionSid = result.sessionSid;
    record.interactionSid = result.interaction.sid;
    if (result.outcome != RouteResult::Outcome::Duplicate) {
        simulator->recordInbound(record);
    }
    return result;
}

void SimulatorInjection::injectVoice(InboundCall call, RouteDone done)
{
    auto *simulator = qobject_cast<SimulatorCarrier *>(&m_context.carrier);
    if (!simulator) {
        RouteResult refused;
        refused.twiml = Twiml::reject();
        refused.detail =
            u"injected traffic is refused: the carrier is %1, not the simulator"_s.arg(m_context.carrier.name());
        done(refused);
        return;
    }
    if (call.callSid.isEmpty()) {
        call.callSid = Sid::generate(Sid::CALL);
    }
    QPointer<SimulatorCarrier> carrier(simulator);
    m_router.routeCall(call, [carrier, call, done = std::move(done)](const RouteResult &result) {
        if (carrier && result.outcome != RouteResult::Outcome::Duplicate) {
            SimulatorRecord record;
            record.sid = call.callSid;
            record.kind = u"call"_s;
            record.from = call.from;
            record.to = call.to;
            record.status = result.forwarded() ? u"completed"_s : u"failed"_s;
            record.accountSid = result.accountSid;
            record.serviceSid = result.serviceSid;
            record.sessionSid = result.sessionSid;
            record.interactionSid = result.interaction.sid;
            carrier->recordInbound(record);
        }
        done(result);
    });
}

} // namespace Maskline
