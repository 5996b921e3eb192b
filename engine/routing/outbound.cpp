#include "outbound.h"

#include <optional>

#include <QJsonDocument>
#include <QJsonObject>

#include "carrier/carrier.h"
#include "core/channeladdress.h"
#include "core/redact.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "legs.h"
#include "proxy/proxy.h"
#include "router.h"
#include "routingcontext.h"
#include "store/interactionstable.h"
#include "store/servicestable.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

OutboundSends::OutboundSends(RoutingContext &context, LegAdvancer &legs)
    : m_context(context)
    , m_legs(legs)
{
    QPointer<QObject> alive = m_context.owner;
    Outbox::Handler handler;
    handler.deliver = [this, alive](const OutboxItem &item, Outbox::Complete complete) {
        if (!alive) {
            complete({Outbox::Verdict::Retry, u"the engine is shutting down"_s});
            return;
        }
        deliver(item, std::move(complete));
    };
    handler.gaveUp = [this, alive](const OutboxItem &item, const QString &error, bool exhausted) {
        if (alive) {
            gaveUp(item, error, exhausted);
        }
    };
    handler.maxInFlight = std::max(1, m_context.config.sendsInFlight);
    m_context.outbox.registerHandler(Router::SEND_MESSAGE_KIND, std::move(handler));
}

void OutboundSends::deliver(const OutboxItem &item, Outbox::Complete complete)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(item.payload.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        complete({Outbox::Verdict::Fail, u"the queued message is unreadable: "_s + error.errorString()});
        return;
    }
    const OutboundMessage message = OutboundMessage::fromJson(doc.object());
    QPointer<QObject> alive = m_context.owner;
    const QString interactionSid = item.interactionSid;
    m_context.carrier.sendMessage(message, [this, alive, interactionSid, complete](const SendOutcome &outcome) {
        switch (outcome.kind) {
        case SendOutcome::Kind::Accepted: {
            // The leg is recorded with the outcome, in the outbox's transaction (one commit for many sends).
            std::function<void()> recordLeg;
            if (!interactionSid.isEmpty()) {
                recordLeg = [this, alive, interactionSid, outcome] {
                    if (alive) {
                        m_legs.advanceOrLog(
                            interactionSid, true,
                            {QString(), outcome.resourceSid, outcome.resourceStatus, QString(), outcome.resourceUrl});
                    }
                };
            }
            complete({Outbox::Verdict::Done, QString(), std::move(recordLeg)});
            return;
        }
        case SendOutcome::Kind::Retry:
            complete({Outbox::Verdict::Retry, outcome.error, {}, Outbox::failureLabel(outcome.httpStatus)});
            return;
        case SendOutcome::Kind::Rejected:
            complete({Outbox::Verdict::Fail, outcome.error, {}, Outbox::failureLabel(outcome.httpStatus)});
            return;
        }
    });
}

void OutboundSends::gaveUp(const OutboxItem &item, const QString &error, bool exhausted)
{
    const OutboundMessage message = OutboundMessage::fromJson(QJsonDocument::fromJson(item.payload.toUtf8()).object());
    if (!item.interactionSid.isEmpty()) {
        m_legs.advanceOrLog(item.interactionSid, true, {QString(), QString(), u"failed"_s, QString(), QString()});
    }
    RouteResult scratch;
    DebuggerEvent e;
    e.accountSid = item.accountSid;
    e.serviceSid = item.serviceSid;
    e.sessionSid = item.sessionSid;
    e.interactionSid = item.interactionSid;
    e.requestMethod = u"POST"_s;
    e.requestUrl = item.url;
    CarrierParams sent{{u"From"_s, message.from}, {u"To"_s, message.to}};
    if (!message.body.isEmpty()) {
        sent.append({u"Body"_s, message.body});
    }
    for (const QString &url : message.mediaUrls) {
        sent.append({u"MediaUrl"_s, url});
    }
    if (!message.statusCallback.isEmpty()) {
        sent.append({u"StatusCallback"_s, message.statusCallback});
    }
    e.requestVariables = formEncode(sent);
    e.responseBody = error;
    const QString carrier = m_context.carrier.name();
    if (exhausted) {
        // 80502 "Internal Server Error from Downstream": the carrier kept failing (5xx, timeouts, unreachable).
        e.code = 80502;
        e.message =
            u"The message of interaction %1 (Session %2) from %3 to %4 was not sent: %5 kept failing after %6 "
            u"attempts (last: %7). Check that the carrier is reachable and its credentials are right; the "
            u"message was given up."_s.arg(item.interactionSid, item.sessionSid, message.from, message.to, carrier)
                .arg(item.attempts)
                .arg(error);
    } else {
        // 80613 "Downstream Request Rejected": the carrier refused the request for good (4xx).
        e.code = 80613;
        e.message = u"The message of interaction %1 (Session %2) from %3 to %4 was refused by %5: %6. Check the "
                    u"numbers (the recipient must be reachable by SMS and %3 must belong to your carrier account) "
                    u"and the message; it was not sent."_s.arg(item.interactionSid, item.sessionSid, message.from,
                                                               message.to, carrier, error);
    }
    m_context.raise(scratch, e);
}

bool OutboundSends::release(const OutboxItem &send, const InterceptDecision &decision)
{
    RouteResult result;
    result.accountSid = send.accountSid;
    result.serviceSid = send.serviceSid;
    result.sessionSid = send.sessionSid;
    result.debuggerCodes = decision.debuggerCodes;
    try {
        const QSqlDatabase db = m_context.db();
        const std::optional<Interaction> current = InteractionsTable::bySid(db, send.interactionSid);
        const std::optional<Service> service = ServicesTable::bySid(db, send.serviceSid);
        if (!current || !service) {
            qCInfo(lcRouter).noquote() << "interaction" << send.interactionSid
                                       << "was deleted while its intercept callback ran: nothing to forward";
            return true;
        }
        result.interaction = *current;
        const OutboundMessage message =
            OutboundMessage::fromJson(QJsonDocument::fromJson(send.payload.toUtf8()).object());
        if (!decision.allowed) {
            if (current->outbound.resourceStatus == u"failed"_s && current->outbound.resourceSid.isEmpty()) {
                return true; // decided before (an attempt redone after a restart)
            }
            InteractionLeg failed;
            failed.resourceStatus = u"failed"_s;
            auto blocked = m_legs.advance(send.interactionSid, true, failed, {},
                                          [&](const QSqlDatabase &tx, const Interaction &, const Interaction &stored) {
                                              return m_context.hooks->interactionRecorded(tx, *service, stored);
                                          });
            if (!blocked) {
                qCWarning(lcRouter).noquote()
                    << "cannot block interaction" << send.interactionSid << ":" << redactText(blocked.error().message);
                return false;
            }
            result.interaction = *blocked;
            result.outcome = RouteResult::Outcome::Blocked;
            result.detail = u"message %1 blocked by the intercept callback (interaction %2)"_s.arg(
                current->inbound.resourceSid, send.interactionSid);
            DebuggerEvent e;
            e.code = 80909;
            e.interactionSid = send.interactionSid;
            e.participantSid = current->inbound.participantSid;
            e.resourceSid = send.interactionSid;
            e.requestMethod = u"POST"_s;
            e.requestUrl = decision.requestUrl;
            e.requestVariables = decision.requestVariables;
            e.responseBody = decision.responseBody;
            e.message =
                u"Inbound contact rejected: the intercept callback of Service %1 answered 403 for the message "
                u"%2 in Session %3, so it was not forwarded to %4 (interaction %5)."_s.arg(
                    send.serviceSid, current->inbound.resourceSid, send.sessionSid, message.to, send.interactionSid);
            m_context.raise(result, e);
            m_context.finish(result);
            return true;
        }
        bool queued = false;
        auto released = m_legs.advance(send.interactionSid, true, {}, {},
                                       [&](const QSqlDatabase &tx, const Interaction &, const Interaction &stored) {
                                           queued = Outbox::enqueue(tx, send, m_context.proxy.clock().now());
                                           if (!queued) {
                                               return Status(Ok{}); // released before
                                           }
                                           return m_context.hooks->interactionRecorded(tx, *service, stored);
                                       });
        if (!released) {
            qCWarning(lcRouter).noquote()
                << "cannot release interaction" << send.interactionSid << ":" << redactText(released.error().message);
            return false;
        }
        if (queued) {
            m_context.outbox.poke();
            result.interaction = *released;
            result.outcome = RouteResult::Outcome::Forwarded;
            result.detail = u"message %1 let through by the intercept callback: queued to %2 from %3 (interaction "
                            u"%4)"_s.arg(current->inbound.resourceSid, message.to, message.from, send.interactionSid);
            m_context.finish(result);
        }
        return true;
    } catch (const StoreError &e) {
        qCWarning(lcRouter).noquote() << "cannot release interaction" << send.interactionSid << ":" << e.message();
        return false;
    }
}

Result<Interaction> OutboundSends::sendMessageInteraction(const QString &accountSid, const QString &serviceSid,
                                                          const QString &sessionSid, const QString &participantSid,
                                                          const QString &body, const QStringList &mediaUrls,
                                                          const QString &callbackBase)
{
    Proxy &proxy = m_context.proxy;
    const Result<Service> service = proxy.fetchService(accountSid, serviceSid);
    if (!service) {
        return service.error();
    }
    const Result<Session> session = proxy.fetchSession(accountSid, serviceSid, sessionSid);
    if (!session) {
        return session.error();
    }
    const Result<Participant> participant =
        proxy.fetchParticipant(accountSid, serviceSid, session->sid, participantSid);
    if (!participant) {
        return participant.error();
    }
    const QStringList media = Routing::usableMediaUrls(mediaUrls);
    if (media.size() != mediaUrls.size()) {
        return ApiError::invalidParameter(u"MediaUrl"_s, u"each MediaUrl must be an absolute http or https URL, at "
                                                         u"most 10 of them"_s);
    }
    if (body.isEmpty() && media.isEmpty()) {
        return ApiError::invalidParameter(u"Body"_s, u"is required: the text to send to the participant"_s);
    }
    if (!session->isActive()) {
        return ApiError::make(80607, 400,
                              u"Session %1 is %2: messages cannot be sent into it; re-open it with "
                              u"Status=in-progress first"_s.arg(session->sid, session->status));
    }
    if (session->mode == SessionMode::VOICE_ONLY) {
        return ApiError::make(80910, 400,
                              u"Session %1 is voice-only: messages cannot be sent into it"_s.arg(session->sid));
    }
    if (participant->dateDeleted.isValid()) {
        return ApiError::make(80405, 400,
                              u"Participant %1 was removed from Session %2 and cannot receive messages"_s.arg(
                                  participant->sid, session->sid));
    }

    Interaction interaction;
    interaction.sid = Sid::generate(Sid::INTERACTION);
    interaction.sessionSid = session->sid;
    interaction.participantSid = participant->sid;
    interaction.type = u"message"_s;
    interaction.data = Routing::messageData(body, media);
    interaction.outbound = {participant->sid, QString(), u"queued"_s, Routing::TYPE_MESSAGE, QString()};

    OutboundMessage outbound;
    outbound.from = participant->proxyIdentifier;
    outbound.to =
        ChannelAddress::toCarrierAddress(participant->identifier, service->mxInsertOne, service->arInsertNine, false);
    outbound.body = body;
    outbound.mediaUrls = media;
    outbound.statusCallback = m_context.statusCallbackUrl(callbackBase, interaction.sid);
    outbound.accountSid = accountSid;
    outbound.serviceSid = service->sid;
    outbound.sessionSid = session->sid;
    outbound.interactionSid = interaction.sid;
    const Service svc = *service;
    auto recorded =
        proxy.recordInteraction(interaction, [&](const QSqlDatabase &tx, const Interaction &stored) -> Status {
            OutboxItem item;
            item.kind = Router::SEND_MESSAGE_KIND;
            item.accountSid = accountSid;
            item.serviceSid = svc.sid;
            item.sessionSid = stored.sessionSid;
            item.interactionSid = stored.sid;
            item.dedupeKey = u"message-interaction:"_s + stored.sid;
            item.url = m_context.carrier.messagesEndpoint();
            item.payload = Routing::jsonText(outbound.toJson());
            Outbox::enqueue(tx, item, proxy.clock().now());
            return m_context.hooks->interactionRecorded(tx, svc, stored);
        });
    if (recorded) {
        m_context.outbox.poke();
    }
    return recorded;
}

} // namespace Maskline
