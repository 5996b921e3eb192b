#include "carrier.h"

#include <QJsonArray>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

QJsonObject OutboundMessage::toJson() const
{
    return QJsonObject{
        {u"from"_s, from},
        {u"to"_s, to},
        {u"body"_s, body},
        {u"media_urls"_s, QJsonArray::fromStringList(mediaUrls)},
        {u"status_callback"_s, statusCallback},
        {u"account_sid"_s, accountSid},
        {u"service_sid"_s, serviceSid},
        {u"session_sid"_s, sessionSid},
        {u"interaction_sid"_s, interactionSid},
    };
}

OutboundMessage OutboundMessage::fromJson(const QJsonObject &json)
{
    OutboundMessage m;
    m.from = json.value(u"from"_s).toString();
    m.to = json.value(u"to"_s).toString();
    m.body = json.value(u"body"_s).toString();
    for (const QJsonValue &url : json.value(u"media_urls"_s).toArray()) {
        m.mediaUrls.append(url.toString());
    }
    m.statusCallback = json.value(u"status_callback"_s).toString();
    m.accountSid = json.value(u"account_sid"_s).toString();
    m.serviceSid = json.value(u"service_sid"_s).toString();
    m.sessionSid = json.value(u"session_sid"_s).toString();
    m.interactionSid = json.value(u"interaction_sid"_s).toString();
    return m;
}

Carrier::Carrier(QObject *parent)
    : QObject(parent)
{}

Carrier::~Carrier() = default;

} // namespace Maskline
