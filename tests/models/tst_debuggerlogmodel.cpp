// DebuggerLogModel (bounded ring buffer: history replay, then live events coalesced per tick, eviction first),
// DebuggerLogFilterModel (typed filters, also replayed in SQL), TrafficModel and SimulatorTrafficModel.

#include <QAbstractItemModelTester>

#include "core/clock.h"
#include "debuggerlogmodel.h"
#include "enginefixture.h"
#include "simulator.h"
#include "trafficmodel.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

class TestDebuggerLogModel final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;

    void record(const QList<std::pair<int, QString>> &events)
    {
        QVERIFY(m_engine.run([events](EngineHost &host) {
            for (const auto &[code, sid] : events) {
                DebuggerEvent e;
                e.code = code;
                e.sessionSid = sid;
                e.message = u"event %1 about %2"_s.arg(code).arg(sid);
                host.debugger()->record(e);
            }
            return true;
        }));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_engine.start()); }
    void cleanupTestCase() { m_engine.stop(); }

    void replaysHistoryThenTails()
    {
        record({{80901, u"KC00000000000000000000000000000001"_s}, {80905, {}}, {80604, {}}});
        DebuggerLogModel model(m_engine.reader(), 5);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::debuggerEventRecorded, &model, &DebuggerLogModel::handleEventRecorded);
        QSignalSpy loaded(&model, &DebuggerLogModel::historyLoaded);
        model.replay();
        QVERIFY(loaded.wait());
        QCOMPARE(model.rowCount(), 3);
        // Oldest first, the tail at the bottom.
        QCOMPARE(model.index(0, DebuggerLogModel::CodeColumn).data().toInt(), 80901);
        QCOMPARE(model.index(2, DebuggerLogModel::CodeColumn).data().toInt(), 80604);

        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        // Four events in one engine job: one insertion; the buffer holds 5, so the two oldest go first.
        record({{80910, {}}, {80911, {}}, {80614, {}}, {80902, {}}});
        QTRY_COMPARE(inserted.count(), 1);
        EngineFixture::settle();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 1);
        QCOMPARE(removed.at(0).at(1).toInt(), 0);
        QCOMPARE(removed.at(0).at(2).toInt(), 1);
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.index(0, DebuggerLogModel::CodeColumn).data().toInt(), 80604);
        QCOMPARE(model.index(4, DebuggerLogModel::CodeColumn).data().toInt(), 80902);
        QCOMPARE(model.index(4, DebuggerLogModel::LevelColumn).data().toString(), Debugger::levelFor(80902));
    }

    void filters()
    {
        DebuggerLogModel model(m_engine.reader());
        connect(m_engine.host(), &EngineHost::debuggerEventRecorded, &model, &DebuggerLogModel::handleEventRecorded);
        DebuggerLogFilterModel filter(&model);
        QAbstractItemModelTester tester(&filter, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy loaded(&model, &DebuggerLogModel::historyLoaded);
        model.replay();
        QVERIFY(loaded.wait());
        const int all = model.rowCount();
        QCOMPARE(filter.rowCount(), all);

        filter.setCode(80901);
        QTRY_COMPARE(loaded.count(), 2);
        QCOMPARE(filter.rowCount(), 1);
        QCOMPARE(filter.index(0, DebuggerLogModel::CodeColumn).data().toInt(), 80901);

        filter.setCode(0);
        filter.setSid(u"KC00000000000000000000000000000001"_s);
        QTRY_VERIFY(model.isLoaded() && filter.rowCount() == 1);
        QCOMPARE(filter.index(0, DebuggerLogModel::SessionColumn).data().toString(),
                 u"KC00000000000000000000000000000001"_s);

        filter.setSid({});
        filter.setText(u"EVENT 8061"_s);
        QTRY_VERIFY(filter.rowCount() == 1);
        QCOMPARE(filter.index(0, DebuggerLogModel::CodeColumn).data().toInt(), 80614);

        filter.setText({});
        // Counted once every event is back (the text filter may reload the history): not from a stale subset.
        QTRY_COMPARE(filter.rowCount(), all);
        const int errors = [&]() {
            int n = 0;
            for (int r = 0; r < model.rowCount(); ++r) {
                n += model.eventAt(r)->logLevel == u"error"_s ? 1 : 0;
            }
            return n;
        }();
        filter.setLevels(DebuggerLogFilter::Error);
        QTRY_COMPARE(filter.rowCount(), errors);
        // A live event that does not match stays hidden; one that does, shows.
        record({{80604, {}}});
        record({{80902, {}}});
        QTRY_COMPARE(filter.rowCount(), errors + 1);
        QCOMPARE(filter.index(filter.rowCount() - 1, DebuggerLogModel::CodeColumn).data().toInt(), 80902);

        filter.setLevels(DebuggerLogFilter::AllLevels);
        filter.setTimeRange(QDateTime::currentDateTimeUtc().addDays(1), {});
        QTRY_COMPARE(filter.rowCount(), 0);
        filter.setTimeRange({}, {});
        QTRY_COMPARE(filter.rowCount(), all + 2);

        const QString csv = DebuggerLogModel::toCsv(filter.visibleEvents());
        QVERIFY(csv.startsWith(u"time,level,code,message"_s));
        QCOMPARE(csv.count(u"\r\n"_s), all + 3);
    }

    void traffic()
    {
        const Service s = m_engine.makeService(u"chart"_s);
        m_engine.addNumber(s.sid, u"+14155550400"_s);
        m_engine.addNumber(s.sid, u"+14155550401"_s);
        const Session session = m_engine.makeSession(s.sid, {u"+14155550410"_s, u"+14155550411"_s});
        TrafficModel model(m_engine.reader());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::changed, &model, &TrafficModel::handleChanges);
        connect(m_engine.host(), &EngineHost::debuggerEventRecorded, &model, &TrafficModel::handleEventRecorded);
        QSignalSpy backfilled(&model, &TrafficModel::backfilled);
        model.backfill();
        QVERIFY(backfilled.wait());
        QCOMPARE(model.rowCount(), TrafficModel::DEFAULT_WINDOW_MINUTES);
        const int warningsBefore = model.total(TrafficModel::WarningsColumn) + model.total(TrafficModel::ErrorsColumn);
        QVERIFY(warningsBefore > 0); // the events recorded by the tests above
        QCOMPARE(model.total(TrafficModel::MessagesColumn), 0);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        QVERIFY(m_engine.call([sid = session.sid](Proxy &p, const QString &) {
            Interaction i;
            i.sessionSid = sid;
            i.type = u"message"_s;
            return p.recordInteraction(i);
        }));
        QTRY_COMPARE(model.total(TrafficModel::MessagesColumn), 1);
        EngineFixture::settle();
        QCOMPARE(changed.count(), 1);
        const int last = model.rowCount() - 1;
        QVERIFY(model.index(last, TrafficModel::MessagesColumn).data().toInt() == 1 ||
                model.index(last - 1, TrafficModel::MessagesColumn).data().toInt() == 1);
        record({{80901, {}}});
        QTRY_COMPARE(changed.count(), 2);
    }

    void trafficWindowSlidesConsistently()
    {
        // The window slides when the minute changes (the chart's 5 s timer, or traffic in a new minute). Views and
        // proxies see it as rows removed at the top and rows added at the bottom, each consistent when signalled:
        // the tester checks the row after the removed ones is the old row `shift`, minute included.
        ManualClock clock(QDateTime(QDate(2026, 12, 2), QTime(17, 30, 10), Qt::UTC));
        TrafficModel model(nullptr, &clock, 5);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        const auto minuteAt = [&](int row) {
            return model.index(row, TrafficModel::MinuteColumn).data().toLongLong();
        };
        const qint64 lastMinute = minuteAt(4);
        QCOMPARE(lastMinute, QDateTime(QDate(2026, 12, 2), QTime(17, 30), Qt::UTC).toMSecsSinceEpoch());
        DebuggerEvent warning;
        warning.logLevel = u"warning"_s;
        model.handleEventRecorded(warning);
        QCOMPARE(model.index(4, TrafficModel::WarningsColumn).data().toInt(), 1);

        clock.advance(120); // two minutes on: the warning's minute is now row 2
        model.advance();
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(minuteAt(2), lastMinute);
        QCOMPARE(model.index(2, TrafficModel::WarningsColumn).data().toInt(), 1);
        QCOMPARE(model.index(4, TrafficModel::WarningsColumn).data().toInt(), 0);
        QCOMPARE(model.total(TrafficModel::WarningsColumn), 1);

        clock.advance(3600); // past the whole window: every row new, the warning gone
        model.handleEventRecorded(warning);
        QCOMPARE(minuteAt(4), lastMinute + 62 * 60000);
        QCOMPARE(model.total(TrafficModel::WarningsColumn), 1);
        QCOMPARE(model.index(4, TrafficModel::WarningsColumn).data().toInt(), 1);
    }

    void simulatorTraffic()
    {
        SimulatorTrafficModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        SimulatedTraffic t;
        t.from = u"+14155550100"_s;
        t.to = u"+14155550199"_s;
        t.body = u"hi"_s;
        t.status = u"routed"_s;
        model.append(t);
        t.direction = SimulatedTraffic::Direction::Outbound;
        t.status = u"delivered"_s;
        model.append(t);
        QCOMPARE(inserted.count(), 2);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, SimulatorTrafficModel::StatusColumn).data().toString(), u"delivered"_s);
        QCOMPARE(model.index(1, SimulatorTrafficModel::DirectionColumn).data().toString(), u"handset → Maskline"_s);
    }
};

QTEST_MAIN(TestDebuggerLogModel)
#include "tst_debuggerlogmodel.moc"
