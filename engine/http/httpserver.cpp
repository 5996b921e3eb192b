#include "httpserver.h"

#include <algorithm>
#include <exception>
#include <memory>
#include <optional>

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QLoggingCategory>
#include <QPointer>
#include <QRegularExpression>
#include <QSslCertificate>
#include <QSslKey>
#include <QTimer>

#include "core/apierror.h"
#include "core/clock.h"
#include "core/redact.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "httpconnection.h"
#include "httpserver_p.h"
#include "keysapi.h"
#include "metrics.h"
#include "numberprovisioning.h"
#include "proxy/proxy.h"
#include "ratelimiter.h"
#include "renderedpages.h"
#include "restapi.h"
#include "store/database.h"
#include "store/readerpool.h"

namespace Maskline {

Q_LOGGING_CATEGORY(lcHttp, "maskline.http", QtInfoMsg)

namespace {

const QString UNMATCHED = QStringLiteral("unmatched");
constexpr int MAX_READ_THREADS = 64;
constexpr int LISTEN_BACKLOG = 4096;
constexpr int PEER_FINISHED_WAIT_MS = 5000; // a half-closed client's lists, at most this long

// The answer to a request whose handler threw: logged (redacted), 500 with Twilio's shape.
HttpReply failed(const std::exception &e)
{
    qCCritical(lcHttp).noquote() << "request failed:" << redactText(QString::fromUtf8(e.what()));
    return HttpReply::error(ApiError::make(80504, 500, QStringLiteral("Internal server error")));
}

bool isV1(const QString &path)
{
    return path == u"/v1" || path.startsWith(u"/v1/");
}

// The first element of a comma-separated forwarding header (the one the client-facing proxy wrote), trimmed.
QString firstForwarded(const HttpRequest &request, QByteArrayView name)
{
    const QByteArray value = request.header(name);
    const qsizetype comma = value.indexOf(',');
    return QString::fromLatin1((comma < 0 ? value : value.left(comma)).trimmed());
}

// An IPv4-mapped IPv6 peer (::ffff:10.0.0.1 on a dual-stack listener) compares as its IPv4 address.
QHostAddress plainAddress(const QHostAddress &address)
{
    if (address.protocol() != QAbstractSocket::IPv6Protocol) {
        return address;
    }
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : address;
}

} // namespace

HttpServer::HttpServer(Proxy &proxy, Debugger *debugger, const Clock &clock, HttpConfig config, QObject *parent)
    : QObject(parent)
    , m_proxy(proxy)
    , m_debugger(debugger)
    , m_clock(clock)
    , m_config(std::move(config))
    , m_api(std::make_unique<RestApi>(proxy, debugger))
    , m_keys(std::make_unique<KeysApi>(proxy))
    , m_provisioning(std::make_unique<NumberProvisioning>(proxy, *m_api, debugger))
    , m_rateLimiter(std::make_unique<RateLimiter>(clock, m_config.rateLimitPerSecond))
    , m_metrics(std::make_unique<Metrics>())
{
    while (m_config.publicUrl.endsWith(u'/')) {
        m_config.publicUrl.chop(1);
    }
    compileRoutes();
    m_api->setRenderedSessionsCached(m_config.cacheRenderedSessions);
    connect(&m_proxy, &Proxy::changed, this, [this](const QList<Change> &changes) { m_api->apply(changes); });
}

HttpServer::~HttpServer() = default;

namespace {

// Rate-limit refusals reach the debugger as one event per endpoint and Service (and Session, when the path names one)
// per second, carrying how many were refused, so a flood is visible without flooding the store. The first refusal
// in a quiet scope is recorded at once (an operator watching the Debugger sees it as it happens); the rest of that
// second are counted and recorded together when the timer fires, and a scope quiet for a whole second is forgotten.
// A child of the HttpServer, on the engine thread.
class RefusalTally final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RefusalTally)

public:
    static constexpr int WINDOW_MS = 1000;
    static constexpr qsizetype MAX_SCOPES = 1024; // beyond this, new scopes fold into the account's one

    RefusalTally(Debugger *debugger, QObject *parent)
        : QObject(parent)
        , m_debugger(debugger)
    {
        m_timer.setSingleShot(true);
        m_timer.setInterval(WINDOW_MS);
        connect(&m_timer, &QTimer::timeout, this, &RefusalTally::flush);
    }

    void note(const HttpRequest &request, const QString &label, const QStringList &args, int retryAfter)
    {
        DebuggerEvent event;
        event.accountSid = request.account.sid;
        event.code = ApiError::tooManyRequests().code;
        event.logLevel = QStringLiteral("error");
        event.serviceSid = args.value(0).startsWith(Sid::SERVICE) ? args.value(0) : QString();
        event.sessionSid = args.value(1).startsWith(Sid::SESSION) ? args.value(1) : QString();
        event.requestMethod = methodName(request.method);
        event.requestUrl =
            request.baseUrl + request.path + (request.query.isEmpty() ? QString() : u'?' + request.query);
        constexpr qsizetype MAX_VARIABLES = 16 * 1024;
        event.requestVariables = QString::fromUtf8(request.body.left(MAX_VARIABLES));
        event.responseBody = QString::fromUtf8(HttpReply::error(ApiError::tooManyRequests()).body);

        QString key = event.requestMethod + u' ' + label + u' ' + event.accountSid + u' ' + event.serviceSid + u' ' +
                      event.sessionSid;
        if (!m_scopes.contains(key) && m_scopes.size() >= MAX_SCOPES) {
            key = event.requestMethod + u' ' + label + u' ' + event.accountSid;
            event.serviceSid.clear();
            event.sessionSid.clear();
        }
        auto it = m_scopes.find(key);
        if (it == m_scopes.end()) {
            m_debugger->record(describe(event, label, retryAfter, 1));
            m_scopes.insert(key, {std::move(event), label, retryAfter, 0});
        } else {
            it->last = std::move(event);
            it->retryAfter = retryAfter;
            ++it->pending;
        }
        if (!m_timer.isActive()) {
            m_timer.start();
        }
    }

private:
    struct Scope
    {
        DebuggerEvent last; // the latest refused request, with its SIDs
        QString label;      // the endpoint's template, for the message
        int retryAfter = 1;
        int pending = 0; // refused since the last event
    };

    // "Too Many Requests: 12 refused on POST /carrier/simulator/sms …": the console reads the count back from here.
    static DebuggerEvent describe(DebuggerEvent event, const QString &label, int retryAfter, int count)
    {
        event.message = QStringLiteral("Too Many Requests: %1 refused on %2 %3 by the rate limit (Retry-After: %4 s)")
                            .arg(count)
                            .arg(event.requestMethod, label)
                            .arg(retryAfter);
        return event;
    }

    void flush()
    {
        for (auto it = m_scopes.begin(); it != m_scopes.end();) {
            if (it->pending == 0) {
                it = m_scopes.erase(it);
                continue;
            }
            m_debugger->record(describe(it->last, it->label, it->retryAfter, it->pending));
            it->pending = 0;
            ++it;
        }
        if (!m_scopes.isEmpty()) {
            m_timer.start();
        }
    }

    Debugger *m_debugger;
    QHash<QString, Scope> m_scopes;
    QTimer m_timer;
};

} // namespace

void HttpServer::setCarrier(CarrierWebhooks *webhooks, Router *router)
{
    m_webhooks = webhooks;
    m_api->setRouter(router);
}

void HttpServer::setCarrierNumbers(CarrierNumbers *numbers)
{
    m_provisioning->setCarrierNumbers(numbers);
}

bool HttpServer::listen()
{
    if (m_tcpServer) {
        return true;
    }
    HttpListener::Limits limits;
    limits.maxBodyBytes = m_config.maxBodyBytes;
    auto *server = new HttpListener(
        limits,
        [this](HttpRequest request, HttpListener::Respond respond) { submit(std::move(request), std::move(respond)); },
        this);
    server->setPeerFinishedHook([this] {
        flushBatch();
        if (m_readers && m_readers->waitForIdle(PEER_FINISHED_WAIT_MS)) {
            // The lists on the reader threads have answered into this thread's queue: written now, before the end
            // of the stream closes the socket.
            QCoreApplication::sendPostedEvents(this, QEvent::MetaCall);
        }
    });
    if (!m_config.tlsCertFile.isEmpty() || !m_config.tlsKeyFile.isEmpty()) {
        if (!QSslSocket::supportsSsl()) {
            m_errorString = QStringLiteral("TLS is not available: no TLS backend could be loaded (%1)")
                                .arg(QSslSocket::activeBackend());
            delete server;
            return false;
        }
        QFile certFile(m_config.tlsCertFile);
        QFile keyFile(m_config.tlsKeyFile);
        if (!certFile.open(QIODevice::ReadOnly) || !keyFile.open(QIODevice::ReadOnly)) {
            m_errorString = QStringLiteral("cannot read the TLS certificate or key: %1")
                                .arg(certFile.isOpen() ? keyFile.errorString() : certFile.errorString());
            delete server;
            return false;
        }
        const QList<QSslCertificate> chain = QSslCertificate::fromData(certFile.readAll(), QSsl::Pem);
        const QByteArray keyPem = keyFile.readAll();
        QSslKey key(keyPem, QSsl::Rsa, QSsl::Pem);
        if (key.isNull()) {
            key = QSslKey(keyPem, QSsl::Ec, QSsl::Pem);
        }
        if (chain.isEmpty() || key.isNull()) {
            m_errorString = QStringLiteral("%1 holds no PEM certificate or %2 no PEM private key (RSA or EC)")
                                .arg(m_config.tlsCertFile, m_config.tlsKeyFile);
            delete server;
            return false;
        }
        QSslConfiguration ssl = QSslConfiguration::defaultConfiguration();
        ssl.setLocalCertificateChain(chain);
        ssl.setPrivateKey(key);
        ssl.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with HTTP Basic, not certificates
        ssl.setProtocol(QSsl::TlsV1_2OrLater);
        server->setSslConfiguration(ssl);
        m_tls = true;
    }
    // Qt's default backlog is 50: a burst of new connections while a write batch runs (several ms) overflowed it,
    // and each dropped SYN cost its client a one-second retransmission. The kernel caps it at net.core.somaxconn.
    server->setListenBacklogSize(LISTEN_BACKLOG);
    if (!server->listen(m_config.address, m_config.port)) {
        m_errorString = server->errorString();
        delete server;
        return false;
    }
    connect(server, &HttpListener::requestRefused, this,
            [this](const QString &method, int status) { m_metrics->record(UNMATCHED, method, status, 0); });
    m_tcpServer = server;
    if (m_config.readThreads > 0) {
        m_readers = std::make_unique<ReaderPool>(m_proxy.database(), std::min(m_config.readThreads, MAX_READ_THREADS));
    }

    // A callback URL pointing at this listener would call Maskline itself.
    QStringList own = m_proxy.ownBaseUrls();
    if (!own.contains(baseUrl())) {
        own.append(baseUrl());
        m_proxy.setOwnBaseUrls(own);
    }
    qCInfo(lcHttp).noquote() << "listening on" << baseUrl();
    return true;
}

quint16 HttpServer::port() const
{
    return m_tcpServer ? m_tcpServer->serverPort() : 0;
}

QString HttpServer::errorString() const
{
    return m_errorString;
}

QString HttpServer::baseUrl() const
{
    QHostAddress address = m_tcpServer ? m_tcpServer->serverAddress() : m_config.address;
    if (address == QHostAddress::Any || address == QHostAddress::AnyIPv4) {
        address = QHostAddress(QHostAddress::LocalHost);
    } else if (address == QHostAddress::AnyIPv6) {
        address = QHostAddress(QHostAddress::LocalHostIPv6);
    }
    const QString host =
        address.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + address.toString() + u']' : address.toString();
    return (m_tls ? QStringLiteral("https://") : QStringLiteral("http://")) + host + u':' +
           QString::number(m_tcpServer ? port() : m_config.port);
}

void HttpServer::stopAccepting()
{
    if (m_tcpServer && m_tcpServer->isListening()) {
        m_tcpServer->close();
        qCInfo(lcHttp) << "no longer accepting connections;" << inFlight() << "requests in flight";
    }
}

bool HttpServer::isTrustedProxy(const QHostAddress &peer) const
{
    if (m_config.trustedProxies.isEmpty()) {
        return false;
    }
    const QHostAddress address = plainAddress(peer);
    for (const auto &subnet : m_config.trustedProxies) {
        if (address.isInSubnet(subnet)) {
            return true;
        }
    }
    return false;
}

QString HttpServer::publicBase(const HttpRequest &request) const
{
    if (!m_config.publicUrl.isEmpty()) {
        return m_config.publicUrl;
    }
    // The Host header goes into every url and link: accept only a host name or address and a port, so a hostile
    // header cannot inject anything into the JSON.
    static const QRegularExpression validHost(QStringLiteral(
        R"(^(?:[A-Za-z0-9](?:[A-Za-z0-9.\-]{0,251}[A-Za-z0-9])?|\[[0-9A-Fa-f:.]{2,45}\])(?::\d{1,5})?$)"));
    QString scheme = m_tls ? QStringLiteral("https") : QStringLiteral("http");
    QString host = QString::fromLatin1(request.header("host").trimmed());
    // Only a reverse proxy listed with --trusted-proxy may say what the client used; from anyone else these headers
    // are the client's own claims and are ignored.
    if (isTrustedProxy(request.peer)) {
        const QString proto = firstForwarded(request, "x-forwarded-proto").toLower();
        if (proto == u"https" || proto == u"http") {
            scheme = proto;
        }
        const QString forwardedHost = firstForwarded(request, "x-forwarded-host");
        if (!forwardedHost.isEmpty() && validHost.match(forwardedHost).hasMatch()) {
            host = forwardedHost;
        }
    }
    // Clients send the same Host on every request: the last one checked is remembered.
    if (!host.isEmpty() && host == m_lastValidHost && scheme == m_lastScheme) {
        return m_lastBase;
    }
    if (!host.isEmpty() && validHost.match(host).hasMatch()) {
        m_lastValidHost = host;
        m_lastScheme = scheme;
        m_lastBase = scheme + QStringLiteral("://") + host;
        return m_lastBase;
    }
    return baseUrl();
}

Result<Account> HttpServer::authenticate(HttpRequest &request)
{
    const QByteArray header = request.header("authorization").trimmed();
    if (header.size() < 6 || QByteArrayView(header).first(6).compare("basic ", Qt::CaseInsensitive) != 0) {
        return ApiError::unauthorized();
    }
    const auto decoded =
        QByteArray::fromBase64Encoding(header.mid(6).trimmed(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded) {
        return ApiError::unauthorized();
    }
    const QByteArray credentials = decoded.decoded;
    const qsizetype colon = credentials.indexOf(':');
    if (colon <= 0) {
        return ApiError::unauthorized();
    }
    const QString user = QString::fromUtf8(credentials.left(colon));
    Result<Account> account = m_proxy.authenticate(user, QString::fromUtf8(credentials.mid(colon + 1)));
    if (!account && account.error().status < 500) {
        return ApiError::unauthorized();
    }
    // An API key acts as its account; the few routes that need the auth token itself (the Keys resource) check this.
    request.apiKeySid = account && user.startsWith(Sid::API_KEY) ? user : QString();
    return account;
}

HttpReply HttpServer::handle(HttpRequest request)
{
    auto answer = std::make_shared<std::optional<HttpReply>>();
    handle(std::move(request), [answer](HttpReply reply) { *answer = std::move(reply); });
    if (*answer) {
        return **answer;
    }
    return HttpReply::error(ApiError::make(20503, 503, QStringLiteral("The reply to this request is deferred")));
}

void HttpServer::handle(HttpRequest request, Respond respond)
{
    // What the answer needs to know about the request, in one allocation shared by the copies of `once`.
    struct Pending
    {
        QElapsedTimer timer;
        QString label = UNMATCHED;
        QString method;
        bool answered = false;
    };
    auto pending = std::make_shared<Pending>();
    pending->timer.start();
    pending->method = methodName(request.method);
    QPointer<HttpServer> self(this);
    ++m_inFlight;
    const Respond once = [self, respond = std::move(respond), pending](HttpReply reply) {
        if (pending->answered) {
            return;
        }
        pending->answered = true;
        if (self) {
            --self->m_inFlight;
            self->m_metrics->record(pending->label, pending->method, reply.status,
                                    double(pending->timer.nsecsElapsed()) / 1e9);
        }
        respond(std::move(reply));
    };
    try {
        dispatch(request, pending->label, once);
    } catch (const std::exception &e) {
        once(failed(e));
    }
}

void HttpServer::dispatch(HttpRequest &request, QString &routeLabel, const Respond &respond)
{
    request.baseFromHost = m_config.publicUrl.isEmpty();
    request.baseUrl = publicBase(request);
    request.client = plainAddress(request.peer);
    if (isTrustedProxy(request.peer)) {
        // X-Forwarded-For lists the hops in order; the nearest one that is not a trusted proxy is the client.
        const QList<QByteArray> hops = request.header("x-forwarded-for").split(',');
        for (auto it = hops.crbegin(); it != hops.crend(); ++it) {
            const QHostAddress hop(QString::fromLatin1(it->trimmed()));
            if (hop.isNull()) {
                break;
            }
            request.client = plainAddress(hop);
            if (!isTrustedProxy(hop)) {
                break;
            }
        }
    }

    const Match found = match(request.method, request.path);
    if (!found.label.isEmpty()) {
        routeLabel = found.label;
    }
    // Credentials first for everything under /v1, so an unauthenticated caller learns nothing about which paths exist.
    const bool needsAccount = isV1(request.path) || (found.route && found.route->access == Access::Account);
    if (needsAccount) {
        Result<Account> account = authenticate(request);
        if (!account) {
            return respond(HttpReply::error(account.error()));
        }
        request.account = *account;
    }
    if (!found.route) {
        if (found.pathKnown && found.label.isEmpty()) {
            return respond(HttpReply::error(ApiError::methodNotAllowed())
                               .withHeader(QByteArrayLiteral("Allow"), found.allowHeader()));
        }
        constexpr qsizetype MAX_ECHO = 256; // the path is the client's: echo only a bounded part of it
        return respond(HttpReply::error(
            ApiError::notFound(FormData::decodeComponent(request.path.toUtf8(), false).left(MAX_ECHO))));
    }

    if (found.route->access == Access::Account && m_rateLimiter->enabled()) {
        // Per endpoint (route template + method) per Service: the first path argument is the service everywhere
        // below /v1/Services/…; the Service list and create are limited per account.
        const QString scope = found.args.isEmpty() ? request.account.sid : found.args.constFirst();
        const RateLimiter::Decision decision = m_rateLimiter->acquire(
            request.account.sid + u' ' + methodName(request.method) + u' ' + found.label + u' ' + scope);
        if (!decision.allowed) {
            if (m_debugger) {
                auto *tally = findChild<RefusalTally *>(QString(), Qt::FindDirectChildrenOnly);
                if (!tally) {
                    tally = new RefusalTally(m_debugger, this);
                }
                tally->note(request, found.label, found.args, decision.retryAfterSeconds);
            }
            return respond(
                HttpReply::error(ApiError::tooManyRequests())
                    .withHeader(QByteArrayLiteral("Retry-After"), QByteArray::number(decision.retryAfterSeconds)));
        }
    }

    request.args = found.args;
    if (request.method == HttpMethod::Post || request.method == HttpMethod::Put ||
        request.method == HttpMethod::Patch) {
        // Only a form body carries parameters: a JSON or text body is not read as one (docs/decisions.md).
        if (FormData::isFormType(request.header("content-type"))) {
            request.params = FormData::parse(request.body);
        }
        request.params.append(FormData::parse(request.query.toUtf8()));
    } else {
        request.params = FormData::parse(request.query.toUtf8());
    }
    if ((isV1(request.path) || request.path.startsWith(u"/2010-04-01/")) && request.params.error().isValid()) {
        return respond(HttpReply::error(request.params.error())); // a malformed escape or invalid UTF-8
    }
    // Debugger events raised while this request is handled (pool and conflict warnings deep in the domain) carry
    // the request that caused them.
    const Debugger::RequestScope scope(m_debugger, methodName(request.method), request.baseUrl, request.path,
                                       request.query, request.body);
    if (found.route->deferred) {
        found.route->deferred(request, respond);
        return;
    }
    if (!found.route->reader || !request.committedView) {
        return respond(found.route->handler(request));
    }
    // Nothing is waiting to be written before it, so a read of the committed store (on another connection, at the
    // same moment or later) answers it exactly, and so does a page rendered since its scope last changed.
    RenderedPages *const pages = found.route->rendered ? m_api->renderedPages() : nullptr;
    std::optional<RenderedPages::Ticket> ticket;
    if (pages) {
        ticket = pages->ticket(request);
        if (std::optional<QByteArray> body = pages->find(*ticket)) {
            return respond(HttpReply::json(200, *std::move(body)));
        }
    }
    const auto answer = [this, respond, ticket = std::move(ticket)](HttpReply reply) {
        RenderedPages *const held = ticket ? m_api->renderedPages() : nullptr;
        if (held && reply.status == 200 && reply.headers.isEmpty()) {
            held->insert(*ticket, reply.body); // unless its scope changed while it was read
        }
        respond(std::move(reply));
    };
    if (!m_readers) {
        return answer(found.route->handler(request));
    }
    // This thread goes on meanwhile.
    m_readers->post([this, handler = found.route->handler, request, answer] {
        HttpReply reply;
        try {
            reply = handler(request);
        } catch (const std::exception &e) {
            reply = failed(e);
        }
        QMetaObject::invokeMethod(
            this, [answer, reply = std::move(reply)]() mutable { answer(std::move(reply)); }, Qt::QueuedConnection);
    });
}

} // namespace Maskline

#include "httpserver.moc"
