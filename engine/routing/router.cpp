#include "router.h"

#include <memory>

#include <QLoggingCategory>

#include "calls.h"
#include "carrier/twiml.h"
#include "core/redact.h"
#include "core/sid.h"
#include "inbound.h"
#include "injection.h"
#include "legs.h"
#include "outbound.h"
#include "outofsession.h"
#include "routetarget.h"
#include "routingcontext.h"
#include "statusingest.h"
#include "store/interactionstable.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

const QString Router::SEND_MESSAGE_KIND = u"carrier.message"_s;

Router::Router(Proxy &proxy, Carrier &carrier, Outbox &outbox, Debugger *debugger, RouterConfig config, QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Maskline::RouteResult>();
    m_context = std::make_unique<RoutingContext>(this, proxy, carrier, outbox, debugger, std::move(config),
                                                 [this](const RouteResult &result) { Q_EMIT routed(result); });
    m_legs = std::make_unique<LegAdvancer>(*m_context);
    m_calls = std::make_unique<CallRouting>(*m_context, *m_legs);
    m_outOfSession = std::make_unique<OutOfSessionHandler>(
        *m_context, [this](InboundTraffic traffic, RouteDone done, QList<int> priorCodes) {
            m_inbound->route(std::move(traffic), std::move(done), std::move(priorCodes));
        });
    m_inbound = std::make_unique<InboundPipeline>(*m_context, *m_calls, *m_outOfSession);
    m_status = std::make_unique<StatusIngest>(*m_context, *m_legs);
    m_outbound = std::make_unique<OutboundSends>(*m_context, *m_legs);
    m_injection = std::make_unique<SimulatorInjection>(*m_context, *this);
}

Router::~Router() = default;

Carrier &Router::carrier() const
{
    return m_context->carrier;
}

Outbox &Router::outbox() const
{
    return m_context->outbox;
}

void Router::setHooks(RoutingHooks *hooks)
{
    m_context->hooks = hooks ? hooks : &m_context->defaultHooks;
}

bool Router::isCarrierSid(const QString &sid)
{
    if (sid.size() != 34 || !sid.at(0).isUpper() || !sid.at(1).isUpper() || sid.at(0).unicode() > 'Z' ||
        sid.at(1).unicode() > 'Z') {
        return false;
    }
    return Sid::isValid(sid, QStringView(sid).first(2));
}

int Router::statusRank(const QString &status)
{
    return InteractionsTable::legStatusRank(status);
}

RouteResult Router::routeMessage(const InboundMessage &message)
{
    auto answer = std::make_shared<std::optional<RouteResult>>();
    InboundTraffic traffic;
    traffic.message = message;
    m_inbound->route(std::move(traffic), [answer](const RouteResult &r) { *answer = r; });
    if (*answer) {
        return **answer;
    }
    // Hooks answer messages at once (their callbacks run through the outbox); this is only a safety net.
    qCWarning(lcRouter) << "a routing hook did not answer a message at once";
    RouteResult pending;
    pending.outcome = RouteResult::Outcome::Pending;
    pending.twiml = Twiml::empty();
    return pending;
}

void Router::routeCall(const InboundCall &call, RouteDone done)
{
    InboundTraffic traffic;
    traffic.isCall = true;
    traffic.call = call;
    m_inbound->route(std::move(traffic), std::move(done));
}

RouteResult Router::routeCall(const InboundCall &call)
{
    auto answer = std::make_shared<std::optional<RouteResult>>();
    routeCall(call, [answer](const RouteResult &r) { *answer = r; });
    if (*answer) {
        return **answer;
    }
    RouteResult pending;
    pending.outcome = RouteResult::Outcome::Pending;
    pending.detail = u"call from %1 to %2 waits for a callback; routed() reports the outcome"_s.arg(call.from, call.to);
    return pending;
}

bool Router::releaseMessage(const OutboxItem &send, const InterceptDecision &decision)
{
    return m_outbound->release(send, decision);
}

bool Router::isInSession(const QString &from, const QString &to, const QString &onlyAccountSid)
{
    try {
        return RouteTargets::isInSession(m_context->db(), from, to, onlyAccountSid);
    } catch (const StoreError &e) {
        qCWarning(lcRouter).noquote() << redactText(e.message());
        return false;
    }
}

Result<Interaction> Router::applyStatus(const StatusReport &report)
{
    return m_status->apply(report);
}

RouteResult Router::injectSms(const QString &from, const QString &to, const QString &body, const QStringList &mediaUrls)
{
    return m_injection->injectSms(from, to, body, mediaUrls);
}

RouteResult Router::injectCall(const QString &from, const QString &to)
{
    return m_injection->injectCall(from, to);
}

RouteResult Router::injectMessage(InboundMessage message)
{
    return m_injection->injectMessage(std::move(message));
}

void Router::injectVoice(InboundCall call, RouteDone done)
{
    m_injection->injectVoice(std::move(call), std::move(done));
}

Result<Interaction> Router::sendMessageInteraction(const QString &accountSid, const QString &serviceSid,
                                                   const QString &sessionSid, const QString &participantSid,
                                                   const QString &body, const QStringList &mediaUrls,
                                                   const QString &callbackBase)
{
    return m_outbound->sendMessageInteraction(accountSid, serviceSid, sessionSid, participantSid, body, mediaUrls,
                                              callbackBase);
}

} // namespace Maskline
