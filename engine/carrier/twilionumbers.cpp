#include "twilionumbers.h"

#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkReply>

#include "core/redact.h"
#include "core/sid.h"
#include "twiliocarrier.h"

Q_LOGGING_CATEGORY(lcTwilioNumbers, "maskline.carrier.twilio.numbers", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

constexpr qint64 MAX_RESPONSE_BYTES = 256 * 1024; // one IncomingPhoneNumber, or a list of the one that matched

QString encode(const QString &value)
{
    return QString::fromLatin1(value.toUtf8().toPercentEncoding());
}

// A reply that came back (or did not): the failure it means, or the JSON object of a 2xx.
struct Answer
{
    CarrierFailure failure;
    QJsonObject json;
};

Answer readReply(QNetworkReply *reply, const QString &apiUrl)
{
    Answer answer;
    CarrierFailure &f = answer.failure;
    const QVariant statusAttr = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
    const QByteArray body = reply->isOpen() ? reply->read(MAX_RESPONSE_BYTES) : QByteArray();
    if (!statusAttr.isValid()) {
        if (reply->error() == QNetworkReply::OperationCanceledError || reply->error() == QNetworkReply::TimeoutError) {
            f.kind = CarrierFailure::Kind::Timeout;
            f.detail = u"no answer from %1 within the time limit"_s.arg(apiUrl);
        } else {
            f.kind = CarrierFailure::Kind::Unreachable;
            f.detail = u"cannot reach %1: %2"_s.arg(apiUrl, redactText(reply->errorString()));
        }
        return answer;
    }
    f.httpStatus = statusAttr.toInt();
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &parseError);
    if (f.httpStatus >= 200 && f.httpStatus < 300) {
        if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
            f.kind = CarrierFailure::Kind::Malformed;
            f.detail = u"HTTP %1 from %2 without the JSON object the API documents"_s.arg(f.httpStatus).arg(apiUrl);
            return answer;
        }
        answer.json = doc.object();
        return answer;
    }
    const QJsonObject error = doc.object();
    f.carrierCode = error.value(u"code"_s).toInt();
    f.detail = u"HTTP %1 from %2"_s.arg(f.httpStatus).arg(apiUrl);
    if (f.carrierCode != 0) {
        f.detail += u", Twilio error %1"_s.arg(f.carrierCode);
    }
    const QString message = error.value(u"message"_s).toString();
    if (!message.isEmpty()) {
        f.detail += u": "_s + redactText(message.left(300));
    }
    if (f.httpStatus == 404) {
        f.kind = CarrierFailure::Kind::NotFound;
    } else if (f.httpStatus == 401 || f.httpStatus == 403) {
        f.kind = CarrierFailure::Kind::Unauthorized;
    } else if (f.httpStatus >= 500 || f.httpStatus == 429) {
        f.kind = CarrierFailure::Kind::Unavailable;
    } else {
        f.kind = CarrierFailure::Kind::Refused;
    }
    return answer;
}

bool flag(const QJsonObject &capabilities, const QString &name)
{
    // The 2010 API spells them lower case; some SDK fixtures capitalise them.
    for (auto it = capabilities.constBegin(); it != capabilities.constEnd(); ++it) {
        if (it.key().compare(name, Qt::CaseInsensitive) == 0) {
            return it.value().toBool();
        }
    }
    return false;
}

} // namespace

TwilioNumbers::TwilioNumbers(TwilioCarrier &carrier, QObject *parent)
    : CarrierNumbers(parent)
    , m_carrier(carrier)
{}

TwilioNumbers::~TwilioNumbers() = default;

QString TwilioNumbers::numbersUrl() const
{
    const TwilioConfig &c = m_carrier.config();
    return c.apiUrl + u"/2010-04-01/Accounts/"_s + encode(c.accountSid) + u"/IncomingPhoneNumbers"_s;
}

CarrierNumberLookup TwilioNumbers::readNumber(const QJsonObject &json)
{
    CarrierNumberLookup lookup;
    CarrierNumber &n = lookup.number;
    n.sid = json.value(u"sid"_s).toString();
    n.phoneNumber = json.value(u"phone_number"_s).toString();
    const bool e164 =
        n.phoneNumber.size() > 2 && n.phoneNumber.startsWith(u'+') &&
        std::all_of(n.phoneNumber.cbegin() + 1, n.phoneNumber.cend(), [](QChar c) { return c.isDigit(); });
    if (!Sid::isValid(n.sid, Sid::PHONE_NUMBER) || !e164 || !json.value(u"capabilities"_s).isObject()) {
        lookup.failure.kind = CarrierFailure::Kind::Malformed;
        lookup.failure.httpStatus = 200;
        lookup.failure.detail =
            u"the carrier's IncomingPhoneNumber has no valid sid, E.164 phone_number or capabilities object"_s;
        return lookup;
    }
    n.friendlyName = json.value(u"friendly_name"_s).toString();
    n.isoCountry = json.value(u"iso_country"_s).toString().toUpper();
    const QJsonObject caps = json.value(u"capabilities"_s).toObject();
    n.capabilities =
        Capabilities{flag(caps, u"voice"_s), flag(caps, u"sms"_s), flag(caps, u"mms"_s), flag(caps, u"fax"_s)};
    n.webhooks = NumberWebhooks{json.value(u"sms_url"_s).toString(), json.value(u"sms_method"_s).toString(),
                                json.value(u"voice_url"_s).toString(), json.value(u"voice_method"_s).toString()};
    return lookup;
}

QByteArray TwilioNumbers::webhookForm(const NumberWebhooks &webhooks)
{
    QStringList fields{u"SmsUrl="_s + encode(webhooks.smsUrl)};
    if (!webhooks.smsMethod.isEmpty()) {
        fields.append(u"SmsMethod="_s + encode(webhooks.smsMethod));
    }
    fields.append(u"VoiceUrl="_s + encode(webhooks.voiceUrl));
    if (!webhooks.voiceMethod.isEmpty()) {
        fields.append(u"VoiceMethod="_s + encode(webhooks.voiceMethod));
    }
    return fields.join(u'&').toLatin1();
}

void TwilioNumbers::fetchBySid(const QString &sid, LookupDone done)
{
    QNetworkReply *reply =
        m_carrier.network().get(m_carrier.apiRequest(QUrl(numbersUrl() + u'/' + encode(sid) + u".json"_s)));
    const QString apiUrl = m_carrier.config().apiUrl;
    connect(reply, &QNetworkReply::finished, this, [reply, apiUrl, done = std::move(done)]() {
        reply->deleteLater();
        Answer answer = readReply(reply, apiUrl);
        if (answer.failure.failed()) {
            done(CarrierNumberLookup{answer.failure, {}});
            return;
        }
        done(readNumber(answer.json));
    });
}

void TwilioNumbers::findByPhoneNumber(const QString &e164, LookupDone done)
{
    // '+' must reach the API as %2B: a literal '+' in a query is read as a space by form decoding.
    const QUrl url(numbersUrl() + u".json?PhoneNumber="_s + encode(e164));
    QNetworkReply *reply = m_carrier.network().get(m_carrier.apiRequest(url));
    const QString apiUrl = m_carrier.config().apiUrl;
    connect(reply, &QNetworkReply::finished, this, [reply, apiUrl, e164, done = std::move(done)]() {
        reply->deleteLater();
        Answer answer = readReply(reply, apiUrl);
        if (answer.failure.failed()) {
            done(CarrierNumberLookup{answer.failure, {}});
            return;
        }
        const QJsonValue list = answer.json.value(u"incoming_phone_numbers"_s);
        if (!list.isArray()) {
            CarrierNumberLookup lookup;
            lookup.failure = {CarrierFailure::Kind::Malformed, answer.failure.httpStatus, 0,
                              u"the carrier's IncomingPhoneNumbers list has no incoming_phone_numbers array"_s};
            done(lookup);
            return;
        }
        // The filter is exact at Twilio; the list is still checked, so a fake or a proxy that ignores it cannot
        // hand over some other number.
        for (const QJsonValue &item : list.toArray()) {
            if (item.toObject().value(u"phone_number"_s).toString() == e164) {
                done(readNumber(item.toObject()));
                return;
            }
        }
        CarrierNumberLookup lookup;
        lookup.failure = {CarrierFailure::Kind::NotFound, answer.failure.httpStatus, 0,
                          u"the carrier account does not own the number"_s};
        done(lookup);
    });
}

void TwilioNumbers::setWebhooks(const QString &sid, const NumberWebhooks &webhooks, UpdateDone done)
{
    QNetworkRequest request = m_carrier.apiRequest(QUrl(numbersUrl() + u'/' + encode(sid) + u".json"_s));
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
    QNetworkReply *reply = m_carrier.network().post(request, webhookForm(webhooks));
    const QString apiUrl = m_carrier.config().apiUrl;
    connect(reply, &QNetworkReply::finished, this, [reply, apiUrl, sid, done = std::move(done)]() {
        reply->deleteLater();
        const Answer answer = readReply(reply, apiUrl);
        if (answer.failure.failed()) {
            qCWarning(lcTwilioNumbers).noquote()
                << "updating the webhooks of" << sid << "failed:" << answer.failure.detail;
        }
        done(answer.failure);
    });
}

} // namespace Maskline
