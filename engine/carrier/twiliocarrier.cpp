#include "twiliocarrier.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QUrl>

#include "apiclient.h"
#include "twiml.h"

Q_LOGGING_CATEGORY(lcTwilio, "maskline.carrier.twilio", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

// Only the start of an answer is read: the sid and status come first, an error body is short.
constexpr qint64 MAX_RESPONSE_BYTES = 256 * 1024;

QString encode(const QString &value)
{
    return QString::fromLatin1(value.toUtf8().toPercentEncoding());
}

QString trimmedBase(QString url)
{
    while (url.endsWith(u'/')) {
        url.chop(1);
    }
    return url;
}

// Twilio's error body: {"code": 21211, "message": "…", "more_info": "…", "status": 400}.
QString describeRefusal(int httpStatus, const QByteArray &body)
{
    QString text = u"HTTP %1"_s.arg(httpStatus);
    const QJsonObject error = QJsonDocument::fromJson(body).object();
    const int code = error.value(u"code"_s).toInt();
    const QString message = error.value(u"message"_s).toString();
    if (code != 0) {
        text += u", Twilio error %1"_s.arg(code);
    }
    if (!message.isEmpty()) {
        text += u": "_s + message.left(500);
    }
    return text;
}

} // namespace

TwilioCarrier::TwilioCarrier(TwilioConfig config, QObject *parent)
    : Carrier(parent)
    , m_config(std::move(config))
{
    m_config.apiUrl = trimmedBase(m_config.apiUrl);
    ApiClient::Config sender;
    sender.origin = QUrl(m_config.apiUrl);
    sender.connections = std::max(1, m_config.connections);
    sender.timeoutMs = m_config.requestTimeoutMs;
    sender.maxBodyBytes = MAX_RESPONSE_BYTES;
    m_sender = std::make_unique<ApiClient>(sender);
    m_sendHeaders = {
        {"Authorization", "Basic " + (m_config.accountSid + u':' + m_config.authToken).toUtf8().toBase64()},
        {"Accept", "application/json"},
        {"Content-Type", "application/x-www-form-urlencoded"},
    };
}

TwilioCarrier::~TwilioCarrier() = default;

QByteArray TwilioCarrier::messageForm(const OutboundMessage &message)
{
    QStringList fields{u"From="_s + encode(message.from), u"To="_s + encode(message.to)};
    if (!message.body.isEmpty()) {
        fields.append(u"Body="_s + encode(message.body));
    }
    for (const QString &url : message.mediaUrls) {
        fields.append(u"MediaUrl="_s + encode(url));
    }
    if (!message.statusCallback.isEmpty()) {
        fields.append(u"StatusCallback="_s + encode(message.statusCallback));
    }
    return fields.join(u'&').toLatin1();
}

QString TwilioCarrier::messagesEndpoint() const
{
    return m_config.apiUrl + u"/2010-04-01/Accounts/"_s + encode(m_config.accountSid) + u"/Messages.json"_s;
}

QNetworkRequest TwilioCarrier::apiRequest(const QUrl &url) const
{
    QNetworkRequest request(url);
    request.setRawHeader("Accept", "application/json");
    request.setRawHeader("User-Agent", "maskline/" MASKLINE_VERSION);
    request.setRawHeader("Authorization",
                         "Basic " + (m_config.accountSid + u':' + m_config.authToken).toUtf8().toBase64());
    request.setTransferTimeout(m_config.requestTimeoutMs);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
    return request;
}

void TwilioCarrier::sendMessage(const OutboundMessage &message, SendDone done)
{
    ApiClient::Request request;
    request.url = QUrl(messagesEndpoint());
    request.headers = m_sendHeaders;
    request.body = messageForm(message);
    const QString accountSid = m_config.accountSid;
    const QString apiUrl = m_config.apiUrl;
    m_sender->send(std::move(request), [done = std::move(done), accountSid, apiUrl](const ApiClient::Response &answer) {
        SendOutcome outcome;
        if (answer.status == 0) {
            outcome.kind = SendOutcome::Kind::Retry;
            outcome.error = answer.error;
            done(outcome);
            return;
        }
        const int status = answer.status;
        outcome.httpStatus = status;
        if (status >= 200 && status < 300) {
            const QJsonObject json = QJsonDocument::fromJson(answer.body).object();
            outcome.kind = SendOutcome::Kind::Accepted;
            outcome.resourceSid = json.value(u"sid"_s).toString();
            outcome.resourceStatus = json.value(u"status"_s).toString(u"queued"_s);
            if (!outcome.resourceSid.isEmpty()) {
                outcome.resourceUrl =
                    u"%1/2010-04-01/Accounts/%2/Messages/%3.json"_s.arg(apiUrl, accountSid, outcome.resourceSid);
            } else {
                qCWarning(lcTwilio) << "Messages API accepted a message but returned no sid";
            }
        } else if (status >= 500 || status == 429 || status == 408) {
            outcome.kind = SendOutcome::Kind::Retry;
            outcome.error = describeRefusal(status, answer.body);
        } else {
            outcome.kind = SendOutcome::Kind::Rejected;
            outcome.error = describeRefusal(status, answer.body);
        }
        done(outcome);
    });
}

CallAnswer TwilioCarrier::bridgeCall(const CallBridge &bridge)
{
    CallAnswer answer;
    answer.twiml = Twiml::dial({bridge.callerId, bridge.number, bridge.statusCallback});
    answer.outboundResourceStatus = u"initiated"_s;
    return answer;
}

QString TwilioCarrier::resourceUrl(const QString &collection, const QString &resourceSid,
                                   const QString &carrierAccountSid) const
{
    if (resourceSid.isEmpty()) {
        return {};
    }
    const QString account = carrierAccountSid.isEmpty() ? m_config.accountSid : carrierAccountSid;
    return u"%1/2010-04-01/Accounts/%2/%3/%4.json"_s.arg(m_config.apiUrl, account, collection, resourceSid);
}

} // namespace Maskline
