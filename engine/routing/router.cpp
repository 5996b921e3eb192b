#include "router.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrl>

#include "carrier/carrier.h"
#include "carrier/simulatorcarrier.h"
#include "carrier/twiml.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "keywords.h"
#include "proxy/phonenumbers.h"
#include "proxy/proxy.h"
#include "proxy/rows.h"
#include "scheduler.h"
#include "store/database.h"
#include "store/sqlquery.h"

Q_LOGGING_CATEGORY(lcRouter, "maskline.routing")

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

const QString Router::SEND_MESSAGE_KIND = u"carrier.message"_s;

namespace {

constexpr int MAX_MEDIA = 10;           // Twilio's MMS limit (NumMedia <= 10)
constexpr int DUPLICATE_MARKER = 20409; // internal: the outbox already holds this inbound message

const QString TYPE_MESSAGE = u"Message"_s;
const QString TYPE_CALL = u"Call"_s;

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

// Interaction.data of a message: {"body": …}, plus "media_urls" for MMS (reference §3.5 documents only body).
QString messageData(const QString &body, const QStringList &mediaUrls)
{
    QJsonObject data{{u"body"_s, body}};
    if (!mediaUrls.isEmpty()) {
        data.insert(u"media_urls"_s, QJsonArray::fromStringList(mediaUrls));
    }
    return jsonText(data);
}

QString formEncode(const CarrierParams &params)
{
    QStringList parts;
    for (const auto &[name, value] : params) {
        parts.append(QString::fromLatin1(name.toUtf8().toPercentEncoding()) + u'=' +
                     QString::fromLatin1(value.toUtf8().toPercentEncoding()));
    }
    return parts.join(u'&');
}

// The key a number is matched on (reference §7): libphonenumber's E.164 with Mexico's '1' / Argentina's '9' taken
// out. A caller whose number libphonenumber cannot place keeps the digits as sent (changelog 2019-01-29: such calls
// still route).
QString matchingKey(const QString &number)
{
    const PhoneNumbers::Info info = PhoneNumbers::parse(number);
    return PhoneNumbers::normalizeForMatching(info.valid ? info.e164 : number.trimmed());
}

QList<Participant> participantsOf(const QSqlDatabase &db, const QString &sessionSid)
{
    SqlQuery q(db,
               u"SELECT "_s + Rows::PARTICIPANT_COLUMNS + u" FROM participants WHERE session_sid = :s ORDER BY id"_s);
    q.bind(u":s"_s, sessionSid).exec();
    QList<Participant> result;
    while (q.next()) {
        result.append(Rows::participant(q));
    }
    return result;
}

std::optional<Session> sessionBySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SESSION_COLUMNS + u" FROM sessions WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::session(q);
}

std::optional<Interaction> interactionBy(const QSqlDatabase &db, const QString &column, const QString &value,
                                         const QString &serviceSid = {})
{
    SqlQuery q(db, u"SELECT "_s + Rows::INTERACTION_COLUMNS + u" FROM interactions WHERE "_s + column + u" = :v"_s +
                       (serviceSid.isEmpty() ? QString() : u" AND service_sid = :s"_s) + u" ORDER BY id LIMIT 1"_s);
    q.bind(u":v"_s, value);
    if (!serviceSid.isEmpty()) {
        q.bind(u":s"_s, serviceSid);
    }
    q.exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::interaction(q);
}

std::optional<Participant> partnerOf(const QList<Participant> &participants, const QString &participantSid)
{
    for (const Participant &p : participants) {
        if (p.sid != participantSid && !p.dateDeleted.isValid()) {
            return p;
        }
    }
    return std::nullopt;
}

QStringList usableMediaUrls(const QStringList &urls)
{
    QStringList result;
    for (const QString &url : urls) {
        const QUrl parsed(url, QUrl::StrictMode);
        const QString scheme = parsed.scheme().toLower();
        if (parsed.isValid() && !parsed.host().isEmpty() && (scheme == u"https"_s || scheme == u"http"_s)) {
            result.append(url);
        }
        if (result.size() == MAX_MEDIA) {
            break;
        }
    }
    return result;
}

} // namespace

// What routing found for (From, To): the pool number, its service and account, and the routing key.
struct Router::Target
{
    PhoneNumber number;
    Service service;
    Account account;
    QString from; // as the carrier gave them
    QString to;
    QString fromKey;
};

Router::Router(Proxy &proxy, Carrier &carrier, Outbox &outbox, Debugger *debugger, RouterConfig config, QObject *parent)
    : QObject(parent)
    , m_proxy(proxy)
    , m_carrier(carrier)
    , m_outbox(outbox)
    , m_debugger(debugger)
    , m_config(std::move(config))
    , m_hooks(&m_defaultHooks)
{
    qRegisterMetaType<Maskline::RouteResult>();
    while (m_config.publicUrl.endsWith(u'/')) {
        m_config.publicUrl.chop(1);
    }
    QPointer<Router> self(this);
    Outbox::Handler handler;
    handler.deliver = [self](const OutboxItem &item, Outbox::Complete complete) {
        if (!self) {
            complete({Outbox::Verdict::Retry, u"the engine is shutting down"_s});
            return;
        }
        self->deliverMessage(item, std::move(complete));
    };
    handler.gaveUp = [self](const OutboxItem &item, const QString &error, bool exhausted) {
        if (self) {
            self->gaveUpMessage(item, error, exhausted);
        }
    };
    m_outbox.registerHandler(SEND_MESSAGE_KIND, std::move(handler));
}

Router::~Router() = default;

void Router::setHooks(RoutingHooks *hooks)
{
    m_hooks = hooks ? hooks : &m_defaultHooks;
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
    // One lifecycle order for message and call statuses (reference §3.5 resource status enum): a status is only
    // replaced by one at the same or a later stage, so callbacks arriving out of order cannot move a leg back.
    static const QHash<QString, int> ranks{
        {u"accepted"_s, 0},  {u"scheduled"_s, 0},   {u"queued"_s, 1},    {u"initiated"_s, 1},
        {u"sending"_s, 2},   {u"ringing"_s, 2},     {u"receiving"_s, 2}, {u"sent"_s, 3},
        {u"answered"_s, 3},  {u"in-progress"_s, 3}, {u"received"_s, 4},  {u"delivery-unknown"_s, 4},
        {u"delivered"_s, 5}, {u"undelivered"_s, 5}, {u"failed"_s, 5},    {u"canceled"_s, 5},
        {u"completed"_s, 5}, {u"busy"_s, 5},        {u"no-answer"_s, 5},
    };
    return ranks.value(status, -1);
}

void Router::raise(RouteResult &result, DebuggerEvent event)
{
    if (event.accountSid.isEmpty()) {
        event.accountSid = result.accountSid;
    }
    if (event.serviceSid.isEmpty()) {
        event.serviceSid = result.serviceSid;
    }
    if (event.sessionSid.isEmpty()) {
        event.sessionSid = result.sessionSid;
    }
    result.debuggerCodes.append(event.code);
    if (m_debugger) {
        m_debugger->record(event);
    } else {
        qCInfo(lcRouter).noquote() << event.code << event.message;
    }
}

RouteResult Router::finish(RouteResult result)
{
    qCInfo(lcRouter).noquote() << "routed:" << result.detail;
    Q_EMIT routed(result);
    return result;
}

QString Router::statusCallbackUrl(const QString &base, const QString &interactionSid) const
{
    const QString path = m_carrier.statusCallbackPath();
    QString root = m_config.publicUrl.isEmpty() ? base : m_config.publicUrl;
    while (root.endsWith(u'/')) {
        root.chop(1);
    }
    if (path.isEmpty() || root.isEmpty()) {
        return {};
    }
    return root + path + u"?interaction="_s + interactionSid;
}

std::optional<Router::Target> Router::findTarget(bool isCall, const QString &from, const QString &to,
                                                 const QString &onlyAccount, RouteResult &result)
{
    const QSqlDatabase db = m_proxy.database().connection();
    const PhoneNumbers::Info toInfo = PhoneNumbers::parse(to);
    QStringList keys;
    if (toInfo.valid) {
        keys.append(toInfo.e164);
        keys.append(PhoneNumbers::normalizeForMatching(toInfo.e164));
    }
    std::optional<PhoneNumber> number;
    for (const QString &key : std::as_const(keys)) {
        SqlQuery q(db, u"SELECT "_s + Rows::PHONE_NUMBER_COLUMNS + u" FROM phone_numbers WHERE phone_number = :n"_s);
        q.bind(u":n"_s, key).exec();
        if (q.next()) {
            number = Rows::phoneNumber(q);
            break;
        }
    }
    if (number && !onlyAccount.isEmpty() && number->accountSid != onlyAccount) {
        number.reset(); // another account's number is, to this caller, no number at all
    }
    if (!number) {
        result.outcome = RouteResult::Outcome::UnknownNumber;
        result.accountSid = onlyAccount;
        result.detail = u"%1 from %2 to %3: not a pool number"_s.arg(isCall ? u"call"_s : u"message"_s, from, to);
        DebuggerEvent e;
        e.code = 80905;
        e.message = u"No valid proxy scenario: %1 from %2 reached %3, which is not a phone number of any Proxy "
                    u"Service%4. The carrier still sends its traffic here: add the number to a Service's pool, or "
                    u"point its webhooks elsewhere."_s.arg(isCall ? u"A call"_s : u"A message"_s, from, to,
                                                           onlyAccount.isEmpty() ? QString() : u" of this account"_s);
        raise(result, e);
        return std::nullopt;
    }
    Target target;
    target.number = *number;
    {
        SqlQuery q(db, u"SELECT "_s + Rows::SERVICE_COLUMNS + u" FROM services WHERE sid = :s"_s);
        q.bind(u":s"_s, number->serviceSid).exec();
        if (!q.next()) {
            throw StoreError(u"phone number %1 names a missing service"_s.arg(number->sid), false);
        }
        target.service = Rows::service(q);
    }
    {
        SqlQuery q(db, u"SELECT "_s + Rows::ACCOUNT_COLUMNS + u" FROM accounts WHERE sid = :a"_s);
        q.bind(u":a"_s, number->accountSid).exec();
        if (q.next()) {
            target.account = Rows::account(q);
        }
    }
    target.from = from;
    target.to = to;
    target.fromKey = matchingKey(from);
    result.accountSid = number->accountSid;
    result.serviceSid = number->serviceSid;
    return target;
}

RouteResult Router::routeMessage(const InboundMessage &message)
{
    return route(false, message, {});
}

RouteResult Router::routeCall(const InboundCall &call)
{
    return route(true, {}, call);
}

RouteResult Router::route(bool isCall, const InboundMessage &message, const InboundCall &call)
{
    RouteResult result;
    result.twiml = isCall ? Twiml::reject() : Twiml::empty();
    const QString &from = isCall ? call.from : message.from;
    const QString &to = isCall ? call.to : message.to;
    const QString kind = isCall ? u"call"_s : u"message"_s;
    QString resourceSid = isCall ? call.callSid : message.messageSid;
    if (resourceSid.isEmpty()) {
        resourceSid = Sid::generate(isCall ? Sid::CALL : Sid::MESSAGE);
    }
    const CarrierParams &params = isCall ? call.carrierParams : message.carrierParams;

    try {
        auto target = findTarget(isCall, from, to, isCall ? call.onlyAccountSid : message.onlyAccountSid, result);
        if (!target) {
            return finish(result);
        }
        const QSqlDatabase db = m_proxy.database().connection();
        const Service &service = target->service;

        // A carrier retries a webhook it got no timely answer for; the same MessageSid/CallSid is routed once.
        if (auto seen = interactionBy(db, u"inbound_resource_sid"_s, resourceSid, service.sid)) {
            result.outcome = RouteResult::Outcome::Duplicate;
            result.interaction = *seen;
            result.sessionSid = seen->sessionSid;
            result.detail =
                u"%1 %2 was routed before (interaction %3): not forwarded again"_s.arg(kind, resourceSid, seen->sid);
            if (isCall) {
                const QList<Participant> ps = participantsOf(db, seen->sessionSid);
                for (const Participant &q : ps) {
                    if (q.sid == seen->outbound.participantSid) {
                        result.twiml = Twiml::dial({q.proxyIdentifier,
                                                    PhoneNumbers::toCarrierAddress(q.identifier, service.mxInsertOne,
                                                                                   service.arInsertNine, true),
                                                    statusCallbackUrl(call.callbackBase, seen->sid)});
                    }
                }
            }
            return finish(result);
        }

        // Step 1: the active participant P with identifier == From on proxy number == To.
        std::optional<Participant> sender;
        {
            SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS +
                               u" FROM participants WHERE service_sid = :s AND identifier = :i AND "
                               u"proxy_identifier = :p AND routable = 1"_s);
            q.bind(u":s"_s, service.sid)
                .bind(u":i"_s, target->fromKey)
                .bind(u":p"_s, target->number.phoneNumber)
                .exec();
            if (q.next()) {
                sender = Rows::participant(q);
            }
        }
        if (!sender) {
            return finish(outOfSession(*target, isCall, OutOfSessionContext::Reason::NoSession, params, result));
        }
        std::optional<Session> session = sessionBySid(db, sender->sessionSid);
        if (!session) {
            return finish(outOfSession(*target, isCall, OutOfSessionContext::Reason::NoSession, params, result));
        }
        result.sessionSid = session->sid;
        // The expiry sweep runs every few seconds; a deadline that passed since is honoured here, not later.
        const QDateTime now = m_proxy.clock().now();
        if (session->expiresAt.isValid() && session->expiresAt <= now) {
            auto closed = m_proxy.closeSession(session->sid, Scheduler::expiryReason(*session, now));
            if (!closed) {
                result.outcome = RouteResult::Outcome::Failed;
                result.detail = closed.error().message;
                return finish(result);
            }
            return finish(outOfSession(*target, isCall, OutOfSessionContext::Reason::Expired, params, result));
        }

        // Step 3: the partner.
        const QList<Participant> participants = participantsOf(db, session->sid);
        const std::optional<Participant> partner = partnerOf(participants, sender->sid);
        if (!partner) {
            return finish(outOfSession(*target, isCall, OutOfSessionContext::Reason::NoPartner, params, result));
        }

        // Step 4: the session's mode.
        if (!isCall && session->mode == SessionMode::VOICE_ONLY) {
            result.outcome = RouteResult::Outcome::ModeRejected;
            result.detail = u"message %1 from %2 to %3 rejected: session %4 is voice-only"_s.arg(resourceSid, from, to,
                                                                                                 session->sid);
            DebuggerEvent e;
            e.code = 80910;
            e.participantSid = sender->sid;
            e.resourceSid = resourceSid;
            e.requestVariables = formEncode(params);
            e.message = u"Inbound message to voice-only session rejected: %1 texted %2, but Session %3 is voice-only, "
                        u"so the message was not forwarded. Create the Session with Mode message-only or "
                        u"voice-and-message to carry texts."_s.arg(from, to, session->sid);
            raise(result, e);
            return finish(result);
        }
        if (isCall && session->mode == SessionMode::MESSAGE_ONLY) {
            result.outcome = RouteResult::Outcome::ModeRejected;
            result.detail = u"call %1 from %2 to %3 rejected: session %4 is message-only"_s.arg(resourceSid, from, to,
                                                                                                session->sid);
            DebuggerEvent e;
            e.code = 80911;
            e.participantSid = sender->sid;
            e.resourceSid = resourceSid;
            e.requestVariables = formEncode(params);
            e.message = u"Inbound call to message-only session rejected: %1 called %2, but Session %3 is "
                        u"message-only, so the call was rejected. Create the Session with Mode voice-only or "
                        u"voice-and-message to carry calls."_s.arg(from, to, session->sid);
            raise(result, e);
            return finish(result);
        }

        // Step 5: opt-out keywords.
        if (!isCall) {
            const Keywords::Match keyword = Keywords::classify(message.body);
            if (Keywords::isDropped(keyword, target->account)) {
                result.outcome = RouteResult::Outcome::OptOut;
                result.detail = u"message %1 from %2 to %3 is the keyword %4: not forwarded"_s.arg(resourceSid, from,
                                                                                                   to, keyword.word);
                DebuggerEvent e;
                e.code = 80901;
                e.participantSid = sender->sid;
                e.resourceSid = resourceSid;
                e.message = u"Message matched a stop word: %1 texted \"%2\" to %3 in Session %4. Opt-out and opt-in "
                            u"keywords are not forwarded to the other participant (the carrier applies its own "
                            u"STOP handling to this number)%5."_s.arg(
                                from, keyword.word, to, session->sid,
                                target->account.respectSmsStopFilter
                                    ? u"; the account's SMS STOP filtering setting decided this"_s
                                    : QString());
                raise(result, e);
                return finish(result);
            }
        }

        // Step 6: the interaction.
        Interaction interaction;
        interaction.sid = Sid::generate(Sid::INTERACTION);
        interaction.sessionSid = session->sid;
        const QStringList media = isCall ? QStringList() : usableMediaUrls(message.mediaUrls);
        const QString carrierAccount = isCall ? call.carrierAccountSid : message.carrierAccountSid;
        if (isCall) {
            interaction.type = u"voice"_s;
            interaction.inbound = {sender->sid, resourceSid, u"in-progress"_s, TYPE_CALL,
                                   m_carrier.resourceUrl(u"Calls"_s, resourceSid, carrierAccount)};
            interaction.outbound = {partner->sid, QString(), u"initiated"_s, TYPE_CALL, QString()};
        } else {
            interaction.type = u"message"_s;
            interaction.data = messageData(message.body, media);
            interaction.inbound = {sender->sid, resourceSid, u"received"_s, TYPE_MESSAGE,
                                   m_carrier.resourceUrl(u"Messages"_s, resourceSid, carrierAccount)};
            interaction.outbound = {partner->sid, QString(), u"queued"_s, TYPE_MESSAGE, QString()};
        }
        const bool allowed = m_hooks->intercept(service, interaction);
        if (!allowed) {
            interaction.outbound.resourceStatus = u"failed"_s;
        }

        // Step 7 (messages): the send is queued in the interaction's own transaction, so it exists if and only if
        // the interaction does, and a second copy of the same inbound message cannot queue a second send.
        const QString base = isCall ? call.callbackBase : message.callbackBase;
        OutboundMessage outbound;
        outbound.from = partner->proxyIdentifier;
        outbound.to =
            PhoneNumbers::toCarrierAddress(partner->identifier, service.mxInsertOne, service.arInsertNine, false);
        outbound.body = message.body;
        outbound.mediaUrls = media;
        outbound.statusCallback = statusCallbackUrl(base, interaction.sid);
        outbound.accountSid = service.accountSid;
        outbound.serviceSid = service.sid;
        outbound.sessionSid = session->sid;
        outbound.interactionSid = interaction.sid;
        const QString senderSid = sender->sid;
        auto inTransaction = [&](const QSqlDatabase &tx, const Interaction &recorded) -> Status {
            SqlQuery still(tx, u"SELECT routable FROM participants WHERE sid = :p"_s);
            still.bind(u":p"_s, senderSid).exec();
            if (!still.next() || still.value(0).toInt() == 0) {
                return ApiError::make(80905, 409, u"the session was closed while the traffic was being routed"_s);
            }
            if (!isCall && allowed) {
                OutboxItem item;
                item.kind = SEND_MESSAGE_KIND;
                item.accountSid = service.accountSid;
                item.serviceSid = service.sid;
                item.sessionSid = recorded.sessionSid;
                item.interactionSid = recorded.sid;
                item.dedupeKey = u"inbound:%1:%2"_s.arg(service.accountSid, resourceSid);
                item.url = m_carrier.messagesEndpoint();
                item.payload = jsonText(outbound.toJson());
                if (!Outbox::enqueue(tx, item, m_proxy.clock().now())) {
                    return ApiError::make(DUPLICATE_MARKER, 409, u"message already queued"_s);
                }
            }
            return m_hooks->interactionRecorded(tx, service, recorded);
        };
        auto recorded = m_proxy.recordInteraction(interaction, inTransaction);
        if (!recorded) {
            if (recorded.error().code == DUPLICATE_MARKER) {
                result.outcome = RouteResult::Outcome::Duplicate;
                if (auto seen = interactionBy(db, u"inbound_resource_sid"_s, resourceSid, service.sid)) {
                    result.interaction = *seen;
                }
                result.detail = u"message %1 was queued before: not forwarded again"_s.arg(resourceSid);
                return finish(result);
            }
            if (recorded.error().code == 80905) {
                return finish(outOfSession(*target, isCall, OutOfSessionContext::Reason::Closed, params, result));
            }
            result.outcome = RouteResult::Outcome::Failed;
            result.detail = u"%1 %2 could not be recorded: %3"_s.arg(kind, resourceSid, recorded.error().message);
            qCWarning(lcRouter).noquote() << result.detail;
            return finish(result);
        }
        result.interaction = *recorded;

        if (!allowed) {
            result.outcome = RouteResult::Outcome::Blocked;
            result.detail =
                u"%1 %2 blocked by the intercept callback (interaction %3)"_s.arg(kind, resourceSid, recorded->sid);
            DebuggerEvent e;
            e.code = 80909;
            e.interactionSid = recorded->sid;
            e.participantSid = sender->sid;
            e.message = u"Inbound contact rejected: the intercept callback of Service %1 answered 403 for %2 %3 from "
                        u"%4, so it was not forwarded (interaction %5)."_s.arg(service.sid, kind, resourceSid, from,
                                                                               recorded->sid);
            raise(result, e);
            return finish(result);
        }

        result.outcome = RouteResult::Outcome::Forwarded;
        if (isCall) {
            CallBridge bridge;
            bridge.from = from;
            bridge.to = to;
            bridge.callerId = partner->proxyIdentifier;
            bridge.number =
                PhoneNumbers::toCarrierAddress(partner->identifier, service.mxInsertOne, service.arInsertNine, true);
            bridge.statusCallback = statusCallbackUrl(base, recorded->sid);
            bridge.inboundCallSid = resourceSid;
            bridge.accountSid = service.accountSid;
            bridge.serviceSid = service.sid;
            bridge.sessionSid = session->sid;
            bridge.interactionSid = recorded->sid;
            const CallAnswer answer = m_carrier.bridgeCall(bridge);
            result.twiml = answer.twiml;
            if (!answer.outboundResourceSid.isEmpty()) {
                updateLeg(recorded->sid, true,
                          {QString(), answer.outboundResourceSid, answer.outboundResourceStatus, QString(),
                           m_carrier.resourceUrl(u"Calls"_s, answer.outboundResourceSid)});
                if (auto fresh = interactionBy(db, u"sid"_s, recorded->sid)) {
                    result.interaction = *fresh;
                }
            }
            result.detail = u"call %1 from %2 to %3 bridged to %4 from %5 (interaction %6)"_s.arg(
                resourceSid, from, to, partner->identifier, partner->proxyIdentifier, recorded->sid);
        } else {
            m_outbox.poke();
            result.detail = u"message %1 from %2 to %3 queued to %4 from %5 (interaction %6)"_s.arg(
                resourceSid, from, to, partner->identifier, partner->proxyIdentifier, recorded->sid);
        }
        return finish(result);
    } catch (const StoreError &e) {
        result.outcome = RouteResult::Outcome::Failed;
        result.detail = u"%1 from %2 to %3 could not be routed: %4"_s.arg(kind, from, to, e.message());
        qCWarning(lcRouter).noquote() << result.detail;
        return finish(result);
    }
}

RouteResult Router::outOfSession(const Target &target, bool isCall, OutOfSessionContext::Reason reason,
                                 const CarrierParams &params, RouteResult result)
{
    OutOfSessionContext context;
    context.reason = reason;
    context.isCall = isCall;
    context.service = target.service;
    context.number = target.number;
    context.carrierParams = params;
    context.from = target.from;
    context.to = target.to;

    // The sender's most recent session on this number: for 80904 and for the out-of-session callback's payload.
    const QSqlDatabase db = m_proxy.database().connection();
    {
        SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS +
                           u" FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                           u"ORDER BY id DESC LIMIT 1"_s);
        q.bind(u":s"_s, target.service.sid)
            .bind(u":i"_s, target.fromKey)
            .bind(u":p"_s, target.number.phoneNumber)
            .exec();
        if (q.next()) {
            context.inboundParticipant = Rows::participant(q);
        }
    }
    if (context.inboundParticipant) {
        context.previousSession = sessionBySid(db, context.inboundParticipant->sessionSid);
        context.outboundParticipant =
            partnerOf(participantsOf(db, context.inboundParticipant->sessionSid), context.inboundParticipant->sid);
    }
    if (reason != OutOfSessionContext::Reason::NoPartner && reason != OutOfSessionContext::Reason::Expired &&
        context.previousSession && context.previousSession->status == SessionStatus::CLOSED) {
        const QString cause = context.previousSession->closedReason;
        context.reason = (cause == u"ttl"_s || cause == u"date_expiry"_s) ? OutOfSessionContext::Reason::Expired
                                                                          : OutOfSessionContext::Reason::Closed;
    }
    const QString kind = isCall ? u"call"_s : u"message"_s;
    const QString sessionSid = context.previousSession ? context.previousSession->sid : QString();
    if (result.sessionSid.isEmpty()) {
        result.sessionSid = sessionSid;
    }

    if (context.reason == OutOfSessionContext::Reason::Expired) {
        DebuggerEvent e;
        e.code = 80904;
        e.sessionSid = sessionSid;
        e.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
        e.message = u"Expired Proxy Session: %1 contacted %2, but their Session %3 on that number expired "
                    u"(closed_reason %4), so the %5 is out-of-session. Give Sessions a longer Ttl or DateExpiry, or "
                    u"re-open the Session with Status=in-progress."_s.arg(
                        context.from, context.to, sessionSid,
                        context.previousSession ? context.previousSession->closedReason : u"ttl"_s, kind);
        raise(result, e);
    }

    const std::optional<OutOfSessionAnswer> answer = m_hooks->outOfSession(context);
    if (context.reason == OutOfSessionContext::Reason::NoPartner) {
        result.outcome = RouteResult::Outcome::NoPartner;
        result.detail =
            u"%1 from %2 to %3: session %4 has no other participant"_s.arg(kind, context.from, context.to, sessionSid);
        DebuggerEvent e;
        e.code = 80614;
        e.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
        e.message =
            u"No Partner Participant Found: %1 sent a %2 to %3 in Session %4, which has no other "
            u"participant (it was never added or was removed), so it was %5. Add the other participant to "
            u"the Session."_s.arg(context.from, kind, context.to, sessionSid, isCall ? u"rejected"_s : u"dropped"_s);
        e.requestVariables = formEncode(params);
        raise(result, e);
    } else {
        result.outcome = RouteResult::Outcome::OutOfSession;
        result.detail = u"%1 from %2 to %3: out-of-session"_s.arg(kind, context.from, context.to);
    }
    if (answer && answer->handled) {
        result.twiml = answer->twiml;
        return result;
    }
    if (context.reason == OutOfSessionContext::Reason::NoPartner) {
        return result;
    }
    DebuggerEvent e;
    e.requestVariables = formEncode(params);
    e.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
    e.sessionSid = sessionSid;
    const QString why = context.reason == OutOfSessionContext::Reason::NoSession
                            ? u"has no active Session on that number"_s
                            : u"is not active on that number (their last Session, %1, is %2)"_s.arg(
                                  sessionSid, context.previousSession ? context.previousSession->status : QString());
    if (isCall) {
        e.code = 80902;
        e.message = u"No Active Session: %1 called %2 but %3, and Service %4 has no out-of-session callback, so the "
                    u"call was rejected. Create a Session with both participants, or set OutOfSessionCallbackUrl to "
                    u"handle such calls."_s.arg(context.from, context.to, why, target.service.sid);
    } else {
        e.code = 80905;
        e.message = u"No valid proxy scenario: %1 texted %2 but %3, and Service %4 has no out-of-session callback, "
                    u"so the message was dropped. Create a Session with both participants, or set "
                    u"OutOfSessionCallbackUrl to handle such messages."_s.arg(context.from, context.to, why,
                                                                              target.service.sid);
    }
    raise(result, e);
    return result;
}

void Router::updateLeg(const QString &interactionSid, bool outbound, InteractionLeg leg, const QString &data)
{
    try {
        if (!leg.resourceStatus.isEmpty()) {
            const QSqlDatabase db = m_proxy.database().connection();
            if (auto current = interactionBy(db, u"sid"_s, interactionSid)) {
                const QString now = outbound ? current->outbound.resourceStatus : current->inbound.resourceStatus;
                if (statusRank(leg.resourceStatus) < statusRank(now)) {
                    leg.resourceStatus.clear(); // a late report of an earlier stage
                }
            }
        }
    } catch (const StoreError &e) {
        qCWarning(lcRouter).noquote() << "cannot read interaction" << interactionSid << ":" << e.message();
    }
    auto updated = m_proxy.updateInteractionLeg(interactionSid, outbound, leg, data);
    if (!updated) {
        qCInfo(lcRouter).noquote() << "interaction" << interactionSid << "not updated:" << updated.error().message;
        return;
    }
    m_hooks->interactionUpdated(*updated);
}

void Router::deliverMessage(const OutboxItem &item, Outbox::Complete complete)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(item.payload.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        complete({Outbox::Verdict::Fail, u"the queued message is unreadable: "_s + error.errorString()});
        return;
    }
    const OutboundMessage message = OutboundMessage::fromJson(doc.object());
    QPointer<Router> self(this);
    const QString interactionSid = item.interactionSid;
    m_carrier.sendMessage(message, [self, interactionSid, complete](const SendOutcome &outcome) {
        switch (outcome.kind) {
        case SendOutcome::Kind::Accepted:
            if (self && !interactionSid.isEmpty()) {
                self->updateLeg(
                    interactionSid, true,
                    {QString(), outcome.resourceSid, outcome.resourceStatus, QString(), outcome.resourceUrl});
            }
            complete({Outbox::Verdict::Done, QString()});
            return;
        case SendOutcome::Kind::Retry:
            complete({Outbox::Verdict::Retry, outcome.error});
            return;
        case SendOutcome::Kind::Rejected:
            complete({Outbox::Verdict::Fail, outcome.error});
            return;
        }
    });
}

void Router::gaveUpMessage(const OutboxItem &item, const QString &error, bool exhausted)
{
    const OutboundMessage message = OutboundMessage::fromJson(QJsonDocument::fromJson(item.payload.toUtf8()).object());
    if (!item.interactionSid.isEmpty()) {
        updateLeg(item.interactionSid, true, {QString(), QString(), u"failed"_s, QString(), QString()});
    }
    RouteResult scratch;
    DebuggerEvent e;
    e.accountSid = item.accountSid;
    e.serviceSid = item.serviceSid;
    e.sessionSid = item.sessionSid;
    e.interactionSid = item.interactionSid;
    e.requestMethod = u"POST"_s;
    e.requestUrl = item.url;
    e.responseBody = error;
    if (exhausted) {
        // 80502 "Internal Server Error from Downstream": the carrier kept failing (5xx, timeouts, unreachable).
        e.code = 80502;
        e.message = u"The message of interaction %1 (Session %2) from %3 to %4 was not sent: %5 kept failing after %6 "
                    u"attempts (last: %7). Check that the carrier is reachable and its credentials are right; the "
                    u"message was given up."_s
                        .arg(item.interactionSid, item.sessionSid, message.from, message.to, m_carrier.name())
                        .arg(item.attempts)
                        .arg(error);
    } else {
        // 80613 "Downstream Request Rejected": the carrier refused the request for good (4xx).
        e.code = 80613;
        e.message = u"The message of interaction %1 (Session %2) from %3 to %4 was refused by %5: %6. Check the "
                    u"numbers (the recipient must be reachable by SMS and %3 must belong to your carrier account) "
                    u"and the message; it was not sent."_s.arg(item.interactionSid, item.sessionSid, message.from,
                                                               message.to, m_carrier.name(), error);
    }
    raise(scratch, e);
}

Result<Interaction> Router::applyStatus(const StatusReport &report)
{
    try {
        const QSqlDatabase db = m_proxy.database().connection();
        std::optional<Interaction> interaction;
        bool outbound = true;
        if (!report.interactionSid.isEmpty()) {
            interaction = interactionBy(db, u"sid"_s, report.interactionSid);
            if (interaction && !report.resourceSid.isEmpty()) {
                if (report.resourceSid == interaction->inbound.resourceSid) {
                    outbound = false;
                } else if (!interaction->outbound.resourceSid.isEmpty() &&
                           interaction->outbound.resourceSid != report.resourceSid) {
                    return ApiError::invalidParameter(
                        u"CallSid"_s, u"%1 is not a leg of interaction %2"_s.arg(report.resourceSid, interaction->sid));
                }
            }
        } else if (!report.resourceSid.isEmpty()) {
            interaction = interactionBy(db, u"outbound_resource_sid"_s, report.resourceSid);
            if (!interaction) {
                interaction = interactionBy(db, u"inbound_resource_sid"_s, report.resourceSid);
                outbound = false;
            }
        }
        if (!interaction) {
            return ApiError::notFound(u"/Interactions/"_s +
                                      (report.interactionSid.isEmpty() ? report.resourceSid : report.interactionSid));
        }
        const bool isCall = !report.callStatus.isEmpty();
        const QString status = (isCall ? report.callStatus : report.messageStatus).trimmed().toLower();
        if (statusRank(status) < 0) {
            return ApiError::invalidParameter(isCall ? u"CallStatus"_s : u"MessageStatus"_s,
                                              u"'%1' is not a status Maskline records"_s.arg(status.left(40)));
        }
        QString data;
        if (isCall && outbound && status == u"completed"_s && !report.callDuration.isEmpty()) {
            bool ok = false;
            const qint64 seconds = report.callDuration.toLongLong(&ok);
            if (ok && seconds >= 0) {
                data = jsonText(QJsonObject{{u"duration"_s, QString::number(seconds)}});
            }
        }
        InteractionLeg leg;
        leg.resourceStatus = status;
        const InteractionLeg &currentLeg = outbound ? interaction->outbound : interaction->inbound;
        if (currentLeg.resourceSid.isEmpty() && isCarrierSid(report.resourceSid)) {
            leg.resourceSid = report.resourceSid;
            leg.resourceUrl = m_carrier.resourceUrl(isCall ? u"Calls"_s : u"Messages"_s, report.resourceSid);
        }
        if (!report.errorCode.isEmpty()) {
            qCInfo(lcRouter).noquote() << "interaction" << interaction->sid << (outbound ? "outbound" : "inbound")
                                       << "leg" << status << "with carrier error" << report.errorCode.left(20);
        }
        updateLeg(interaction->sid, outbound, leg, data);
        if (auto fresh = interactionBy(db, u"sid"_s, interaction->sid)) {
            return *fresh;
        }
        return *interaction;
    } catch (const StoreError &e) {
        return ApiError::internal(e.message());
    }
}

RouteResult Router::injectSms(const QString &from, const QString &to, const QString &body, const QStringList &mediaUrls)
{
    InboundMessage m;
    m.from = from;
    m.to = to;
    m.body = body;
    m.mediaUrls = mediaUrls;
    m.carrierParams = {{u"From"_s, from}, {u"To"_s, to}, {u"Body"_s, body}};
    return injectMessage(m);
}

RouteResult Router::injectCall(const QString &from, const QString &to)
{
    InboundCall c;
    c.from = from;
    c.to = to;
    c.carrierParams = {{u"From"_s, from}, {u"To"_s, to}};
    return injectVoice(c);
}

RouteResult Router::injectMessage(InboundMessage message)
{
    auto *simulator = qobject_cast<SimulatorCarrier *>(&m_carrier);
    if (!simulator) {
        RouteResult refused;
        refused.twiml = Twiml::empty();
        refused.detail = u"injected traffic is refused: the carrier is %1, not the simulator"_s.arg(m_carrier.name());
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
    RouteResult result = routeMessage(message);
    record.accountSid = result.accountSid;
    record.serviceSid = result.serviceSid;
    record.sessionSid = result.sessionSid;
    record.interactionSid = result.interaction.sid;
    if (result.outcome != RouteResult::Outcome::Duplicate) {
        simulator->recordInbound(record);
    }
    return result;
}

RouteResult Router::injectVoice(InboundCall call)
{
    auto *simulator = qobject_cast<SimulatorCarrier *>(&m_carrier);
    if (!simulator) {
        RouteResult refused;
        refused.twiml = Twiml::reject();
        refused.detail = u"injected traffic is refused: the carrier is %1, not the simulator"_s.arg(m_carrier.name());
        return refused;
    }
    if (call.callSid.isEmpty()) {
        call.callSid = Sid::generate(Sid::CALL);
    }
    RouteResult result = routeCall(call);
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
    if (result.outcome != RouteResult::Outcome::Duplicate) {
        simulator->recordInbound(record);
    }
    return result;
}

Result<Interaction> Router::sendMessageInteraction(const QString &accountSid, const QString &serviceSid,
                                                   const QString &sessionSid, const QString &participantSid,
                                                   const QString &body, const QStringList &mediaUrls,
                                                   const QString &callbackBase)
{
    const Result<Service> service = m_proxy.fetchService(accountSid, serviceSid);
    if (!service) {
        return service.error();
    }
    const Result<Session> session = m_proxy.fetchSession(accountSid, serviceSid, sessionSid);
    if (!session) {
        return session.error();
    }
    const Result<Participant> participant =
        m_proxy.fetchParticipant(accountSid, serviceSid, session->sid, participantSid);
    if (!participant) {
        return participant.error();
    }
    const QStringList media = usableMediaUrls(mediaUrls);
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
    interaction.data = messageData(body, media);
    interaction.outbound = {participant->sid, QString(), u"queued"_s, TYPE_MESSAGE, QString()};

    OutboundMessage outbound;
    outbound.from = participant->proxyIdentifier;
    outbound.to =
        PhoneNumbers::toCarrierAddress(participant->identifier, service->mxInsertOne, service->arInsertNine, false);
    outbound.body = body;
    outbound.mediaUrls = media;
    outbound.statusCallback = statusCallbackUrl(callbackBase, interaction.sid);
    outbound.accountSid = accountSid;
    outbound.serviceSid = service->sid;
    outbound.sessionSid = session->sid;
    outbound.interactionSid = interaction.sid;
    const Service svc = *service;
    auto recorded =
        m_proxy.recordInteraction(interaction, [&](const QSqlDatabase &tx, const Interaction &stored) -> Status {
            OutboxItem item;
            item.kind = SEND_MESSAGE_KIND;
            item.accountSid = accountSid;
            item.serviceSid = svc.sid;
            item.sessionSid = stored.sessionSid;
            item.interactionSid = stored.sid;
            item.dedupeKey = u"message-interaction:"_s + stored.sid;
            item.url = m_carrier.messagesEndpoint();
            item.payload = jsonText(outbound.toJson());
            Outbox::enqueue(tx, item, m_proxy.clock().now());
            return m_hooks->interactionRecorded(tx, svc, stored);
        });
    if (recorded) {
        m_outbox.poke();
    }
    return recorded;
}

} // namespace Maskline
