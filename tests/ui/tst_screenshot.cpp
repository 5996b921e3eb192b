// Opens the main window on a demo store under a real X server (Xvfb) and saves PNGs of its tabs as test artefacts,
// checking that each is not blank. Run it through run_under_xvfb.sh: without xvfb-run it fails, never skips.

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>

#include "debuggerlogmodel.h"
#include "debuggerpane.h"
#include "demostore.h"
#include "enginefixture.h"
#include "enginesimulator.h"
#include "mainwindow.h"
#include "participantdialog.h"
#include "participantmodel.h"
#include "servicemodel.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "settingsdialog.h"
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
};

QTEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
