#include "inbound.h"

#include <QDeadlineTimer>

#include "calls.h"
#include "carrier/carrier.h"
#include "carrier/twiml.h"
#include "core/channeladdress.h"
#include "core/redact.h"
#include "core/sid.h"
#include "inboundrules.h"
#include "outofsession.h"
#include "proxy/proxy.h"
#include "routetarget.h"
#include "scheduler.h"
#include "store/interactionstable.h"
#include "store/outbox.h"
#include "store/participantstable.h"
#include "store/sessionstable.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

// Undoes the record step's transaction. Why it was undone travels in the step's Recording, never in this error.
Status rollBack(const QString &why)
{
    return ApiError::make(0, 409, why);
}

} // namespace

InboundPipeline::InboundPipeline(RoutingContext &context, CallRouting &calls, OutOfSessionHandler &outOfSession)
    : m_context(context)
    , m_calls(calls)
    , m_outOfSession(outOfSession)
{}

void InboundPipeline::route(InboundTraffic traffic, RouteDone done, QList<int> priorCodes)
{
    bool handedOff = false; // `done` now belongs to a call waiting for its intercept decision
    const bool isCall = traffic.isCall;
    RouteResult result;
    result.twiml = isCall ? Twiml::reject() : Twiml::empty();
    result.debuggerCodes = priorCodes;
    if (isCall && traffic.call.answerBy.isForever()) {
        traffic.call.answerBy = QDeadlineTimer(std::max(0, m_context.config.callAnswerBudgetMs));
    }
    if (traffic.resourceSid().isEmpty()) {
        traffic.resourceSid() = Sid::generate(isCall ? Sid::CALL : Sid::MESSAGE);
    }
    const QString &from = traffic.from();
    const QString &to = traffic.to();
    const QString &resourceSid = traffic.resourceSid();
    const QString kind = traffic.kind();
    result.requestUrl = traffic.requestUrl();
    result.requestVariables = formEncode(traffic.carrierParams());
    const auto answer = [this, &done](const RouteResult &r) {
        done(m_context.finish(r));
    };
    const auto outOfSession = [&](const RouteTarget &target, OutOfSessionContext::Reason reason) {
        m_outOfSession.handle(target, traffic, reason, result, done);
    };

    try {
        // Step 1: the numbers.
        const std::optional<RouteTarget> target =
            RouteTargets::resolve(m_context, isCall, from, to, traffic.onlyAccountSid(), result);
        if (!target) {
            return answer(result);
        }
        const Service &service = target->service;

        // Step 2: a carrier retries a webhook it got no timely answer for; the same MessageSid/CallSid is routed once.
        if (isDuplicate(traffic, *target, result, done)) {
            return;
        }

        // Step 3: the active participant P with identifier == From on proxy number == To, and P's session.
        const std::optional<SenderSession> found = senderSession(*target);
        if (!found) {
            return outOfSession(*target, OutOfSessionContext::Reason::NoSession);
        }
        const Participant &sender = found->sender;
        const Session &session = found->session;
        result.sessionSid = session.sid;

        // Step 4: the rules. The expiry sweep runs every few seconds; a deadline that passed since is honoured here.
        const QDateTime now = m_context.proxy.clock().now();
        if (InboundRules::isExpired(session, now)) {
            auto closed = m_context.proxy.closeSession(session.sid, Scheduler::expiryReason(session, now));
            if (!closed) {
                result.outcome = RouteResult::Outcome::Failed;
                result.detail = closed.error().message;
                return answer(result);
            }
            return outOfSession(*target, OutOfSessionContext::Reason::Expired);
        }
        const std::optional<Participant> partner =
            Routing::partnerOf(ParticipantsTable::ofSession(m_context.db(), session.sid), sender.sid);
        if (!partner) {
            return outOfSession(*target, OutOfSessionContext::Reason::NoPartner);
        }
        if (InboundRules::rejectedByMode(m_context, traffic, session, sender, *partner, result) ||
            InboundRules::droppedAsKeyword(m_context, traffic, *target, session, sender, result)) {
            return answer(result);
        }

        // Step 5: the interaction. With an intercept callback it is recorded first (so the callback can name it and
        // a client can fetch it), and forwarded only once the callback has let it through.
        const QStringList media = isCall ? QStringList() : Routing::usableMediaUrls(traffic.message.mediaUrls);
        const Interaction interaction = newInteraction(traffic, *found, *partner, media);
        const OutboundMessage outbound = forwardedMessage(traffic, service, *partner, interaction, media);
        const bool intercepting = m_context.hooks->intercepts(service);
        Interaction recorded;
        QString error;
        switch (record(traffic, service, sender.sid, interaction, outbound, intercepting, recorded, error)) {
        case Recording::Recorded:
            break;
        case Recording::AlreadyQueued:
            result.outcome = RouteResult::Outcome::Duplicate;
            if (auto seen = InteractionsTable::byInboundResource(m_context.db(), resourceSid, service.sid)) {
                result.interaction = *seen;
            }
            result.detail = u"message %1 was queued before: not forwarded again"_s.arg(resourceSid);
            return answer(result);
        case Recording::SenderLeft:
            return outOfSession(*target, OutOfSessionContext::Reason::Closed);
        case Recording::Failed:
            result.outcome = RouteResult::Outcome::Failed;
            result.detail = u"%1 %2 could not be recorded: %3"_s.arg(kind, resourceSid, error);
            qCWarning(lcRouter).noquote() << redactText(result.detail);
            return answer(result);
        }
        result.interaction = recorded;

        // Steps 6 and 7: intercept, forward.
        if (!isCall) {
            if (intercepting) {
                result.outcome = RouteResult::Outcome::Pending;
                result.detail = u"message %1 from %2 to %3 (interaction %4) waits for the intercept callback of "
                                u"Service %5"_s.arg(resourceSid, from, to, recorded.sid, service.sid);
                return answer(result);
            }
            result.outcome = RouteResult::Outcome::Forwarded;
            m_context.outbox.poke();
            result.detail = u"message %1 from %2 to %3 queued to %4 from %5 (interaction %6)"_s.arg(
                resourceSid, from, to, partner->identifier, partner->proxyIdentifier, recorded.sid);
            return answer(result);
        }
        if (!intercepting) {
            return m_calls.bridge(service, *partner, traffic.call, recorded, result, done);
        }
        handedOff = true;
        m_calls.awaitIntercept(service, *partner, traffic.call, recorded, result, done);
    } catch (const StoreError &e) {
        result.outcome = RouteResult::Outcome::Failed;
        result.detail = u"%1 from %2 to %3 could not be routed: %4"_s.arg(kind, from, to, e.message());
        qCWarning(lcRouter).noquote() << redactText(result.detail);
        if (!handedOff) {
            answer(result);
        }
    }
}

bool InboundPipeline::isDuplicate(const InboundTraffic &traffic, const RouteTarget &target, RouteResult &result,
                                  const RouteDone &done)
{
    const QSqlDatabase db = m_context.db();
    const std::optional<Interaction> seen =
        InteractionsTable::byInboundResource(db, traffic.resourceSid(), target.service.sid);
    if (!seen) {
        return false;
    }
    result.outcome = RouteResult::Outcome::Duplicate;
    result.interaction = *seen;
    result.sessionSid = seen->sessionSid;
    result.detail = u"%1 %2 was routed before (interaction %3): not forwarded again"_s.arg(
        traffic.kind(), traffic.resourceSid(), seen->sid);
    if (traffic.isCall) {
        if (m_calls.joinWaiting(*seen, done)) {
            return true;
        }
        result.twiml = m_calls.answerAgain(db, target.service, *seen, traffic.call);
    }
    done(m_context.finish(result));
    return true;
}

std::optional<InboundPipeline::SenderSession> InboundPipeline::senderSession(const RouteTarget &target) const
{
    const QSqlDatabase db = m_context.db();
    std::optional<Participant> sender =
        ParticipantsTable::routeHolder(db, target.service.sid, target.fromKey, target.number.phoneNumber);
    if (!sender) {
        return std::nullopt;
    }
    std::optional<Session> session = SessionsTable::bySid(db, sender->sessionSid);
    if (!session) {
        return std::nullopt;
    }
    return SenderSession{*sender, *session};
}

Interaction InboundPipeline::newInteraction(const InboundTraffic &traffic, const SenderSession &found,
                                            const Participant &partner, const QStringList &media) const
{
    Interaction interaction;
    interaction.sid = Sid::generate(Sid::INTERACTION);
    interaction.sessionSid = found.session.sid;
    const QString &resourceSid = traffic.resourceSid();
    const QString &carrierAccount = traffic.carrierAccountSid();
    if (traffic.isCall) {
        interaction.type = u"voice"_s;
        interaction.inbound = {found.sender.sid, resourceSid, u"in-progress"_s, Routing::TYPE_CALL,
                               m_context.carrier.resourceUrl(u"Calls"_s, resourceSid, carrierAccount)};
        interaction.outbound = {partner.sid, QString(), u"initiated"_s, Routing::TYPE_CALL, QString()};
    } else {
        interaction.type = u"message"_s;
        interaction.data = Routing::messageData(traffic.message.body, media);
        interaction.inbound = {found.sender.sid, resourceSid, u"received"_s, Routing::TYPE_MESSAGE,
                               m_context.carrier.resourceUrl(u"Messages"_s, resourceSid, carrierAccount)};
        interaction.outbound = {partner.sid, QString(), u"queued"_s, Routing::TYPE_MESSAGE, QString()};
    }
    return interaction;
}

OutboundMessage InboundPipeline::forwardedMessage(const InboundTraffic &traffic, const Service &service,
                                                  const Participant &partner, const Interaction &interaction,
                                                  const QStringList &media) const
{
    OutboundMessage outbound;
    outbound.from = partner.proxyIdentifier;
    outbound.to =
        ChannelAddress::toCarrierAddress(partner.identifier, service.mxInsertOne, service.arInsertNine, false);
    outbound.body = traffic.message.body;
    outbound.mediaUrls = media;
    outbound.statusCallback = m_context.statusCallbackUrl(traffic.callbackBase(), interaction.sid);
    outbound.accountSid = service.accountSid;
    outbound.serviceSid = service.sid;
    outbound.sessionSid = interaction.sessionSid;
    outbound.interactionSid = interaction.sid;
    return outbound;
}

InboundPipeline::Recording InboundPipeline::record(const InboundTraffic &traffic, const Service &service,
                                                   const QString &senderSid, const Interaction &interaction,
                                                   const OutboundMessage &outbound, bool intercepting,
                                                   Interaction &recorded, QString &error)
{
    // A message's send is queued in the interaction's own transaction, so it exists if and only if the interaction
    // does, and a second copy of the same inbound message cannot queue a second send. A held message's send travels
    // with its intercept callback instead, and is queued when that lets it through.
    Recording outcome = Recording::Recorded;
    auto inTransaction = [&](const QSqlDatabase &tx, const Interaction &stored) -> Status {
        if (!ParticipantsTable::isRoutable(tx, senderSid)) {
            outcome = Recording::SenderLeft;
            return rollBack(u"the session was closed while the traffic was being routed"_s);
        }
        if (!traffic.isCall) {
            OutboxItem item;
            item.kind = Router::SEND_MESSAGE_KIND;
            item.accountSid = service.accountSid;
            item.serviceSid = service.sid;
            item.sessionSid = stored.sessionSid;
            item.interactionSid = stored.sid;
            item.dedupeKey = u"inbound:%1:%2"_s.arg(service.accountSid, traffic.resourceSid());
            item.url = m_context.carrier.messagesEndpoint();
            item.payload = Routing::jsonText(outbound.toJson());
            if (intercepting) {
                return m_context.hooks->holdMessage(tx, service, stored, item);
            }
            if (!Outbox::enqueue(tx, item, m_context.proxy.clock().now())) {
                outcome = Recording::AlreadyQueued;
                return rollBack(u"message already queued"_s);
            }
        }
        if (intercepting) {
            return Ok{}; // a call is settled (and its status callback queued) once the intercept decided
        }
        return m_context.hooks->interactionRecorded(tx, service, stored);
    };
    auto stored = m_context.proxy.recordInteraction(interaction, inTransaction);
    if (!stored) {
        error = stored.error().message;
        return outcome == Recording::Recorded ? Recording::Failed : outcome;
    }
    recorded = *stored;
    return Recording::Recorded;
}

} // namespace Maskline
