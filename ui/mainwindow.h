#pragma once

#include <QMainWindow>

#include "consolecontext.h"
#include "debugger/debugger.h"
#include "store/records.h"

class QLabel;
class QTabWidget;

namespace Maskline {

class DebuggerPane;
class EngineHost;
class MessageBanner;
class NumbersPane;
class ServicesPane;
class SessionsPane;
class SimulatorPane;
class StatusCounts;
class TrafficPane;

// The operator console's main window: the panes as tabs, menus and shortcuts, the status bar (listener, carrier,
// live counts). It receives the engine's change lists and debugger events (queued from the engine thread) and fans
// them out to the models; it never calls the engine except through EngineClient.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    enum Tab
    {
        SessionsTab,
        ServicesTab,
        NumbersTab,
        DebuggerTab,
        SimulatorTab,
        TrafficTab,
        TAB_COUNT
    };

    MainWindow(EngineClient *engine, StoreReader *reader, SimulatorBackend *simulator, const Clock *clock = nullptr,
               QWidget *parent = nullptr);
    ~MainWindow() override;

    // Connects the engine's signals (changed, debuggerEventRecorded, failed) to this window.
    void attachEngine(EngineHost *host);
    void setCarrierMode(const QString &mode);

    SessionsPane *sessionsPane() const { return m_sessions; }
    ServicesPane *servicesPane() const { return m_servicesPane; }
    NumbersPane *numbersPane() const { return m_numbers; }
    DebuggerPane *debuggerPane() const { return m_debugger; }
    SimulatorPane *simulatorPane() const { return m_simulator; }
    TrafficPane *trafficPane() const { return m_traffic; }
    QTabWidget *tabs() const { return m_tabs; }
    QLabel *countsLabel() const { return m_counts; }
    void showTab(Tab tab);

public Q_SLOTS:
    void handleEngineStarted(const QString &listenUrl);
    void handleEngineFailed(const QString &message);
    void handleChanges(const QList<Maskline::Change> &changes);
    void handleDebuggerEvent(const Maskline::DebuggerEvent &event);
    void showSettings();
    void showCredentials();
    void showAccountSettings();
    void openSession(const QString &sessionSid);
    // File > Open demo store: writes a small demo store to a new temporary file (off the GUI thread), then
    // announces it with demoStoreCreated (the application opens a console on it).
    void openDemoStore();

Q_SIGNALS:
    void demoStoreCreated(const QString &path);
    void demoStoreFailed(const QString &message);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void createMenus();
    void saveWindowState();
    void restoreWindowState();
    void updateCounts();
    void copyCurrentSid();
    void refresh();
    void handleFirstRunStep(const QString &step);

    ConsoleContext m_ctx;
    ServiceModel *m_services = nullptr;
    StoreReader *m_background = nullptr;
    StatusCounts *m_statusCounts = nullptr;
    QTabWidget *m_tabs = nullptr;
    MessageBanner *m_engineBanner = nullptr;
    SessionsPane *m_sessions = nullptr;
    ServicesPane *m_servicesPane = nullptr;
    NumbersPane *m_numbers = nullptr;
    DebuggerPane *m_debugger = nullptr;
    SimulatorPane *m_simulator = nullptr;
    TrafficPane *m_traffic = nullptr;
    QLabel *m_listener = nullptr;
    QLabel *m_carrier = nullptr;
    QLabel *m_counts = nullptr;
};

} // namespace Maskline
