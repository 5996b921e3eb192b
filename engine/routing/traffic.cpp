#include "traffic.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

QJsonArray pairsToJson(const CarrierParams &params)
{
    QJsonArray array;
    for (const auto &[name, value] : params) {
        array.append(QJsonArray{name, value});
    }
    return array;
}

CarrierParams pairsFromJson(const QJsonArray &array)
{
    CarrierParams params;
    for (const QJsonValue &pair : array) {
        const QJsonArray p = pair.toArray();
        params.append({p.at(0).toString(), p.at(1).toString()});
    }
    return params;
}

} // namespace

QString formEncode(const CarrierParams &params)
{
    QStringList parts;
    parts.reserve(params.size());
    for (const auto &[name, value] : params) {
        parts.append(QString::fromLatin1(name.toUtf8().toPercentEncoding()) + u'=' +
                     QString::fromLatin1(value.toUtf8().toPercentEncoding()));
    }
    return parts.join(u'&');
}

QJsonObject InboundMessage::toJson() const
{
    return {
        {u"from"_s, from},
        {u"to"_s, to},
        {u"body"_s, body},
        {u"media_urls"_s, QJsonArray::fromStringList(mediaUrls)},
        {u"message_sid"_s, messageSid},
        {u"carrier_account_sid"_s, carrierAccountSid},
        {u"callback_base"_s, callbackBase},
        {u"carrier_params"_s, pairsToJson(carrierParams)},
        {u"only_account_sid"_s, onlyAccountSid},
        {u"request_url"_s, requestUrl},
        {u"after_out_of_session"_s, afterOutOfSession},
    };
}

InboundMessage InboundMessage::fromJson(const QJsonObject &json)
{
    InboundMessage m;
    m.from = json.value(u"from"_s).toString();
    m.to = json.value(u"to"_s).toString();
    m.body = json.value(u"body"_s).toString();
    m.mediaUrls = json.value(u"media_urls"_s).toVariant().toStringList();
    m.messageSid = json.value(u"message_sid"_s).toString();
    m.carrierAccountSid = json.value(u"carrier_account_sid"_s).toString();
    m.callbackBase = json.value(u"callback_base"_s).toString();
    m.carrierParams = pairsFromJson(json.value(u"carrier_params"_s).toArray());
    m.onlyAccountSid = json.value(u"only_account_sid"_s).toString();
    m.requestUrl = json.value(u"request_url"_s).toString();
    m.afterOutOfSession = json.value(u"after_out_of_session"_s).toBool();
    return m;
}

} // namespace Maskline
