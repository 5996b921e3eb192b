#include "jsonviews.h"

#include <QJsonValue>

#include "core/apierror.h"
#include "core/clock.h"
#include "formdata.h"

namespace Maskline {

namespace ApiPaths {

QString services()
{
    return QStringLiteral("/v1/Services");
}

QString service(const QString &serviceSid)
{
    return services() + u'/' + serviceSid;
}

QString phoneNumbers(const QString &serviceSid)
{
    return service(serviceSid) + QStringLiteral("/PhoneNumbers");
}

QString phoneNumber(const QString &serviceSid, const QString &sid)
{
    return phoneNumbers(serviceSid) + u'/' + sid;
}

QString sessions(const QString &serviceSid)
{
    return service(serviceSid) + QStringLiteral("/Sessions");
}

QString session(const QString &serviceSid, const QString &sid)
{
    return sessions(serviceSid) + u'/' + sid;
}

QString participants(const QString &serviceSid, const QString &sessionSid)
{
    return session(serviceSid, sessionSid) + QStringLiteral("/Participants");
}

QString participant(const QString &serviceSid, const QString &sessionSid, const QString &sid)
{
    return participants(serviceSid, sessionSid) + u'/' + sid;
}

QString interactions(const QString &serviceSid, const QString &sessionSid)
{
    return session(serviceSid, sessionSid) + QStringLiteral("/Interactions");
}

QString interaction(const QString &serviceSid, const QString &sessionSid, const QString &sid)
{
    return interactions(serviceSid, sessionSid) + u'/' + sid;
}

QString messageInteractions(const QString &serviceSid, const QString &sessionSid, const QString &participantSid)
{
    return participant(serviceSid, sessionSid, participantSid) + QStringLiteral("/MessageInteractions");
}

QString messageInteraction(const QString &serviceSid, const QString &sessionSid, const QString &participantSid,
                           const QString &sid)
{
    return messageInteractions(serviceSid, sessionSid, participantSid) + u'/' + sid;
}

QString debuggerEvents()
{
    return QStringLiteral("/v1/Debugger/Events");
}

} // namespace ApiPaths

namespace JsonViews {

namespace {

QJsonValue str(const QString &s)
{
    return s.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(s);
}

QJsonValue date(const QDateTime &t)
{
    return t.isValid() ? QJsonValue(Time::toIso(t)) : QJsonValue(QJsonValue::Null);
}

QJsonValue url(const QString &baseUrl, const QString &path)
{
    return QJsonValue(baseUrl + path);
}

void putInteractionFields(QJsonObject &o, const Interaction &i)
{
    o.insert(QStringLiteral("sid"), str(i.sid));
    o.insert(QStringLiteral("session_sid"), str(i.sessionSid));
    o.insert(QStringLiteral("service_sid"), str(i.serviceSid));
    o.insert(QStringLiteral("account_sid"), str(i.accountSid));
    o.insert(QStringLiteral("data"), str(i.data));
    o.insert(QStringLiteral("type"), i.type.isEmpty() ? QStringLiteral("unknown") : i.type);
    o.insert(QStringLiteral("inbound_participant_sid"), str(i.inbound.participantSid));
    o.insert(QStringLiteral("inbound_resource_sid"), str(i.inbound.resourceSid));
    o.insert(QStringLiteral("inbound_resource_status"), str(i.inbound.resourceStatus));
    o.insert(QStringLiteral("inbound_resource_type"), str(i.inbound.resourceType));
    o.insert(QStringLiteral("inbound_resource_url"), str(i.inbound.resourceUrl));
    o.insert(QStringLiteral("outbound_participant_sid"), str(i.outbound.participantSid));
    o.insert(QStringLiteral("outbound_resource_sid"), str(i.outbound.resourceSid));
    o.insert(QStringLiteral("outbound_resource_status"), str(i.outbound.resourceStatus));
    o.insert(QStringLiteral("outbound_resource_type"), str(i.outbound.resourceType));
    o.insert(QStringLiteral("outbound_resource_url"), str(i.outbound.resourceUrl));
    o.insert(QStringLiteral("date_created"), date(i.dateCreated));
    o.insert(QStringLiteral("date_updated"), date(i.dateUpdated));
}

} // namespace

QJsonObject service(const Service &s, const QString &baseUrl)
{
    return QJsonObject{
        {QStringLiteral("sid"), str(s.sid)},
        {QStringLiteral("unique_name"), str(s.uniqueName)},
        {QStringLiteral("account_sid"), str(s.accountSid)},
        {QStringLiteral("chat_instance_sid"), str(s.chatInstanceSid)},
        {QStringLiteral("callback_url"), str(s.callbackUrl)},
        {QStringLiteral("default_ttl"), s.defaultTtl},
        {QStringLiteral("number_selection_behavior"), str(s.numberSelectionBehavior)},
        {QStringLiteral("geo_match_level"), str(s.geoMatchLevel)},
        {QStringLiteral("intercept_callback_url"), str(s.interceptCallbackUrl)},
        {QStringLiteral("out_of_session_callback_url"), str(s.outOfSessionCallbackUrl)},
        {QStringLiteral("date_created"), date(s.dateCreated)},
        {QStringLiteral("date_updated"), date(s.dateUpdated)},
        {QStringLiteral("url"), url(baseUrl, ApiPaths::service(s.sid))},
        {QStringLiteral("links"),
         QJsonObject{
             {QStringLiteral("sessions"), url(baseUrl, ApiPaths::sessions(s.sid))},
             {QStringLiteral("phone_numbers"), url(baseUrl, ApiPaths::phoneNumbers(s.sid))},
         }},
    };
}

QJsonObject phoneNumber(const PhoneNumber &n, const QString &baseUrl)
{
    return QJsonObject{
        {QStringLiteral("sid"), str(n.sid)},
        {QStringLiteral("account_sid"), str(n.accountSid)},
        {QStringLiteral("service_sid"), str(n.serviceSid)},
        {QStringLiteral("date_created"), date(n.dateCreated)},
        {QStringLiteral("date_updated"), date(n.dateUpdated)},
        {QStringLiteral("phone_number"), str(n.phoneNumber)},
        {QStringLiteral("friendly_name"), str(n.friendlyName)},
        {QStringLiteral("iso_country"), str(n.isoCountry)},
        {QStringLiteral("capabilities"),
         QJsonObject{
             {QStringLiteral("fax"), n.capabilities.fax},
             {QStringLiteral("mms"), n.capabilities.mms},
             {QStringLiteral("sms"), n.capabilities.sms},
             {QStringLiteral("voice"), n.capabilities.voice},
         }},
        {QStringLiteral("url"), url(baseUrl, ApiPaths::phoneNumber(n.serviceSid, n.sid))},
        {QStringLiteral("is_reserved"), n.isReserved},
        {QStringLiteral("in_use"), n.inUse},
    };
}

QJsonObject session(const Session &s, const QString &baseUrl)
{
    return QJsonObject{
        {QStringLiteral("sid"), str(s.sid)},
        {QStringLiteral("service_sid"), str(s.serviceSid)},
        {QStringLiteral("account_sid"), str(s.accountSid)},
        {QStringLiteral("date_started"), date(s.dateStarted)},
        {QStringLiteral("date_ended"), date(s.dateEnded)},
        {QStringLiteral("date_last_interaction"), date(s.dateLastInteraction)},
        {QStringLiteral("date_expiry"), date(s.dateExpiry)},
        {QStringLiteral("unique_name"), str(s.uniqueName)},
        {QStringLiteral("status"), str(s.status)},
        {QStringLiteral("closed_reason"), str(s.closedReason)},
        {QStringLiteral("ttl"), s.ttl},
        {QStringLiteral("mode"), str(s.mode)},
        {QStringLiteral("date_created"), date(s.dateCreated)},
        {QStringLiteral("date_updated"), date(s.dateUpdated)},
        {QStringLiteral("url"), url(baseUrl, ApiPaths::session(s.serviceSid, s.sid))},
        {QStringLiteral("links"),
         QJsonObject{
             {QStringLiteral("interactions"), url(baseUrl, ApiPaths::interactions(s.serviceSid, s.sid))},
             {QStringLiteral("participants"), url(baseUrl, ApiPaths::participants(s.serviceSid, s.sid))},
         }},
    };
}

QJsonObject participant(const Participant &p, const QString &baseUrl)
{
    return QJsonObject{
        {QStringLiteral("sid"), str(p.sid)},
        {QStringLiteral("session_sid"), str(p.sessionSid)},
        {QStringLiteral("service_sid"), str(p.serviceSid)},
        {QStringLiteral("account_sid"), str(p.accountSid)},
        {QStringLiteral("friendly_name"), str(p.friendlyName)},
        {QStringLiteral("identifier"), str(p.identifier)},
        {QStringLiteral("proxy_identifier"), str(p.proxyIdentifier)},
        {QStringLiteral("proxy_identifier_sid"), str(p.proxyIdentifierSid)},
        {QStringLiteral("date_deleted"), date(p.dateDeleted)},
        {QStringLiteral("date_created"), date(p.dateCreated)},
        {QStringLiteral("date_updated"), date(p.dateUpdated)},
        {QStringLiteral("url"), url(baseUrl, ApiPaths::participant(p.serviceSid, p.sessionSid, p.sid))},
        {QStringLiteral("links"),
         QJsonObject{
             {QStringLiteral("message_interactions"),
              url(baseUrl, ApiPaths::messageInteractions(p.serviceSid, p.sessionSid, p.sid))},
         }},
    };
}

QJsonObject interaction(const Interaction &i, const QString &baseUrl)
{
    QJsonObject o;
    putInteractionFields(o, i);
    o.insert(QStringLiteral("url"), url(baseUrl, ApiPaths::interaction(i.serviceSid, i.sessionSid, i.sid)));
    return o;
}

QJsonObject messageInteraction(const Interaction &i, const QString &baseUrl)
{
    QJsonObject o;
    putInteractionFields(o, i);
    // A message interaction always addresses one participant: the outbound leg's, when the store kept no other.
    const QString participantSid = i.participantSid.isEmpty() ? i.outbound.participantSid : i.participantSid;
    o.insert(QStringLiteral("participant_sid"), str(participantSid));
    o.insert(QStringLiteral("url"),
             url(baseUrl, ApiPaths::messageInteraction(i.serviceSid, i.sessionSid, participantSid, i.sid)));
    return o;
}

QJsonObject debuggerEvent(const DebuggerEvent &e, const QString &baseUrl)
{
    return QJsonObject{
        {QStringLiteral("sid"), str(e.sid)},
        {QStringLiteral("account_sid"), str(e.accountSid)},
        // Monitor Alerts carry the code as a string.
        {QStringLiteral("error_code"), QString::number(e.code)},
        {QStringLiteral("log_level"), str(e.logLevel)},
        {QStringLiteral("alert_text"), str(e.message)},
        {QStringLiteral("resource_sid"), str(e.resourceSid)},
        {QStringLiteral("service_sid"), str(e.serviceSid)},
        {QStringLiteral("session_sid"), str(e.sessionSid)},
        {QStringLiteral("participant_sid"), str(e.participantSid)},
        {QStringLiteral("interaction_sid"), str(e.interactionSid)},
        {QStringLiteral("request_method"), str(e.requestMethod)},
        {QStringLiteral("request_url"), str(e.requestUrl)},
        {QStringLiteral("request_variables"), str(e.requestVariables)},
        {QStringLiteral("response_body"), str(e.responseBody)},
        {QStringLiteral("date_created"), date(e.dateCreated)},
        {QStringLiteral("date_generated"), date(e.dateCreated)},
        {QStringLiteral("url"), url(baseUrl, ApiPaths::debuggerEvents() + u'/' + e.sid)},
    };
}

QJsonObject error(const ApiError &e)
{
    return QJsonObject{
        {QStringLiteral("code"), e.code},
        {QStringLiteral("message"), e.message},
        {QStringLiteral("more_info"), e.moreInfo()},
        {QStringLiteral("status"), e.status},
    };
}

QJsonObject meta(const ListMeta &m, const QString &baseUrl)
{
    const QString list = baseUrl + m.path + QStringLiteral("?PageSize=") + QString::number(m.pageSize) + m.filterQuery;
    const QString first = list + QStringLiteral("&Page=0");
    QString self = list + QStringLiteral("&Page=") + QString::number(m.page);
    if (!m.pageToken.isEmpty()) {
        self += QStringLiteral("&PageToken=") + FormData::encodeComponent(m.pageToken);
    }
    QJsonValue next(QJsonValue::Null);
    if (m.nextToken) {
        next = QString(list + QStringLiteral("&Page=") + QString::number(m.page + 1) + QStringLiteral("&PageToken=") +
                       FormData::encodeComponent(*m.nextToken));
    }
    return QJsonObject{
        {QStringLiteral("page"), m.page},
        {QStringLiteral("page_size"), m.pageSize},
        {QStringLiteral("first_page_url"), first},
        // Always null: the cursor only runs forward (newest first, PageToken = last id seen), and clients page by
        // following next_page_url. Twilio's is null on page 0 as well.
        {QStringLiteral("previous_page_url"), QJsonValue(QJsonValue::Null)},
        {QStringLiteral("next_page_url"), next},
        {QStringLiteral("url"), self},
        {QStringLiteral("key"), m.key},
    };
}

} // namespace JsonViews

} // namespace Maskline
