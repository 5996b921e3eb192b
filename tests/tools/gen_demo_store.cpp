// maskline-gen-demo: writes a demo store for the console's scale benchmark and screenshots.
//   maskline-gen-demo --db PATH --sessions 1000000 --interactions-per-session 10

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTextStream>

#include "demostore.h"

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(u"maskline-gen-demo"_s);
    QCommandLineParser parser;
    parser.setApplicationDescription(u"Writes a Maskline demo store (the engine's schema, realistic rows)."_s);
    parser.addHelpOption();
    parser.addOption({u"db"_s, u"The SQLite file to write (must not exist)."_s, u"path"_s});
    parser.addOption({u"sessions"_s, u"Number of sessions (default 1000)."_s, u"N"_s, u"1000"_s});
    parser.addOption(
        {u"interactions-per-session"_s, u"Interactions per non-open session (default 10)."_s, u"K"_s, u"10"_s});
    parser.addOption({u"active-percent"_s,
                      u"Percent of sessions (the newest) that are active: open or in progress (default 20)."_s, u"P"_s,
                      u"20"_s});
    parser.addOption({u"services"_s, u"Number of services (default 2)."_s, u"S"_s, u"2"_s});
    parser.addOption({u"numbers-per-service"_s, u"Pool size of each service (default 500)."_s, u"M"_s, u"500"_s});
    parser.addOption({u"account-sid"_s, u"The account SID to create (default: generated)."_s, u"AC…"_s});
    parser.addOption({u"auth-token"_s, u"The account's auth token (default: generated)."_s, u"token"_s});
    parser.process(app);

    QTextStream out(stdout);
    QTextStream err(stderr);
    Maskline::Demo::Options o;
    o.path = parser.value(u"db"_s);
    if (o.path.isEmpty()) {
        err << "maskline-gen-demo: --db PATH is required\n";
        return 2;
    }
    if (QFile::exists(o.path)) {
        err << "maskline-gen-demo: " << o.path << " exists; give a new file\n";
        return 2;
    }
    o.sessions = parser.value(u"sessions"_s).toLongLong();
    o.interactionsPerSession = parser.value(u"interactions-per-session"_s).toInt();
    o.services = parser.value(u"services"_s).toInt();
    o.activePercent = parser.value(u"active-percent"_s).toInt();
    o.numbersPerService = parser.value(u"numbers-per-service"_s).toInt();
    o.accountSid = parser.value(u"account-sid"_s);
    o.authToken = parser.value(u"auth-token"_s);
    QElapsedTimer timer;
    timer.start();
    const Maskline::Demo::Summary s =
        Maskline::Demo::generate(o, [&out](const QString &line) { out << line << Qt::endl; });
    if (!s.error.isEmpty()) {
        err << "maskline-gen-demo: " << s.error << "\n";
        return 1;
    }
    out << "wrote " << o.path << " in " << QString::number(timer.elapsed() / 1000.0, 'f', 1) << " s: " << s.sessions
        << " sessions, " << s.participants << " participants, " << s.interactions << " interactions, "
        << s.debuggerEvents << " debugger events\n"
        << "account " << s.accountSid << " token " << s.authToken << "\n"
        << "an identifier in several sessions: " << s.firstCustomer << "\n";
    return 0;
}
