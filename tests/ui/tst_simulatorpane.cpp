// The Simulator pane over the engine's simulator carrier: a handset texts its proxy number, the pane says it was
// routed and lists what the carrier delivered to the other participant; a refusal is shown in words.

#include <QComboBox>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>

#include "enginefixture.h"
#include "enginesimulator.h"
#include "servicemodel.h"
#include "simulator.h"
#include "simulatorpane.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

class TestSimulatorPane final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;
    std::unique_ptr<ServiceModel> m_services;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_engine.start());
        m_services = std::make_unique<ServiceModel>(m_engine.reader());
        connect(m_engine.host(), &EngineHost::changed, m_services.get(), &ServiceModel::handleChanges);
        m_services->setAccountSid(m_engine.account());
    }

    void cleanupTestCase()
    {
        m_services.reset();
        m_engine.stop();
    }

    void sendSmsIsRouted()
    {
        const Service service = m_engine.makeService(u"sim"_s);
        m_engine.addNumber(service.sid, u"+14155550500"_s);
        m_engine.addNumber(service.sid, u"+14155550501"_s);
        const Session session = m_engine.makeSession(service.sid, {u"+14155550510"_s, u"+14155550511"_s});
        auto people = m_engine.call([svc = service.sid, sid = session.sid](Proxy &p, const QString &a) {
            return p.listParticipants(a, svc, sid, {});
        });
        QVERIFY(people && people->items.size() == 2);
        const Participant b = people->items.at(0);
        const Participant a = people->items.at(1);
        QTRY_COMPARE(m_services->rowCount(), 1);

        EngineSimulator simulator(m_engine.client(), m_engine.reader());
        QTRY_VERIFY(simulator.isAvailable());
        const ConsoleContext ctx{m_engine.client(), m_engine.reader(), &simulator, nullptr, m_services.get(), nullptr};
        SimulatorPane pane(ctx);
        pane.resize(1100, 700);
        pane.show();
        QTest::keyClicks(pane.fromEdit(), a.identifier);
        pane.toCombo()->setEditText(a.proxyIdentifier);
        QTest::keyClicks(pane.bodyEdit(), u"Hello from the handset"_s);
        QTest::mouseClick(pane.sendButton(), Qt::LeftButton);

        QTRY_VERIFY(pane.banner()->isVisible());
        QTRY_VERIFY2(
            pane.banner()->text().startsWith(u"SMS from %1 to %2: routed"_s.arg(a.identifier, a.proxyIdentifier)),
            qPrintable(pane.banner()->text()));
        QVERIFY(!pane.banner()->isError());
        // The carrier's delivery to B, from B's proxy number: what B's phone would show.
        QTRY_VERIFY(pane.traffic()->rowCount() >= 2);
        bool delivered = false;
        for (int r = 0; r < pane.traffic()->rowCount(); ++r) {
            const SimulatedTraffic *t = pane.traffic()->at(r);
            if (t->direction == SimulatedTraffic::Direction::Outbound && t->to == b.identifier) {
                delivered = true;
                QCOMPARE(t->from, b.proxyIdentifier);
                QCOMPARE(t->body, u"Hello from the handset"_s);
            }
        }
        QVERIFY(delivered);
    }

    void outOfSessionIsDroppedVisibly()
    {
        EngineSimulator simulator(m_engine.client(), m_engine.reader());
        QTRY_VERIFY(simulator.isAvailable());
        const ConsoleContext ctx{m_engine.client(), m_engine.reader(), &simulator, nullptr, m_services.get(), nullptr};
        SimulatorPane pane(ctx);
        pane.show();
        QTest::keyClicks(pane.fromEdit(), u"+14155550599"_s);
        pane.toCombo()->setEditText(u"+14155550500"_s);
        QTest::keyClicks(pane.bodyEdit(), u"who is this"_s);
        QTest::mouseClick(pane.sendButton(), Qt::LeftButton);
        QTRY_VERIFY(pane.banner()->isVisible());
        QVERIFY2(pane.banner()->text().contains(u"dropped"_s), qPrintable(pane.banner()->text()));
        // Dropped is not done: the warning colour, never the green banner.
        QCOMPARE(pane.banner()->kind(), MessageBanner::Kind::Warning);
        // The pane lists every delivery the carrier makes, so a late delivery from the previous case may sit above
        // this one: look for the handset's row rather than assume it is the newest.
        const SimulatedTraffic *inbound = nullptr;
        for (int r = 0; r < pane.traffic()->rowCount(); ++r) {
            const SimulatedTraffic *t = pane.traffic()->at(r);
            QVERIFY2(t->to != u"+14155550599"_s, "nothing may be forwarded to or answered at an unknown sender");
            if (t->direction == SimulatedTraffic::Direction::Inbound && t->from == u"+14155550599"_s)
                inbound = t;
        }
        QVERIFY(inbound);
        QCOMPARE(inbound->to, u"+14155550500"_s);
    }

    void unavailableSimulatorSaysWhy()
    {
        UnavailableSimulator simulator(u"The carrier is twilio, not the simulator"_s);
        const ConsoleContext ctx{m_engine.client(), m_engine.reader(), &simulator, nullptr, m_services.get(), nullptr};
        SimulatorPane pane(ctx);
        pane.show();
        QTest::keyClicks(pane.fromEdit(), u"+14155550510"_s);
        pane.toCombo()->setEditText(u"+14155550500"_s);
        QTest::mouseClick(pane.callButton(), Qt::LeftButton);
        QTRY_VERIFY(pane.banner()->isError());
        QCOMPARE(pane.banner()->text(), u"Call from +14155550510 to +14155550500 was not routed — The carrier is "
                                        u"twilio, not the simulator"_s);
        QCOMPARE(pane.traffic()->rowCount(), 1);
    }
};

QTEST_MAIN(TestSimulatorPane)
#include "tst_simulatorpane.moc"
