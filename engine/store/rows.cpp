#include "rows.h"

#include "core/channeladdress.h"
#include "core/clock.h"
#include "sqlquery.h"

using namespace Qt::StringLiterals;

namespace Maskline::Rows {

const QString ACCOUNT_COLUMNS = QStringLiteral(
    "id, sid, auth_token, friendly_name, allow_participant_conflict, respect_sms_stop_filter, sms_stop_filtering, "
    "date_created, date_updated");
const QString SERVICE_COLUMNS = QStringLiteral(
    "id, sid, account_sid, unique_name, chat_instance_sid, callback_url, intercept_callback_url, "
    "out_of_session_callback_url, default_ttl, geo_match_level, number_selection_behavior, mx_insert_one, "
    "ar_insert_nine, date_created, date_updated");
const QString PHONE_NUMBER_COLUMNS = QStringLiteral(
    "id, sid, account_sid, service_sid, phone_number, friendly_name, iso_country, cap_voice, cap_sms, cap_mms, "
    "cap_fax, is_reserved, in_use, date_created, date_updated, carrier_managed, prev_sms_url, prev_sms_method, "
    "prev_voice_url, prev_voice_method");
const QString SESSION_COLUMNS = QStringLiteral(
    "id, sid, account_sid, service_sid, unique_name, status, mode, ttl, date_expiry, expires_at, closed_reason, "
    "date_started, date_ended, date_last_interaction, date_created, date_updated");
const QString PARTICIPANT_COLUMNS = QStringLiteral(
    "id, sid, account_sid, service_sid, session_sid, identifier, proxy_identifier, proxy_identifier_sid, "
    "friendly_name, routable, date_deleted, date_created, date_updated");
const QString INTERACTION_COLUMNS = QStringLiteral(
    "id, sid, account_sid, service_sid, session_sid, participant_sid, type, data, inbound_participant_sid, "
    "inbound_resource_sid, inbound_resource_status, inbound_resource_type, inbound_resource_url, "
    "outbound_participant_sid, outbound_resource_sid, outbound_resource_status, outbound_resource_type, "
    "outbound_resource_url, date_created, date_updated");

QVariant fromTime(const QDateTime &t)
{
    return t.isValid() ? QVariant(t.toMSecsSinceEpoch()) : QVariant(QMetaType::fromType<qint64>());
}

QDateTime toTime(const QVariant &v)
{
    if (v.isNull()) {
        return {};
    }
    return Time::fromMs(v.toLongLong());
}

namespace {
QString str(const SqlQuery &q, int i)
{
    const QVariant v = q.value(i);
    return v.isNull() ? QString() : v.toString();
}
} // namespace

Account account(const SqlQuery &q)
{
    Account a;
    a.id = q.value(0).toLongLong();
    a.sid = str(q, 1);
    a.authToken = str(q, 2);
    a.friendlyName = str(q, 3);
    a.allowParticipantConflict = q.value(4).toInt() != 0;
    a.respectSmsStopFilter = q.value(5).toInt() != 0;
    a.smsStopFiltering = q.value(6).toInt() != 0;
    a.dateCreated = toTime(q.value(7));
    a.dateUpdated = toTime(q.value(8));
    return a;
}

Service service(const SqlQuery &q)
{
    Service s;
    s.id = q.value(0).toLongLong();
    s.sid = str(q, 1);
    s.accountSid = str(q, 2);
    s.uniqueName = str(q, 3);
    s.chatInstanceSid = str(q, 4);
    s.callbackUrl = str(q, 5);
    s.interceptCallbackUrl = str(q, 6);
    s.outOfSessionCallbackUrl = str(q, 7);
    s.defaultTtl = q.value(8).toLongLong();
    s.geoMatchLevel = str(q, 9);
    s.numberSelectionBehavior = str(q, 10);
    s.mxInsertOne = q.value(11).toInt() != 0;
    s.arInsertNine = q.value(12).toInt() != 0;
    s.dateCreated = toTime(q.value(13));
    s.dateUpdated = toTime(q.value(14));
    return s;
}

PhoneNumber phoneNumber(const SqlQuery &q)
{
    PhoneNumber n;
    n.id = q.value(0).toLongLong();
    n.sid = str(q, 1);
    n.accountSid = str(q, 2);
    n.serviceSid = str(q, 3);
    n.phoneNumber = str(q, 4);
    n.friendlyName = str(q, 5);
    n.isoCountry = str(q, 6);
    n.capabilities.voice = q.value(7).toInt() != 0;
    n.capabilities.sms = q.value(8).toInt() != 0;
    n.capabilities.mms = q.value(9).toInt() != 0;
    n.capabilities.fax = q.value(10).toInt() != 0;
    n.isReserved = q.value(11).toInt() != 0;
    n.inUse = q.value(12).toInt();
    n.dateCreated = toTime(q.value(13));
    n.dateUpdated = toTime(q.value(14));
    n.carrierManaged = q.value(15).toInt() != 0;
    n.previousWebhooks = {str(q, 16), str(q, 17), str(q, 18), str(q, 19)};
    return n;
}

Session session(const SqlQuery &q)
{
    Session s;
    s.id = q.value(0).toLongLong();
    s.sid = str(q, 1);
    s.accountSid = str(q, 2);
    s.serviceSid = str(q, 3);
    s.uniqueName = str(q, 4);
    s.status = str(q, 5);
    s.mode = str(q, 6);
    s.ttl = q.value(7).toLongLong();
    s.dateExpiry = toTime(q.value(8));
    s.expiresAt = toTime(q.value(9));
    s.closedReason = str(q, 10);
    s.dateStarted = toTime(q.value(11));
    s.dateEnded = toTime(q.value(12));
    s.dateLastInteraction = toTime(q.value(13));
    s.dateCreated = toTime(q.value(14));
    s.dateUpdated = toTime(q.value(15));
    return s;
}

Participant participant(const SqlQuery &q)
{
    Participant p;
    p.id = q.value(0).toLongLong();
    p.sid = str(q, 1);
    p.accountSid = str(q, 2);
    p.serviceSid = str(q, 3);
    p.sessionSid = str(q, 4);
    p.identifier = str(q, 5);
    // Stored bare (a pool number); shown and addressed on the participant's channel (channeladdress.h).
    p.proxyIdentifier = ChannelAddress::withChannelOf(p.identifier, str(q, 6));
    p.proxyIdentifierSid = str(q, 7);
    p.friendlyName = str(q, 8);
    p.routable = q.value(9).toInt() != 0;
    p.dateDeleted = toTime(q.value(10));
    p.dateCreated = toTime(q.value(11));
    p.dateUpdated = toTime(q.value(12));
    return p;
}

Interaction interaction(const SqlQuery &q)
{
    Interaction i;
    i.id = q.value(0).toLongLong();
    i.sid = str(q, 1);
    i.accountSid = str(q, 2);
    i.serviceSid = str(q, 3);
    i.sessionSid = str(q, 4);
    i.participantSid = str(q, 5);
    i.type = str(q, 6);
    i.data = str(q, 7);
    i.inbound = {str(q, 8), str(q, 9), str(q, 10), str(q, 11), str(q, 12)};
    i.outbound = {str(q, 13), str(q, 14), str(q, 15), str(q, 16), str(q, 17)};
    i.dateCreated = toTime(q.value(18));
    i.dateUpdated = toTime(q.value(19));
    return i;
}

// --- proxy ---

const QString ACTIVE_SESSION_STATUSES = QStringLiteral("('open', 'in-progress')");

} // namespace Maskline::Rows
