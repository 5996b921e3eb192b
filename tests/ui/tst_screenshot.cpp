// Opens the main window on a demo store under a real X server (Xvfb) and saves PNGs of its tabs as test artefacts,
// checking that each is not blank. Run it through run_under_xvfb.sh: without xvfb-run it fails, never skips.

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QHeaderView>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollArea>
#include <QScrollBar>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTextBrowser>

#include "debuggerlogmodel.h"
#include "debuggerpane.h"
#include "demostore.h"
#include "enginefixture.h"
#include "enginesimulator.h"
#include "mainwindow.h"
#include "participantdialog.h"
#include "participantmodel.h"
#include "servicemodel.h"
#include "servicespane.h"
#include "sessiondialogs.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "settingsdialog.h"
#include "simulatorpane.h"
#include "translations.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

class TestScreenshot final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static double variance(const QImage &image, int *colours)
    {
        QSet<QRgb> distinct;
        double sum = 0;
        double sumSq = 0;
        qint64 n = 0;
        for (int y = 0; y < image.height(); y += 2) {
            for (int x = 0; x < image.width(); x += 2) {
                const QRgb p = image.pixel(x, y);
                const double l = qGray(p);
                sum += l;
                sumSq += l * l;
                ++n;
                if (distinct.size() < 5000) {
                    distinct.insert(p);
                }
            }
        }
        *colours = int(distinct.size());
        const double mean = sum / double(n);
        return sumSq / double(n) - mean * mean;
    }

    void shoot(QWidget &window, const QString &name)
    {
        QTest::qWait(400);
        const QImage image = window.grab().toImage();
        const QString dir = QString::fromUtf8(MASKLINE_ARTIFACT_DIR);
        QDir().mkpath(dir);
        const QString path = dir + u"/"_s + name;
        QVERIFY2(image.save(path), qPrintable(path));
        int colours = 0;
        const double v = variance(image, &colours);
        qInfo().noquote() << "screenshot" << path << image.size() << "variance" << v << "colours" << colours;
        QVERIFY2(v > 100.0, qPrintable(u"%1 looks blank (variance %2)"_s.arg(path).arg(v)));
        QVERIFY2(colours > 50, qPrintable(u"%1 has only %2 colours"_s.arg(path).arg(colours)));
    }

private Q_SLOTS:
    void mainWindowOnDemoStore()
    {
        QVERIFY2(QGuiApplication::platformName() == u"xcb"_s,
                 qPrintable(u"the screenshot test needs a real X server (run it under xvfb-run), not '%1'"_s.arg(
                     QGuiApplication::platformName())));
        QStandardPaths::setTestModeEnabled(true);
        Demo::Options o;
        o.path = m_dir.filePath(u"demo.db"_s);
        o.sessions = 5000;
        o.interactionsPerSession = 8;
        const Demo::Summary summary = Demo::generate(o);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));

        EngineFixture engine;
        QVERIFY(engine.start(o.path));
        EngineSimulator simulator(engine.client(), engine.reader());
        MainWindow window(engine.client(), engine.reader(), &simulator);
        window.attachEngine(engine.host());
        window.resize(1440, 900);
        window.showTab(MainWindow::SessionsTab);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        SessionsPane *sessions = window.sessionsPane();
        QTRY_VERIFY(sessions->model()->isLoaded());
        QVERIFY(sessions->model()->rowCount() > 0);
        // Pick an in-progress session with interactions, so the detail panel has something to show.
        int row = 0;
        for (int r = 0; r < sessions->model()->rowCount(); ++r) {
            if (sessions->model()->index(r, 0).data(StatusRole).toString() == u"in-progress"_s) {
                row = r;
                break;
            }
        }
        sessions->selectSession(sessions->model()->index(row, 0).data(SidRole).toString());
        QTRY_VERIFY(sessions->participants()->isLoaded() && sessions->participants()->rowCount() == 2);
        QTRY_VERIFY(!window.countsLabel()->text().isEmpty());
        shoot(window, u"console-sessions.png"_s);

        window.showTab(MainWindow::DebuggerTab);
        QTRY_VERIFY(window.debuggerPane()->log()->isLoaded());
        shoot(window, u"console-debugger.png"_s);
        window.showTab(MainWindow::TrafficTab);
        shoot(window, u"console-traffic.png"_s);
        window.showTab(MainWindow::ServicesTab);
        shoot(window, u"console-services.png"_s);
        window.showTab(MainWindow::SimulatorTab);
        shoot(window, u"console-simulator.png"_s);
        window.showTab(MainWindow::NumbersTab);
        shoot(window, u"console-numbers.png"_s);

        // Sorted by a click on the Unique name header: ascending, the indicator shown, paged in that order.
        window.showTab(MainWindow::SessionsTab);
        QHeaderView *header = sessions->view()->horizontalHeader();
        const int section = SessionModel::UniqueNameColumn;
        QTest::mouseClick(
            header->viewport(), Qt::LeftButton, {},
            QPoint(header->sectionViewportPosition(section) + header->sectionSize(section) / 2, header->height() / 2));
        QCOMPARE(sessions->model()->sortColumn(), section);
        QCOMPARE(header->sortIndicatorSection(), section);
        QTRY_VERIFY(sessions->model()->isLoaded() && sessions->model()->rowCount() > 1);
        QVERIFY(sessions->model()->rowAt(0)->uniqueName < sessions->model()->rowAt(1)->uniqueName);
        shoot(window, u"console-sessions-sorted.png"_s);
    }

    // What a new operator sees first, at 1024x700: the first-run checklist; then the dialogs issue 14 changed.
    void firstRunAndDialogs()
    {
        EngineFixture engine;
        QVERIFY(engine.start());
        EngineSimulator simulator(engine.client(), engine.reader());
        MainWindow window(engine.client(), engine.reader(), &simulator);
        window.attachEngine(engine.host());
        window.resize(1024, 700);
        window.showTab(MainWindow::SessionsTab);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QTRY_VERIFY(window.sessionsPane()->firstRunGuide()->isVisible());
        shoot(window, u"console-first-run-1024x700.png"_s);

        ConsoleSettings bad;
        bad.carrier = u"twilio"_s;
        bad.twilioAccountSid = u"hello"_s;
        {
            SettingsDialog dialog(bad, &window);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QVERIFY(dialog.problemsLabel()->isVisible());
            shoot(dialog, u"dialog-settings-invalid.png"_s);
            dialog.twilioSidEdit()->setText(u"AC0123456789abcdef0123456789abcdef"_s);
            QTest::keyClicks(dialog.twilioTokenEdit(), u"0123456789abcdef0123456789abcdef"_s);
            QTest::keyClicks(dialog.publicUrlEdit(), u"https://proxy.example.com"_s);
            QVERIFY(dialog.saveButton()->isEnabled());
            shoot(dialog, u"dialog-settings-twilio.png"_s);
        }
        {
            StartupProblemDialog dialog(u"--twilio-account-sid expects AC followed by 32 hex digits"_s, bad.validate(),
                                        &window);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            shoot(dialog, u"dialog-startup-problem.png"_s);
        }
        {
            Account account;
            account.sid = engine.account();
            account.authToken = u"0123456789abcdef0123456789abcdef"_s;
            CredentialsDialog dialog(account, u"http://127.0.0.1:8080"_s, &window);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            shoot(dialog, u"dialog-credentials.png"_s);
        }
        const Service food = engine.makeService(u"food-delivery"_s);
        auto *services = window.findChild<ServiceModel *>();
        QTRY_COMPARE(services->rowCount(), 1);
        {
            const ConsoleContext ctx{engine.client(), engine.reader(), nullptr, nullptr, services, nullptr};
            NewSessionDialog dialog(ctx, food.sid, &window);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QTest::keyClicks(dialog.firstEdit(), u"+14155550100"_s);
            QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
            QTRY_VERIFY(dialog.banner()->isError());
            shoot(dialog, u"dialog-new-session-error.png"_s);
        }
    }

    // Issue 14 points 5 and 7-11 at 1024x700: a debugger event with its links and names, the session details with
    // nothing cut or scrolled sideways, a Service conflict, the new dialogs, the Traffic chart, and the German UI.
    void operatorViewsAt1024()
    {
        Demo::Options o;
        o.path = m_dir.filePath(u"demo-1024.db"_s);
        o.sessions = 400;
        o.interactionsPerSession = 6;
        const Demo::Summary summary = Demo::generate(o);
        QVERIFY2(summary.error.isEmpty(), qPrintable(summary.error));
        EngineFixture engine;
        QVERIFY(engine.start(o.path));
        EngineSimulator simulator(engine.client(), engine.reader());
        Translations::install(u"en"_s);
        auto window = std::make_unique<MainWindow>(engine.client(), engine.reader(), &simulator);
        window->attachEngine(engine.host());
        window->resize(1024, 700);
        window->showTab(MainWindow::SessionsTab);
        window->show();
        QVERIFY(QTest::qWaitForWindowExposed(window.get()));
        SessionsPane *sessions = window->sessionsPane();
        QTRY_VERIFY(sessions->model()->isLoaded() && sessions->model()->rowCount() > 0);
        int row = 0;
        for (int r = 0; r < sessions->model()->rowCount(); ++r) {
            if (sessions->model()->index(r, 0).data(StatusRole).toString() == u"in-progress"_s) {
                row = r;
                break;
            }
        }
        const QString sessionSid = sessions->model()->index(row, 0).data(SidRole).toString();
        sessions->selectSession(sessionSid);
        QTRY_VERIFY(sessions->participants()->isLoaded() && sessions->participants()->rowCount() == 2);
        QTest::qWait(300);
        shoot(*window, u"console-sessions-1024x700.png"_s);
        // Nothing in the details needs sideways scrolling at this size.
        for (QScrollArea *area : sessions->findChildren<QScrollArea *>()) {
            QVERIFY2(!area->horizontalScrollBar()->isVisible(), "the session details scroll sideways at 1024x700");
        }
        QVERIFY(window->countsLabel()->text().contains(u" services"_s) ||
                window->countsLabel()->text().contains(u"1 service "_s));

        // A debugger event with its SIDs and numbers as links, names beside the SIDs, the body decoded.
        window->showTab(MainWindow::DebuggerTab);
        DebuggerPane *debugger = window->debuggerPane();
        QTRY_VERIFY(debugger->log()->isLoaded() && debugger->view()->model()->rowCount() > 0);
        int eventRow = -1;
        for (int r = 0; r < debugger->log()->rowCount() && eventRow < 0; ++r) {
            const DebuggerEvent *e = debugger->log()->eventAt(r);
            if (!e->sessionSid.isEmpty() && !e->requestVariables.isEmpty()) {
                eventRow = r;
            }
        }
        QVERIFY2(eventRow >= 0, "the demo store has a debugger event naming a session with a request");
        const QModelIndex shown = debugger->filterModel()->mapFromSource(debugger->log()->index(eventRow, 0));
        debugger->view()->setCurrentIndex(shown);
        debugger->view()->scrollTo(shown);
        QTRY_VERIFY(debugger->detailsView()->toHtml().contains(u"maskline:session/"_s));
        QTest::qWait(300);
        shoot(*window, u"console-debugger-links.png"_s);

        window->showTab(MainWindow::TrafficTab);
        shoot(*window, u"console-traffic-1024x700.png"_s);
        window->showTab(MainWindow::SimulatorTab);
        QTRY_VERIFY(window->simulatorPane()->toCombo()->count() > 0);
        shoot(*window, u"console-simulator-1024x700.png"_s);

        // A Service changed here and elsewhere at once: the conflicting field in the warning colour.
        window->showTab(MainWindow::ServicesTab);
        ServicesPane *services = window->servicesPane();
        QTRY_VERIFY(services->view()->model()->rowCount() > 0);
        services->view()->setCurrentIndex(services->view()->model()->index(0, 0));
        QTRY_VERIFY(!services->uniqueNameEdit()->text().isEmpty());
        const QString serviceSid = services->selectedSid();
        const int ttl = services->defaultTtlBox()->value();
        services->defaultTtlBox()->setValue(ttl + 60);
        auto changed = engine.call([serviceSid, ttl](Proxy &p, const QString &a) {
            ServiceParams sp;
            sp.defaultTtl = ttl + 3600;
            sp.callbackUrl = u"https://example.com/changed-elsewhere"_s;
            return p.updateService(a, serviceSid, sp);
        });
        QVERIFY(changed);
        QTest::mouseClick(services->saveButton(), Qt::LeftButton);
        QTRY_VERIFY2(services->banner()->text().startsWith(u"Not saved"_s), qPrintable(services->banner()->text()));
        shoot(*window, u"console-service-conflict.png"_s);

        const Session *session = sessions->model()->rowAt(sessions->model()->rowOfSid(sessionSid));
        QVERIFY(session);
        const ConsoleContext ctx{
            engine.client(), engine.reader(), &simulator, nullptr, window->findChild<ServiceModel *>(), nullptr};
        {
            EditSessionDialog dialog(ctx, *session, window.get());
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            shoot(dialog, u"dialog-session-ttl-expiry.png"_s);
        }
        {
            SendMessageDialog dialog(ctx, *session, sessions->participants()->rows(), QString(), window.get());
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QTest::keyClicks(dialog.bodyEdit(), u"Your driver is two minutes away."_s);
            shoot(dialog, u"dialog-send-message.png"_s);
        }
        {
            AccountSettingsDialog dialog(ctx, window.get());
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            QTRY_VERIFY(dialog.isLoaded());
            shoot(dialog, u"dialog-account-settings.png"_s);
        }

        // The German UI: the language applies to windows built after it is installed (as at the next start).
        window.reset();
        QCOMPARE(Translations::install(u"de"_s), u"de"_s);
        MainWindow german(engine.client(), engine.reader(), &simulator);
        german.attachEngine(engine.host());
        german.resize(1024, 700);
        german.show();
        QVERIFY(QTest::qWaitForWindowExposed(&german));
        QCOMPARE(german.tabs()->tabText(MainWindow::SessionsTab), u"&Sitzungen"_s);
        QTRY_VERIFY(german.sessionsPane()->model()->isLoaded());
        german.sessionsPane()->selectSession(sessionSid);
        QTRY_VERIFY(german.sessionsPane()->participants()->rowCount() == 2);
        QTRY_VERIFY(german.countsLabel()->text().contains(u"Dienst"_s));
        shoot(german, u"console-de-sessions.png"_s);
        {
            ConsoleSettings settings;
            settings.language = u"de"_s;
            SettingsDialog dialog(settings, &german);
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            shoot(dialog, u"dialog-settings-de.png"_s);
        }
        Translations::install(u"en"_s);
    }
};

QTEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
