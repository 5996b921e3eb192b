#include "simulatorcarrier.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include "core/clock.h"
#include "core/redact.h"
#include "core/sid.h"
#include "store/database.h"
#include "store/rows.h"
#include "store/sqlquery.h"
#include "twiml.h"

Q_LOGGING_CATEGORY(lcSimulator, "maskline.carrier.simulator", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

SimulatorCarrier::SimulatorCarrier(Database &db, const Clock &clock, QObject *parent)
    : Carrier(parent)
    , m_db(db)
    , m_clock(clock)
{}

SimulatorCarrier::~SimulatorCarrier() = default;

SimulatorRecord SimulatorCarrier::store(SimulatorRecord r)
{
    if (r.sid.isEmpty()) {
        r.sid = Sid::generate(r.kind == u"call"_s ? Sid::CALL : Sid::MESSAGE);
    }
    r.dateCreated = m_clock.now();
    SqlQuery q(
        m_db.connection(),
        u"INSERT INTO simulator_traffic (sid, kind, direction, from_number, to_number, body, media_urls, status, "
        u"account_sid, service_sid, session_sid, interaction_sid, date_created) VALUES (:sid, :k, :d, :f, :t, "
        u":b, :m, :st, :a, :s, :ks, :i, :c)"_s);
    q.bind(u":sid"_s, r.sid)
        .bind(u":k"_s, r.kind)
        .bind(u":d"_s, r.direction)
        .bind(u":f"_s, r.from)
        .bind(u":t"_s, r.to)
        .bind(u":b"_s, nullIfEmpty(r.body))
        .bind(u":m"_s,
              r.mediaUrls.isEmpty()
                  ? QVariant()
                  : QVariant(QString::fromUtf8(
                        QJsonDocument(QJsonArray::fromStringList(r.mediaUrls)).toJson(QJsonDocument::Compact))))
        .bind(u":st"_s, r.status)
        .bind(u":a"_s, nullIfEmpty(r.accountSid))
        .bind(u":s"_s, nullIfEmpty(r.serviceSid))
        .bind(u":ks"_s, nullIfEmpty(r.sessionSid))
        .bind(u":i"_s, nullIfEmpty(r.interactionSid))
        .bind(u":c"_s, r.dateCreated.toMSecsSinceEpoch())
        .exec();
    r.id = idOfSid(m_db.connection(), u"simulator_traffic"_s, r.sid);
    Q_EMIT trafficRecorded(r.sid);
    return r;
}

void SimulatorCarrier::sendMessage(const OutboundMessage &message, SendDone done)
{
    SendOutcome outcome;
    try {
        SimulatorRecord r;
        r.kind = u"message"_s;
        r.direction = u"outbound"_s;
        r.from = message.from;
        r.to = message.to;
        r.body = message.body;
        r.mediaUrls = message.mediaUrls;
        r.status = u"delivered"_s;
        r.accountSid = message.accountSid;
        r.serviceSid = message.serviceSid;
        r.sessionSid = message.sessionSid;
        r.interactionSid = message.interactionSid;
        r = store(r);
        outcome.kind = SendOutcome::Kind::Accepted;
        outcome.resourceSid = r.sid;
        outcome.resourceStatus = r.status;
    } catch (const StoreError &e) {
        // The store is busy or failing: the outbox tries again later, as it would after a carrier's 503.
        outcome.kind = SendOutcome::Kind::Retry;
        outcome.error = u"the simulator could not record the message: "_s + e.message();
    }
    done(outcome);
}

CallAnswer SimulatorCarrier::bridgeCall(const CallBridge &bridge)
{
    CallAnswer answer;
    answer.twiml = Twiml::dial({bridge.callerId, bridge.number, bridge.statusCallback});
    try {
        SimulatorRecord r;
        r.kind = u"call"_s;
        r.direction = u"outbound"_s;
        r.from = bridge.callerId;
        r.to = bridge.number;
        r.status = u"completed"_s;
        r.accountSid = bridge.accountSid;
        r.serviceSid = bridge.serviceSid;
        r.sessionSid = bridge.sessionSid;
        r.interactionSid = bridge.interactionSid;
        r = store(r);
        answer.outboundResourceSid = r.sid;
        answer.outboundResourceStatus = r.status;
    } catch (const StoreError &e) {
        qCWarning(lcSimulator).noquote() << "could not record the simulated call:" << redactText(e.message());
        answer.outboundResourceStatus = u"failed"_s;
    }
    return answer;
}

SimulatorRecord SimulatorCarrier::recordInbound(SimulatorRecord record)
{
    record.direction = u"inbound"_s;
    try {
        return store(record);
    } catch (const StoreError &e) {
        qCWarning(lcSimulator).noquote() << "could not record injected traffic:" << redactText(e.message());
        return record;
    }
}

QList<SimulatorRecord> SimulatorCarrier::recent(int limit)
{
    QList<SimulatorRecord> result;
    try {
        SqlQuery q(m_db.connection(),
                   u"SELECT id, sid, kind, direction, from_number, to_number, body, media_urls, status, account_sid, "
                   u"service_sid, session_sid, interaction_sid, date_created FROM simulator_traffic ORDER BY id DESC "
                   u"LIMIT :limit"_s);
        q.bind(u":limit"_s, limit).exec();
        while (q.next()) {
            SimulatorRecord r;
            r.id = q.value(0).toLongLong();
            r.sid = q.value(1).toString();
            r.kind = q.value(2).toString();
            r.direction = q.value(3).toString();
            r.from = q.value(4).toString();
            r.to = q.value(5).toString();
            r.body = q.value(6).toString();
            for (const QJsonValue &url : QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array()) {
                r.mediaUrls.append(url.toString());
            }
            r.status = q.value(8).toString();
            r.accountSid = q.value(9).toString();
            r.serviceSid = q.value(10).toString();
            r.sessionSid = q.value(11).toString();
            r.interactionSid = q.value(12).toString();
            r.dateCreated = Rows::toTime(q.value(13));
            result.append(r);
        }
    } catch (const StoreError &e) {
        qCWarning(lcSimulator).noquote() << "could not list simulator traffic:" << redactText(e.message());
    }
    return result;
}

} // namespace Maskline
