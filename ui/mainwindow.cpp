#include "mainwindow.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDir>
#include <QKeySequence>
#include <QLabel>
#include <QMenuBar>
#include <QMessageBox>
#include <QPointer>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>
#include <QThread>
#include <QVBoxLayout>

#include "debuggerlogmodel.h"
#include "debuggerpane.h"
#include "demostore.h"
#include "engineclient.h"
#include "enginehost.h"
#include "interactionmodel.h"
#include "numbermodel.h"
#include "numberspane.h"
#include "participantmodel.h"
#include "servicemodel.h"
#include "servicespane.h"
#include "sessiondialogs.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "settingsdialog.h"
#include "simulatorpane.h"
#include "storereader.h"
#include "trafficmodel.h"
#include "trafficpane.h"
#include "widgets.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

MainWindow::MainWindow(EngineClient *engine, StoreReader *reader, SimulatorBackend *simulator, const Clock *clock,
                       QWidget *parent)
    : QMainWindow(parent)
{
    setWindowTitle(tr("Maskline"));
    setWindowIcon(QIcon(u":/maskline/maskline.svg"_s));
    m_services = new ServiceModel(reader, this);
    if (reader) {
        m_background = new StoreReader(reader->config(), this);
    }
    m_statusCounts = new StatusCounts(m_background ? m_background : reader, clock, this);
    m_ctx = ConsoleContext{engine, reader, simulator, clock, m_services, m_background};

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(4, 4, 4, 0);
    m_engineBanner = new MessageBanner(central);
    m_engineBanner->showInfo(tr("Starting the engine…"));
    layout->addWidget(m_engineBanner);
    m_tabs = new QTabWidget(central);
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs);
    setCentralWidget(central);

    m_sessions = new SessionsPane(m_ctx, m_tabs);
    m_servicesPane = new ServicesPane(m_ctx, m_tabs);
    m_numbers = new NumbersPane(m_ctx, m_tabs);
    m_debugger = new DebuggerPane(m_ctx, m_tabs);
    m_simulator = new SimulatorPane(m_ctx, m_tabs);
    m_traffic = new TrafficPane(m_ctx, m_tabs);
    m_tabs->addTab(m_sessions, tr("&Sessions"));
    m_tabs->addTab(m_servicesPane, tr("Ser&vices"));
    m_tabs->addTab(m_numbers, tr("&Numbers"));
    m_tabs->addTab(m_debugger, tr("&Debugger"));
    m_tabs->addTab(m_simulator, tr("Si&mulator"));
    m_tabs->addTab(m_traffic, tr("&Traffic"));

    connect(m_numbers, &NumbersPane::holdersRequested, this,
            [this](const QString &service, const QString &numberSid, const QString &number) {
                m_sessions->showHolders(service, numberSid, number);
                showTab(SessionsTab);
            });
    connect(m_debugger, &DebuggerPane::sessionRequested, this, &MainWindow::openSession);
    connect(m_debugger, &DebuggerPane::serviceRequested, this, [this](const QString &sid) {
        showTab(ServicesTab);
        m_servicesPane->selectService(sid);
    });
    connect(m_debugger, &DebuggerPane::participantRequested, this,
            [this](const QString &session, const QString &participant) {
                openSession(session);
                m_sessions->showParticipant(participant);
            });
    connect(m_debugger, &DebuggerPane::holdersRequested, this,
            [this](const QString &service, const QString &numberSid, const QString &number) {
                m_sessions->showHolders(service, numberSid, number);
                showTab(SessionsTab);
            });
    connect(m_debugger, &DebuggerPane::identifierRequested, this, [this](const QString &identifier) {
        m_sessions->showSessionsOf(identifier);
        showTab(SessionsTab);
    });
    connect(m_sessions, &SessionsPane::firstRunStepRequested, this, &MainWindow::handleFirstRunStep);

    m_listener = new QLabel(tr("Engine starting…"), this);
    m_carrier = new QLabel(this);
    m_counts = new QLabel(this);
    statusBar()->addWidget(m_listener);
    statusBar()->addPermanentWidget(m_counts);
    statusBar()->addPermanentWidget(m_carrier);
    connect(m_statusCounts, &StatusCounts::countsChanged, this, &MainWindow::updateCounts);
    setCarrierMode(u"simulator"_s);

    createMenus();
    if (engine) {
        connect(engine, &EngineClient::started, this, &MainWindow::handleEngineStarted);
        if (engine->isRunning()) {
            handleEngineStarted(engine->listenUrl());
        }
    }
    resize(1280, 820);
    restoreWindowState();
}

MainWindow::~MainWindow() = default;

void MainWindow::attachEngine(EngineHost *host)
{
    if (!host) {
        return;
    }
    // Queued: the host lives on the engine thread.
    connect(host, &EngineHost::changed, this, &MainWindow::handleChanges);
    connect(host, &EngineHost::debuggerEventRecorded, this, &MainWindow::handleDebuggerEvent);
    connect(host, &EngineHost::failed, this, &MainWindow::handleEngineFailed);
}

void MainWindow::setCarrierMode(const QString &mode)
{
    m_carrier->setText(mode == u"twilio"_s ? tr("Carrier: Twilio") : tr("Carrier: simulator"));
}

void MainWindow::showTab(Tab tab)
{
    m_tabs->setCurrentIndex(int(tab));
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(tr("Open &demo store"), this, &MainWindow::openDemoStore)->setObjectName(u"openDemoStore"_s);
    file->addSeparator();
    file->addAction(tr("&Export debugger events…"), QKeySequence(u"Ctrl+E"_s), m_debugger,
                    &DebuggerPane::exportCsvInteractively);
    file->addSeparator();
    file->addAction(tr("&Quit"), QKeySequence::Quit, this, &QWidget::close);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(tr("Copy &SID"), QKeySequence(u"Ctrl+Shift+C"_s), this, &MainWindow::copyCurrentSid);
    edit->addAction(tr("&Find…"), QKeySequence::Find, this, [this]() {
        if (m_tabs->currentIndex() == DebuggerTab) {
            m_debugger->focusFilter();
        } else {
            showTab(SessionsTab);
            m_sessions->focusFilter();
        }
    });

    QMenu *sessions = menuBar()->addMenu(tr("Sessio&ns"));
    // The pane's own actions, so a menu item is enabled exactly when its button is. Close session has no shortcut
    // of its own: Ctrl+W is the key people press to close a window, and closing cuts participants off (it asks
    // first either way).
    m_sessions->newSessionAction()->setShortcut(QKeySequence::New);
    m_sessions->reopenAction()->setShortcut(QKeySequence(u"Ctrl+R"_s));
    m_sessions->deleteAction()->setShortcut(QKeySequence(u"Ctrl+Del"_s));
    m_sessions->addParticipantAction()->setShortcut(QKeySequence(u"Ctrl+Shift+P"_s));
    m_sessions->editAction()->setShortcut(QKeySequence(u"Ctrl+T"_s));
    m_sessions->sendMessageAction()->setShortcut(QKeySequence(u"Ctrl+Shift+M"_s));
    for (QAction *a : {m_sessions->newSessionAction(), m_sessions->closeAction(), m_sessions->reopenAction(),
                       m_sessions->editAction(), m_sessions->deleteAction(), m_sessions->addParticipantAction(),
                       m_sessions->removeParticipantAction(), m_sessions->sendMessageAction(),
                       m_sessions->deleteInteractionAction()}) {
        a->setShortcutContext(Qt::WindowShortcut);
        sessions->addAction(a);
    }
    sessions->addAction(tr("Clear &filters"), QKeySequence(u"Ctrl+Shift+L"_s), m_sessions, &SessionsPane::clearFilters);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    const QString names[TAB_COUNT] = {tr("Sessions"), tr("Services"),  tr("Numbers"),
                                      tr("Debugger"), tr("Simulator"), tr("Traffic")};
    for (int t = 0; t < TAB_COUNT; ++t) {
        view->addAction(names[t], QKeySequence(u"Ctrl+%1"_s.arg(t + 1)), this, [this, t]() { showTab(Tab(t)); });
    }
    view->addSeparator();
    view->addAction(tr("&Refresh"), QKeySequence::Refresh, this, &MainWindow::refresh);

    QMenu *engine = menuBar()->addMenu(tr("En&gine"));
    engine->addAction(tr("&Credentials…"), QKeySequence(u"Ctrl+Shift+K"_s), this, &MainWindow::showCredentials);
    engine->addAction(tr("&Settings…"), QKeySequence::Preferences, this, &MainWindow::showSettings);
    engine->addAction(tr("&Account settings…"), this, &MainWindow::showAccountSettings)
        ->setObjectName(u"accountSettings"_s);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    help->addAction(tr("&About Maskline"), this, [this]() {
        QMessageBox::about(this, tr("About Maskline"),
                           tr("<b>Maskline %1</b><br>A self-hosted number-masking engine that speaks Twilio Proxy's "
                              "v1 REST API.")
                               .arg(QApplication::applicationVersion()));
    });
}

void MainWindow::handleEngineStarted(const QString &listenUrl)
{
    const QString account = m_ctx.engine ? m_ctx.engine->accountSid() : QString();
    m_engineBanner->clearMessage();
    // The account SID goes in the tooltip: at 1024 px the status bar has no room for it beside the counts.
    m_listener->setText(tr("Listening on %1").arg(listenUrl));
    m_listener->setToolTip(tr("Account %1").arg(account));
    // The sessions page first: it is what the window shows first.
    m_sessions->setAccountSid(account);
    m_services->setAccountSid(account);
    m_debugger->log()->replay();
    m_traffic->model()->backfill();
    m_statusCounts->refresh();
}

void MainWindow::handleEngineFailed(const QString &message)
{
    m_engineBanner->showError(tr("The engine could not start: %1").arg(message));
    m_listener->setText(tr("Engine stopped"));
}

void MainWindow::handleChanges(const QList<Change> &changes)
{
    m_services->handleChanges(changes);
    m_numbers->model()->handleChanges(changes);
    m_sessions->model()->handleChanges(changes);
    m_sessions->participants()->handleChanges(changes);
    m_sessions->interactions()->handleChanges(changes);
    m_traffic->model()->handleChanges(changes);
    m_simulator->handleChanges(changes);
    m_statusCounts->handleChanges(changes);
}

void MainWindow::handleDebuggerEvent(const DebuggerEvent &event)
{
    m_debugger->log()->handleEventRecorded(event);
    m_sessions->handleDebuggerEvent(event);
    m_traffic->model()->handleEventRecorded(event);
    m_statusCounts->handleEventRecorded(event);
}

void MainWindow::updateCounts()
{
    const StatusCounts::Counts &c = m_statusCounts->counts();
    // Each count its own plural form (%n), so "1 service" and "1 error" read right in every language.
    m_counts->setText(
        tr("%1 · %2 · %3 · %4")
            .arg(tr("%n service(s)", "", int(c.services)), tr("%n number(s)", "", int(c.numbers)),
                 tr("%1 active of %n session(s)", "", int(c.sessions)).arg(QLocale().toString(c.activeSessions)),
                 tr("%n error(s) in the last hour", "", int(c.errorsLastHour))));
}

void MainWindow::refresh()
{
    m_services->reload();
    m_numbers->model()->reload();
    m_sessions->model()->reload();
    m_sessions->participants()->reload();
    m_sessions->interactions()->reload();
    m_debugger->log()->replay();
    m_traffic->model()->backfill();
    m_statusCounts->refresh();
}

void MainWindow::copyCurrentSid()
{
    QTableView *view = nullptr;
    switch (m_tabs->currentIndex()) {
    case SessionsTab:
        view = m_sessions->participantView()->hasFocus()   ? m_sessions->participantView()
               : m_sessions->interactionView()->hasFocus() ? m_sessions->interactionView()
                                                           : m_sessions->view();
        break;
    case ServicesTab:
        view = m_servicesPane->view();
        break;
    case NumbersTab:
        view = m_numbers->view();
        break;
    case DebuggerTab:
        view = m_debugger->view();
        break;
    default:
        break;
    }
    if (!view || !view->currentIndex().isValid()) {
        return;
    }
    const QString sid = view->currentIndex().siblingAtColumn(0).data(SidRole).toString();
    if (!sid.isEmpty()) {
        QApplication::clipboard()->setText(sid);
        statusBar()->showMessage(tr("Copied %1").arg(sid), 3000);
    }
}

void MainWindow::openSession(const QString &sessionSid)
{
    showTab(SessionsTab);
    m_sessions->jumpToSession(sessionSid);
}

void MainWindow::handleFirstRunStep(const QString &step)
{
    if (step == u"service"_s) {
        showTab(ServicesTab);
    } else if (step == u"numbers"_s) {
        showTab(NumbersTab);
    } else if (step == u"simulator"_s) {
        showTab(SimulatorTab);
    } else if (step == u"demo"_s) {
        openDemoStore();
    }
}

void MainWindow::openDemoStore()
{
    const QString base = QStandardPaths::writableLocation(QStandardPaths::TempLocation);
    QTemporaryDir dir(QDir(base).filePath(u"maskline-demo-XXXXXX"_s));
    if (!dir.isValid()) {
        const QString message = tr("Cannot create a temporary folder for the demo store: %1").arg(dir.errorString());
        m_engineBanner->showError(message);
        Q_EMIT demoStoreFailed(message);
        return;
    }
    // The demo outlives this call: the console opened on it uses it, and the system's temporary folder is cleared
    // in its own time.
    dir.setAutoRemove(false);
    const QString path = dir.filePath(u"demo.db"_s);
    m_engineBanner->showInfo(tr("Creating a demo store in %1…").arg(path));
    QPointer<MainWindow> self(this);
    QThread *worker = QThread::create([self, path]() {
        Demo::Options o;
        o.path = path;
        o.services = 2;
        o.numbersPerService = 20;
        o.sessions = 60;
        o.interactionsPerSession = 6;
        o.debuggerEvents = 40;
        const Demo::Summary summary = Demo::generate(o);
        QMetaObject::invokeMethod(
            qApp,
            [self, path, summary]() {
                if (!self) {
                    return;
                }
                if (!summary.error.isEmpty()) {
                    self->m_engineBanner->showError(tr("The demo store could not be created: %1").arg(summary.error));
                    Q_EMIT self->demoStoreFailed(summary.error);
                    return;
                }
                self->m_engineBanner->showInfo(
                    tr("Demo store created in %1 (%2 sessions, %3 interactions); it opens in a new window.")
                        .arg(path)
                        .arg(summary.sessions)
                        .arg(summary.interactions));
                Q_EMIT self->demoStoreCreated(path);
            },
            Qt::QueuedConnection);
    });
    connect(worker, &QThread::finished, worker, &QObject::deleteLater);
    worker->start();
}

void MainWindow::showSettings()
{
    QSettings settings;
    SettingsDialog dialog(ConsoleSettings::load(settings), this);
    if (dialog.exec() == QDialog::Accepted) {
        dialog.settings().save(settings);
        statusBar()->showMessage(tr("Settings saved; they apply when Maskline next starts."), 6000);
    }
}

void MainWindow::showAccountSettings()
{
    if (!m_ctx.engine || !m_ctx.engine->isRunning()) {
        m_engineBanner->showError(tr("The engine is not running: the account cannot be read."));
        return;
    }
    AccountSettingsDialog dialog(m_ctx, this);
    if (dialog.exec() == QDialog::Accepted) {
        statusBar()->showMessage(tr("Account settings saved."), 5000);
    }
}

void MainWindow::showCredentials()
{
    if (!m_ctx.engine || !m_ctx.engine->isRunning()) {
        QMessageBox::information(this, tr("Credentials"), tr("The engine has not started yet."));
        return;
    }
    CredentialsDialog dialog(m_ctx.engine->account(), m_ctx.engine->listenUrl(), this);
    dialog.exec();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveWindowState();
    QMainWindow::closeEvent(event);
}

void MainWindow::saveWindowState()
{
    QSettings settings;
    settings.beginGroup(u"window"_s);
    settings.setValue(u"geometry"_s, saveGeometry());
    settings.setValue(u"state"_s, saveState());
    settings.setValue(u"tab"_s, m_tabs->currentIndex());
    m_sessions->saveState(settings);
    m_servicesPane->saveState(settings);
    m_numbers->saveState(settings);
    m_debugger->saveState(settings);
    m_simulator->saveState(settings);
    settings.endGroup();
}

void MainWindow::restoreWindowState()
{
    QSettings settings;
    settings.beginGroup(u"window"_s);
    const QByteArray geometry = settings.value(u"geometry"_s).toByteArray();
    if (!geometry.isEmpty()) {
        restoreGeometry(geometry);
    }
    restoreState(settings.value(u"state"_s).toByteArray());
    m_tabs->setCurrentIndex(settings.value(u"tab"_s, 0).toInt());
    m_sessions->restoreState(settings);
    m_servicesPane->restoreState(settings);
    m_numbers->restoreState(settings);
    m_debugger->restoreState(settings);
    m_simulator->restoreState(settings);
    settings.endGroup();
}

} // namespace Maskline
