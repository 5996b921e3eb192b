#pragma once

#include <memory>

#include <QObject>
#include <QPointer>
#include <QString>
#include <QThread>
#include <QTimer>

#include "callbacks/callbacks.h"
#include "carrier/twiliocarrier.h"
#include "core/clock.h"
#include "core/result.h"
#include "debugger/debugger.h"
#include "http/httpserver.h"
#include "routing/scheduler.h"
#include "store/outbox.h"
#include "store/records.h"
#include "store/storeconfig.h"

namespace Maskline {

class Carrier;
class CarrierWebhooks;
class Database;
class Proxy;
class Router;
class ChangeFeed;
class NodeRegistry;
class StoreLock;

struct CarrierConfig
{
    enum class Kind
    {
        Simulator, // built in, nothing leaves the machine (the default without Twilio credentials)
        Twilio,
    };
    Kind kind = Kind::Simulator;
    TwilioConfig twilio;
    bool verifyWebhookSignatures = true; // --webhook-signature off: local testing only
    int sendsInFlight = 64;              // --carrier-sends-in-flight
};

struct EngineConfig
{
    StoreConfig store;
    HttpConfig http;
    QString accountSid; // first account (MASKLINE_ACCOUNT_SID); generated when empty
    QString authToken;  // MASKLINE_AUTH_TOKEN
    int debuggerRetentionDays = 30;
    int sessionRetentionDays = 90; // closed sessions are deleted this many days after they ended
    CarrierConfig carrier;
    OutboxConfig outbox;
    CallbacksConfig callbacks;
    int expiryIntervalMs = 5000; // how often expired sessions are looked for
    // --callback-targets public: callback URLs may not name loopback, private or link-local addresses.
    bool publicCallbackTargetsOnly = false;
    // Outbox delivery (carrier sends, callbacks, retries), expiry and retention. On by default; the console turns it
    // off when it opens a shared PostgreSQL deployment, whose nodes do that work (docs/scale-out.md).
    bool backgroundWork = true;
    // PostgreSQL: report the other nodes' changes (and debugger events) through changed() and
    // debuggerEventRecorded() too, as LISTEN/NOTIFY tells them (the console sets it; store/changefeed.h).
    bool followOtherNodes = false;
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
    // Inbound traffic and MessageInteractions; Router::injectSms / injectCall feed the simulator (queued calls).
    Router *router() const { return m_router.get(); }
    Carrier *carrier() const { return m_carrier.get(); }
    Outbox *outbox() const { return m_outbox.get(); }
    Callbacks *callbacks() const { return m_callbacks.get(); }
    Scheduler *scheduler() const { return m_scheduler.get(); }
    QString listenUrl() const;

    // The longest a request may legitimately wait on a callback (intercept, out-of-session, status): how long a
    // graceful stop waits for in-flight work.
    int longestTimeoutMs() const;

public Q_SLOTS:
    void start();
    void stop();
    // Graceful stop, step one: stop accepting connections, let the requests in flight (deferred webhooks waiting on a
    // callback included) answer, then the outbox attempts in flight finish; drained() when all are done or after
    // maxWaitMs, whichever comes first. stop() is step two.
    void drain(int maxWaitMs);

Q_SIGNALS:
    void started(const QString &listenUrl, const Maskline::Account &account);
    void failed(const QString &message);
    void stopped();
    void drained();
    void changed(const QList<Maskline::Change> &changes);
    void debuggerEventRecorded(const Maskline::DebuggerEvent &event);

private:
    // Migrates, recounts in_use (PostgreSQL; SQLite checks it in the background, below) and makes sure the first
    // account exists, one node at a time.
    Result<Account> prepareStore();
    // SQLite: in_use is checked against a recount on a thread of its own while the engine serves (a recount of a
    // store with 100k active sessions takes seconds), and any drift is corrected on the engine thread.
    void startInUseCheck();
    void beat();
    void handleChangesElsewhere(const QList<Maskline::Change> &changes);

    EngineConfig m_config;
    const Clock &m_clock;
    std::unique_ptr<StoreLock> m_lock;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Debugger> m_debugger;
    std::unique_ptr<Proxy> m_proxy;
    std::unique_ptr<Outbox> m_outbox;
    std::unique_ptr<Carrier> m_carrier;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<Callbacks> m_callbacks;
    std::unique_ptr<Scheduler> m_scheduler;
    std::unique_ptr<CarrierWebhooks> m_webhooks;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<NodeRegistry> m_nodes; // PostgreSQL: this node's heartbeat, the live count for rate limits
    QPointer<QTimer> m_beatTimer;
    std::unique_ptr<ChangeFeed> m_feed; // PostgreSQL: what changed, told to and heard from the other nodes
    QStringList m_recentEvents;         // debugger events already reported (own and others'), newest last
    std::unique_ptr<QThread> m_inUseCheck;
    quint64 m_run = 0; // which start() a result posted back by the in_use check belongs to
};

} // namespace Maskline
