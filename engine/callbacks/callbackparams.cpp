#include "callbackparams.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QXmlStreamReader>

#include "core/clock.h"
#include "routing/routinghooks.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::CallbackParams {

namespace {

constexpr int MAX_MEDIA = 10;
constexpr int MAX_MESSAGES = 10;

QString iso(const QDateTime &t)
{
    return t.isValid() ? Time::toIso(t) : QString();
}

QString lowerType(const QString &type)
{
    return type.toLower();
}

void addLeg(Params &params, const QString &prefix, const InteractionLeg &leg)
{
    params.append({prefix + u"ParticipantSid"_s, leg.participantSid});
    params.append({prefix + u"ResourceSid"_s, leg.resourceSid});
    params.append({prefix + u"ResourceStatus"_s, leg.resourceStatus});
    params.append({prefix + u"ResourceType"_s, lowerType(leg.resourceType)});
    params.append({prefix + u"ResourceUrl"_s, leg.resourceUrl});
}

void addParticipant(Params &params, const QString &prefix, const Participant &p)
{
    params.append({prefix + u"Sid"_s, p.sid});
    params.append({prefix + u"Identifier"_s, p.identifier});
    params.append({prefix + u"FriendlyName"_s, p.friendlyName});
    params.append({prefix + u"ProxyIdentifier"_s, p.proxyIdentifier});
    params.append({prefix + u"ProxyIdentifierSid"_s, p.proxyIdentifierSid});
    params.append({prefix + u"AccountSid"_s, p.accountSid});
    params.append({prefix + u"ServiceSid"_s, p.serviceSid});
    params.append({prefix + u"SessionSid"_s, p.sessionSid});
    params.append({prefix + u"DateCreated"_s, iso(p.dateCreated)});
    params.append({prefix + u"DateUpdated"_s, iso(p.dateUpdated)});
}

ApiError unusable(const QString &why)
{
    return ApiError::make(80905, 400, why);
}

} // namespace

Params interaction(const Interaction &i, bool withOutbound)
{
    Params params{
        {u"interactionSid"_s, i.sid},
        {u"interactionSessionSid"_s, i.sessionSid},
        {u"interactionServiceSid"_s, i.serviceSid},
        {u"interactionAccountSid"_s, i.accountSid},
        {u"interactionType"_s, i.type},
        {u"interactionData"_s, i.data},
        {u"interactionDateCreated"_s, iso(i.dateCreated)},
        {u"interactionDateUpdated"_s, iso(i.dateUpdated)},
    };
    addLeg(params, u"inbound"_s, i.inbound);
    if (withOutbound) {
        addLeg(params, u"outbound"_s, i.outbound);
    }
    const QStringList media =
        QJsonDocument::fromJson(i.data.toUtf8()).object().value(u"media_urls"_s).toVariant().toStringList();
    if (!media.isEmpty()) {
        params.append({u"NumMedia"_s, QString::number(media.size())});
        for (qsizetype n = 0; n < media.size(); ++n) {
            params.append({u"MediaUrl%1"_s.arg(n), media.at(n)});
        }
    }
    return params;
}

Params outOfSession(const OutOfSessionContext &context)
{
    Params ours;
    if (context.previousSession) {
        const Session &s = *context.previousSession;
        ours.append({u"sessionSid"_s, s.sid});
        ours.append({u"sessionUniqueName"_s, s.uniqueName});
        ours.append({u"sessionAccountSid"_s, s.accountSid});
        ours.append({u"sessionServiceSid"_s, s.serviceSid});
        ours.append({u"sessionStatus"_s, s.status});
        ours.append({u"sessionMode"_s, s.mode});
        ours.append({u"sessionClosedReason"_s, s.closedReason});
        ours.append({u"sessionTtl"_s, QString::number(s.ttl)});
        ours.append({u"sessionDateExpiry"_s, iso(s.dateExpiry)});
        ours.append({u"sessionDateCreated"_s, iso(s.dateCreated)});
        ours.append({u"sessionDateUpdated"_s, iso(s.dateUpdated)});
        ours.append({u"sessionDateEnded"_s, iso(s.dateEnded)});
        if (context.inboundParticipant) {
            addParticipant(ours, u"inboundParticipant"_s, *context.inboundParticipant);
        }
        if (context.outboundParticipant) {
            addParticipant(ours, u"outboundParticipant"_s, *context.outboundParticipant);
        }
    }
    QSet<QString> names;
    for (const auto &[name, value] : std::as_const(ours)) {
        names.insert(name);
    }
    Params params;
    for (const auto &[name, value] : context.carrierParams) {
        if (!names.contains(name)) {
            params.append({name, value});
        }
    }
    return params + ours;
}

QString mediaType(const QByteArray &contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    return QString::fromLatin1(semicolon < 0 ? contentType : contentType.left(semicolon)).trimmed().toLower();
}

bool isJson(const QByteArray &contentType)
{
    return mediaType(contentType) == u"application/json"_s;
}

bool isTwiml(const QByteArray &contentType)
{
    const QString type = mediaType(contentType);
    return type == u"application/xml"_s || type == u"text/xml"_s;
}

QString checkTwiml(const QByteArray &body)
{
    QXmlStreamReader xml(body);
    bool sawRoot = false;
    while (!xml.atEnd()) {
        const QXmlStreamReader::TokenType token = xml.readNext();
        if (token == QXmlStreamReader::DTD) {
            return u"the TwiML has a DOCTYPE, which TwiML never needs"_s;
        }
        if (token == QXmlStreamReader::StartElement && !sawRoot) {
            sawRoot = true;
            if (xml.name() != u"Response"_s) {
                return u"the TwiML's root element is <%1>, not <Response>"_s.arg(xml.name().toString().left(40));
            }
        }
    }
    if (xml.hasError()) {
        return u"the TwiML is not well-formed XML (%1 at line %2)"_s.arg(xml.errorString()).arg(xml.lineNumber());
    }
    if (!sawRoot) {
        return u"the TwiML is empty"_s;
    }
    return {};
}

Result<QList<TwimlMessage>> twimlMessages(const QByteArray &body)
{
    if (const QString why = checkTwiml(body); !why.isEmpty()) {
        return unusable(why);
    }
    QXmlStreamReader xml(body);
    QList<TwimlMessage> messages;
    int depth = 0;
    while (!xml.atEnd()) {
        const QXmlStreamReader::TokenType token = xml.readNext();
        if (token == QXmlStreamReader::EndElement) {
            --depth;
            continue;
        }
        if (token != QXmlStreamReader::StartElement) {
            continue;
        }
        ++depth;
        // Only <Message> verbs directly under <Response>.
        if (depth != 2 || xml.name() != u"Message"_s) {
            continue;
        }
        TwimlMessage message;
        QString text;
        int inner = 0;
        while (!xml.atEnd()) {
            const QXmlStreamReader::TokenType t = xml.readNext();
            if (t == QXmlStreamReader::Characters && inner == 0) {
                text += xml.text();
            } else if (t == QXmlStreamReader::StartElement) {
                if (inner == 0 && xml.name() == u"Body"_s) {
                    message.body += xml.readElementText(QXmlStreamReader::SkipChildElements);
                } else if (inner == 0 && xml.name() == u"Media"_s) {
                    const QString url = xml.readElementText(QXmlStreamReader::SkipChildElements).trimmed();
                    if (!url.isEmpty() && message.mediaUrls.size() < MAX_MEDIA) {
                        message.mediaUrls.append(url);
                    }
                } else {
                    ++inner;
                }
            } else if (t == QXmlStreamReader::EndElement) {
                if (inner == 0) {
                    break; // </Message>
                }
                --inner;
            }
        }
        --depth;
        if (message.body.isEmpty()) {
            message.body = text.trimmed();
        }
        if (!message.body.isEmpty() || !message.mediaUrls.isEmpty()) {
            messages.append(message);
        }
        if (messages.size() == MAX_MESSAGES) {
            break;
        }
    }
    if (xml.hasError()) {
        return unusable(u"the TwiML is not well-formed XML (%1)"_s.arg(xml.errorString()));
    }
    return messages;
}

Result<AutoCreate> parseAutoCreate(const QByteArray &body)
{
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(body, &error);
    if (error.error != QJsonParseError::NoError) {
        return unusable(u"the reply is not valid JSON (%1 at offset %2)"_s.arg(error.errorString()).arg(error.offset));
    }
    if (!doc.isObject()) {
        return unusable(u"the reply is JSON but not an object"_s);
    }
    const QJsonObject json = doc.object();
    AutoCreate create;
    const auto text = [&](const QString &key, std::optional<QString> &into) -> bool {
        const QJsonValue v = json.value(key);
        if (v.isUndefined() || v.isNull()) {
            return true;
        }
        if (!v.isString()) {
            return false;
        }
        into = v.toString();
        return true;
    };
    const QJsonValue identifier = json.value(u"participantIdentifier"_s);
    if (!identifier.isString() || identifier.toString().trimmed().isEmpty()) {
        return unusable(u"the auto-create JSON has no participantIdentifier (the real number of the second "
                        u"participant, a string)"_s);
    }
    create.participantIdentifier = identifier.toString().trimmed();
    for (const auto &[key, field] :
         {std::pair{u"participantProxyIdentifier"_s, &create.participantProxyIdentifier},
          std::pair{u"uniqueName"_s, &create.uniqueName}, std::pair{u"mode"_s, &create.mode}}) {
        if (!text(key, *field)) {
            return unusable(u"%1 in the auto-create JSON must be a string"_s.arg(key));
        }
    }
    const QJsonValue ttl = json.value(u"ttl"_s);
    if (!ttl.isUndefined() && !ttl.isNull()) {
        bool ok = false;
        qint64 seconds = -1;
        if (ttl.isDouble()) {
            const double d = ttl.toDouble();
            // Range first: converting a double outside qint64's range (1e300) is undefined behaviour.
            ok = d >= 0 && d < 2147483647.0 && d == double(qint64(d));
            seconds = ok ? qint64(d) : -1;
        } else if (ttl.isString()) {
            seconds = ttl.toString().trimmed().toLongLong(&ok);
            ok = ok && seconds >= 0 && seconds < 2147483647;
        }
        if (!ok) {
            return unusable(u"ttl in the auto-create JSON must be a whole number of seconds from 0 to 2147483646"_s);
        }
        create.ttl = seconds;
    }
    const QJsonValue expiry = json.value(u"dateExpiry"_s);
    if (!expiry.isUndefined() && !expiry.isNull()) {
        const QDateTime when = expiry.isString() ? Time::parseIso(expiry.toString()) : QDateTime();
        if (!when.isValid()) {
            return unusable(u"dateExpiry in the auto-create JSON must be an ISO 8601 date-time, e.g. "
                            u"2030-01-01T12:00:00Z"_s);
        }
        create.dateExpiry = when;
    }
    return create;
}

} // namespace Maskline::CallbackParams
