#include <algorithm>

#include <QJsonObject>
#include <QPointer>

#include "callbacks.h"
#include "callbacks_p.h"
#include "core/clock.h"
#include "core/redact.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace CallbackDetail;

namespace {

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

} // namespace

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

} // namespace Maskline
