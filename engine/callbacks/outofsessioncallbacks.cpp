#include <algorithm>

#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QUrl>

#include "callbacks.h"
#include "callbacks_p.h"
#include "carrier/carrier.h"
#include "carrier/twiml.h"
#include "core/clock.h"
#include "core/redact.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "store/database.h"
#include "store/sqlquery.h"
#include "store/transaction.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace CallbackDetail;

namespace {

constexpr int MAX_MEDIA = 10;

bool usableMediaUrl(const QString &url)
{
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    return parsed.isValid() && !parsed.host().isEmpty() && (scheme == u"https"_s || scheme == u"http"_s);
}

} // namespace

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
