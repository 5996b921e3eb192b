// maskline-server: the headless engine. Links no Gui and no Widgets.

#include <csignal>
#include <cstdio>
#include <sys/socket.h>
#include <unistd.h>

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTextStream>
#include <QThread>

#include "cli.h"
#include "enginehost.h"
#include "importer.h"
#include "tlsexit.h"

using namespace Qt::Literals::StringLiterals;

namespace {

int g_signalFds[2] = {-1, -1};

void onSignal(int signal)
{
    const char byte = char(signal);
    // write() is async-signal-safe; the event loop picks the byte up and acts on it.
    [[maybe_unused]] const auto n = ::write(g_signalFds[0], &byte, 1);
}

} // namespace

int main(int argc, char *argv[])
{
    Maskline::keepOpenSslStateUntilExit();
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"maskline-server"_s);
    QCoreApplication::setApplicationVersion(QStringLiteral(MASKLINE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Maskline: a self-hosted number-masking engine that speaks Twilio Proxy's v1 REST API.\n\n"
        u"Commands:\n"
        u"  (none)                              run the engine until SIGTERM/SIGINT (graceful: in-flight requests\n"
        u"                                      finish first); SIGHUP re-reads --log-level and --log-format\n"
        u"  account create [--sid AC… --token …] add an account; prints its SID and auth token\n"
        u"  account list                        list the accounts in the store and their settings\n"
        u"  account token AC…                   print that account's auth token\n"
        u"  account token rotate AC…            replace it with a new one (printed); the old one stops working\n"
        u"  account set AC… SETTING=on|off      allow_participant_conflict, respect_sms_stop_filter,\n"
        u"                                      sms_stop_filtering (see docs/decisions.md)\n"
        u"  account key create AC… [--friendly-name NAME]\n"
        u"                                      add an API key; prints its SID and secret (shown only here)\n"
        u"  account key list AC…                list that account's API keys (never their secrets)\n"
        u"  account key delete AC… SK…          delete an API key; it stops working within a second\n"
        u"  service flags KS… [mexico_insert_one=on|off] [argentina_insert_nine=on|off]\n"
        u"                                      show or set a Service's country dialling flags\n"
        u"  import --account-sid AC… --auth-token TOKEN [--from-url URL] [--force]\n"
        u"                                      copy an account's Services, numbers, Sessions, Participants and\n"
        u"                                      Interactions from Twilio Proxy (or another Maskline) with the same\n"
        u"                                      SIDs; safe to run again (adds only what is missing, resumes after an\n"
        u"                                      interruption). Exit 0 done, 1 stopped, 3 some records refused\n\n"
        u"The first account is created on first start (or taken from MASKLINE_ACCOUNT_SID and MASKLINE_AUTH_TOKEN)."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    Maskline::Cli::addEngineOptions(parser);
    Maskline::Import::addOptions(parser);
    parser.addPositionalArgument(
        u"command"_s, u"Optional: account create | list | token | set | key, service flags, import"_s, u"[command]"_s);
    if (const auto exitCode = Maskline::Cli::parseArguments(parser, app.arguments())) {
        return *exitCode;
    }

    const Maskline::Cli::Parsed parsed = Maskline::Cli::engineConfig(parser);
    QTextStream err(stderr);
    if (!parsed.error.isEmpty()) {
        err << "maskline-server: " << parsed.error << "\n";
        return 2;
    }
    Maskline::Logging::install(parsed.log);
    const QStringList args = parser.positionalArguments();
    if (!args.isEmpty()) {
        if (args.first() == u"account"_s) {
            return Maskline::Cli::runAccountCommand(parser, args, parsed.engine.store);
        }
        if (args.first() == u"service"_s) {
            return Maskline::Cli::runServiceCommand(args, parsed.engine.store);
        }
        if (args.first() == u"import"_s) {
            return Maskline::Import::run(parser, args, parsed.engine.store);
        }
        err << "maskline-server: unknown command '" << args.first() << "' (see --help)\n";
        return 2;
    }

    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, g_signalFds) != 0) {
        err << "maskline-server: cannot set up signal handling\n";
        return 1;
    }
    QSocketNotifier signalNotifier(g_signalFds[1], QSocketNotifier::Read);
    std::signal(SIGTERM, onSignal);
    std::signal(SIGINT, onSignal);
    std::signal(SIGHUP, onSignal);

    QThread engineThread;
    engineThread.setObjectName(u"engine"_s);
    auto *engine = new Maskline::EngineHost(parsed.engine);
    engine->moveToThread(&engineThread);
    int exitCode = 0;

    QObject::connect(engine, &Maskline::EngineHost::started, &app, [](const QString &url, const Maskline::Account &) {
        QTextStream out(stdout);
        out << "listening on " << url << Qt::endl;
    });
    QObject::connect(engine, &Maskline::EngineHost::failed, &app, [&](const QString &message) {
        err << "maskline-server: " << message << Qt::endl;
        exitCode = 1;
        app.quit();
    });
    QObject::connect(engine, &Maskline::EngineHost::drained, &app, &QCoreApplication::quit);
    bool stopping = false;
    QObject::connect(&signalNotifier, &QSocketNotifier::activated, &app, [&]() {
        char byte = 0;
        [[maybe_unused]] const auto n = ::read(g_signalFds[1], &byte, 1);
        if (byte == SIGHUP) {
            // What can change without a restart: how much is logged and in which format (docs/deploy.md). The
            // INI file is read again; flags and the environment still win over it.
            const Maskline::Cli::Parsed reloaded = Maskline::Cli::engineConfig(parser);
            if (!reloaded.error.isEmpty()) {
                err << "maskline-server: SIGHUP: configuration not reloaded: " << reloaded.error << Qt::endl;
                return;
            }
            qInfo("SIGHUP: reloading the log level and format");
            Maskline::Logging::install(reloaded.log);
            return;
        }
        if (stopping) {
            app.quit(); // a second SIGTERM/SIGINT: stop now
            return;
        }
        stopping = true;
        // Stop accepting; the requests in flight (a webhook waiting on a callback included) and the outbox attempts
        // already sent get up to the longest callback timeout, plus a margin for their replies, to finish.
        const int waitMs = engine->longestTimeoutMs() + 2000;
        QMetaObject::invokeMethod(
            engine, [engine, waitMs] { engine->drain(waitMs); }, Qt::QueuedConnection);
    });
    QObject::connect(&engineThread, &QThread::started, engine, &Maskline::EngineHost::start);
    QObject::connect(&engineThread, &QThread::finished, engine, &QObject::deleteLater);
    engineThread.start();

    const int loopCode = app.exec();
    // Stop the engine on its own thread (it owns the connection and the listener), then end the thread.
    QMetaObject::invokeMethod(engine, &Maskline::EngineHost::stop, Qt::BlockingQueuedConnection);
    engineThread.quit();
    engineThread.wait();
    return exitCode != 0 ? exitCode : loopCode;
}
