// maskline: the operator console. It runs the same engine as maskline-server on its own thread; the window reads the
// store through its own read-only connection and sends commands with queued calls.

#include <optional>

#include <QApplication>
#include <QIcon>
#include <QProcess>
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
#include "tlsexit.h"
#include "translations.h"

using namespace Qt::Literals::StringLiterals;

namespace {

void setNames()
{
    QCoreApplication::setApplicationName(u"maskline"_s);
    QCoreApplication::setOrganizationName(u"Maskline"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(MASKLINE_VERSION));
}

void describe(QCommandLineParser &parser)
{
    parser.setApplicationDescription(
        u"Maskline operator console: runs the number-masking engine (Twilio Proxy v1 REST API) and shows its "
        u"services, numbers, sessions and debugger events. Settings saved in the console apply on the next start; "
        u"flags and MASKLINE_* variables override them."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    Maskline::Cli::addEngineOptions(parser);
    parser.addOption({u"background-work"_s,
                      u"Whether the console's engine delivers the outbox (carrier sends, callbacks, retries) and "
                      u"sweeps expiry and retention. Default: on for a SQLite store, off for a postgresql:// "
                      u"deployment, whose maskline-server nodes do that work (docs/scale-out.md)."_s,
                      u"on|off"_s});
}

// --background-work, or its default for the store: a console opening a shared PostgreSQL deployment only browses
// and manages it; the nodes do the work.
std::optional<bool> backgroundWork(const QCommandLineParser &parser, const Maskline::StoreConfig &store)
{
    if (!parser.isSet(u"background-work"_s)) {
        return store.isSqlite();
    }
    const QString value = parser.value(u"background-work"_s).toLower();
    if (value == u"on"_s) {
        return true;
    }
    if (value == u"off"_s) {
        return false;
    }
    return std::nullopt;
}

} // namespace

int main(int argc, char *argv[])
{
    Maskline::keepOpenSslStateUntilExit();
    // The flags are read before the window system starts, so --help, --version and a mistyped option work without
    // a display. The options QGuiApplication takes itself (-platform, -style, …) are accepted here and left to it.
    {
        QCoreApplication early(argc, argv);
        setNames();
        QCommandLineParser parser;
        describe(parser);
        for (const char *qtOption : {"platform", "platformpluginpath", "platformtheme", "plugin", "qwindowgeometry",
                                     "qwindowicon", "qwindowtitle", "display", "geometry", "style", "stylesheet",
                                     "session", "title", "name", "dialogs", "fontengine"}) {
            QCommandLineOption option(QString::fromLatin1(qtOption), QString(), u"value"_s);
            option.setFlags(QCommandLineOption::HiddenFromHelp);
            parser.addOption(option);
        }
        for (const char *qtFlag : {"reverse", "widgetcount", "nograb", "dograb", "sync"}) {
            QCommandLineOption option(QString::fromLatin1(qtFlag));
            option.setFlags(QCommandLineOption::HiddenFromHelp);
            parser.addOption(option);
        }
        if (const auto exitCode = Maskline::Cli::parseArguments(parser, early.arguments())) {
            return *exitCode;
        }
    }

    QApplication app(argc, argv);
    setNames();
    QApplication::setWindowIcon(QIcon(u":/maskline/maskline.svg"_s));

    QCommandLineParser parser;
    describe(parser);
    parser.process(app); // already checked above; QApplication has taken its own options out

    // The Settings dialog's values become MASKLINE_* variables unless the environment already sets them; flags still
    // win over both.
    QSettings settings;
    Maskline::ConsoleSettings saved = Maskline::ConsoleSettings::load(settings);
    // Before any window exists: every tr() from here on is in the chosen language (Settings ▸ Language).
    Maskline::Translations::install(saved.language);
    QList<QByteArray> exported = saved.applyToEnvironment(settings);
    Maskline::Cli::Parsed parsed = Maskline::Cli::engineConfig(parser);
    while (!parsed.error.isEmpty()) {
        // A flag or variable the operator typed is theirs to fix on the command line; settings saved in the dialog
        // must never lock them out of the console, so those get a way out here.
        Maskline::ConsoleSettings::clearEnvironment(exported);
        const Maskline::Cli::Parsed bare = Maskline::Cli::engineConfig(parser);
        if (!bare.error.isEmpty()) {
            QTextStream(stderr) << "maskline: " << bare.error << "\n";
            return 2;
        }
        Maskline::StartupProblemDialog problem(parsed.error, saved.validate());
        problem.exec();
        if (problem.choice() == Maskline::StartupProblemDialog::Quit) {
            return 0;
        }
        if (problem.choice() == Maskline::StartupProblemDialog::StartWithSimulator) {
            // This run only, without the saved Twilio account: the saved settings stay for the operator to fix.
            if (!qEnvironmentVariableIsSet("MASKLINE_CARRIER")) {
                qputenv("MASKLINE_CARRIER", "simulator");
            }
            exported = saved.applyToEnvironment(settings);
            for (const QByteArray &name :
                 {QByteArrayLiteral("MASKLINE_TWILIO_ACCOUNT_SID"), QByteArrayLiteral("MASKLINE_TWILIO_AUTH_TOKEN")}) {
                if (exported.contains(name)) {
                    qunsetenv(name.constData());
                }
            }
            parsed = Maskline::Cli::engineConfig(parser);
            if (!parsed.error.isEmpty()) {
                parsed = bare; // still unusable (an old, hand-edited file): start on the built-in defaults
            }
            break;
        }
        Maskline::SettingsDialog dialog(saved);
        if (dialog.exec() == QDialog::Accepted) {
            saved = dialog.settings();
            saved.save(settings);
        }
        exported = saved.applyToEnvironment(settings);
        parsed = Maskline::Cli::engineConfig(parser);
    }
    Maskline::Logging::install(parsed.log);
    const std::optional<bool> work = backgroundWork(parser, parsed.engine.store);
    if (!work) {
        QTextStream(stderr) << "maskline: --background-work takes on or off\n";
        return 2;
    }
    parsed.engine.backgroundWork = *work;
    // On a shared store the window shows the whole fleet's changes as they happen, not only this engine's.
    parsed.engine.followOtherNodes = !parsed.engine.store.isSqlite();

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
        // A demo store opens in a console of its own (its own engine, a free port, the simulator), so the
        // operator's own store and listener are never touched.
        QObject::connect(&window, &Maskline::MainWindow::demoStoreCreated, &window, [](const QString &path) {
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            for (const QString &name : env.keys()) {
                if (name.startsWith(u"MASKLINE_"_s)) {
                    env.remove(name);
                }
            }
            env.insert(u"MASKLINE_CARRIER"_s, u"simulator"_s);
            QProcess process;
            process.setProgram(QCoreApplication::applicationFilePath());
            process.setArguments({u"--db"_s, path, u"--listen"_s, u"127.0.0.1:0"_s});
            process.setProcessEnvironment(env);
            process.startDetached();
        });
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
