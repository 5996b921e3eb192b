#include "enginesimulator.h"

#include "carrier/simulatorcarrier.h"
#include "engineclient.h"
#include "enginehost.h"
#include "routing/router.h"
#include "store/consolequeries.h"
#include "storereader.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

struct CarrierInfo
{
    QString name;
    QPointer<SimulatorCarrier> simulator;
};

QString outcomeText(const RouteResult &r)
{
    QString codes;
    for (int c : r.debuggerCodes) {
        codes += (codes.isEmpty() ? QString() : u", "_s) + QString::number(c);
    }
    const QString detail = r.detail.isEmpty() ? QString() : u": "_s + r.detail;
    const QString withCodes = codes.isEmpty() ? detail : u" ("_s + codes + u")"_s + detail;
    switch (r.outcome) {
    case RouteResult::Outcome::Forwarded:
        return u"routed"_s + withCodes;
    case RouteResult::Outcome::Duplicate:
        return u"duplicate, not routed again"_s + withCodes;
    case RouteResult::Outcome::UnknownNumber:
        return u"dropped: not a pool number"_s + withCodes;
    case RouteResult::Outcome::OutOfSession:
        return u"dropped: out of session"_s + withCodes;
    case RouteResult::Outcome::NoPartner:
        return u"dropped: no partner"_s + withCodes;
    case RouteResult::Outcome::ModeRejected:
        return u"dropped: the session's mode does not allow it"_s + withCodes;
    case RouteResult::Outcome::OptOut:
        return u"dropped: opt-out keyword"_s + withCodes;
    case RouteResult::Outcome::Blocked:
        return u"dropped: blocked by the intercept callback"_s + withCodes;
    case RouteResult::Outcome::Failed:
        return u"failed"_s + withCodes;
    case RouteResult::Outcome::Pending:
        return u"waiting for a callback (intercept or out-of-session)"_s + withCodes;
    }
    return r.detail;
}

} // namespace

EngineSimulator::EngineSimulator(EngineClient *engine, StoreReader *reader, QObject *parent)
    : SimulatorBackend(parent)
    , m_engine(engine)
    , m_reader(reader)
{
    if (engine) {
        connect(engine, &EngineClient::started, this, &EngineSimulator::handleEngineStarted);
        if (engine->isRunning()) {
            handleEngineStarted();
        }
    }
}

bool EngineSimulator::isAvailable() const
{
    return m_engine && m_engine->isRunning() && (m_carrierName.isEmpty() || m_carrierName == u"simulator"_s);
}

QString EngineSimulator::unavailableReason() const
{
    if (!m_engine || !m_engine->isRunning()) {
        return tr("The engine is not running.");
    }
    if (!m_carrierName.isEmpty() && m_carrierName != u"simulator"_s) {
        return tr("The carrier is %1, not the simulator: injected traffic is refused so it never reaches real "
                  "phones.")
            .arg(m_carrierName);
    }
    return {};
}

void EngineSimulator::handleEngineStarted()
{
    if (!m_engine) {
        return;
    }
    m_engine->run(
        this,
        [](EngineHost &host) {
            CarrierInfo info;
            if (Carrier *c = host.carrier()) {
                info.name = c->name();
                info.simulator = qobject_cast<SimulatorCarrier *>(c);
            }
            return info;
        },
        [this](CarrierInfo info) {
            m_carrierName = info.name;
            Q_EMIT availabilityChanged();
            if (info.simulator) {
                // Queued: the carrier lives on the engine thread; the connection dies with it.
                connect(info.simulator.data(), &SimulatorCarrier::trafficRecorded, this,
                        &EngineSimulator::handleCarrierTraffic, Qt::QueuedConnection);
            }
            loadRecent();
        });
}

void EngineSimulator::sendSms(const QString &from, const QString &to, const QString &body, const QStringList &media,
                              QObject *context, Done done)
{
    if (!m_engine) {
        return;
    }
    m_engine->run(
        context,
        [from, to, body, media](EngineHost &host) -> Result<SimulatedTraffic> {
            Router *router = host.router();
            if (!router) {
                return ApiError::make(0, 503, u"The engine is not running"_s);
            }
            const RouteResult r = router->injectSms(from, to, body, media);
            SimulatedTraffic t;
            t.kind = SimulatedTraffic::Kind::Sms;
            t.from = from;
            t.to = to;
            t.body = body;
            t.media = media;
            t.status = outcomeText(r);
            t.sid = r.interaction.inbound.resourceSid;
            t.time = QDateTime::currentDateTimeUtc();
            return t;
        },
        std::move(done));
}

void EngineSimulator::placeCall(const QString &from, const QString &to, QObject *context, Done done)
{
    if (!m_engine) {
        return;
    }
    m_engine->run(
        context,
        [from, to](EngineHost &host) -> Result<SimulatedTraffic> {
            Router *router = host.router();
            if (!router) {
                return ApiError::make(0, 503, u"The engine is not running"_s);
            }
            const RouteResult r = router->injectCall(from, to);
            SimulatedTraffic t;
            t.kind = SimulatedTraffic::Kind::Call;
            t.from = from;
            t.to = to;
            t.status = outcomeText(r);
            t.sid = r.interaction.inbound.resourceSid;
            t.time = QDateTime::currentDateTimeUtc();
            return t;
        },
        std::move(done));
}

void EngineSimulator::loadRecent(int limit)
{
    readRecords({}, limit);
}

void EngineSimulator::handleCarrierTraffic(const QString &sid)
{
    readRecords(sid, 1);
}

void EngineSimulator::readRecords(const QString &sid, int limit)
{
    if (!m_reader) {
        return;
    }
    m_reader->read(
        this,
        [sid, limit](const QSqlDatabase &db) {
            QList<SimulatedTraffic> rows;
            for (const ConsoleQueries::SimulatorRecord &r : ConsoleQueries::simulatorOutbound(db, sid, limit)) {
                SimulatedTraffic t;
                t.direction = SimulatedTraffic::Direction::Outbound;
                t.kind = r.kind == u"call"_s ? SimulatedTraffic::Kind::Call : SimulatedTraffic::Kind::Sms;
                t.from = r.from;
                t.to = r.to;
                t.body = r.body;
                t.media = r.media;
                t.status = r.status;
                t.sid = r.sid;
                t.time = r.time;
                rows.append(t);
            }
            return rows;
        },
        [this](Result<QList<SimulatedTraffic>> rows) {
            if (!rows) {
                return;
            }
            for (const SimulatedTraffic &t : std::as_const(*rows)) {
                Q_EMIT trafficRecorded(t);
            }
        });
}

} // namespace Maskline
