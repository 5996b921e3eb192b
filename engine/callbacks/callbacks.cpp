#include "callbacks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QUrl>

#include "callbacks_p.h"
#include "core/callbacktarget.h"
#include "core/clock.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "store/accountstable.h"
#include "store/database.h"
#include "store/servicestable.h"
#include "store/sqlquery.h"

Q_LOGGING_CATEGORY(lcCallbacks, "maskline.callbacks", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace CallbackDetail;

const QString Callbacks::STATUS_KIND = u"callback.status"_s;
const QString Callbacks::INTERCEPT_KIND = u"callback.intercept"_s;
const QString Callbacks::OUT_OF_SESSION_KIND = u"callback.out_of_session"_s;

namespace {

// Extra time an attempt may take beyond its HTTP timeout before the outbox considers it lost (a crash) and redoes it.
constexpr qint64 CLAIM_MARGIN_MS = 30000;

} // namespace

namespace CallbackDetail {

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

QByteArray idempotencyToken(const OutboxItem &item)
{
    return (item.dedupeKey.isEmpty() ? u"outbox-%1"_s.arg(item.id) : item.dedupeKey).toUtf8();
}

QString seconds(qint64 ms)
{
    return QString::number(double(ms) / 1000.0, 'g', 3);
}

} // namespace CallbackDetail

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
    return AccountsTable::authToken(m_proxy.database().connection(), accountSid);
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
    // A Service without a CallbackUrl (or gone) queues nothing (queueStatus ignores an empty URL).
    return queueStatus(db, ServicesTable::callbackUrl(db, after.serviceSid), after);
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

} // namespace Maskline
