#include "jsonviews.h"

#include <algorithm>

#include <QStringBuilder>

#include "core/apierror.h"
#include "core/clock.h"
#include "core/jsonwriter.h"
#include "formdata.h"

namespace Maskline {

namespace ApiPaths {

// Each path is built in one allocation (QStringBuilder): list pages build three per row.
QString services()
{
    return QStringLiteral("/v1/Services");
}

QString service(const QString &serviceSid)
{
    return u"/v1/Services/" % serviceSid;
}

QString phoneNumbers(const QString &serviceSid)
{
    return u"/v1/Services/" % serviceSid % u"/PhoneNumbers";
}

QString phoneNumber(const QString &serviceSid, const QString &sid)
{
    return u"/v1/Services/" % serviceSid % u"/PhoneNumbers/" % sid;
}

QString sessions(const QString &serviceSid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions";
}

QString session(const QString &serviceSid, const QString &sid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions/" % sid;
}

QString participants(const QString &serviceSid, const QString &sessionSid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions/" % sessionSid % u"/Participants";
}

QString participant(const QString &serviceSid, const QString &sessionSid, const QString &sid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions/" % sessionSid % u"/Participants/" % sid;
}

QString interactions(const QString &serviceSid, const QString &sessionSid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions/" % sessionSid % u"/Interactions";
}

QString interaction(const QString &serviceSid, const QString &sessionSid, const QString &sid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions/" % sessionSid % u"/Interactions/" % sid;
}

QString messageInteractions(const QString &serviceSid, const QString &sessionSid, const QString &participantSid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions/" % sessionSid % u"/Participants/" % participantSid %
           u"/MessageInteractions";
}

QString messageInteraction(const QString &serviceSid, const QString &sessionSid, const QString &participantSid,
                           const QString &sid)
{
    return u"/v1/Services/" % serviceSid % u"/Sessions/" % sessionSid % u"/Participants/" % participantSid %
           u"/MessageInteractions/" % sid;
}

QString debuggerEvents()
{
    return QStringLiteral("/v1/Debugger/Events");
}

} // namespace ApiPaths

namespace JsonViews {

// Every object below writes its members in ascending key order, as QJsonObject did (tst_jsonviews checks it).
namespace {

using L = QLatin1StringView;

QString date(const QDateTime &t)
{
    return t.isValid() ? Time::toIso(t) : QString();
}

void interactionFields(JsonWriter &w, const Interaction &i, const QString &participantSid, bool withParticipant)
{
    w.fieldOrNull(L("account_sid"), i.accountSid)
        .fieldOrNull(L("data"), i.data)
        .fieldOrNull(L("date_created"), date(i.dateCreated))
        .fieldOrNull(L("date_updated"), date(i.dateUpdated))
        .fieldOrNull(L("inbound_participant_sid"), i.inbound.participantSid)
        .fieldOrNull(L("inbound_resource_sid"), i.inbound.resourceSid)
        .fieldOrNull(L("inbound_resource_status"), i.inbound.resourceStatus)
        .fieldOrNull(L("inbound_resource_type"), i.inbound.resourceType)
        .fieldOrNull(L("inbound_resource_url"), i.inbound.resourceUrl)
        .fieldOrNull(L("outbound_participant_sid"), i.outbound.participantSid)
        .fieldOrNull(L("outbound_resource_sid"), i.outbound.resourceSid)
        .fieldOrNull(L("outbound_resource_status"), i.outbound.resourceStatus)
        .fieldOrNull(L("outbound_resource_type"), i.outbound.resourceType)
        .fieldOrNull(L("outbound_resource_url"), i.outbound.resourceUrl);
    if (withParticipant) {
        w.fieldOrNull(L("participant_sid"), participantSid);
    }
    w.fieldOrNull(L("service_sid"), i.serviceSid)
        .fieldOrNull(L("session_sid"), i.sessionSid)
        .fieldOrNull(L("sid"), i.sid)
        .field(L("type"), i.type.isEmpty() ? QStringLiteral("unknown") : i.type);
}

} // namespace

QByteArray service(const Service &s, const QString &baseUrl)
{
    JsonWriter w;
    w.beginObject()
        .fieldOrNull(L("account_sid"), s.accountSid)
        .field(L("argentina_insert_nine"), s.arInsertNine) // extension
        .fieldOrNull(L("callback_url"), s.callbackUrl)
        .fieldOrNull(L("chat_instance_sid"), s.chatInstanceSid)
        .fieldOrNull(L("date_created"), date(s.dateCreated))
        .fieldOrNull(L("date_updated"), date(s.dateUpdated))
        .field(L("default_ttl"), s.defaultTtl)
        .fieldOrNull(L("geo_match_level"), s.geoMatchLevel)
        .fieldOrNull(L("intercept_callback_url"), s.interceptCallbackUrl);
    w.key(L("links"))
        .beginObject()
        .field(L("phone_numbers"), baseUrl + ApiPaths::phoneNumbers(s.sid))
        .field(L("sessions"), baseUrl + ApiPaths::sessions(s.sid))
        .endObject();
    w.field(L("mexico_insert_one"), s.mxInsertOne) // extension
        .fieldOrNull(L("number_selection_behavior"), s.numberSelectionBehavior)
        .fieldOrNull(L("out_of_session_callback_url"), s.outOfSessionCallbackUrl)
        .fieldOrNull(L("sid"), s.sid)
        .fieldOrNull(L("unique_name"), s.uniqueName)
        .field(L("url"), baseUrl + ApiPaths::service(s.sid))
        .endObject();
    return w.take();
}

QByteArray phoneNumber(const PhoneNumber &n, const QString &baseUrl)
{
    JsonWriter w;
    w.beginObject().fieldOrNull(L("account_sid"), n.accountSid);
    w.key(L("capabilities"))
        .beginObject()
        .field(L("fax"), n.capabilities.fax)
        .field(L("mms"), n.capabilities.mms)
        .field(L("sms"), n.capabilities.sms)
        .field(L("voice"), n.capabilities.voice)
        .endObject();
    w.fieldOrNull(L("date_created"), date(n.dateCreated))
        .fieldOrNull(L("date_updated"), date(n.dateUpdated))
        .fieldOrNull(L("friendly_name"), n.friendlyName)
        .field(L("in_use"), qint64(n.inUse))
        .field(L("is_reserved"), n.isReserved)
        .fieldOrNull(L("iso_country"), n.isoCountry)
        .fieldOrNull(L("phone_number"), n.phoneNumber)
        .fieldOrNull(L("service_sid"), n.serviceSid)
        .fieldOrNull(L("sid"), n.sid)
        .field(L("url"), baseUrl + ApiPaths::phoneNumber(n.serviceSid, n.sid))
        .endObject();
    return w.take();
}

QByteArray session(const Session &s, const QString &baseUrl)
{
    JsonWriter w(1024); // a Session is 700-900 bytes
    w.beginObject()
        .fieldOrNull(L("account_sid"), s.accountSid)
        .fieldOrNull(L("closed_reason"), s.closedReason)
        .fieldOrNull(L("date_created"), date(s.dateCreated))
        .fieldOrNull(L("date_ended"), date(s.dateEnded))
        .fieldOrNull(L("date_expiry"), date(s.dateExpiry))
        .fieldOrNull(L("date_last_interaction"), date(s.dateLastInteraction))
        .fieldOrNull(L("date_started"), date(s.dateStarted))
        .fieldOrNull(L("date_updated"), date(s.dateUpdated));
    w.key(L("links"))
        .beginObject()
        .field(L("interactions"), baseUrl + ApiPaths::interactions(s.serviceSid, s.sid))
        .field(L("participants"), baseUrl + ApiPaths::participants(s.serviceSid, s.sid))
        .endObject();
    w.fieldOrNull(L("mode"), s.mode)
        .fieldOrNull(L("service_sid"), s.serviceSid)
        .fieldOrNull(L("sid"), s.sid)
        .fieldOrNull(L("status"), s.status)
        .field(L("ttl"), qint64(s.ttl))
        .fieldOrNull(L("unique_name"), s.uniqueName)
        .field(L("url"), baseUrl + ApiPaths::session(s.serviceSid, s.sid))
        .endObject();
    return w.take();
}

QByteArray participant(const Participant &p, const QString &baseUrl)
{
    JsonWriter w;
    w.beginObject()
        .fieldOrNull(L("account_sid"), p.accountSid)
        .fieldOrNull(L("date_created"), date(p.dateCreated))
        .fieldOrNull(L("date_deleted"), date(p.dateDeleted))
        .fieldOrNull(L("date_updated"), date(p.dateUpdated))
        .fieldOrNull(L("friendly_name"), p.friendlyName)
        .fieldOrNull(L("identifier"), p.identifier);
    w.key(L("links"))
        .beginObject()
        .field(L("message_interactions"), baseUrl + ApiPaths::messageInteractions(p.serviceSid, p.sessionSid, p.sid))
        .endObject();
    w.fieldOrNull(L("proxy_identifier"), p.proxyIdentifier)
        .fieldOrNull(L("proxy_identifier_sid"), p.proxyIdentifierSid)
        .fieldOrNull(L("service_sid"), p.serviceSid)
        .fieldOrNull(L("session_sid"), p.sessionSid)
        .fieldOrNull(L("sid"), p.sid)
        .field(L("url"), baseUrl + ApiPaths::participant(p.serviceSid, p.sessionSid, p.sid))
        .endObject();
    return w.take();
}

QByteArray interaction(const Interaction &i, const QString &baseUrl)
{
    JsonWriter w;
    w.beginObject();
    interactionFields(w, i, QString(), false);
    w.field(L("url"), baseUrl + ApiPaths::interaction(i.serviceSid, i.sessionSid, i.sid)).endObject();
    return w.take();
}

QByteArray messageInteraction(const Interaction &i, const QString &baseUrl)
{
    // A message interaction always addresses one participant: the outbound leg's, when the store kept no other.
    const QString participantSid = i.participantSid.isEmpty() ? i.outbound.participantSid : i.participantSid;
    JsonWriter w;
    w.beginObject();
    interactionFields(w, i, participantSid, true);
    w.field(L("url"), baseUrl + ApiPaths::messageInteraction(i.serviceSid, i.sessionSid, participantSid, i.sid))
        .endObject();
    return w.take();
}

QByteArray debuggerEvent(const DebuggerEvent &e, const QString &baseUrl)
{
    JsonWriter w;
    w.beginObject()
        .fieldOrNull(L("account_sid"), e.accountSid)
        .fieldOrNull(L("alert_text"), e.message)
        .fieldOrNull(L("date_created"), date(e.dateCreated))
        .fieldOrNull(L("date_generated"), date(e.dateCreated))
        // Monitor Alerts carry the code as a string.
        .field(L("error_code"), QString::number(e.code))
        .fieldOrNull(L("interaction_sid"), e.interactionSid)
        .fieldOrNull(L("log_level"), e.logLevel)
        .fieldOrNull(L("participant_sid"), e.participantSid)
        .fieldOrNull(L("request_method"), e.requestMethod)
        .fieldOrNull(L("request_url"), e.requestUrl)
        .fieldOrNull(L("request_variables"), e.requestVariables)
        .fieldOrNull(L("resource_sid"), e.resourceSid)
        .fieldOrNull(L("response_body"), e.responseBody)
        .fieldOrNull(L("service_sid"), e.serviceSid)
        .fieldOrNull(L("session_sid"), e.sessionSid)
        .fieldOrNull(L("sid"), e.sid)
        .field(L("url"), baseUrl + ApiPaths::debuggerEvents() + u'/' + e.sid)
        .endObject();
    return w.take();
}

QByteArray error(const ApiError &e)
{
    JsonWriter w(160);
    w.beginObject()
        .field(L("code"), e.code)
        .field(L("message"), e.message)
        .field(L("more_info"), e.moreInfo())
        .field(L("status"), e.status)
        .endObject();
    return w.take();
}

QByteArray meta(const ListMeta &m, const QString &baseUrl)
{
    const QString list = baseUrl + m.path + QStringLiteral("?PageSize=") + QString::number(m.pageSize) + m.filterQuery;
    QString self = list + QStringLiteral("&Page=") + QString::number(m.page);
    if (!m.pageToken.isEmpty()) {
        self += QStringLiteral("&PageToken=") + FormData::encodeComponent(m.pageToken);
    }
    JsonWriter w(512);
    w.beginObject().field(L("first_page_url"), list + QStringLiteral("&Page=0")).field(L("key"), m.key);
    w.key(L("next_page_url"));
    if (m.nextToken) {
        w.string(list + QStringLiteral("&Page=") + QString::number(m.page + 1) + QStringLiteral("&PageToken=") +
                 FormData::encodeComponent(*m.nextToken));
    } else {
        w.null();
    }
    w.field(L("page"), m.page).field(L("page_size"), m.pageSize);
    // Null on the first page, as Twilio's; otherwise the page before this one (PageToken=PB + its first row).
    w.key(L("previous_page_url"));
    if (m.previousToken) {
        w.string(list + QStringLiteral("&Page=") + QString::number(std::max(m.page - 1, 0)) +
                 QStringLiteral("&PageToken=") + FormData::encodeComponent(*m.previousToken));
    } else {
        w.null();
    }
    w.field(L("url"), self).endObject();
    return w.take();
}

QByteArray listPage(const QString &key, const QList<QByteArray> &items, const QByteArray &meta)
{
    qsizetype size = meta.size() + key.size() + 16;
    for (const QByteArray &item : items) {
        size += item.size() + 1;
    }
    JsonWriter w(size);
    w.beginObject();
    // Members in ascending order, as everywhere: the list's key sorts before or after "meta".
    const bool itemsFirst = key < QLatin1StringView("meta");
    const QByteArray keyLatin1 = key.toLatin1();
    const auto writeItems = [&] {
        w.key(QLatin1StringView(keyLatin1)).beginArray();
        for (const QByteArray &item : items) {
            w.raw(item);
        }
        w.endArray();
    };
    if (itemsFirst) {
        writeItems();
    }
    w.key(L("meta")).raw(meta);
    if (!itemsFirst) {
        writeItems();
    }
    w.endObject();
    return w.take();
}

} // namespace JsonViews

} // namespace Maskline
