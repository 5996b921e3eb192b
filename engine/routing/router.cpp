#include "router.h"

#include <memory>

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrl>

#include "carrier/carrier.h"
#include "carrier/simulatorcarrier.h"
#include "carrier/twiml.h"
#include "core/channeladdress.h"
#include "core/phonenumbers.h"
#include "core/redact.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "keywords.h"
#include "proxy/proxy.h"
#include "scheduler.h"
#include "store/accountstable.h"
#include "store/database.h"
#include "store/interactionstable.h"
#include "store/numberstable.h"
#include "store/participantstable.h"
#include "store/rows.h"
#include "store/servicestable.h"
#include "store/sessionstable.h"
#include "store/sqlquery.h"

Q_LOGGING_CATEGORY(lcRouter, "maskline.routing", QtInfoMsg)

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

// The key a number is matched on (reference §7): libphonenumber's E.164 with Mexico's '1' / Argentina's '9' taken
// out. A caller whose number libphonenumber cannot place keeps the digits as sent (changelog 2019-01-29: such calls
// still route).
QString matchingKey(const QString &number)
{
    return ChannelAddress::matchingKey(number);
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
    handler.maxInFlight = std::max(1, m_config.sendsInFlight);
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
    // The carrier request that caused it (the webhook's URL and form), unless the event names another exchange.
    if (event.requestUrl.isEmpty() && event.requestVariables.isEmpty() &&
        (!result.requestUrl.isEmpty() || !result.requestVariables.isEmpty())) {
        event.requestMethod = u"POST"_s;
        event.requestUrl = result.requestUrl;
        event.requestVariables = result.requestVariables;
    }
    result.debuggerCodes.append(event.code);
    if (m_debugger) {
        m_debugger->record(event);
    } else {
        // The message quotes numbers and keywords; its code and SIDs say what happened.
        qCInfo(lcRouter).noquote() << "debugger event" << event.code << "resource" << event.resourceSid;
    }
}

RouteResult Router::finish(RouteResult result)
{
    // The detail names numbers (masked here) and, for an opt-out, the keyword: that is the message's text.
    if (result.outcome == RouteResult::Outcome::OptOut) {
        qCInfo(lcRouter).noquote() << "routed:" << sidsIn(result.detail).join(u' ')
                                   << "is an opt-out or opt-in keyword: not forwarded";
    } else {
        qCInfo(lcRouter).noquote() << "routed:" << redactText(result.detail);
    }
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

std::optional<PhoneNumber> Router::numberFor(const QString &to, const QString &onlyAccount)
{
    const QSqlDatabase db = m_proxy.database().connection();
    // A WhatsApp message reaches the pool number itself: "whatsapp:+1415…" is looked up as "+1415…".
    const PhoneNumbers::Info toInfo = PhoneNumbers::parse(ChannelAddress::bare(to));
    QStringList keys;
    if (toInfo.valid) {
        keys.append(toInfo.e164);
        keys.append(PhoneNumbers::normalizeForMatching(toInfo.e164));
    }
    std::optional<PhoneNumber> number;
    for (const QString &key : std::as_const(keys)) {
        number = NumbersTable::byPhoneNumber(db, key);
        if (number) {
            break;
        }
    }
    if (number && !onlyAccount.isEmpty() && number->accountSid != onlyAccount) {
        number.reset(); // another account's number is, to this caller, no number at all
    }
    return number;
}

std::optional<Router::Target> Router::findTarget(bool isCall, const QString &from, const QString &to,
                                                 const QString &onlyAccount, RouteResult &result)
{
    const QSqlDatabase db = m_proxy.database().connection();
    const std::optional<PhoneNumber> number = numberFor(to, onlyAccount);
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
    const std::optional<Service> service = ServicesTable::bySid(db, number->serviceSid);
    if (!service) {
        throw StoreError(u"phone number %1 names a missing service"_s.arg(number->sid), false);
    }
    target.service = *service;
    if (std::optional<Account> account = AccountsTable::bySid(db, number->accountSid)) {
        target.account = *account;
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
    auto answer = std::make_shared<std::optional<RouteResult>>();
    route(false, message, {}, [answer](const RouteResult &r) { *answer = r; });
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
    route(true, {}, call, std::move(done));
}

RouteResult Router::routeCall(const InboundCall &call)
{
    auto answer = std::make_shared<std::optional<RouteResult>>();
    route(true, {}, call, [answer](const RouteResult &r) { *answer = r; });
    if (*answer) {
        return **answer;
    }
    RouteResult pending;
    pending.outcome = RouteResult::Outcome::Pending;
    pending.detail = u"call from %1 to %2 waits for a callback; routed() reports the outcome"_s.arg(call.from, call.to);
    return pending;
}

void Router::route(bool isCall, InboundMessage message, InboundCall call, RouteDone done, QList<int> priorCodes)
{
    bool handedOff = false; // `done` now belongs to a call waiting for its intercept decision
    RouteResult result;
    result.twiml = isCall ? Twiml::reject() : Twiml::empty();
    result.debuggerCodes = priorCodes;
    if (isCall && call.answerBy.isForever()) {
        call.answerBy = QDeadlineTimer(std::max(0, m_config.callAnswerBudgetMs));
    }
    const QString from = isCall ? call.from : message.from;
    const QString to = isCall ? call.to : message.to;
    const QString kind = isCall ? u"call"_s : u"message"_s;
    QString &resourceSid = isCall ? call.callSid : message.messageSid;
    if (resourceSid.isEmpty()) {
        resourceSid = Sid::generate(isCall ? Sid::CALL : Sid::MESSAGE);
    }
    const CarrierParams &params = isCall ? call.carrierParams : message.carrierParams;
    result.requestUrl = isCall ? call.requestUrl : message.requestUrl;
    result.requestVariables = formEncode(params);
    const auto answer = [this, &done](const RouteResult &r) {
        done(finish(r));
    };

    try {
        auto target = findTarget(isCall, from, to, isCall ? call.onlyAccountSid : message.onlyAccountSid, result);
        if (!target) {
            return answer(result);
        }
        const QSqlDatabase db = m_proxy.database().connection();
        const Service &service = target->service;

        // A carrier retries a webhook it got no timely answer for; the same MessageSid/CallSid is routed once.
        if (auto seen = InteractionsTable::byInboundResource(db, resourceSid, service.sid)) {
            result.outcome = RouteResult::Outcome::Duplicate;
            result.interaction = *seen;
            result.sessionSid = seen->sessionSid;
            result.detail =
                u"%1 %2 was routed before (interaction %3): not forwarded again"_s.arg(kind, resourceSid, seen->sid);
            if (isCall) {
                if (auto waiting = m_waitingCalls.find(seen->sid); waiting != m_waitingCalls.end()) {
                    waiting->append(done); // answered with the intercept's decision, not past it
                    return;
                }
                const bool blocked =
                    seen->outbound.resourceStatus == u"failed"_s && seen->outbound.resourceSid.isEmpty();
                const QList<Participant> ps = ParticipantsTable::ofSession(db, seen->sessionSid);
                for (const Participant &q : ps) {
                    if (!blocked && q.sid == seen->outbound.participantSid) {
                        result.twiml = Twiml::dial({q.proxyIdentifier,
                                                    ChannelAddress::toCarrierAddress(q.identifier, service.mxInsertOne,
                                                                                     service.arInsertNine, true),
                                                    statusCallbackUrl(call.callbackBase, seen->sid)});
                    }
                }
            }
            return answer(result);
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
        std::optional<Session> session;
        if (sender) {
            session = SessionsTable::bySid(db, sender->sessionSid);
        }
        if (!session) {
            return outOfSession(*target, isCall, OutOfSessionContext::Reason::NoSession, message, call, result, done);
        }
        result.sessionSid = session->sid;
        // The expiry sweep runs every few seconds; a deadline that passed since is honoured here, not later.
        const QDateTime now = m_proxy.clock().now();
        if (session->expiresAt.isValid() && session->expiresAt <= now) {
            auto closed = m_proxy.closeSession(session->sid, Scheduler::expiryReason(*session, now));
            if (!closed) {
                result.outcome = RouteResult::Outcome::Failed;
                result.detail = closed.error().message;
                return answer(result);
            }
            return outOfSession(*target, isCall, OutOfSessionContext::Reason::Expired, message, call, result, done);
        }

        // Step 3: the partner.
        const QList<Participant> participants = ParticipantsTable::ofSession(db, session->sid);
        const std::optional<Participant> partner = partnerOf(participants, sender->sid);
        if (!partner) {
            return outOfSession(*target, isCall, OutOfSessionContext::Reason::NoPartner, message, call, result, done);
        }

        // Step 4: the session's mode, and the partner's channel (WhatsApp carries no calls).
        if (isCall && ChannelAddress::isMessageOnly(ChannelAddress::channelOf(partner->identifier))) {
            result.outcome = RouteResult::Outcome::ModeRejected;
            result.detail = u"call %1 from %2 to %3 rejected: the other participant of session %4 is on WhatsApp"_s.arg(
                resourceSid, from, to, session->sid);
            DebuggerEvent e;
            e.code = 80911;
            e.participantSid = sender->sid;
            e.resourceSid = resourceSid;
            e.message = u"Inbound call rejected: %1 called %2, but the other participant of Session %3 (%4) is on "
                        u"WhatsApp, which carries messages only, so the call was rejected."_s.arg(
                            from, to, session->sid, partner->sid);
            raise(result, e);
            return answer(result);
        }
        if (!isCall && session->mode == SessionMode::VOICE_ONLY) {
            result.outcome = RouteResult::Outcome::ModeRejected;
            result.detail = u"message %1 from %2 to %3 rejected: session %4 is voice-only"_s.arg(resourceSid, from, to,
                                                                                                 session->sid);
            DebuggerEvent e;
            e.code = 80910;
            e.participantSid = sender->sid;
            e.resourceSid = resourceSid;
            e.message = u"Inbound message to voice-only session rejected: %1 texted %2, but Session %3 is voice-only, "
                        u"so the message was not forwarded. Create the Session with Mode message-only or "
                        u"voice-and-message to carry texts."_s.arg(from, to, session->sid);
            raise(result, e);
            return answer(result);
        }
        if (isCall && session->mode == SessionMode::MESSAGE_ONLY) {
            result.outcome = RouteResult::Outcome::ModeRejected;
            result.detail = u"call %1 from %2 to %3 rejected: session %4 is message-only"_s.arg(resourceSid, from, to,
                                                                                                session->sid);
            DebuggerEvent e;
            e.code = 80911;
            e.participantSid = sender->sid;
            e.resourceSid = resourceSid;
            e.message = u"Inbound call to message-only session rejected: %1 called %2, but Session %3 is "
                        u"message-only, so the call was rejected. Create the Session with Mode voice-only or "
                        u"voice-and-message to carry calls."_s.arg(from, to, session->sid);
            raise(result, e);
            return answer(result);
        }

        // Step 5: opt-out keywords (dropped: no interaction, so no callbacks either).
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
                return answer(result);
            }
        }

        // Step 6: the interaction. With an intercept callback it is recorded first (so the callback can name it and
        // a client can fetch it), and forwarded only once the callback has let it through.
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
        const bool intercepting = m_hooks->intercepts(service);

        // Step 7 (messages): the send is queued in the interaction's own transaction, so it exists if and only if
        // the interaction does, and a second copy of the same inbound message cannot queue a second send. A held
        // message's send travels with its intercept callback instead, and is queued when that lets it through.
        const QString base = isCall ? call.callbackBase : message.callbackBase;
        OutboundMessage outbound;
        outbound.from = partner->proxyIdentifier;
        outbound.to =
            ChannelAddress::toCarrierAddress(partner->identifier, service.mxInsertOne, service.arInsertNine, false);
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
            if (!isCall) {
                OutboxItem item;
                item.kind = SEND_MESSAGE_KIND;
                item.accountSid = service.accountSid;
                item.serviceSid = service.sid;
                item.sessionSid = recorded.sessionSid;
                item.interactionSid = recorded.sid;
                item.dedupeKey = u"inbound:%1:%2"_s.arg(service.accountSid, resourceSid);
                item.url = m_carrier.messagesEndpoint();
                item.payload = jsonText(outbound.toJson());
                if (intercepting) {
                    return m_hooks->holdMessage(tx, service, recorded, item);
                }
                if (!Outbox::enqueue(tx, item, m_proxy.clock().now())) {
                    return ApiError::make(DUPLICATE_MARKER, 409, u"message already queued"_s);
                }
            }
            if (intercepting) {
                return Ok{}; // a call is settled (and its status callback queued) once the intercept decided
            }
            return m_hooks->interactionRecorded(tx, service, recorded);
        };
        auto recorded = m_proxy.recordInteraction(interaction, inTransaction);
        if (!recorded) {
            if (recorded.error().code == DUPLICATE_MARKER) {
                result.outcome = RouteResult::Outcome::Duplicate;
                if (auto seen = InteractionsTable::byInboundResource(db, resourceSid, service.sid)) {
                    result.interaction = *seen;
                }
                result.detail = u"message %1 was queued before: not forwarded again"_s.arg(resourceSid);
                return answer(result);
            }
            if (recorded.error().code == 80905) {
                return outOfSession(*target, isCall, OutOfSessionContext::Reason::Closed, message, call, result, done);
            }
            result.outcome = RouteResult::Outcome::Failed;
            result.detail = u"%1 %2 could not be recorded: %3"_s.arg(kind, resourceSid, recorded.error().message);
            qCWarning(lcRouter).noquote() << redactText(result.detail);
            return answer(result);
        }
        result.interaction = *recorded;

        if (!isCall) {
            if (intercepting) {
                result.outcome = RouteResult::Outcome::Pending;
                result.detail = u"message %1 from %2 to %3 (interaction %4) waits for the intercept callback of "
                                u"Service %5"_s.arg(resourceSid, from, to, recorded->sid, service.sid);
                return answer(result);
            }
            result.outcome = RouteResult::Outcome::Forwarded;
            m_outbox.poke();
            result.detail = u"message %1 from %2 to %3 queued to %4 from %5 (interaction %6)"_s.arg(
                resourceSid, from, to, partner->identifier, partner->proxyIdentifier, recorded->sid);
            return answer(result);
        }
        if (!intercepting) {
            return bridge(service, *partner, call, *recorded, result, done);
        }
        // The call waits for its intercept decision; the carrier's webhook is answered when it comes.
        m_waitingCalls.insert(recorded->sid, QList<RouteDone>{done});
        handedOff = true;
        QPointer<Router> self(this);
        m_hooks->interceptCall(service, *recorded, call.answerBy,
                               [self, service, partner = *partner, call, interaction = *recorded,
                                result](const InterceptDecision &decision) {
                                   if (self) {
                                       self->decideCall(service, partner, call, interaction, decision, result);
                                   }
                               });
    } catch (const StoreError &e) {
        result.outcome = RouteResult::Outcome::Failed;
        result.detail = u"%1 from %2 to %3 could not be routed: %4"_s.arg(kind, from, to, e.message());
        qCWarning(lcRouter).noquote() << redactText(result.detail);
        if (!handedOff) {
            answer(result);
        }
    }
}

void Router::decideCall(const Service &service, const Participant &partner, const InboundCall &call,
                        const Interaction &recorded, const InterceptDecision &decision, RouteResult result)
{
    const QList<RouteDone> waiters = m_waitingCalls.take(recorded.sid);
    const RouteDone answerAll = [waiters](const RouteResult &r) {
        for (const RouteDone &waiter : waiters) {
            waiter(r);
        }
    };
    result.debuggerCodes += decision.debuggerCodes;
    result.interaction = recorded;
    // The "new interaction" status callback is queued in the transaction that settles the interaction.
    const auto settle = [this, &service](const QSqlDatabase &tx, const Interaction &stored) {
        return m_hooks->interactionRecorded(tx, service, stored);
    };
    if (!decision.allowed) {
        InteractionLeg failed;
        failed.resourceStatus = u"failed"_s;
        if (auto blocked = m_proxy.updateInteractionLeg(recorded.sid, true, failed, {}, settle)) {
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
        raise(result, e);
        answerAll(finish(result));
        return;
    }
    Interaction settled = recorded;
    if (auto stored = m_proxy.updateInteractionLeg(recorded.sid, true, {}, {}, settle)) {
        settled = *stored;
    } else {
        qCWarning(lcRouter).noquote() << "cannot settle interaction" << recorded.sid << ":"
                                      << redactText(stored.error().message);
    }
    bridge(service, partner, call, settled, result, answerAll);
}

void Router::bridge(const Service &service, const Participant &partner, const InboundCall &call,
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
    bridge.statusCallback = statusCallbackUrl(call.callbackBase, recorded.sid);
    bridge.inboundCallSid = call.callSid;
    bridge.accountSid = service.accountSid;
    bridge.serviceSid = service.sid;
    bridge.sessionSid = recorded.sessionSid;
    bridge.interactionSid = recorded.sid;
    const CallAnswer answer = m_carrier.bridgeCall(bridge);
    result.twiml = answer.twiml;
    if (!answer.outboundResourceSid.isEmpty()) {
        updateLeg(recorded.sid, true,
                  {QString(), answer.outboundResourceSid, answer.outboundResourceStatus, QString(),
                   m_carrier.resourceUrl(u"Calls"_s, answer.outboundResourceSid)});
        try {
            if (auto fresh = InteractionsTable::bySid(m_proxy.database().connection(), recorded.sid)) {
                result.interaction = *fresh;
            }
        } catch (const StoreError &e) {
            qCWarning(lcRouter).noquote()
                << "cannot read interaction" << recorded.sid << ":" << redactText(e.message());
        }
    }
    result.detail = u"call %1 from %2 to %3 bridged to %4 from %5 (interaction %6)"_s.arg(
        call.callSid, call.from, call.to, partner.identifier, partner.proxyIdentifier, recorded.sid);
    done(finish(result));
}

bool Router::releaseMessage(const OutboxItem &send, const InterceptDecision &decision)
{
    RouteResult result;
    result.accountSid = send.accountSid;
    result.serviceSid = send.serviceSid;
    result.sessionSid = send.sessionSid;
    result.debuggerCodes = decision.debuggerCodes;
    try {
        const QSqlDatabase db = m_proxy.database().connection();
        const std::optional<Interaction> current = InteractionsTable::bySid(db, send.interactionSid);
        std::optional<Service> service;
        {
            SqlQuery q(db, u"SELECT "_s + Rows::SERVICE_COLUMNS + u" FROM services WHERE sid = :s"_s);
            q.bind(u":s"_s, send.serviceSid).exec();
            if (q.next()) {
                service = Rows::service(q);
            }
        }
        if (!current || !service) {
            qCInfo(lcRouter).noquote() << "interaction" << send.interactionSid
                                       << "was deleted while its intercept callback ran: nothing to forward";
            return true;
        }
        result.interaction = *current;
        const OutboundMessage message =
            OutboundMessage::fromJson(QJsonDocument::fromJson(send.payload.toUtf8()).object());
        const auto settle = [this, &service](const QSqlDatabase &tx, const Interaction &stored) {
            return m_hooks->interactionRecorded(tx, *service, stored);
        };
        if (!decision.allowed) {
            if (current->outbound.resourceStatus == u"failed"_s && current->outbound.resourceSid.isEmpty()) {
                return true; // decided before (an attempt redone after a restart)
            }
            InteractionLeg failed;
            failed.resourceStatus = u"failed"_s;
            auto blocked = m_proxy.updateInteractionLeg(send.interactionSid, true, failed, {}, settle);
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
            raise(result, e);
            finish(result);
            return true;
        }
        bool queued = false;
        auto released = m_proxy.updateInteractionLeg(send.interactionSid, true, {}, {},
                                                     [&](const QSqlDatabase &tx, const Interaction &stored) -> Status {
                                                         queued = Outbox::enqueue(tx, send, m_proxy.clock().now());
                                                         if (!queued) {
                                                             return Ok{}; // released before
                                                         }
                                                         return settle(tx, stored);
                                                     });
        if (!released) {
            qCWarning(lcRouter).noquote()
                << "cannot release interaction" << send.interactionSid << ":" << redactText(released.error().message);
            return false;
        }
        if (queued) {
            m_outbox.poke();
            result.interaction = *released;
            result.outcome = RouteResult::Outcome::Forwarded;
            result.detail = u"message %1 let through by the intercept callback: queued to %2 from %3 (interaction "
                            u"%4)"_s.arg(current->inbound.resourceSid, message.to, message.from, send.interactionSid);
            finish(result);
        }
        return true;
    } catch (const StoreError &e) {
        qCWarning(lcRouter).noquote() << "cannot release interaction" << send.interactionSid << ":" << e.message();
        return false;
    }
}

bool Router::isInSession(const QString &from, const QString &to, const QString &onlyAccountSid)
{
    try {
        const std::optional<PhoneNumber> number = numberFor(to, onlyAccountSid);
        if (!number) {
            return false;
        }
        SqlQuery q(m_proxy.database().connection(),
                   u"SELECT 1 FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                   u"AND routable = 1"_s);
        q.bind(u":s"_s, number->serviceSid).bind(u":i"_s, matchingKey(from)).bind(u":p"_s, number->phoneNumber).exec();
        return q.next();
    } catch (const StoreError &e) {
        qCWarning(lcRouter).noquote() << redactText(e.message());
        return false;
    }
}

void Router::outOfSession(const Target &target, bool isCall, OutOfSessionContext::Reason reason,
                          const InboundMessage &message, const InboundCall &call, RouteResult result,
                          const RouteDone &done)
{
    OutOfSessionContext context;
    context.reason = reason;
    context.isCall = isCall;
    context.account = target.account;
    context.service = target.service;
    context.number = target.number;
    context.carrierParams = isCall ? call.carrierParams : message.carrierParams;
    context.from = target.from;
    context.to = target.to;
    context.message = message;
    context.call = call;

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
        context.previousSession = SessionsTable::bySid(db, context.inboundParticipant->sessionSid);
        context.outboundParticipant = partnerOf(
            ParticipantsTable::ofSession(db, context.inboundParticipant->sessionSid), context.inboundParticipant->sid);
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
        raise(result, e);
    } else {
        result.outcome = RouteResult::Outcome::OutOfSession;
        result.detail = u"%1 from %2 to %3: out-of-session"_s.arg(kind, context.from, context.to);
    }

    const bool handledBefore = isCall ? call.afterOutOfSession : message.afterOutOfSession;
    if (!handledBefore) {
        QPointer<Router> self(this);
        const auto onAnswer = [self, context, result, done](const OutOfSessionAnswer &a) mutable {
            if (!self) {
                return;
            }
            result.debuggerCodes += a.debuggerCodes;
            if (!a.detail.isEmpty()) {
                result.detail = a.detail;
            }
            switch (a.action) {
            case OutOfSessionAnswer::Action::Answer:
                result.twiml = a.twiml;
                if (a.pending) {
                    result.outcome = RouteResult::Outcome::Pending;
                }
                done(self->finish(result));
                return;
            case OutOfSessionAnswer::Action::Reroute:
                if (context.isCall) {
                    InboundCall again = context.call;
                    again.afterOutOfSession = true;
                    self->route(true, {}, again, done, result.debuggerCodes);
                } else {
                    InboundMessage again = context.message;
                    again.afterOutOfSession = true;
                    self->route(false, again, {}, done, result.debuggerCodes);
                }
                return;
            case OutOfSessionAnswer::Action::Reject:
                result.twiml = context.isCall ? Twiml::reject() : Twiml::empty();
                done(self->finish(result));
                return;
            case OutOfSessionAnswer::Action::Failed:
                result.outcome = RouteResult::Outcome::Failed;
                result.twiml = context.isCall ? Twiml::reject() : Twiml::empty();
                done(self->finish(result));
                return;
            }
        };
        if (m_hooks->outOfSession(context, onAnswer)) {
            return;
        }
    }
    if (context.reason != OutOfSessionContext::Reason::NoPartner) {
        outOfSessionWithoutHandler(context, result);
    }
    done(finish(result));
}

void Router::outOfSessionWithoutHandler(const OutOfSessionContext &context, RouteResult &result)
{
    const QString sessionSid = context.previousSession ? context.previousSession->sid : QString();
    DebuggerEvent e;
    e.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
    e.sessionSid = sessionSid;
    const QString why = context.reason == OutOfSessionContext::Reason::NoSession
                            ? u"has no active Session on that number"_s
                            : u"is not active on that number (their last Session, %1, is %2)"_s.arg(
                                  sessionSid, context.previousSession ? context.previousSession->status : QString());
    const bool again = context.isCall ? context.call.afterOutOfSession : context.message.afterOutOfSession;
    const QString handler = again ? u"the Session the out-of-session callback created for it does not route it either"_s
                                  : u"Service %1 has no out-of-session callback"_s.arg(context.service.sid);
    if (context.isCall) {
        e.code = 80902;
        e.message = u"No Active Session: %1 called %2 but %3, and %4, so the call was rejected. Create a Session "
                    u"with both participants, or set OutOfSessionCallbackUrl to handle such calls."_s.arg(
                        context.from, context.to, why, handler);
    } else {
        e.code = 80905;
        e.message = u"No valid proxy scenario: %1 texted %2 but %3, and %4, so the message was dropped. Create a "
                    u"Session with both participants, or set OutOfSessionCallbackUrl to handle such messages."_s.arg(
                        context.from, context.to, why, handler);
    }
    raise(result, e);
}

void Router::updateLeg(const QString &interactionSid, bool outbound, InteractionLeg leg, const QString &data)
{
    std::optional<Interaction> before;
    try {
        before = InteractionsTable::bySid(m_proxy.database().connection(), interactionSid);
        if (before && !leg.resourceStatus.isEmpty()) {
            const QString now = outbound ? before->outbound.resourceStatus : before->inbound.resourceStatus;
            if (statusRank(leg.resourceStatus) < statusRank(now)) {
                leg.resourceStatus.clear(); // a late report of an earlier stage
            }
        }
    } catch (const StoreError &e) {
        qCWarning(lcRouter).noquote() << "cannot read interaction" << interactionSid << ":" << redactText(e.message());
    }
    auto updated = m_proxy.updateInteractionLeg(interactionSid, outbound, leg, data,
                                                [&](const QSqlDatabase &tx, const Interaction &after) -> Status {
                                                    if (!before) {
                                                        return Ok{};
                                                    }
                                                    return m_hooks->interactionUpdated(tx, *before, after);
                                                });
    if (!updated) {
        qCInfo(lcRouter).noquote() << "interaction" << interactionSid
                                   << "not updated:" << redactText(updated.error().message);
    }
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
        case SendOutcome::Kind::Accepted: {
            // The leg is recorded with the outcome, in the outbox's transaction (one commit for many sends).
            std::function<void()> recordLeg;
            if (!interactionSid.isEmpty()) {
                recordLeg = [self, interactionSid, outcome] {
                    if (self) {
                        self->updateLeg(
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
            interaction = InteractionsTable::bySid(db, report.interactionSid);
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
            interaction = InteractionsTable::byOutboundResource(db, report.resourceSid);
            if (!interaction) {
                interaction = InteractionsTable::byInboundResource(db, report.resourceSid);
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
        if (auto fresh = InteractionsTable::bySid(db, interaction->sid)) {
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

void Router::injectVoice(InboundCall call, RouteDone done)
{
    auto *simulator = qobject_cast<SimulatorCarrier *>(&m_carrier);
    if (!simulator) {
        RouteResult refused;
        refused.twiml = Twiml::reject();
        refused.detail = u"injected traffic is refused: the carrier is %1, not the simulator"_s.arg(m_carrier.name());
        done(refused);
        return;
    }
    if (call.callSid.isEmpty()) {
        call.callSid = Sid::generate(Sid::CALL);
    }
    QPointer<SimulatorCarrier> carrier(simulator);
    routeCall(call, [carrier, call, done = std::move(done)](const RouteResult &result) {
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
        ChannelAddress::toCarrierAddress(participant->identifier, service->mxInsertOne, service->arInsertNine, false);
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
