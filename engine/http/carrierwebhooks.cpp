#include "carrierwebhooks.h"

#include <memory>
#include <optional>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

#include "carrier/carrier.h"
#include "carrier/signature.h"
#include "carrier/twiml.h"
#include "core/redact.h"
#include "core/sid.h"
#include "routing/router.h"

Q_LOGGING_CATEGORY(lcWebhooks, "maskline.carrier.webhooks", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

const QString CarrierWebhooks::TWILIO_SMS = u"/carrier/twilio/sms"_s;
const QString CarrierWebhooks::TWILIO_VOICE = u"/carrier/twilio/voice"_s;
const QString CarrierWebhooks::TWILIO_STATUS = u"/carrier/twilio/status"_s;
const QString CarrierWebhooks::SIMULATOR_SMS = u"/carrier/simulator/sms"_s;
const QString CarrierWebhooks::SIMULATOR_VOICE = u"/carrier/simulator/voice"_s;

namespace {

constexpr int MAX_MEDIA = 10;

QString valueIn(const QList<std::pair<QString, QString>> &items, const QString &name)
{
    for (const auto &[key, value] : items) {
        if (key == name) {
            return value;
        }
    }
    return {};
}

WebhookResponse twiml(const QByteArray &document, int status = 200)
{
    return {status, Twiml::CONTENT_TYPE.toByteArray(), document};
}

WebhookResponse plain(int status, const QString &text)
{
    return {status, QByteArrayLiteral("text/plain; charset=utf-8"), text.toUtf8() + '\n'};
}

WebhookResponse json(int status, const QJsonObject &object)
{
    return {status, QByteArrayLiteral("application/json"), QJsonDocument(object).toJson(QJsonDocument::Compact)};
}

QString outcomeName(RouteResult::Outcome outcome)
{
    switch (outcome) {
    case RouteResult::Outcome::Forwarded:
        return u"forwarded"_s;
    case RouteResult::Outcome::Duplicate:
        return u"duplicate"_s;
    case RouteResult::Outcome::UnknownNumber:
        return u"unknown-number"_s;
    case RouteResult::Outcome::OutOfSession:
        return u"out-of-session"_s;
    case RouteResult::Outcome::NoPartner:
        return u"no-partner"_s;
    case RouteResult::Outcome::ModeRejected:
        return u"mode-rejected"_s;
    case RouteResult::Outcome::OptOut:
        return u"opt-out"_s;
    case RouteResult::Outcome::Blocked:
        return u"blocked"_s;
    case RouteResult::Outcome::Failed:
        return u"failed"_s;
    case RouteResult::Outcome::Pending:
        return u"pending"_s;
    }
    return u"failed"_s;
}

// MediaUrl0 … MediaUrl{NumMedia-1}; NumMedia is bounded, so a hostile value costs nothing.
QStringList mediaUrls(const WebhookRequest &request)
{
    bool ok = false;
    const int count = std::clamp(request.formValue(u"NumMedia"_s).toInt(&ok), 0, MAX_MEDIA);
    QStringList urls;
    for (int i = 0; ok && i < count; ++i) {
        const QString url = request.formValue(u"MediaUrl%1"_s.arg(i));
        if (!url.isEmpty()) {
            urls.append(url);
        }
    }
    return urls;
}

QString carrierAccount(const WebhookRequest &request)
{
    const QString sid = request.formValue(u"AccountSid"_s);
    return Sid::isValid(sid, Sid::ACCOUNT) ? sid : QString();
}

} // namespace

QByteArray WebhookRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0) {
            return value;
        }
    }
    return {};
}

QString WebhookRequest::formValue(const QString &name) const
{
    return valueIn(form, name);
}

QString WebhookRequest::queryValue(const QString &name) const
{
    return valueIn(query, name);
}

CarrierWebhooks::CarrierWebhooks(Router &router, WebhookConfig config, QObject *parent)
    : QObject(parent)
    , m_router(router)
    , m_config(config)
{
    if (!m_config.verifySignatures) {
        qCWarning(lcWebhooks) << "X-Twilio-Signature checks are OFF (--webhook-signature off): anyone who can reach "
                                 "/carrier/twilio/* can inject traffic. Use this for local testing only.";
    }
}

CarrierWebhooks::~CarrierWebhooks() = default;

bool CarrierWebhooks::signatureValid(const WebhookRequest &request) const
{
    if (!m_config.verifySignatures) {
        return true;
    }
    const QString key = m_router.carrier().webhookSigningKey();
    const QByteArray signature = request.header("x-twilio-signature").trimmed();
    return TwilioSignature::validate(key, request.url, request.form, signature);
}

WebhookResponse CarrierWebhooks::handle(const WebhookRequest &request)
{
    auto answer = std::make_shared<std::optional<WebhookResponse>>();
    handle(request, [answer](const WebhookResponse &r) { *answer = r; });
    if (*answer) {
        return **answer;
    }
    return plain(503, u"this request waits for a callback; use the asynchronous handle()"_s);
}

void CarrierWebhooks::handle(const WebhookRequest &request, Done done)
{
    if (request.path == SIMULATOR_SMS || request.path == SIMULATOR_VOICE) {
        simulator(request, request.path == SIMULATOR_VOICE, done);
        return;
    }
    const bool twilio = request.path == TWILIO_SMS || request.path == TWILIO_VOICE || request.path == TWILIO_STATUS;
    if (!twilio) {
        done(plain(404, u"no carrier webhook at %1"_s.arg(request.path.left(200))));
        return;
    }
    if (request.method != u"POST"_s) {
        done(plain(405, u"carrier webhooks are POST requests"_s));
        return;
    }
    // Checked before anything is read or written: a request that fails it changes nothing.
    if (!signatureValid(request)) {
        qCWarning(lcWebhooks).noquote() << "refused" << request.path << "with a"
                                        << (request.header("x-twilio-signature").isEmpty() ? "missing" : "wrong")
                                        << "X-Twilio-Signature for" << redactText(request.url.left(300));
        done(plain(403, m_router.carrier().webhookSigningKey().isEmpty()
                            ? u"X-Twilio-Signature cannot be checked: no Twilio auth token is configured"_s
                            : u"X-Twilio-Signature is missing or does not match this request"_s));
        return;
    }
    if (request.path == TWILIO_SMS) {
        done(twilioSms(request));
    } else if (request.path == TWILIO_VOICE) {
        twilioVoice(request, done);
    } else {
        done(twilioStatus(request));
    }
}

WebhookResponse CarrierWebhooks::twilioSms(const WebhookRequest &request)
{
    InboundMessage m;
    m.from = request.formValue(u"From"_s);
    m.to = request.formValue(u"To"_s);
    m.body = request.formValue(u"Body"_s);
    m.messageSid = request.formValue(u"MessageSid"_s);
    if (m.messageSid.isEmpty()) {
        m.messageSid = request.formValue(u"SmsMessageSid"_s);
    }
    if (m.from.isEmpty() || m.to.isEmpty() || !Router::isCarrierSid(m.messageSid)) {
        return plain(400, u"an incoming-message webhook needs From, To and a MessageSid"_s);
    }
    m.mediaUrls = mediaUrls(request);
    m.carrierAccountSid = carrierAccount(request);
    m.callbackBase = request.baseUrl;
    m.carrierParams = request.form;
    m.requestUrl = request.url;
    const RouteResult result = m_router.routeMessage(m);
    if (result.outcome == RouteResult::Outcome::Failed) {
        return twiml(Twiml::empty(), 500); // nothing was recorded: the carrier may retry
    }
    return twiml(result.twiml);
}

void CarrierWebhooks::twilioVoice(const WebhookRequest &request, const Done &done)
{
    InboundCall c;
    c.from = request.formValue(u"From"_s);
    c.to = request.formValue(u"To"_s);
    c.callSid = request.formValue(u"CallSid"_s);
    if (c.to.isEmpty() || !Router::isCarrierSid(c.callSid)) {
        done(plain(400, u"an incoming-call webhook needs To and a CallSid"_s));
        return;
    }
    c.carrierAccountSid = carrierAccount(request);
    c.callbackBase = request.baseUrl;
    c.carrierParams = request.form;
    c.requestUrl = request.url;
    m_router.routeCall(c, [done](const RouteResult &result) {
        if (result.outcome == RouteResult::Outcome::Failed) {
            done(twiml(Twiml::reject(), 500));
            return;
        }
        done(twiml(result.twiml));
    });
}

WebhookResponse CarrierWebhooks::twilioStatus(const WebhookRequest &request)
{
    StatusReport report;
    report.interactionSid = request.queryValue(u"interaction"_s);
    if (!report.interactionSid.isEmpty() && !Sid::isValid(report.interactionSid, Sid::INTERACTION)) {
        return plain(400, u"interaction must be a KI SID"_s);
    }
    report.messageStatus = request.formValue(u"MessageStatus"_s);
    report.callStatus = request.formValue(u"CallStatus"_s);
    report.resourceSid = request.formValue(report.callStatus.isEmpty() ? u"MessageSid"_s : u"CallSid"_s);
    if (report.resourceSid.isEmpty() && report.callStatus.isEmpty()) {
        report.resourceSid = request.formValue(u"SmsSid"_s);
    }
    if (report.messageStatus.isEmpty() && report.callStatus.isEmpty()) {
        report.messageStatus = request.formValue(u"SmsStatus"_s);
    }
    report.callDuration = request.formValue(u"CallDuration"_s);
    report.errorCode = request.formValue(u"ErrorCode"_s);
    if ((report.messageStatus.isEmpty() && report.callStatus.isEmpty()) ||
        (!report.resourceSid.isEmpty() && !Router::isCarrierSid(report.resourceSid)) ||
        (report.resourceSid.isEmpty() && report.interactionSid.isEmpty())) {
        return plain(400, u"a status callback needs MessageStatus or CallStatus and the MessageSid or CallSid"_s);
    }
    const Result<Interaction> applied = m_router.applyStatus(report);
    if (!applied) {
        // Acknowledged anyway: the carrier cannot do anything about a status for an interaction deleted since.
        qCInfo(lcWebhooks).noquote() << "status callback not applied:" << redactText(applied.error().message);
    }
    return {204, QByteArray(), QByteArray()};
}

void CarrierWebhooks::simulator(const WebhookRequest &request, bool voice, const Done &done)
{
    if (request.accountSid.isEmpty()) {
        done(json(401, {{u"code"_s, 20003}, {u"message"_s, u"Authenticate"_s}, {u"status"_s, 401}}));
        return;
    }
    if (m_router.carrier().name() != u"simulator"_s) {
        done(json(404, {{u"code"_s, 20404},
                        {u"message"_s,
                         u"The simulator is not the active carrier (it is %1); traffic can only be "
                         u"injected while Maskline runs with --carrier simulator"_s.arg(m_router.carrier().name())},
                        {u"status"_s, 404}}));
        return;
    }
    const QString from = request.formValue(u"From"_s);
    const QString to = request.formValue(u"To"_s);
    if (from.isEmpty() || to.isEmpty()) {
        done(json(400, {{u"code"_s, 80701}, {u"message"_s, u"From and To are required"_s}, {u"status"_s, 400}}));
        return;
    }
    const auto report = [done](const RouteResult &result) {
        QJsonArray codes;
        for (const int code : std::as_const(result.debuggerCodes)) {
            codes.append(code);
        }
        done(json(result.outcome == RouteResult::Outcome::Failed ? 500 : 200,
                  {{u"outcome"_s, outcomeName(result.outcome)},
                   {u"interaction_sid"_s,
                    result.interaction.sid.isEmpty() ? QJsonValue() : QJsonValue(result.interaction.sid)},
                   {u"session_sid"_s, result.sessionSid.isEmpty() ? QJsonValue() : QJsonValue(result.sessionSid)},
                   {u"debugger_codes"_s, codes},
                   {u"twiml"_s, QString::fromUtf8(result.twiml)},
                   {u"detail"_s, result.detail}}));
    };
    if (voice) {
        InboundCall c;
        c.from = from;
        c.to = to;
        c.callSid = request.formValue(u"CallSid"_s);
        if (!c.callSid.isEmpty() && !Router::isCarrierSid(c.callSid)) {
            done(json(400, {{u"code"_s, 80701}, {u"message"_s, u"CallSid is not a CA SID"_s}, {u"status"_s, 400}}));
            return;
        }
        c.onlyAccountSid = request.accountSid;
        c.callbackBase = request.baseUrl;
        c.carrierParams = request.form;
        c.requestUrl = request.url;
        m_router.injectVoice(c, report);
        return;
    }
    InboundMessage m;
    m.from = from;
    m.to = to;
    m.body = request.formValue(u"Body"_s);
    m.messageSid = request.formValue(u"MessageSid"_s);
    if (!m.messageSid.isEmpty() && !Router::isCarrierSid(m.messageSid)) {
        done(json(400, {{u"code"_s, 80701}, {u"message"_s, u"MessageSid is not an SM SID"_s}, {u"status"_s, 400}}));
        return;
    }
    m.mediaUrls = mediaUrls(request);
    m.onlyAccountSid = request.accountSid;
    m.callbackBase = request.baseUrl;
    m.carrierParams = request.form;
    m.requestUrl = request.url;
    report(m_router.injectMessage(m));
}

} // namespace Maskline
