#pragma once

#include "core/clock.h"
#include "debugger/debugger.h"
#include "http/httpserver.h"
#include "proxy/types.h"
#include "store/storeconfig.h"

#include <QObject>
#include <QString>

#include <memory>

namespace Maskline {

class Database;
class Proxy;
class StoreLock;

struct EngineConfig
{
    StoreConfig store;
    HttpConfig http;
    QString accountSid; // first account (MASKLINE_ACCOUNT_SID); generated when empty
    QString authToken;  // MASKLINE_AUTH_TOKEN
    int debuggerRetentionDays = 30;
};

// Owns everything the engine runs: the store's write connection, the Proxy domain, the debugger and the HTTP
// listener. It lives on the engine thread (moved there by the caller); start() and stop() run there, and the rest of
// the program talks to it only through queued calls and its signals, so the GUI thread never waits on SQL or HTTP.
class EngineHost final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineHost)

public:
    explicit EngineHost(EngineConfig config, const Clock *clock = nullptr, QObject *parent = nullptr);
    ~EngineHost() override;

    // Valid between started() and stop(), on the engine thread only.
    Proxy *proxy() const { return m_proxy.get(); }
    Debugger *debugger() const { return m_debugger.get(); }
    QString listenUrl() const;

public Q_SLOTS:
    void start();
    void stop();

Q_SIGNALS:
    void started(const QString &listenUrl, const Maskline::Account &account);
    void failed(const QString &message);
    void stopped();
    void changed(const QList<Maskline::Change> &changes);
    void debuggerEventRecorded(const Maskline::DebuggerEvent &event);

private:
    EngineConfig m_config;
    const Clock &m_clock;
    std::unique_ptr<StoreLock> m_lock;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Debugger> m_debugger;
    std::unique_ptr<Proxy> m_proxy;
    std::unique_ptr<HttpServer> m_http;
};

} // namespace Maskline
