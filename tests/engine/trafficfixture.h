#pragma once

// Shared by the traffic tests (tst_routing, tst_twiliocarrier): one engine's worth of objects over a temporary SQLite
// store and a ManualClock, which can be torn down and rebuilt on the same store to test restarts.

#include <functional>
#include <memory>

#include <QTest>

#include "carrier/carrier.h"
#include "carrier/simulatorcarrier.h"
#include "core/clock.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "routing/scheduler.h"
#include "store/database.h"
#include "store/outbox.h"
#include "store/sqlquery.h"

namespace Maskline::Testing {

using namespace Qt::Literals::StringLiterals;

using CarrierFactory = std::function<std::unique_ptr<Carrier>(Database &db, const Clock &clock)>;

inline CarrierFactory simulatorFactory()
{
    return [](Database &db, const Clock &clock) {
        return std::make_unique<SimulatorCarrier>(db, clock);
    };
}

struct Party
{
    Session session;
    Participant a;
    Participant b;
};

class TrafficFixture final
{
public:
    std::unique_ptr<ManualClock> clock =
        std::make_unique<ManualClock>(QDateTime(QDate(2030, 1, 1), QTime(12, 0), Qt::UTC));
    std::unique_ptr<Database> db;
    std::unique_ptr<Debugger> debugger;
    std::unique_ptr<Proxy> proxy;
    std::unique_ptr<Outbox> outbox;
    std::unique_ptr<Carrier> carrier;
    std::unique_ptr<Router> router;
    std::unique_ptr<Scheduler> scheduler;
    Account account;
    QString path;
    CarrierFactory makeCarrier;
    OutboxConfig outboxConfig;
    RouterConfig routerConfig;
    SchedulerConfig schedulerConfig;

    ~TrafficFixture() { close(); }

    void open(const QString &storePath, CarrierFactory factory = simulatorFactory())
    {
        path = storePath;
        makeCarrier = std::move(factory);
        reopen();
    }

    // A "restart": new engine objects on the same store and clock.
    void reopen()
    {
        close();
        db = std::make_unique<Database>(StoreConfig::fromLocation(path));
        if (!db->migrate().ok()) {
            qFatal("migrate failed");
        }
        debugger = std::make_unique<Debugger>(*db, *clock);
        proxy = std::make_unique<Proxy>(*db, *clock, debugger.get());
        auto a = proxy->ensureAccount();
        if (!a) {
            qFatal("ensureAccount: %s", qPrintable(a.error().message));
        }
        account = *a;
        outbox = std::make_unique<Outbox>(*db, *clock, outboxConfig);
        if (db->config().isSqlite()) {
            // As EngineHost does: on SQLite the restarted engine is the only worker, so claims left by the one that
            // stopped are redone at once. On PostgreSQL they wait for their lease (another node may hold them).
            outbox->releaseClaims();
        }
        carrier = makeCarrier(*db, *clock);
        router = std::make_unique<Router>(*proxy, *carrier, *outbox, debugger.get(), routerConfig);
        scheduler = std::make_unique<Scheduler>(*proxy, debugger.get(), outbox.get(), schedulerConfig);
    }

    void close()
    {
        scheduler.reset();
        router.reset();
        carrier.reset();
        outbox.reset();
        proxy.reset();
        debugger.reset();
        if (db) {
            db->closeThreadConnection();
        }
        db.reset();
    }

    Service service(ServiceParams params = {})
    {
        static int counter = 0;
        if (!params.uniqueName) {
            params.uniqueName = u"svc-%1"_s.arg(++counter);
        }
        auto s = proxy->createService(account.sid, params);
        if (!s) {
            qFatal("createService: %s", qPrintable(s.error().message));
        }
        return *s;
    }

    PhoneNumber number(const Service &s, const QString &e164, std::optional<Capabilities> caps = std::nullopt)
    {
        PhoneNumberParams p;
        p.phoneNumber = e164;
        p.capabilities = caps;
        auto n = proxy->createPhoneNumber(account.sid, s.sid, p);
        if (!n) {
            qFatal("createPhoneNumber %s: %s", qPrintable(e164), qPrintable(n.error().message));
        }
        return *n;
    }

    // A session with participants a and b (b optional), each on the given proxy number or auto-selected.
    Party party(const Service &s, const QString &a, const QString &b, SessionParams params = {},
                const QString &proxyA = {}, const QString &proxyB = {})
    {
        params.participants.append(
            ParticipantParams{a, {}, proxyA.isEmpty() ? std::nullopt : std::optional<QString>(proxyA), {}, false});
        if (!b.isEmpty()) {
            params.participants.append(
                ParticipantParams{b, {}, proxyB.isEmpty() ? std::nullopt : std::optional<QString>(proxyB), {}, false});
        }
        auto session = proxy->createSession(account.sid, s.sid, params);
        if (!session) {
            qFatal("createSession: %s", qPrintable(session.error().message));
        }
        Party party;
        party.session = *session;
        const auto list = proxy->listParticipants(account.sid, s.sid, session->sid, {});
        for (const Participant &p : list->items) {
            if (p.identifier == a) {
                party.a = p;
            } else {
                party.b = p;
            }
        }
        return party;
    }

    Session session(const Party &party)
    {
        return *proxy->fetchSession(account.sid, party.session.serviceSid, party.session.sid);
    }

    QList<Interaction> interactions(const Party &party)
    {
        auto page = proxy->listInteractions(account.sid, party.session.serviceSid, party.session.sid, {});
        return page ? page->items : QList<Interaction>();
    }

    QList<DebuggerEvent> events(int code = 0)
    {
        DebuggerFilter f;
        f.code = code;
        PageRequest page;
        page.pageSize = 1000;
        auto list = debugger->list(f, page);
        return list ? list->items : QList<DebuggerEvent>();
    }

    QList<int> eventCodes()
    {
        QList<int> codes;
        const QList<DebuggerEvent> all = events();
        for (auto it = all.crbegin(); it != all.crend(); ++it) {
            codes.append(it->code);
        }
        return codes;
    }

    qint64 count(const QString &sql)
    {
        SqlQuery q(db->connection(), sql);
        q.exec();
        return q.next() ? q.value(0).toLongLong() : -1;
    }

    InboundMessage sms(const QString &from, const QString &to, const QString &body, const QString &sid = {})
    {
        InboundMessage m;
        m.from = from;
        m.to = to;
        m.body = body;
        m.messageSid = sid;
        m.carrierParams = {{u"From"_s, from}, {u"To"_s, to}, {u"Body"_s, body}};
        return m;
    }

    InboundCall call(const QString &from, const QString &to, const QString &sid = {})
    {
        InboundCall c;
        c.from = from;
        c.to = to;
        c.callSid = sid;
        c.carrierParams = {{u"From"_s, from}, {u"To"_s, to}};
        return c;
    }
};

} // namespace Maskline::Testing
