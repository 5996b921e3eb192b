// Opens the main window on a demo store under a real X server (Xvfb) and saves PNGs of its tabs as test artefacts,
// checking that each is not blank. Run it through run_under_xvfb.sh: without xvfb-run it fails, never skips.

#include <QApplication>
#include <QDir>
#include <QImage>
#include <QLabel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>

#include "debuggerlogmodel.h"
#include "debuggerpane.h"
#include "demostore.h"
#include "enginefixture.h"
#include "enginesimulator.h"
#include "mainwindow.h"
#include "participantmodel.h"
#include "sessionmodel.h"
#include "sessionspane.h"

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

    void shoot(MainWindow &window, const QString &name)
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
};

QTEST_MAIN(TestScreenshot)
#include "tst_screenshot.moc"
