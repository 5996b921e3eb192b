// The change feed between nodes on one PostgreSQL store (engine/store/changefeed.h): what one node commits reaches a
// listening node (the console) through LISTEN/NOTIFY, coalesced, split to fit the payload limit, and a node does
// not hear its own changes back. Runs through tests/pg/with-postgres.sh (MASKLINE_TEST_DB).

#include <QSignalSpy>
#include <QTest>

#include "debugger/debugger.h"
#include "enginehost.h"
#include "proxy/proxy.h"
#include "store/changefeed.h"
#include "store/database.h"
#include "store/records.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

class TestChangeFeed final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void encodingSplitsAndRoundTrips()
    {
        QList<Change> changes;
        for (int i = 0; i < 400; ++i) {
            changes.append(Change{Change::Kind::Session, Change::Op::Updated,
                                  u"KS%1"_s.arg(i, 32, 10, QLatin1Char('0')), u"KS00000000000000000000000000000000"_s});
        }
        const QList<QByteArray> payloads = ChangeFeed::encode(u"N1"_s, changes, 7900);
        QVERIFY(payloads.size() > 1);
        QList<Change> back;
        for (const QByteArray &p : payloads) {
            QVERIFY(p.size() <= 7900);
            QString node;
            back += ChangeFeed::decode(p, &node);
            QCOMPARE(node, u"N1"_s);
        }
        QCOMPARE(back.size(), changes.size());
        QCOMPARE(back.last().sid, changes.last().sid);
        QCOMPARE(back.first().parentSid, changes.first().parentSid);
        QVERIFY(back.first().kind == Change::Kind::Session && back.first().op == Change::Op::Updated);
        // Unknown kinds (a newer node) and noise are dropped, not misread.
        QVERIFY(ChangeFeed::decode(R"({"node":"N2","changes":[[99,0,"x",""],[0,7,"y",""],"z"]})").isEmpty());
        QVERIFY(ChangeFeed::decode("not json").isEmpty());
    }

    void anotherNodeHearsWhatOneCommitted()
    {
        const QString location = qEnvironmentVariable("MASKLINE_TEST_DB");
        if (location.isEmpty()) {
            QSKIP("needs MASKLINE_TEST_DB (run through tests/pg/with-postgres.sh)");
        }
        Database nodeDb(StoreConfig::fromLocation(location));
        Database consoleDb(StoreConfig::fromLocation(location));
        ChangeFeed node(nodeDb);
        ChangeFeed console(consoleDb);
        QVERIFY(console.listen());
        QVERIFY(node.listen()); // listening too: its own notifications must not come back to it
        QSignalSpy heard(&console, &ChangeFeed::changedElsewhere);
        QSignalSpy echoed(&node, &ChangeFeed::changedElsewhere);

        node.publish({Change{Change::Kind::Participant, Change::Op::Added, u"KPa"_s, u"KCa"_s}});
        node.publish({Change{Change::Kind::DebuggerEvent, Change::Op::Added, u"NOb"_s, u"ACb"_s}});
        QVERIFY(heard.wait(5000));
        QTRY_COMPARE_WITH_TIMEOUT(heard.size(), 1, 2000); // coalesced: both in one notification
        const auto changes = heard.first().first().value<QList<Change>>();
        QCOMPARE(changes.size(), 2);
        QCOMPARE(changes.at(0).sid, u"KPa"_s);
        QCOMPARE(changes.at(0).parentSid, u"KCa"_s);
        QVERIFY(changes.at(1).kind == Change::Kind::DebuggerEvent);
        QCOMPARE(echoed.size(), 0);

        // And the other way round: the listening console's own changes reach the node.
        console.publish({Change{Change::Kind::Service, Change::Op::Removed, u"KSc"_s, {}}});
        QVERIFY(echoed.wait(5000));
        QCOMPARE(echoed.first().first().value<QList<Change>>().first().sid, u"KSc"_s);
        QCOMPARE(heard.size(), 1);
    }

    void consoleEngineShowsTheFleetsChanges()
    {
        // The console's engine on a deployment (no background work, following the others) reports a Service and a
        // debugger event that a node created, through the same signals as its own.
        const QString location = qEnvironmentVariable("MASKLINE_TEST_DB");
        if (location.isEmpty()) {
            QSKIP("needs MASKLINE_TEST_DB (run through tests/pg/with-postgres.sh)");
        }
        EngineConfig config;
        config.store = StoreConfig::fromLocation(location);
        config.http.address = QHostAddress::LocalHost;
        config.http.port = 0;
        EngineHost node(config);
        config.backgroundWork = false;
        config.followOtherNodes = true;
        EngineHost console(config);
        QSignalSpy nodeStarted(&node, &EngineHost::started);
        QSignalSpy consoleStarted(&console, &EngineHost::started);
        node.start();
        console.start();
        QCOMPARE(nodeStarted.size(), 1);
        QCOMPARE(consoleStarted.size(), 1);
        QVERIFY(console.outbox()->items().isEmpty());
        const Account account = nodeStarted.first().at(1).value<Account>();

        QSignalSpy changed(&console, &EngineHost::changed);
        QSignalSpy events(&console, &EngineHost::debuggerEventRecorded);
        ServiceParams params;
        params.uniqueName = u"fleet"_s;
        const auto service = node.proxy()->createService(account.sid, params);
        QVERIFY(service.ok());
        DebuggerEvent event;
        event.accountSid = account.sid;
        event.code = 80905;
        event.message = u"recorded on another node"_s;
        const DebuggerEvent recorded = node.debugger()->record(event);
        const auto sawService = [&] {
            for (const QList<QVariant> &args : std::as_const(changed)) {
                for (const Change &c : args.first().value<QList<Change>>()) {
                    if (c.kind == Change::Kind::Service && c.op == Change::Op::Added && c.sid == service->sid) {
                        return true;
                    }
                }
            }
            return false;
        };
        QTRY_VERIFY_WITH_TIMEOUT(sawService(), 5000);
        QTRY_COMPARE_WITH_TIMEOUT(events.size(), 1, 5000);
        QCOMPARE(events.first().first().value<DebuggerEvent>().sid, recorded.sid);
        QCOMPARE(events.first().first().value<DebuggerEvent>().message, u"recorded on another node"_s);
        console.stop();
        node.stop();
    }
};

QTEST_GUILESS_MAIN(TestChangeFeed)
#include "tst_changefeed.moc"
