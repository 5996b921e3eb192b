#include "callbacks.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrl>

#include "carrier/carrier.h"
#include "carrier/twiml.h"
#include "core/callbacktarget.h"
#include "core/clock.h"
#include "core/redact.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "store/database.h"
#include "store/sqlquery.h"
#include "store/transaction.h"

Q_LOGGING_CATEGORY(lcCallbacks, "maskline.callbacks", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

const QString Callbacks::STATUS_KIND = u"callback.status"_s;
const QString Callbacks::INTERCEPT_KIND = u"callback.intercept"_s;
const QString Callbacks::OUT_OF_SESSION_KIND = u"callback.out_of_session"_s;

namespace {

// Extra time an attempt may take beyond its HTTP timeout before the outbox considers it lost (a crash) and redoes it.
constexpr qint64 CLAIM_MARGIN_MS = 30000;
constexpr int MAX_MEDIA = 10;

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QJsonObject jsonObject(const QString &text)
{
    return QJsonDocument::fromJson(text.toUtf8()).object();
}

QJsonArray paramsToJson(const CallbackParams::Params &params)
{
    QJsonArray array;
    for (const auto &[name, value] : params) {
        array.append(QJsonArray{name, value});
    }
    return array;
}

CallbackParams::Params paramsFromJson(const QJsonArray &array)
{
    CallbackParams::Params params;
    for (const QJsonValue &pair : array) {
        const QJsonArray p = pair.toArray();
        params.append({p.at(0).toString(), p.at(1).toString()});
    }
    return params;
}

QString paramValue(const CallbackParams::Params &params, const QString &name)
{
    for (const auto &[key, value] : params) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

QJsonObject itemToJson(const OutboxItem &item)
{
    return {
        {u"kind"_s, item.kind},
        {u"account_sid"_s, item.accountSid},
        {u"service_sid"_s, item.serviceSid},
        {u"session_sid"_s, item.sessionSid},
        {u"interaction_sid"_s, item.interactionSid},
        {u"dedupe_key"_s, item.dedupeKey},
        {u"order_key"_s, item.orderKey},
        {u"url"_s, item.url},
        {u"payload"_s, item.payload},
    };
}

OutboxItem itemFromJson(const QJsonObject &json)
{
    OutboxItem item;
    item.kind = json.value(u"kind"_s).toString();
    item.accountSid = json.value(u"account_sid"_s).toString();
    item.serviceSid = json.value(u"service_sid"_s).toString();
    item.sessionSid = json.value(u"session_sid"_s).toString();
    item.interactionSid = json.value(u"interaction_sid"_s).toString();
    item.dedupeKey = json.value(u"dedupe_key"_s).toString();
    item.orderKey = json.value(u"order_key"_s).toString();
    item.url = json.value(u"url"_s).toString();
    item.payload = json.value(u"payload"_s).toString();
    return item;
}

QByteArray idempotencyToken(const OutboxItem &item)
{
    return (item.dedupeKey.isEmpty() ? u"outbox-%1"_s.arg(item.id) : item.dedupeKey).toUtf8();
}

bool usableMediaUrl(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    return parsed.isValid() && !parsed.host().isEmpty() && (scheme == u"https"_s || scheme == u"http"_s);
}

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'g', 3);
}

} // namespace

Callbacks::Callbacks(Proxy &proxy, Router &router, Outbox &outbox, Debugger *debugger, CallbacksConfig config,
                     QObject *parent)
    : QObject(parent)
    , m_proxy(proxy)
    , m_router(router)
    , m_outbox(outbox)
    , m_debugger(debugger)
    , m_config(config)
{
    // Every callback is checked again at delivery, on the addresses its host resolves to (Proxy checks the URL's
    // spelling when it is saved; a DNS name can point anywhere, and change).
    m_client.setAddressCheck([this](const QUrl &url, const QList<QHostAddress> &addresses) {
        return CallbackTarget::refusalOfAddresses(url, addresses, m_proxy.ownBaseUrls(),
                                                  m_proxy.publicCallbackTargetsOnly());
    });
    QPointer<Callbacks> self(this);
    const auto handler = [self](void (Callbacks::*deliver)(const OutboxItem &, Outbox::Complete), int maxInFlight,
                                qint64 timeoutMs) {
        Outbox::Handler h;
        h.deliver = [self, deliver](const OutboxItem &item, Outbox::Complete complete) {
            if (!self) {
                complete({Outbox::Verdict::Retry, u"the engine is shutting down"_s});
                return;
            }
            (self.data()->*deliver)(item, std::move(complete));
        };
        h.maxInFlight = maxInFlight;
        h.claimMs = timeoutMs + CLAIM_MARGIN_MS;
        return h;
    };
    m_outbox.registerHandler(STATUS_KIND, handler(&Callbacks::deliverStatus, 8, m_config.statusTimeoutMs));
    m_outbox.registerHandler(INTERCEPT_KIND, handler(&Callbacks::deliverIntercept, 8, m_config.interceptTimeoutMs));
    m_outbox.registerHandler(OUT_OF_SESSION_KIND,
                             handler(&Callbacks::deliverOutOfSession, 4, m_config.outOfSessionTimeoutMs));
}

Callbacks::~Callbacks() = default;

QString Callbacks::authToken(const QString &accountSid)
{
    SqlQuery q(m_proxy.database().connection(), u"SELECT auth_token FROM accounts WHERE sid = :a"_s);
    q.bind(u":a"_s, accountSid).exec();
    return q.next() ? q.value(0).toString() : QString();
}

DebuggerEvent Callbacks::callbackEvent(int code, const CallbackResponse &response) const
{
    DebuggerEvent e;
    e.code = code;
    e.requestMethod = u"POST"_s;
    e.requestUrl = response.url;
    e.requestVariables = response.form;
    e.responseBody = response.summary();
    return e;
}

void Callbacks::record(const DebuggerEvent &event)
{
    if (m_debugger) {
        m_debugger->record(event);
    } else {
        // The message quotes numbers; its code and SIDs say what happened.
        qCInfo(lcCallbacks).noquote() << "debugger event" << event.code << "resource" << event.resourceSid;
    }
}

// ---- status callbacks (reference §6.4)
// -------------------------------------------------------------------------------

Status Callbacks::interactionRecorded(const QSqlDatabase &db, const Service &service, const Interaction &interaction)
{
    return queueStatus(db, service.callbackUrl, interaction);
}

Status Callbacks::interactionUpdated(const QSqlDatabase &db, const Interaction &before, const Interaction &after)
{
    if (after.outbound.resourceStatus.isEmpty() || after.outbound.resourceStatus == before.outbound.resourceStatus) {
        return Ok{};
    }
    SqlQuery q(db, u"SELECT callback_url FROM services WHERE sid = :s"_s);
    q.bind(u":s"_s, after.serviceSid).exec();
    if (!q.next() || q.value(0).isNull()) {
        return Ok{};
    }
    return queueStatus(db, q.value(0).toString(), after);
}

Status Callbacks::queueStatus(const QSqlDatabase &db, const QString &callbackUrl, const Interaction &interaction)
{
    if (callbackUrl.isEmpty()) {
        return Ok{};
    }
    OutboxItem item;
    item.kind = STATUS_KIND;
    item.accountSid = interaction.accountSid;
    item.serviceSid = interaction.serviceSid;
    item.sessionSid = interaction.sessionSid;
    item.interactionSid = interaction.sid;
    // One callback per outbound status: a status reported twice by the carrier is not called back twice.
    item.dedupeKey = u"status:%1:%2"_s.arg(
        interaction.sid, interaction.outbound.resourceStatus.isEmpty() ? u"-"_s : interaction.outbound.resourceStatus);
    item.orderKey = u"status:"_s + interaction.sessionSid;
    item.url = callbackUrl;
    item.payload = jsonText({{u"params"_s, paramsToJson(CallbackParams::interaction(interaction, true))}});
    Outbox::enqueue(db, item, m_proxy.clock().now());
    m_outbox.poke();
    return Ok{};
}

void Callbacks::deliverStatus(const OutboxItem &item, Outbox::Complete complete)
{
    QString token;
    try {
        token = authToken(item.accountSid);
    } catch (const StoreError &e) {
        complete({Outbox::Verdict::Retry, e.message()});
        return;
    }
    if (token.isEmpty()) {
        complete({Outbox::Verdict::Fail, u"account %1 no longer exists"_s.arg(item.accountSid)});
        return;
    }
    CallbackRequest request;
    request.url = item.url;
    request.params = paramsFromJson(jsonObject(item.payload).value(u"params"_s).toArray());
    request.authToken = token;
    request.timeoutMs = m_config.statusTimeoutMs;
    request.idempotencyToken = idempotencyToken(item);
    const QString status = paramValue(request.params, u"outboundResourceStatus"_s);
    QPointer<Callbacks> self(this);
    m_client.post(request, [self, item, status, complete](const CallbackResponse &response) {
        if (response.isSuccess()) {
            complete({Outbox::Verdict::Done, QString()});
            return;
        }
        if (self) {
            const int maxAttempts = self->m_outbox.config().maxAttempts;
            const QString next =
                item.attempts >= maxAttempts
                    ? u"It was given up after %1 attempts."_s.arg(item.attempts)
                    : u"It is tried again in %1 s (attempt %2 of %3); later callbacks of this Session wait for it, "
                      u"so they arrive in order."_s.arg(seconds(self->m_outbox.retryDelayMs(item.attempts)))
                          .arg(item.attempts)
                          .arg(maxAttempts);
            DebuggerEvent e = self->callbackEvent(80908, response);
            e.accountSid = item.accountSid;
            e.serviceSid = item.serviceSid;
            e.sessionSid = item.sessionSid;
            e.interactionSid = item.interactionSid;
            e.resourceSid = item.interactionSid;
            e.message = u"Error calling the status callback of Service %1 for interaction %2 (Session %3, outbound "
                        u"status %4): %5 answered %6. %7 Make the CallbackUrl answer 2xx within %8 s."_s.arg(
                            item.serviceSid, item.interactionSid, item.sessionSid, status, response.url,
                            response.describe(), next, seconds(self->m_config.statusTimeoutMs));
            self->record(e);
        }
        complete({Outbox::Verdict::Retry,
                  response.describe(),
                  {},
                  Outbox::failureLabel(response.status, response.timedOut, response.tooLarge)});
    });
}

// ---- intercept callbacks (reference §6.2)
// ----------------------------------------------------------------------------

bool Callbacks::intercepts(const Service &service)
{
    return !service.interceptCallbackUrl.isEmpty();
}

Status Callbacks::holdMessage(const QSqlDatabase &db, const Service &service, const Interaction &interaction,
                              const OutboxItem &send)
{
    OutboxItem item;
    item.kind = INTERCEPT_KIND;
    item.accountSid = interaction.accountSid;
    item.serviceSid = interaction.serviceSid;
    item.sessionSid = interaction.sessionSid;
    item.interactionSid = interaction.sid;
    item.dedupeKey = u"intercept:"_s + interaction.sid;
    // Messages of one session are released in the order they arrived, however fast each decision comes.
    item.orderKey = u"intercept:"_s + interaction.sessionSid;
    item.url = service.interceptCallbackUrl;
    item.payload = jsonText(
        {{u"params"_s, paramsToJson(CallbackParams::interaction(interaction, false))}, {u"send"_s, itemToJson(send)}});
    Outbox::enqueue(db, item, m_proxy.clock().now());
    m_outbox.poke();
    return Ok{};
}

InterceptDecision Callbacks::decide(const CallbackResponse &response, const Interaction &interaction, bool isCall)
{
    InterceptDecision decision;
    decision.requestUrl = response.url;
    decision.requestVariables = response.form;
    decision.responseBody = response.summary();
    if (response.status == 403) {
        decision.allowed = false;
        return decision;
    }
    if (response.isSuccess()) {
        return decision;
    }
    // Fail-open (reference §6.2): anything but a 403 lets the traffic through; a failure is worth telling.
    DebuggerEvent e = callbackEvent(80908, response);
    e.accountSid = interaction.accountSid;
    e.serviceSid = interaction.serviceSid;
    e.sessionSid = interaction.sessionSid;
    e.participantSid = interaction.inbound.participantSid;
    e.interactionSid = interaction.sid;
    e.resourceSid = interaction.sid;
    e.message = u"Error calling the intercept callback of Service %1 for interaction %2 (Session %3): %4 answered %5, "
                u"so the %6 was forwarded anyway (only a 403 blocks; failures and timeouts let traffic through). "
                u"Answer 2xx to allow or 403 to block, within %7 s."_s.arg(
                    interaction.serviceSid, interaction.sid, interaction.sessionSid, response.url, response.describe(),
                    isCall ? u"call"_s : u"message"_s, seconds(m_config.interceptTimeoutMs));
    record(e);
    decision.debuggerCodes.append(80908);
    return decision;
}

void Callbacks::deliverIntercept(const OutboxItem &item, Outbox::Complete complete)
{
    const QJsonObject payload = jsonObject(item.payload);
    const OutboxItem send = itemFromJson(payload.value(u"send"_s).toObject());
    CallbackRequest request;
    request.url = item.url;
    request.params = paramsFromJson(payload.value(u"params"_s).toArray());
    request.timeoutMs = m_config.interceptTimeoutMs;
    request.idempotencyToken = idempotencyToken(item);
    Interaction subject;
    subject.sid = item.interactionSid;
    subject.accountSid = item.accountSid;
    subject.serviceSid = item.serviceSid;
    subject.sessionSid = item.sessionSid;
    subject.inbound.participantSid = paramValue(request.params, u"inboundParticipantSid"_s);
    try {
        request.authToken = authToken(item.accountSid);
    } catch (const StoreError &e) {
        complete({Outbox::Verdict::Retry, e.message()});
        return;
    }
    if (request.authToken.isEmpty()) {
        complete({Outbox::Verdict::Fail, u"account %1 no longer exists"_s.arg(item.accountSid)});
        return;
    }
    QPointer<Callbacks> self(this);
    m_client.post(request, [self, send, subject, complete](const CallbackResponse &response) {
        if (!self) {
            complete({Outbox::Verdict::Retry, u"the engine is shutting down"_s});
            return;
        }
        const InterceptDecision decision = self->decide(response, subject, false);
        if (!self->m_router.releaseMessage(send, decision)) {
            complete({Outbox::Verdict::Retry, u"the decision could not be stored"_s});
            return;
        }
        complete({Outbox::Verdict::Done, QString()});
    });
}

void Callbacks::interceptCall(const Service &service, const Interaction &interaction, QDeadlineTimer answerBy,
                              InterceptDone done)
{
    if (service.interceptCallbackUrl.isEmpty()) {
        done({});
        return;
    }
    CallbackRequest request;
    request.url = service.interceptCallbackUrl;
    request.params = CallbackParams::interaction(interaction, false);
    request.idempotencyToken = (u"intercept:"_s + interaction.sid).toUtf8();
    const qint64 left = answerBy.isForever() ? m_config.interceptTimeoutMs : answerBy.remainingTime();
    request.timeoutMs = int(std::min<qint64>(m_config.interceptTimeoutMs, left));
    if (request.timeoutMs < m_config.minCallWaitMs) {
        CallbackResponse none;
        none.url = CallbackClient::requestUrl(request.url);
        none.form = formEncode(request.params);
        none.error =
            u"not called: the carrier's webhook had to be answered within %1 ms"_s.arg(std::max<qint64>(0, left));
        done(decide(none, interaction, true));
        return;
    }
    try {
        request.authToken = authToken(interaction.accountSid);
    } catch (const StoreError &e) {
        qCWarning(lcCallbacks).noquote() << "intercept callback not made, call let through:" << redactText(e.message());
        done({});
        return;
    }
    QPointer<Callbacks> self(this);
    m_client.post(request, [self, interaction, done = std::move(done)](const CallbackResponse &response) {
        if (self) {
            done(self->decide(response, interaction, true));
        }
    });
}

// ---- out-of-session callbacks (reference §6.3)
// -----------------------------------------------------------------------

Callbacks::OutOfSessionSubject Callbacks::subjectOf(const OutOfSessionContext &context)
{
    OutOfSessionSubject s;
    s.isCall = context.isCall;
    s.accountSid = context.service.accountSid;
    s.serviceSid = context.service.sid;
    s.sessionSid = context.previousSession ? context.previousSession->sid : QString();
    s.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
    s.resourceSid = context.isCall ? context.call.callSid : context.message.messageSid;
    s.from = context.from;
    s.to = context.to;
    s.numberSid = context.number.sid;
    s.number = context.number.phoneNumber;
    return s;
}

bool Callbacks::outOfSession(const OutOfSessionContext &context, OutOfSessionDone done)
{
    const QString url = context.service.outOfSessionCallbackUrl;
    if (url.isEmpty()) {
        return false;
    }
    const CallbackParams::Params params = CallbackParams::outOfSession(context);
    const OutOfSessionSubject subject = subjectOf(context);

    if (!context.isCall) {
        // Acknowledged now, asked later: the question is stored before the carrier hears "received".
        OutboxItem item;
        item.kind = OUT_OF_SESSION_KIND;
        item.accountSid = subject.accountSid;
        item.serviceSid = subject.serviceSid;
        item.dedupeKey = u"oos:%1:%2"_s.arg(subject.accountSid, subject.resourceSid);
        // One sender on one number is asked about one message at a time: a reply that creates a session routes
        // the next message in it instead of asking again.
        item.orderKey = u"oos:%1:%2:%3"_s.arg(subject.serviceSid, subject.number, subject.from);
        item.url = url;
        item.payload = jsonText({{u"params"_s, paramsToJson(params)},
                                 {u"message"_s, context.message.toJson()},
                                 {u"subject"_s, QJsonObject{{u"session_sid"_s, subject.sessionSid},
                                                            {u"participant_sid"_s, subject.participantSid},
                                                            {u"number_sid"_s, subject.numberSid},
                                                            {u"number"_s, subject.number}}}});
        OutOfSessionAnswer answer;
        try {
            Outbox::enqueue(m_proxy.database().connection(), item, m_proxy.clock().now());
        } catch (const StoreError &e) {
            qCWarning(lcCallbacks).noquote() << "cannot queue the out-of-session callback:" << redactText(e.message());
            answer.action = OutOfSessionAnswer::Action::Failed;
            answer.detail = u"message %1 from %2 to %3: the out-of-session callback could not be queued (%4)"_s.arg(
                subject.resourceSid, subject.from, subject.to, e.message());
            done(answer);
            return true;
        }
        m_outbox.poke();
        answer.twiml = Twiml::empty();
        answer.pending = true;
        answer.detail = u"message %1 from %2 to %3 waits for the out-of-session callback of Service %4"_s.arg(
            subject.resourceSid, subject.from, subject.to, subject.serviceSid);
        done(answer);
        return true;
    }

    CallbackRequest request;
    request.url = url;
    request.params = params;
    request.idempotencyToken = (u"oos:%1:%2"_s.arg(subject.accountSid, subject.resourceSid)).toUtf8();
    const qint64 left =
        context.call.answerBy.isForever() ? m_config.outOfSessionTimeoutMs : context.call.answerBy.remainingTime();
    request.timeoutMs = int(std::min<qint64>(m_config.outOfSessionTimeoutMs, left));
    const auto noAnswer = [this, subject](const CallbackResponse &response) {
        DebuggerEvent e = callbackEvent(80908, response);
        e.accountSid = subject.accountSid;
        e.serviceSid = subject.serviceSid;
        e.sessionSid = subject.sessionSid;
        e.participantSid = subject.participantSid;
        e.resourceSid = subject.resourceSid;
        e.message = u"Error calling the out-of-session callback of Service %1 for the call %2 from %3 to %4: %5 "
                    u"answered %6, so the call was rejected. Answer within %7 s (the carrier's webhook times out "
                    u"at 15 s)."_s.arg(subject.serviceSid, subject.resourceSid, subject.from, subject.to, response.url,
                                       response.describe(), seconds(m_config.outOfSessionTimeoutMs));
        record(e);
        OutOfSessionAnswer answer;
        answer.action = OutOfSessionAnswer::Action::Reject;
        answer.debuggerCodes = {80908};
        answer.detail = u"call %1 from %2 to %3: the out-of-session callback did not answer (%4)"_s.arg(
            subject.resourceSid, subject.from, subject.to, response.describe());
        return answer;
    };
    if (request.timeoutMs < m_config.minCallWaitMs) {
        CallbackResponse none;
        none.url = CallbackClient::requestUrl(url);
        none.form = formEncode(params);
        none.error =
            u"not called: the carrier's webhook had to be answered within %1 ms"_s.arg(std::max<qint64>(0, left));
        done(noAnswer(none));
        return true;
    }
    try {
        request.authToken = authToken(subject.accountSid);
    } catch (const StoreError &e) {
        OutOfSessionAnswer answer;
        answer.action = OutOfSessionAnswer::Action::Failed;
        answer.detail = e.message();
        done(answer);
        return true;
    }
    QPointer<Callbacks> self(this);
    m_client.post(request, [self, subject, noAnswer, done = std::move(done)](const CallbackResponse &response) {
        if (!self) {
            return;
        }
        if (!response.answered()) {
            done(noAnswer(response));
            return;
        }
        const OutOfSessionVerdict verdict = self->interpret(response, subject);
        OutOfSessionAnswer answer;
        switch (verdict.kind) {
        case OutOfSessionVerdict::Kind::Twiml:
            answer.action = OutOfSessionAnswer::Action::Answer;
            answer.twiml = verdict.twiml;
            answer.detail = u"call %1 from %2 to %3 answered with the out-of-session callback's TwiML"_s.arg(
                subject.resourceSid, subject.from, subject.to);
            break;
        case OutOfSessionVerdict::Kind::AutoCreate:
            answer.action = OutOfSessionAnswer::Action::Reroute;
            break;
        case OutOfSessionVerdict::Kind::Dropped:
            answer.action = OutOfSessionAnswer::Action::Reject;
            answer.debuggerCodes = {verdict.code};
            answer.detail = u"call %1 from %2 to %3 rejected: the out-of-session callback's reply was %4"_s.arg(
                subject.resourceSid, subject.from, subject.to, verdict.code == 80913 ? u"an error"_s : u"unusable"_s);
            break;
        }
        done(answer);
    });
    return true;
}

Callbacks::OutOfSessionVerdict Callbacks::interpret(const CallbackResponse &response,
                                                    const OutOfSessionSubject &subject)
{
    OutOfSessionVerdict verdict;
    const QString what = subject.isCall ? u"call"_s : u"message"_s;
    const QString fate = subject.isCall ? u"rejected"_s : u"dropped"_s;
    DebuggerEvent e = callbackEvent(0, response);
    e.accountSid = subject.accountSid;
    e.serviceSid = subject.serviceSid;
    e.sessionSid = subject.sessionSid;
    e.participantSid = subject.participantSid;
    e.resourceSid = subject.resourceSid;
    const auto unusable = [&](const QString &why) {
        e.code = 80905;
        e.message = u"No valid proxy scenario: the out-of-session callback of Service %1 answered the %2 %3 from %4 "
                    u"to %5 with an unusable reply: %6. The %2 was %7. Answer TwiML (Content-Type application/xml) "
                    u"or auto-create JSON (application/json) with participantIdentifier."_s.arg(
                        subject.serviceSid, what, subject.resourceSid, subject.from, subject.to, why, fate);
        record(e);
        verdict.kind = OutOfSessionVerdict::Kind::Dropped;
        verdict.code = 80905;
        return verdict;
    };

    if (!response.isSuccess()) {
        e.code = 80913;
        e.message = u"Out-of-session callback error: the callback of Service %1 (%2) answered %3 for the %4 %5 from %6 "
                    u"to %7, so the %4 was %8. Answer 2xx with TwiML or auto-create JSON."_s.arg(
                        subject.serviceSid, response.url, response.describe(), what, subject.resourceSid, subject.from,
                        subject.to, fate);
        record(e);
        verdict.code = 80913;
        return verdict;
    }
    if (CallbackParams::isTwiml(response.contentType)) {
        if (const QString why = CallbackParams::checkTwiml(response.body); !why.isEmpty()) {
            return unusable(why);
        }
        verdict.kind = OutOfSessionVerdict::Kind::Twiml;
        verdict.twiml = response.body;
        return verdict;
    }
    if (!CallbackParams::isJson(response.contentType)) {
        return unusable(response.contentType.isEmpty()
                            ? u"it has no Content-Type"_s
                            : u"its Content-Type %1 is neither TwiML (application/xml, text/xml) nor auto-create "
                              u"JSON (application/json)"_s.arg(QString::fromLatin1(response.contentType.left(100))));
    }
    const Result<CallbackParams::AutoCreate> create = CallbackParams::parseAutoCreate(response.body);
    if (!create) {
        return unusable(create.error().message);
    }
    SessionParams params;
    params.uniqueName = create->uniqueName;
    params.mode = create->mode;
    params.ttl = create->ttl;
    params.dateExpiry = create->dateExpiry;
    ParticipantParams sender;
    sender.identifier = subject.from;
    sender.proxyIdentifier = subject.number; // the number they contacted, even a reserved one
    ParticipantParams second;
    second.identifier = create->participantIdentifier;
    second.proxyIdentifier = create->participantProxyIdentifier;
    params.participants = {sender, second};
    // Events the session's creation raises (conflict warnings) name the callback exchange that asked for it.
    const Debugger::RequestScope scope(m_debugger, u"POST"_s, response.url, {}, {}, response.form.toUtf8());
    const Result<Session> session = m_proxy.createSession(subject.accountSid, subject.serviceSid, params);
    if (!session) {
        return unusable(u"the auto-create JSON asked for a Session that was refused (%1 %2)"_s.arg(
            QString::number(session.error().code), session.error().message));
    }
    qCInfo(lcCallbacks).noquote() << "out-of-session callback created session" << session->sid << "for"
                                  << redactPhone(subject.from) << "on" << redactPhone(subject.number);
    verdict.kind = OutOfSessionVerdict::Kind::AutoCreate;
    verdict.sessionSid = session->sid;
    return verdict;
}

void Callbacks::deliverOutOfSession(const OutboxItem &item, Outbox::Complete complete)
{
    const QJsonObject payload = jsonObject(item.payload);
    const InboundMessage message = InboundMessage::fromJson(payload.value(u"message"_s).toObject());
    const QJsonObject about = payload.value(u"subject"_s).toObject();
    OutOfSessionSubject subject;
    subject.accountSid = item.accountSid;
    subject.serviceSid = item.serviceSid;
    subject.sessionSid = about.value(u"session_sid"_s).toString();
    subject.participantSid = about.value(u"participant_sid"_s).toString();
    subject.numberSid = about.value(u"number_sid"_s).toString();
    subject.number = about.value(u"number"_s).toString();
    subject.resourceSid = message.messageSid;
    subject.from = message.from;
    subject.to = message.to;

    // An earlier message of this sender may have had a session created for it since this one was queued.
    if (m_router.isInSession(message.from, message.to, message.onlyAccountSid)) {
        m_router.routeMessage(message);
        complete({Outbox::Verdict::Done, QString()});
        return;
    }
    CallbackRequest request;
    request.url = item.url;
    request.params = paramsFromJson(payload.value(u"params"_s).toArray());
    request.timeoutMs = m_config.outOfSessionTimeoutMs;
    request.idempotencyToken = idempotencyToken(item);
    try {
        request.authToken = authToken(item.accountSid);
    } catch (const StoreError &e) {
        complete({Outbox::Verdict::Retry, e.message()});
        return;
    }
    if (request.authToken.isEmpty()) {
        complete({Outbox::Verdict::Fail, u"account %1 no longer exists"_s.arg(item.accountSid)});
        return;
    }
    QPointer<Callbacks> self(this);
    m_client.post(request, [self, item, message, subject, complete](const CallbackResponse &response) {
        if (!self) {
            complete({Outbox::Verdict::Retry, u"the engine is shutting down"_s});
            return;
        }
        if (!response.answered()) {
            // Nothing reached the callback (or nothing came back): a message can wait, so it is asked again.
            const int maxAttempts = self->m_outbox.config().maxAttempts;
            const QString next = item.attempts >= maxAttempts
                                     ? u"The message was dropped after %1 attempts."_s.arg(item.attempts)
                                     : u"The message waits and is asked about again in %1 s (attempt %2 of %3)."_s
                                           .arg(seconds(self->m_outbox.retryDelayMs(item.attempts)))
                                           .arg(item.attempts)
                                           .arg(maxAttempts);
            DebuggerEvent e = self->callbackEvent(80908, response);
            e.accountSid = subject.accountSid;
            e.serviceSid = subject.serviceSid;
            e.sessionSid = subject.sessionSid;
            e.participantSid = subject.participantSid;
            e.resourceSid = subject.resourceSid;
            e.message = u"Error calling the out-of-session callback of Service %1 for the message %2 from %3 to %4: "
                        u"%5 answered %6. %7"_s.arg(subject.serviceSid, subject.resourceSid, subject.from, subject.to,
                                                    response.url, response.describe(), next);
            self->record(e);
            complete({Outbox::Verdict::Retry,
                      response.describe(),
                      {},
                      Outbox::failureLabel(response.status, response.timedOut, response.tooLarge)});
            return;
        }
        const OutOfSessionVerdict verdict = self->interpret(response, subject);
        if (verdict.kind == OutOfSessionVerdict::Kind::AutoCreate) {
            InboundMessage again = message;
            again.afterOutOfSession = true;
            self->m_router.routeMessage(again);
        } else if (verdict.kind == OutOfSessionVerdict::Kind::Twiml) {
            const auto messages = CallbackParams::twimlMessages(verdict.twiml);
            if (!messages) {
                complete({Outbox::Verdict::Done, QString()});
                return;
            }
            try {
                const QSqlDatabase db = self->m_proxy.database().connection();
                Transaction tx(db);
                for (qsizetype n = 0; n < messages->size(); ++n) {
                    const CallbackParams::TwimlMessage &m = messages->at(n);
                    OutboundMessage out;
                    out.from = subject.number; // the number they texted…
                    out.to = message.from;     // …back to them, and to nobody else
                    out.body = m.body;
                    for (const QString &url : m.mediaUrls) {
                        if (usableMediaUrl(url) && out.mediaUrls.size() < MAX_MEDIA) {
                            out.mediaUrls.append(url);
                        }
                    }
                    out.accountSid = subject.accountSid;
                    out.serviceSid = subject.serviceSid;
                    OutboxItem send;
                    send.kind = Router::SEND_MESSAGE_KIND;
                    send.accountSid = subject.accountSid;
                    send.serviceSid = subject.serviceSid;
                    send.dedupeKey = u"oos-reply:%1:%2:%3"_s.arg(subject.accountSid, subject.resourceSid).arg(n);
                    send.url = self->m_router.carrier().messagesEndpoint();
                    send.payload = jsonText(out.toJson());
                    Outbox::enqueue(db, send, self->m_proxy.clock().now());
                }
                tx.commit();
            } catch (const StoreError &e) {
                complete({Outbox::Verdict::Retry, e.message()});
                return;
            }
            qCInfo(lcCallbacks).noquote() << "out-of-session TwiML for" << subject.resourceSid << "queued"
                                          << messages->size() << "message(s) to" << redactPhone(message.from);
            self->m_outbox.poke();
        }
        complete({Outbox::Verdict::Done, QString()});
    });
}

} // namespace Maskline
