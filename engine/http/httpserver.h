#pragma once

#include <functional>
#include <memory>

#include <QHostAddress>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVarLengthArray>

#include "core/result.h"
#include "httpmessage.h"
#include "metrics.h"

namespace Maskline {

class CarrierNumbers;
class Clock;
class Debugger;
class HttpListener;
class Metrics;
class CarrierWebhooks;
class KeysApi;
class NumberProvisioning;
class Proxy;
class Router;
class RateLimiter;
class ReaderPool;
class RestApi;

struct HttpConfig
{
    QHostAddress address = QHostAddress::LocalHost;
    quint16 port = 8080;
    QString publicUrl;   // e.g. https://proxy.example.com ; empty = derive from the request's Host header
    QString tlsCertFile; // both set: HTTPS only (PEM certificate chain and its private key)
    QString tlsKeyFile;
    // Peers whose X-Forwarded-Proto/Host/For are believed (a reverse proxy in front); from anyone else they are
    // ignored. Each entry is a subnet as QHostAddress::parseSubnet returns it.
    QList<std::pair<QHostAddress, int>> trustedProxies;
    int readyMaxOutboxLagSeconds = 300; // /readyz answers 503 when due outbox work waited longer than this
    int rateLimitPerSecond = 30;        // 0 = off (--rate-limit off / --rate-limit N)
    qint64 maxBodyBytes = 1 << 20;      // larger request bodies get 413 (code 20413)
    int maxBatch = 64;                  // requests run in one write batch (one commit) at most
    // Threads that read and render list pages beside the engine thread, each on its own store connection
    // (--read-threads); 0 = lists run on this object's thread like everything else.
    int readThreads = 2;
    // Fetched Sessions answered from memory (RenderedSessions); only where no other process writes the store.
    bool cacheRenderedSessions = false;
};

// The engine's HTTP front door: the Proxy v1 REST API, carrier webhooks, health and metrics, from ONE route table
// (httproutes.cpp, HttpServer::routeTable). Requests are handled on this object's thread, one at a time. Most
// handlers answer synchronously; a deferred one (a call's webhook waiting for an out-of-session or intercept
// callback) answers later through its Respond, while the thread serves other requests. Replies on one connection
// always leave in the order the requests came (pipelining). Order of checks: body limit (at the socket, before
// buffering) -> HTTP Basic auth for /v1/… -> route match (404 unknown path, 405 known path with another method) ->
// rate limit (429) -> handler.
class HttpServer final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpServer)

public:
    using Handler = std::function<HttpReply(const HttpRequest &)>;
    // Answers the request, exactly once; later calls are ignored. Safe to call after the server or the connection
    // went away (the reply is dropped).
    using Respond = std::function<void(HttpReply reply)>;
    // A handler that may answer later: it keeps `respond` and calls it when it has the answer.
    using DeferredHandler = std::function<void(const HttpRequest &, Respond respond)>;

    enum class Access
    {
        Account, // HTTP Basic AccountSid:AuthToken or ApiKeySid:Secret, rate-limited per endpoint per service
                 // (or account)
        Public,  // no credentials here (health, metrics; webhooks check their own signatures)
    };

    // One row of the route table. Path templates use the spec's {Name} placeholders; {Name:KS} only matches a SID
    // with that prefix (a path that fits a route except for an argument's type is a 404, not a 405); an argument may
    // be followed by a fixed suffix in its segment ({Sid:SK}.json).
    struct Route
    {
        HttpMethod method;
        QString pattern;
        Access access;
        Handler handler;          // answers at once…
        DeferredHandler deferred; // …or, when set instead, answers through its Respond
        // The handler only reads (a list): with no write waiting before it, it runs on a reader thread. It must
        // touch nothing but the store's read side and its own arguments.
        bool reader = false;
        // …and a page it answered may be held and answered again from RestApi's RenderedPages (a Service's
        // Sessions): the route's first argument is the page's scope.
        bool rendered = false;
    };

    HttpServer(Proxy &proxy, Debugger *debugger, const Clock &clock, HttpConfig config, QObject *parent = nullptr);
    ~HttpServer() override;

    bool listen();        // false -> errorString()
    quint16 port() const; // the actual port (listening on port 0 picks one)
    QString errorString() const;
    QString baseUrl() const; // http(s)://address:port (loopback address when listening on "any")

    // Graceful stop: closes the listener (connections already open are still served) and reports, through
    // inFlight(), the requests taken but not answered yet (deferred ones included).
    void stopAccepting();
    int inFlight() const { return m_inFlight + int(m_pending.size()); }

    const HttpConfig &config() const { return m_config; }
    const QList<Route> &routes() const { return m_routes; }
    const Metrics &metrics() const { return *m_metrics; }
    Metrics &metrics() { return *m_metrics; }
    // Per-Service limits; EngineHost divides them between the nodes sharing a PostgreSQL store.
    RateLimiter &rateLimiter() { return *m_rateLimiter; }

    // The carrier side, when the engine has one: webhooks for /carrier/… and the router MessageInteractions send
    // through. Without it those paths answer 404 and MessageInteractions are refused.
    void setCarrier(CarrierWebhooks *webhooks, Router *router);
    // The carrier account's number inventory (--carrier twilio): PhoneNumbers create looks numbers up there and
    // points their webhooks here; PhoneNumbers and Services delete put them back (http/numberprovisioning.h).
    // Without it (the simulator) pool numbers are added as given.
    void setCarrierNumbers(CarrierNumbers *numbers);

    // The transport calls this for every complete request. Requests that arrive together (in one turn of the event
    // loop, up to HttpConfig::maxBatch) run as one write batch: each in its own savepoint, one commit for all, and
    // their replies leave only after that commit (group commit: one fsync per batch, nothing acknowledged before it
    // is durable). A batch whose commit fails answers every request in it with 503. A GET or HEAD with no request
    // waiting before it is answered at once: it writes nothing, and everything before it is already committed.
    void submit(HttpRequest request, Respond respond);
    // Runs the submitted requests now rather than on the next turn of the event loop (a connection is about to go).
    void flushBatch();
    // Handles one request now; `respond` is called exactly once, possibly later.
    void handle(HttpRequest request, Respond respond);
    // For tests driving routing without sockets: the reply of a request that is answered at once; a deferred one
    // that has not answered yet gets 503.
    HttpReply handle(HttpRequest request);

private:
    struct Segment
    {
        QString literal;   // a fixed segment, or the argument's name
        QString sidPrefix; // {Name:KS} -> "KS"
        QString suffix;    // {Name}.json -> ".json" (percent-encoded form = plain, it is ASCII)
        bool isArg = false;
    };
    struct CompiledRoute
    {
        QList<Segment> segments;
        QString label; // the template without types, as in the spec: /v1/Services/{ServiceSid}
    };
    struct Match
    {
        const Route *route = nullptr;
        QString label;
        QStringList args;
        bool pathKnown = false;                 // some route has this path shape (so a method mismatch is 405)
        QVarLengthArray<HttpMethod, 8> allowed; // methods of the routes with this path shape, in table order
        QByteArray allowHeader() const;         // `allowed` as the Allow header says it
    };

    // httproutes.cpp: the table, compiled into m_compiled once, and matching against it.
    QList<Route> routeTable();
    void compileRoutes();
    Match match(HttpMethod method, const QString &encodedPath) const;
    void dispatch(HttpRequest &request, QString &routeLabel, const Respond &respond);
    // Sets request.apiKeySid when the credentials were an API key's.
    Result<Account> authenticate(HttpRequest &request);
    QString publicBase(const HttpRequest &request) const;
    HttpReply healthz(const HttpRequest &request);
    HttpReply readyz(const HttpRequest &request);
    bool isTrustedProxy(const QHostAddress &peer) const;
    void runBatch();
    HttpReply metricsPage(const HttpRequest &request);

    Proxy &m_proxy;
    Debugger *m_debugger;
    CarrierWebhooks *m_webhooks = nullptr;
    const Clock &m_clock;
    HttpConfig m_config;
    std::unique_ptr<RestApi> m_api;
    std::unique_ptr<KeysApi> m_keys;
    std::unique_ptr<NumberProvisioning> m_provisioning;
    std::unique_ptr<RateLimiter> m_rateLimiter;
    std::unique_ptr<Metrics> m_metrics;
    QList<Route> m_routes;
    QList<CompiledRoute> m_compiled; // parallel to m_routes
    struct StoreGauges
    {
        qint64 takenAtMs = 0;
        qint64 sessionsOpen = -1, poolInUse = -1, poolIdle = -1, poolReserved = -1;
        QList<Metrics::Gauges::PerService> services;
    };
    StoreGauges m_storeGauges; // counted at most once a minute, not per scrape
    HttpListener *m_tcpServer = nullptr;
    QString m_errorString;
    mutable QString m_lastValidHost; // publicBase(): the last Host header found valid,
    mutable QString m_lastScheme;    // and the scheme
    mutable QString m_lastBase;      // and the base made of the two
    bool m_tls = false;
    int m_inFlight = 0; // handle() called, respond not yet
    struct Pending
    {
        HttpRequest request;
        Respond respond;
    };
    QList<Pending> m_pending; // submitted, waiting for the next batch
    bool m_batchScheduled = false;
    // Last, so it goes first: its threads finish the lists they hold while the handlers they call still exist.
    std::unique_ptr<ReaderPool> m_readers;
};

} // namespace Maskline
