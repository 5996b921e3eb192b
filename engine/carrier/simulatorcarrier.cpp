#include "simulatorcarrier.h"

#include <QLoggingCategory>
#include <QPointer>

#include "core/clock.h"
#include "core/redact.h"
#include "core/sid.h"
#include "store/database.h"
#include "store/simulatortraffictable.h"
#include "store/sqlquery.h"
#include "store/writebatch.h"
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
    const QSqlDatabase db = m_db.connection();
    r.id = SimulatorTrafficTable::insert(db, r);
    // Announced once committed: a send is recorded inside the outbox's delivery transaction, and whoever hears the
    // signal reads the row on a connection of its own (the console's Simulator pane), which sees it only then.
    WriteBatch::afterCommit(db, [self = QPointer<SimulatorCarrier>(this), sid = r.sid] {
        if (self) {
            Q_EMIT self->trafficRecorded(sid);
        }
    });
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
        result = SimulatorTrafficTable::recent(m_db.connection(), limit);
    } catch (const StoreError &e) {
        qCWarning(lcSimulator).noquote() << "could not list simulator traffic:" << redactText(e.message());
    }
    return result;
}

} // namespace Maskline
