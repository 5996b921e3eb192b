// maskline: the operator console. It runs the same engine as maskline-server on its own thread; the window reads the
// store through its own read-only connection and sends commands with queued calls.

#include <QApplication>
#include <QIcon>
#include <QSettings>
#include <QTextStream>
#include <QThread>

#include "cli.h"
#include "engineclient.h"
#include "enginehost.h"
#include "enginesimulator.h"
#include "mainwindow.h"
#include "settingsdialog.h"
#include "storereader.h"

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"maskline"_s);
    QApplication::setOrganizationName(u"Maskline"_s);
    QApplication::setApplicationVersion(QStringLiteral(MASKLINE_VERSION));
    QApplication::setWindowIcon(QIcon(u":/maskline/maskline.svg"_s));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Maskline operator console: runs the number-masking engine (Twilio Proxy v1 REST API) and shows its "
        u"services, numbers, sessions and debugger events. Settings saved in the console apply on the next start; "
        u"flags and MASKLINE_* variables override them."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    Maskline::Cli::addEngineOptions(parser);
    parser.process(app);

    // The Settings dialog's values become MASKLINE_* variables unless the environment already sets them; flags still
    // win over both.
    {
        QSettings settings;
        Maskline::ConsoleSettings::load(settings).applyToEnvironment(settings);
    }
    const Maskline::Cli::Parsed parsed = Maskline::Cli::engineConfig(parser);
    if (!parsed.error.isEmpty()) {
        QTextStream(stderr) << "maskline: " << parsed.error << "\n";
        return 2;
    }
    Maskline::Logging::install(parsed.log);

    QThread engineThread;
    engineThread.setObjectName(u"engine"_s);
    auto *engine = new Maskline::EngineHost(parsed.engine);
    engine->moveToThread(&engineThread);

    int exitCode = 0;
    {
        Maskline::StoreReader reader(parsed.engine.store);
        Maskline::EngineClient client(engine);
        Maskline::EngineSimulator simulator(&client, &reader);
        Maskline::MainWindow window(&client, &reader, &simulator);
        window.setCarrierMode(parsed.engine.carrier.kind == Maskline::CarrierConfig::Kind::Twilio ? u"twilio"_s
                                                                                                  : u"simulator"_s);
        window.attachEngine(engine);
        QObject::connect(&engineThread, &QThread::started, engine, &Maskline::EngineHost::start);
        QObject::connect(&engineThread, &QThread::finished, engine, &QObject::deleteLater);
        engineThread.start();
        window.show();
        exitCode = app.exec();
        // Stop the engine on its own thread (it owns the write connection and the listener) before the window and
        // the reader go away.
        QMetaObject::invokeMethod(engine, &Maskline::EngineHost::stop, Qt::BlockingQueuedConnection);
    }
    engineThread.quit();
    engineThread.wait();
    return exitCode;
}
