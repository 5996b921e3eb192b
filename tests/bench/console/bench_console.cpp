// maskline-bench-console: the console at scale. Opens the real main window (engine thread, read-only reader, every
// pane) on a store made by maskline-gen-demo and prints:
//   first_rows_ms    process start -> the Sessions table has its first rows and has painted them
//   filter_ms        typing an identifier in the Sessions filter -> its matching rows are shown (several runs)
//   peak_rss_mb      VmHWM of the process at the end
// Not a ctest: run tests/bench/console/run.sh (it generates the 1M-session store once).

#include <algorithm>

#include <QApplication>
#include <QCommandLineParser>
#include <QElapsedTimer>
#include <QFile>
#include <QLineEdit>
#include <QStandardPaths>
#include <QTableView>
#include <QTextStream>
#include <QThread>
#include <QTimer>

#include "engineclient.h"
#include "enginehost.h"
#include "enginesimulator.h"
#include "mainwindow.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "storereader.h"

using namespace Qt::Literals::StringLiterals;

namespace {

QElapsedTimer g_clock; // started first thing in main()

qint64 kilobytes(const QByteArray &field)
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(field)) {
            return line.mid(field.size()).trimmed().split(' ').value(0).toLongLong();
        }
    }
    return -1;
}

bool waitFor(const std::function<bool()> &done, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!done()) {
        if (t.elapsed() > timeoutMs) {
            return false;
        }
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    }
    return true;
}

} // namespace

int main(int argc, char *argv[])
{
    g_clock.start();
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"maskline-bench-console"_s);
    QStandardPaths::setTestModeEnabled(true); // no window state from a real user's settings
    QCommandLineParser parser;
    parser.addHelpOption();
    parser.addOption({u"db"_s, u"A store made by maskline-gen-demo."_s, u"path"_s});
    parser.addOption({u"identifiers"_s, u"Comma-separated identifiers to filter by."_s, u"list"_s,
                      u"+14152000000,+14152054321,+14152199999,+16283012345,+14152100000"_s});
    parser.process(app);
    QTextStream out(stdout);
    const QString path = parser.value(u"db"_s);
    if (path.isEmpty() || !QFile::exists(path)) {
        out << "maskline-bench-console: --db must name an existing store (see run.sh)\n";
        return 2;
    }

    Maskline::EngineConfig config;
    config.store.path = path;
    config.http.port = 0;
    QThread engineThread;
    auto *engine = new Maskline::EngineHost(config);
    engine->moveToThread(&engineThread);
    int code = 0;
    {
        Maskline::StoreReader reader(config.store);
        Maskline::EngineClient client(engine);
        Maskline::EngineSimulator simulator(&client, &reader);
        Maskline::MainWindow window(&client, &reader, &simulator);
        window.attachEngine(engine);
        window.showTab(Maskline::MainWindow::SessionsTab);
        QObject::connect(&engineThread, &QThread::started, engine, &Maskline::EngineHost::start);
        QObject::connect(&engineThread, &QThread::finished, engine, &QObject::deleteLater);
        engineThread.start();
        window.resize(1440, 900);
        window.show();

        Maskline::SessionsPane *pane = window.sessionsPane();
        Maskline::SessionModel *model = pane->model();
        const bool shown = waitFor([&]() { return model->isLoaded() && model->rowCount() > 0; }, 60000);
        pane->view()->viewport()->repaint(); // the rows painted, not only fetched
        const qint64 firstRows = g_clock.elapsed();
        if (!shown) {
            out << "first rows never arrived\n";
            code = 1;
        }
        out << "store: " << path << " (" << QString::number(QFile(path).size() / 1e9, 'f', 2) << " GB)\n";
        out << "first_rows_ms: " << firstRows << "\n";

        // Let the other panes' start-up reads (debugger history, traffic backfill, counts) finish first.
        waitFor([]() { return false; }, 1500);

        QList<qint64> times;
        for (const QString &identifier : parser.value(u"identifiers"_s).split(u',', Qt::SkipEmptyParts)) {
            QElapsedTimer t;
            t.start();
            pane->identifierFilter()->setText(identifier);
            pane->applyFilters(); // what the typing pause triggers
            if (!waitFor([&]() { return model->isLoaded(); }, 30000)) {
                out << "filter " << identifier << " timed out\n";
                code = 1;
                break;
            }
            pane->view()->viewport()->repaint();
            times.append(t.elapsed());
            out << "filter_ms " << identifier << ": " << t.elapsed() << " (" << model->rowCount() << " sessions)\n";
        }
        pane->identifierFilter()->clear();
        pane->applyFilters();
        waitFor([&]() { return model->isLoaded(); }, 30000);
        // Scroll through a few thousand rows: fetchMore in batches.
        for (int i = 0; i < 20 && model->canFetchMore({}); ++i) {
            model->fetchMore({});
            waitFor([&]() { return !model->isLoading(); }, 30000);
        }
        pane->view()->scrollToBottom();
        out << "rows_loaded_after_scrolling: " << model->rowCount() << "\n";
        if (!times.isEmpty()) {
            std::sort(times.begin(), times.end());
            out << "filter_ms_median: " << times.at(times.size() / 2) << "\n";
            out << "filter_ms_max: " << times.constLast() << "\n";
        }
        out << "rss_mb: " << QString::number(kilobytes("VmRSS:") / 1024.0, 'f', 1) << "\n";
        out << "peak_rss_mb: " << QString::number(kilobytes("VmHWM:") / 1024.0, 'f', 1) << "\n";
        out.flush();
        QMetaObject::invokeMethod(engine, &Maskline::EngineHost::stop, Qt::BlockingQueuedConnection);
    }
    engineThread.quit();
    engineThread.wait();
    return code;
}
