// maskline: the operator console. It runs the same engine as maskline-server on its own thread.

#include "cli.h"

#include "enginehost.h"
#include "mainwindow.h"

#include <QApplication>
#include <QTextStream>
#include <QThread>

using namespace Qt::Literals::StringLiterals;

int main(int argc, char *argv[])
{
    QApplication app(argc, argv);
    QApplication::setApplicationName(u"maskline"_s);
    QApplication::setOrganizationName(u"Maskline"_s);
    QApplication::setApplicationVersion(QStringLiteral(MASKLINE_VERSION));

    QCommandLineParser parser;
    parser.setApplicationDescription(
        u"Maskline operator console: runs the number-masking engine (Twilio Proxy v1 REST API) and shows its "
        u"services, numbers, sessions and debugger events."_s);
    parser.addHelpOption();
    parser.addVersionOption();
    Maskline::Cli::addEngineOptions(parser);
    parser.process(app);

    const Maskline::Cli::Parsed parsed = Maskline::Cli::engineConfig(parser);
    if (!parsed.error.isEmpty()) {
        QTextStream(stderr) << "maskline: " << parsed.error << "\n";
        return 2;
    }

    Maskline::MainWindow window;
    QThread engineThread;
    engineThread.setObjectName(u"engine"_s);
    auto *engine = new Maskline::EngineHost(parsed.engine);
    engine->moveToThread(&engineThread);
    QObject::connect(engine, &Maskline::EngineHost::started, &window, &Maskline::MainWindow::handleEngineStarted);
    QObject::connect(engine, &Maskline::EngineHost::failed, &window, &Maskline::MainWindow::handleEngineFailed);
    QObject::connect(engine, &Maskline::EngineHost::changed, &window, &Maskline::MainWindow::handleChanges);
    QObject::connect(&engineThread, &QThread::started, engine, &Maskline::EngineHost::start);
    QObject::connect(&engineThread, &QThread::finished, engine, &QObject::deleteLater);
    engineThread.start();
    window.show();

    const int code = app.exec();
    QMetaObject::invokeMethod(engine, &Maskline::EngineHost::stop, Qt::BlockingQueuedConnection);
    engineThread.quit();
    engineThread.wait();
    return code;
}
