// The debugger pane as a user sees it: events listed with level and code, the filters (level, code, SID, text),
// details with the request and response, double-click to a session, CSV export.

#include <QCheckBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTextBrowser>

#include "debuggerlogmodel.h"
#include "debuggerpane.h"
#include "enginefixture.h"
#include "servicemodel.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

class TestDebuggerPane final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;
    const QString m_session = u"KC0000000000000000000000000000abcd"_s;

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_engine.start());
        QVERIFY(m_engine.run([session = m_session](EngineHost &host) {
            const std::pair<int, QString> events[] = {
                {80901, u"Opt-out keyword STOP was not forwarded"_s},
                {80905, u"Out-of-session message dropped"_s},
                {80614, u"The session has no partner"_s},
            };
            for (const auto &[code, message] : events) {
                DebuggerEvent e;
                e.code = code;
                e.message = message;
                e.sessionSid = code == 80614 ? session : QString();
                e.requestMethod = u"POST"_s;
                e.requestUrl = u"/carrier/twilio/sms"_s;
                e.requestVariables = u"From=%2B14155550100&Body=STOP"_s;
                e.responseBody = u"<Response/>"_s;
                host.debugger()->record(e);
            }
            return true;
        }));
    }

    void cleanupTestCase() { m_engine.stop(); }

    void filtersAndDetails()
    {
        ServiceModel services(m_engine.reader());
        const ConsoleContext ctx{m_engine.client(), m_engine.reader(), nullptr, nullptr, &services, nullptr};
        DebuggerPane pane(ctx);
        connect(m_engine.host(), &EngineHost::debuggerEventRecorded, pane.log(),
                &DebuggerLogModel::handleEventRecorded);
        pane.resize(1200, 700);
        pane.show();
        pane.log()->replay();
        QTRY_COMPARE(pane.view()->model()->rowCount(), 3);
        QTRY_COMPARE(pane.summary()->text(), u"3 event(s) · following new events"_s);

        // By code.
        pane.codeBox()->setValue(80905);
        QTRY_COMPARE(pane.view()->model()->rowCount(), 1);
        QCOMPARE(pane.view()->model()->index(0, DebuggerLogModel::MessageColumn).data().toString(),
                 u"Out-of-session message dropped"_s);
        QTRY_VERIFY(pane.summary()->text().startsWith(u"1 event(s) match the filters"_s));
        pane.codeBox()->setValue(0);
        pane.applyFilters(); // what the typing pause does
        QTRY_COMPARE(pane.view()->model()->rowCount(), 3);

        // By text (case-insensitive).
        QTest::keyClicks(pane.textEdit(), u"stop"_s);
        pane.applyFilters();
        QTRY_COMPARE(pane.view()->model()->rowCount(), 1);
        QCOMPARE(pane.view()->model()->index(0, DebuggerLogModel::CodeColumn).data().toInt(), 80901);
        pane.textEdit()->clear();
        pane.applyFilters();

        // By SID.
        QTest::keyClicks(pane.sidEdit(), m_session);
        pane.applyFilters();
        QTRY_COMPARE(pane.view()->model()->rowCount(), 1);
        QCOMPARE(pane.view()->model()->index(0, DebuggerLogModel::CodeColumn).data().toInt(), 80614);
        pane.sidEdit()->clear();
        pane.applyFilters();
        QTRY_COMPARE(pane.view()->model()->rowCount(), 3);

        // By level: warnings off leaves the errors only.
        int errors = 0;
        for (int code : {80901, 80905, 80614}) {
            errors += Debugger::levelFor(code) == u"error"_s ? 1 : 0;
        }
        pane.warningsBox()->setChecked(false);
        QTRY_COMPARE(pane.view()->model()->rowCount(), errors);
        pane.warningsBox()->setChecked(true);
        QTRY_COMPARE(pane.view()->model()->rowCount(), 3);

        // Details: the request and the response.
        pane.view()->setCurrentIndex(pane.view()->model()->index(2, 0));
        const QString details = pane.detailsView()->toPlainText();
        QVERIFY(details.contains(u"80614"_s));
        QVERIFY(details.contains(u"POST /carrier/twilio/sms"_s));
        QVERIFY(details.contains(u"<Response/>"_s));

        // Double-click: to the session it names.
        QSignalSpy requested(&pane, &DebuggerPane::sessionRequested);
        const QModelIndex withSession = pane.view()->model()->index(2, DebuggerLogModel::SessionColumn);
        pane.view()->scrollTo(withSession);
        const QRect rect = pane.view()->visualRect(withSession);
        QTest::mouseClick(pane.view()->viewport(), Qt::LeftButton, {}, rect.center());
        QTest::mouseDClick(pane.view()->viewport(), Qt::LeftButton, {}, rect.center());
        QTRY_COMPARE(requested.count(), 1);
        QCOMPARE(requested.at(0).at(0).toString(), m_session);

        // Live events append at the bottom.
        QVERIFY(m_engine.run([](EngineHost &host) {
            DebuggerEvent e;
            e.code = 80910;
            e.message = u"SMS into a voice-only session"_s;
            host.debugger()->record(e);
            return true;
        }));
        QTRY_COMPARE(pane.view()->model()->rowCount(), 4);
        QCOMPARE(pane.view()->model()->index(3, DebuggerLogModel::CodeColumn).data().toInt(), 80910);

        // Export what is shown.
        QTemporaryDir dir;
        const QString path = dir.filePath(u"events.csv"_s);
        QVERIFY(pane.exportCsv(path));
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString csv = QString::fromUtf8(file.readAll());
        QCOMPARE(csv.count(u"\r\n"_s), 5);
        QVERIFY(csv.contains(u"SMS into a voice-only session"_s));

        pane.view()->selectAll();
        QVERIFY(pane.selectedText().split(u'\n').size() == 4);
    }

    void liveTailHoldsStillWhileReading()
    {
        const auto recordMany = [this](int count) {
            return m_engine.run([count](EngineHost &host) {
                for (int i = 0; i < count; ++i) {
                    DebuggerEvent e;
                    e.code = 80901;
                    e.message = u"Opt-out keyword STOP was not forwarded (%1)"_s.arg(i);
                    host.debugger()->record(e);
                }
                return true;
            });
        };
        ServiceModel services(m_engine.reader());
        const ConsoleContext ctx{m_engine.client(), m_engine.reader(), nullptr, nullptr, &services, nullptr};
        DebuggerPane pane(ctx);
        connect(m_engine.host(), &EngineHost::debuggerEventRecorded, pane.log(),
                &DebuggerLogModel::handleEventRecorded);
        pane.resize(1000, 500);
        pane.show();
        pane.log()->replay();
        const int history = m_engine.run([](EngineHost &host) {
            PageRequest page;
            page.pageSize = 1000;
            const auto stored = host.debugger()->list({}, page);
            return stored ? int(stored->items.size()) : -1;
        });
        QVERIFY(history >= 0);
        QVERIFY(recordMany(120));
        // Every one of them, not merely most: the count read below must not still be moving.
        QTRY_COMPARE(pane.view()->model()->rowCount(), history + 120);
        QScrollBar *bar = pane.view()->verticalScrollBar();
        QTRY_VERIFY(bar->maximum() > 0 && bar->value() == bar->maximum()); // at the tail, following
        QVERIFY(pane.view()->isFollowing());

        // The operator scrolls up to read: new events arrive, the rows under their eyes stay put.
        bar->setValue(10);
        QTRY_VERIFY(!pane.view()->isFollowing());
        QTRY_VERIFY(pane.summary()->text().contains(u"paused while you read"_s));
        const QModelIndex top = pane.view()->indexAt(QPoint(5, 5));
        const int rows = pane.view()->model()->rowCount();
        QVERIFY(recordMany(5));
        QTRY_COMPARE(pane.view()->model()->rowCount(), rows + 5);
        QCOMPARE(bar->value(), 10);
        QCOMPARE(pane.view()->indexAt(QPoint(5, 5)).row(), top.row());

        // Back at the bottom it follows again, and the next event scrolls into view.
        pane.view()->scrollToBottom();
        QTRY_VERIFY(pane.view()->isFollowing());
        QVERIFY(recordMany(1));
        QTRY_COMPARE(pane.view()->model()->rowCount(), rows + 6);
        QTRY_COMPARE(bar->value(), bar->maximum());
        QVERIFY(pane.summary()->text().contains(u"following new events"_s));
    }
};

QTEST_MAIN(TestDebuggerPane)
#include "tst_debuggerpane.moc"
