#include "httpserver.h"

#include "callbacks/callbacks.h"
#include "core/apierror.h"
#include "core/clock.h"
#include "core/redact.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "http/webhookroute.h"
#include "keysapi.h"
#include "metrics.h"
#include "numberprovisioning.h"
#include "proxy/proxy.h"
#include "ratelimiter.h"
#include "requestguard.h"
#include "restapi.h"
#include "routing/router.h"
#include "store/database.h"
#include "store/sqlquery.h"
#include "store/transaction.h"
#include "store/writebatch.h"

// QAbstractHttpServer, not QHttpServer: this file does its own routing (one table, 405 for a known path with another
// method, typed SID arguments), so QHttpServer's router templates are neither needed nor compiled.
#include <exception>
#include <memory>
#include <optional>
#include <sys/socket.h>

#include <QAbstractHttpServer>
#include <QElapsedTimer>
#include <QFile>
#include <QHttpServerRequest>
#include <QJsonArray>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QMap>
#include <QPointer>
#include <QRegularExpression>
#include <QSqlError>
#include <QSqlQuery>
#include <QSslCertificate>
#include <QSslKey>
#include <QTcpSocket>
#include <QTimer>
#include <QUrl>

namespace Maskline {

namespace {

Q_LOGGING_CATEGORY(lcHttp, "maskline.http", QtInfoMsg)

const QString UNMATCHED = QStringLiteral("unmatched");

HttpMethod fromQt(QHttpServerRequest::Method m)
{
    switch (m) {
    case QHttpServerRequest::Method::Get:
        return HttpMethod::Get;
    case QHttpServerRequest::Method::Post:
        return HttpMethod::Post;
    case QHttpServerRequest::Method::Delete:
        return HttpMethod::Delete;
    case QHttpServerRequest::Method::Put:
        return HttpMethod::Put;
    case QHttpServerRequest::Method::Patch:
        return HttpMethod::Patch;
    case QHttpServerRequest::Method::Head:
        return HttpMethod::Head;
    case QHttpServerRequest::Method::Options:
        return HttpMethod::Options;
    default:
        return HttpMethod::Other;
    }
}

// True when the client half-closed (shutdown(SHUT_WR)) and nothing more is to be read: a peek sees the end of the
// stream before Qt's next read does.
bool peerHasFinishedSending(const QTcpSocket *socket)
{
    const qintptr fd = socket->socketDescriptor();
    if (fd < 0 || socket->bytesAvailable() > 0) {
        return false;
    }
    char byte = 0;
    return ::recv(int(fd), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

// Feeds complete requests from QAbstractHttpServer (which parsed them after the GuardedTcpServer let them through)
// to HttpServer::handle() and writes the reply, now or when a deferred handler answers.
class HttpBackend final : public QAbstractHttpServer
{
public:
    explicit HttpBackend(HttpServer &owner)
        : QAbstractHttpServer(&owner)
        , m_owner(owner)
    {}

protected:
    bool handleRequest(const QHttpServerRequest &request, QTcpSocket *socket) override
    {
        HttpRequest r;
        r.method = fromQt(request.method());
        const QUrl url = request.url();
        r.path = url.path(QUrl::FullyEncoded);
        r.query = url.query(QUrl::FullyEncoded);
        for (const auto &[name, value] : request.headers()) {
            r.headers.append({name, value});
        }
        r.body = request.body();
        r.peer = socket->peerAddress();
        const bool close = r.header("connection").toLower().contains("close");
        const bool head = r.method == HttpMethod::Head;
        ReplyQueue *queue = ReplyQueue::of(socket);
        const quint64 slot = queue->reserve();
        QPointer<ReplyQueue> target(queue);
        m_owner.submit(std::move(r), [target, slot, close, head](HttpReply reply) {
            if (target) {
                target->fill(slot, reply.toWire(close, !head), close);
            }
        });
        if (peerHasFinishedSending(socket)) {
            // Qt tears the socket down as soon as it reads the end of the stream, before a batch run on the next turn
            // of the event loop could answer: the requests waiting in the batch are answered now.
            m_owner.flushBatch();
        }
        return true;
    }

    void missingHandler(const QHttpServerRequest &, QTcpSocket *socket) override
    {
        socket->write(HttpReply::error(ApiError::notFound(QString())).toWire(false));
    }

private:
    HttpServer &m_owner;
};

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
    m_routes = routeTable();
    for (const Route &route : std::as_const(m_routes)) {
        CompiledRoute compiled;
        QStringList labelParts;
        const QStringList parts = route.pattern.split(u'/');
        for (const QString &part : parts) {
            Segment segment;
            const qsizetype close = part.indexOf(u'}');
            if (part.startsWith(u'{') && close > 0) {
                const QString inner = part.mid(1, close - 1);
                const qsizetype colon = inner.indexOf(u':');
                segment.isArg = true;
                segment.literal = colon < 0 ? inner : inner.left(colon);
                segment.sidPrefix = colon < 0 ? QString() : inner.mid(colon + 1);
                segment.suffix = part.mid(close + 1);
                labelParts.append(u'{' + segment.literal + u'}' + segment.suffix);
            } else {
                segment.literal = part;
                labelParts.append(part);
            }
            compiled.segments.append(segment);
        }
        compiled.label = labelParts.join(u'/');
        m_compiled.append(compiled);
    }
    m_backend = new HttpBackend(*this);
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

// THE route table. One line per operation; {Name:KS} arguments only match SIDs with that prefix. Later issues add
// their routes here (carrier webhooks as Access::Public, checking their own signatures).
void HttpServer::setCarrier(CarrierWebhooks *webhooks, Router *router)
{
    m_webhooks = webhooks;
    m_api->setRouter(router);
}

void HttpServer::setCarrierNumbers(CarrierNumbers *numbers)
{
    m_provisioning->setCarrierNumbers(numbers);
}

QList<HttpServer::Route> HttpServer::routeTable()
{
    using M = HttpMethod;
    const auto api = [this](HttpMethod method, const char16_t *pattern, HttpReply (RestApi::*fn)(const HttpRequest &)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Account,
                     [this, fn](const HttpRequest &r) { return (m_api.get()->*fn)(r); },
                     {}};
    };
    const auto keys = [this](HttpMethod method, const char16_t *pattern,
                             HttpReply (KeysApi::*fn)(const HttpRequest &)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Account,
                     [this, fn](const HttpRequest &r) { return (m_keys.get()->*fn)(r); },
                     {}};
    };
    const auto open = [this](HttpMethod method, const char16_t *pattern,
                             HttpReply (HttpServer::*fn)(const HttpRequest &)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Public,
                     [this, fn](const HttpRequest &r) { return (this->*fn)(r); },
                     {}};
    };
    // Carrier webhooks (engine/carrier/webhooks.h): Twilio's check X-Twilio-Signature themselves; the simulator's
    // take an account's HTTP Basic credentials.
    const auto carrier = [this](HttpMethod method, const char16_t *pattern, Access access) {
        return Route{method, QString::fromUtf16(pattern), access, {}, [this](const HttpRequest &r, Respond respond) {
                         WebhookRoute::handle(m_webhooks, r, std::move(respond));
                     }};
    };
    // Pool changes that may wait on the carrier's number inventory (NumberProvisioning): deferred, so a lookup never
    // holds the write batch or the requests behind it.
    const auto pool = [this](HttpMethod method, const char16_t *pattern,
                             void (NumberProvisioning::*fn)(const HttpRequest &, NumberProvisioning::Respond)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Account,
                     {},
                     [this, fn](const HttpRequest &r, Respond respond) {
                         (m_provisioning.get()->*fn)(r, std::move(respond));
                     }};
    };
    // clang-format off
    return {
        api(M::Get,    u"/v1/Services",                                                 &RestApi::listServices),
        api(M::Post,   u"/v1/Services",                                                 &RestApi::createService),
        api(M::Get,    u"/v1/Services/{Sid}",                                           &RestApi::fetchService),
        api(M::Post,   u"/v1/Services/{Sid:KS}",                                        &RestApi::updateService),
        pool(M::Delete, u"/v1/Services/{Sid:KS}",                                       &NumberProvisioning::deleteService),

        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/PhoneNumbers",                    &RestApi::listPhoneNumbers),
        pool(M::Post,  u"/v1/Services/{ServiceSid:KS}/PhoneNumbers",                    &NumberProvisioning::createPhoneNumber),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/PhoneNumbers/{Sid:PN}",           &RestApi::fetchPhoneNumber),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/PhoneNumbers/{Sid:PN}",           &RestApi::updatePhoneNumber),
        pool(M::Delete, u"/v1/Services/{ServiceSid:KS}/PhoneNumbers/{Sid:PN}",          &NumberProvisioning::deletePhoneNumber),

        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions",                        &RestApi::listSessions),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions",                        &RestApi::createSession),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{Sid}",                  &RestApi::fetchSession),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions/{Sid:KC}",               &RestApi::updateSession),
        api(M::Delete, u"/v1/Services/{ServiceSid:KS}/Sessions/{Sid:KC}",               &RestApi::deleteSession),

        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants",          &RestApi::listParticipants),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants",          &RestApi::createParticipant),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{Sid:KP}", &RestApi::fetchParticipant),
        api(M::Delete, u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{Sid:KP}", &RestApi::deleteParticipant),

        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Interactions",          &RestApi::listInteractions),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Interactions/{Sid:KI}", &RestApi::fetchInteraction),
        api(M::Delete, u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Interactions/{Sid:KI}", &RestApi::deleteInteraction),

        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{ParticipantSid:KP}/MessageInteractions",          &RestApi::listMessageInteractions),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{ParticipantSid:KP}/MessageInteractions",          &RestApi::createMessageInteraction),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{ParticipantSid:KP}/MessageInteractions/{Sid:KI}", &RestApi::fetchMessageInteraction),

        api(M::Get,    u"/v1/Debugger/Events",                                          &RestApi::listDebuggerEvents),

        // Twilio's API keys (2010-04-01), so clients authenticating with SK…:secret can be set up against Maskline.
        keys(M::Get,    u"/2010-04-01/Accounts/{AccountSid:AC}/Keys.json",              &KeysApi::list),
        keys(M::Post,   u"/2010-04-01/Accounts/{AccountSid:AC}/Keys.json",              &KeysApi::create),
        keys(M::Get,    u"/2010-04-01/Accounts/{AccountSid:AC}/Keys/{Sid:SK}.json",     &KeysApi::fetch),
        keys(M::Post,   u"/2010-04-01/Accounts/{AccountSid:AC}/Keys/{Sid:SK}.json",     &KeysApi::update),
        keys(M::Delete, u"/2010-04-01/Accounts/{AccountSid:AC}/Keys/{Sid:SK}.json",     &KeysApi::remove),

        carrier(M::Post, u"/carrier/twilio/sms",                                        Access::Public),
        carrier(M::Post, u"/carrier/twilio/voice",                                      Access::Public),
        carrier(M::Post, u"/carrier/twilio/status",                                     Access::Public),
        carrier(M::Post, u"/carrier/simulator/sms",                                     Access::Account),
        carrier(M::Post, u"/carrier/simulator/voice",                                   Access::Account),

        open(M::Get,   u"/healthz",                                                     &HttpServer::healthz),
        open(M::Get,   u"/readyz",                                                      &HttpServer::readyz),
        open(M::Get,   u"/metrics",                                                     &HttpServer::metricsPage),
    };
    // clang-format on
}

bool HttpServer::listen()
{
    if (m_tcpServer) {
        return true;
    }
    GuardedTcpServer::Limits limits;
    limits.maxBodyBytes = m_config.maxBodyBytes;
    auto *server = new GuardedTcpServer(limits, this);
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
    if (!server->listen(m_config.address, m_config.port)) {
        m_errorString = server->errorString();
        delete server;
        return false;
    }
    connect(server, &GuardedTcpServer::requestRefused, this,
            [this](const QString &method, int status) { m_metrics->record(UNMATCHED, method, status, 0); });
    static_cast<HttpBackend *>(m_backend)->bind(server);
    m_tcpServer = server;

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
    if (!host.isEmpty() && validHost.match(host).hasMatch()) {
        return scheme + QStringLiteral("://") + host;
    }
    return baseUrl();
}

HttpServer::Match HttpServer::match(HttpMethod requested, const QString &encodedPath) const
{
    // HEAD is GET without the body (RFC 9110 9.3.2): it runs the GET route; the transport leaves the body out.
    const HttpMethod method = requested == HttpMethod::Head ? HttpMethod::Get : requested;
    Match result;
    const QStringList parts = encodedPath.split(u'/');
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        const CompiledRoute &compiled = m_compiled.at(i);
        if (compiled.segments.size() != parts.size()) {
            continue;
        }
        QStringList args;
        bool shapeFits = true;
        bool typesFit = true;
        for (qsizetype s = 0; s < parts.size() && shapeFits; ++s) {
            const Segment &segment = compiled.segments.at(s);
            if (!segment.isArg) {
                shapeFits = parts.at(s) == segment.literal;
                continue;
            }
            QStringView encoded(parts.at(s));
            if (!segment.suffix.isEmpty()) {
                if (!encoded.endsWith(segment.suffix)) {
                    shapeFits = false;
                    continue;
                }
                encoded.chop(segment.suffix.size());
            }
            const QString value = FormData::decodeComponent(encoded.toUtf8(), false);
            if (value.isEmpty()) {
                shapeFits = false;
                continue;
            }
            if (!segment.sidPrefix.isEmpty() && !Sid::isValid(value, segment.sidPrefix)) {
                typesFit = false;
            }
            args.append(value);
        }
        if (!shapeFits) {
            continue;
        }
        result.pathKnown = true;
        const Route &route = m_routes.at(i);
        const QString name = methodName(route.method);
        if (!result.allowed.contains(name)) {
            result.allowed.append(name);
            if (route.method == HttpMethod::Get) {
                result.allowed.append(methodName(HttpMethod::Head));
            }
        }
        if (route.method != method) {
            continue;
        }
        if (result.label.isEmpty()) {
            result.label = compiled.label;
        }
        if (typesFit && !result.route) {
            result.route = &route;
            result.label = compiled.label;
            result.args = args;
        }
    }
    return result;
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

namespace {

// The replies of one write batch, held until its commit and then released in the order the requests came. A reply
// given after the release (a deferred handler answering later) goes out at once.
class HeldReplies final
{
public:
    qsizetype add(HttpServer::Respond respond)
    {
        m_slots.append({std::move(respond), std::nullopt, false});
        return m_slots.size() - 1;
    }

    void answer(qsizetype slot, HttpReply reply)
    {
        if (m_released) {
            m_slots[slot].respond(std::move(reply));
            return;
        }
        m_slots[slot].reply = std::move(reply);
    }

    // The request's own savepoint could not be released: its work is undone, so it must not be acknowledged.
    void undo(qsizetype slot) { m_slots[slot].undone = true; }

    void release(bool committed)
    {
        m_released = true;
        for (Slot &slot : m_slots) {
            if (!slot.reply) {
                continue; // deferred: answers later, straight through
            }
            if (!committed || slot.undone) {
                slot.respond(HttpReply::error(
                    ApiError::make(20503, 503,
                                   QStringLiteral("The store could not commit this request; nothing was changed. Retry "
                                                  "the request."))));
            } else {
                slot.respond(*std::exchange(slot.reply, std::nullopt));
            }
        }
    }

private:
    struct Slot
    {
        HttpServer::Respond respond;
        std::optional<HttpReply> reply;
        bool undone;
    };
    QList<Slot> m_slots;
    bool m_released = false;
};

} // namespace

void HttpServer::submit(HttpRequest request, Respond respond)
{
    if (m_pending.isEmpty() && (request.method == HttpMethod::Get || request.method == HttpMethod::Head)) {
        // A read with no write waiting before it has nothing to wait for: it sees everything acknowledged so far.
        handle(std::move(request), std::move(respond));
        return;
    }
    m_pending.append({std::move(request), std::move(respond)});
    if (!m_batchScheduled) {
        m_batchScheduled = true;
        // After the event loop has delivered everything that arrived together: those requests form the batch.
        QMetaObject::invokeMethod(this, &HttpServer::runBatch, Qt::QueuedConnection);
    }
}

void HttpServer::flushBatch()
{
    runBatch();
}

void HttpServer::runBatch()
{
    m_batchScheduled = false;
    Database &store = m_proxy.database();
    while (!m_pending.isEmpty()) {
        const qsizetype count = std::min<qsizetype>(m_pending.size(), std::max(1, m_config.maxBatch));
        QList<Pending> batch = m_pending.first(count);
        m_pending.remove(0, count);

        auto held = std::make_shared<HeldReplies>();
        std::optional<WriteBatch> writes;
        try {
            writes.emplace(store);
        } catch (const StoreError &e) {
            // Without a batch each request runs in transactions of its own, as it would alone.
            qCWarning(lcHttp).noquote() << "cannot open a write batch:" << e.message();
        }
        for (Pending &pending : batch) {
            const qsizetype slot = held->add(std::move(pending.respond));
            std::optional<Transaction> own; // one request's work, undone alone if it cannot be kept
            if (writes) {
                try {
                    own.emplace(store.connection());
                } catch (const StoreError &e) {
                    qCWarning(lcHttp).noquote() << "cannot open a request savepoint:" << e.message();
                }
            }
            handle(std::move(pending.request), [held, slot](HttpReply reply) { held->answer(slot, std::move(reply)); });
            if (own) {
                try {
                    own->commit();
                } catch (const StoreError &e) {
                    qCWarning(lcHttp).noquote() << "a request's work could not be kept:" << e.message();
                    held->undo(slot);
                }
            }
        }
        bool committed = true;
        if (writes) {
            try {
                writes->commit();
            } catch (const StoreError &e) {
                qCCritical(lcHttp).noquote()
                    << "a write batch of" << count << "requests failed to commit:" << e.message();
                committed = false;
            }
        }
        held->release(committed);
    }
}

void HttpServer::handle(HttpRequest request, Respond respond)
{
    auto timer = std::make_shared<QElapsedTimer>();
    timer->start();
    auto label = std::make_shared<QString>(UNMATCHED);
    auto answered = std::make_shared<bool>(false);
    const QString method = methodName(request.method);
    QPointer<HttpServer> self(this);
    ++m_inFlight;
    const Respond once = [self, respond = std::move(respond), timer, label, answered, method](HttpReply reply) {
        if (*answered) {
            return;
        }
        *answered = true;
        if (self) {
            --self->m_inFlight;
            self->m_metrics->record(*label, method, reply.status, double(timer->nsecsElapsed()) / 1e9);
        }
        respond(std::move(reply));
    };
    try {
        dispatch(request, *label, once);
    } catch (const std::exception &e) {
        qCCritical(lcHttp).noquote() << "request failed:" << redactText(QString::fromUtf8(e.what()));
        once(HttpReply::error(ApiError::make(80504, 500, QStringLiteral("Internal server error"))));
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
            return respond(
                HttpReply::error(ApiError::methodNotAllowed())
                    .withHeader(QByteArrayLiteral("Allow"), found.allowed.join(QStringLiteral(", ")).toLatin1()));
        }
        constexpr qsizetype MAX_ECHO = 256; // the path is the client's: echo only a bounded part of it
        return respond(HttpReply::error(
            ApiError::notFound(FormData::decodeComponent(request.path.toUtf8(), false).left(MAX_ECHO))));
    }

    if (found.route->access == Access::Account) {
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
    respond(found.route->handler(request));
}

HttpReply HttpServer::healthz(const HttpRequest &)
{
    return HttpReply::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
}

// Readiness: what a load balancer needs to know before it sends traffic here. Each check is cheap (no table scans):
// the engine's own store connection answers a trivial query; on SQLite the write lock can be taken within a short
// wait (held elsewhere, every write here would stall); the oldest due outbox item has not waited longer than
// HttpConfig::readyMaxOutboxLagSeconds (an index seek on outbox_due). Any failure: 503 with the reasons.
HttpReply HttpServer::readyz(const HttpRequest &)
{
    QStringList reasons;
    Database &store = m_proxy.database();
    try {
        const QSqlDatabase db = store.connection();
        QSqlQuery query(db);
        if (!query.exec(QStringLiteral("SELECT 1")) || !query.next()) {
            reasons.append(QStringLiteral("store: the trivial query failed: ") + query.lastError().text());
        } else if (store.config().isSqlite()) {
            int previousTimeout = 5000;
            if (query.exec(QStringLiteral("PRAGMA busy_timeout")) && query.next()) {
                previousTimeout = query.value(0).toInt();
            }
            query.exec(QStringLiteral("PRAGMA busy_timeout = 250"));
            // A write statement takes the write lock even when it changes no row; the savepoint makes this work
            // inside a write batch too, and rolling back to it leaves nothing behind.
            const bool began = query.exec(QStringLiteral("SAVEPOINT maskline_readyz"));
            const bool wrote = began && query.exec(QStringLiteral("UPDATE accounts SET sid = sid WHERE 0 = 1"));
            const QString why = query.lastError().text();
            if (began) {
                query.exec(QStringLiteral("ROLLBACK TO maskline_readyz"));
                query.exec(QStringLiteral("RELEASE maskline_readyz"));
            }
            query.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(previousTimeout));
            if (!wrote) {
                reasons.append(QStringLiteral("store: not writable: ") + why);
            }
        }
        if (reasons.isEmpty()) {
            SqlQuery due(db, QStringLiteral("SELECT MIN(next_attempt_at) FROM outbox WHERE state = :pending AND "
                                            "next_attempt_at <= :now"));
            const qint64 now = m_clock.nowMs();
            due.bind(QStringLiteral(":pending"), QStringLiteral("pending")).bind(QStringLiteral(":now"), now).exec();
            if (due.next() && !due.value(0).isNull()) {
                const qint64 lagSeconds = (now - due.value(0).toLongLong()) / 1000;
                if (lagSeconds > m_config.readyMaxOutboxLagSeconds) {
                    reasons.append(QStringLiteral("outbox: due work has waited %1 s (limit %2 s)")
                                       .arg(lagSeconds)
                                       .arg(m_config.readyMaxOutboxLagSeconds));
                }
            }
        }
    } catch (const std::exception &e) {
        reasons.append(QStringLiteral("store: ") + redactText(QString::fromUtf8(e.what())));
    }
    if (!reasons.isEmpty()) {
        qCWarning(lcHttp).noquote() << "not ready:" << reasons.first();
        return HttpReply::json(503, QJsonObject{{QStringLiteral("status"), QStringLiteral("unavailable")},
                                                {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)}})
            .withHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5"));
    }
    return HttpReply::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ready")}});
}

HttpReply HttpServer::metricsPage(const HttpRequest &)
{
    Metrics::Gauges gauges;
    try {
        const QSqlDatabase db = m_proxy.database().connection();
        const qint64 now = m_clock.nowMs();
        // Per kind: a capped count of what waits and the oldest due item, both index range scans on outbox_due
        // that stop early; the cost follows the backlog, never the table's history.
        for (const QString &kind : {Router::SEND_MESSAGE_KIND, Callbacks::STATUS_KIND, Callbacks::INTERCEPT_KIND,
                                    Callbacks::OUT_OF_SESSION_KIND}) {
            Metrics::OutboxKind k;
            k.kind = kind;
            SqlQuery pending(db, QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE state = :pending AND "
                                                "kind = :kind LIMIT 10000) AS waiting"));
            pending.bind(QStringLiteral(":pending"), QStringLiteral("pending"))
                .bind(QStringLiteral(":kind"), kind)
                .exec();
            if (pending.next()) {
                k.pending = pending.value(0).toLongLong();
            }
            SqlQuery oldest(db, QStringLiteral("SELECT next_attempt_at FROM outbox WHERE state = :pending AND "
                                               "next_attempt_at <= :now AND kind = :kind ORDER BY next_attempt_at "
                                               "LIMIT 1"));
            oldest.bind(QStringLiteral(":pending"), QStringLiteral("pending"))
                .bind(QStringLiteral(":now"), now)
                .bind(QStringLiteral(":kind"), kind)
                .exec();
            if (oldest.next()) {
                k.oldestDueSeconds = double(now - oldest.value(0).toLongLong()) / 1000.0;
            }
            gauges.outbox.append(k);
        }
        // Sessions and pool use need a pass over their tables (~80 ms at 1M sessions): taken at most once a minute
        // and served from memory in between, so scraping never holds up the API for long.
        constexpr qint64 STORE_GAUGES_MAX_AGE_MS = 60 * 1000;
        if (m_storeGauges.takenAtMs == 0 || now - m_storeGauges.takenAtMs >= STORE_GAUGES_MAX_AGE_MS) {
            m_storeGauges.takenAtMs = now;
            SqlQuery sessions(db,
                              QStringLiteral("SELECT COUNT(*) FROM sessions WHERE status = :open OR status = :busy"));
            sessions.bind(QStringLiteral(":open"), SessionStatus::OPEN)
                .bind(QStringLiteral(":busy"), SessionStatus::IN_PROGRESS)
                .exec();
            if (sessions.next()) {
                m_storeGauges.sessionsOpen = sessions.value(0).toLongLong();
            }
            SqlQuery pool(
                db, QStringLiteral("SELECT "
                                   "COALESCE(SUM(CASE WHEN in_use > 0 THEN 1 ELSE 0 END), 0), "
                                   "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :no THEN 1 ELSE 0 END), 0), "
                                   "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :yes THEN 1 ELSE 0 END), 0) "
                                   "FROM phone_numbers"));
            // Integers: is_reserved is SMALLINT on PostgreSQL, which refuses to compare it with a boolean.
            pool.bind(QStringLiteral(":no"), 0).bind(QStringLiteral(":yes"), 1).exec();
            if (pool.next()) {
                m_storeGauges.poolInUse = pool.value(0).toLongLong();
                m_storeGauges.poolIdle = pool.value(1).toLongLong();
                m_storeGauges.poolReserved = pool.value(2).toLongLong();
            }
            // The same per Service, in the same passes (grouped), for at most MAX_SERVICE_SERIES Services so that a
            // store with thousands of Services does not turn /metrics into a megabyte.
            constexpr int MAX_SERVICE_SERIES = 500;
            QMap<QString, Metrics::Gauges::PerService> perService;
            SqlQuery services(db,
                              QStringLiteral("SELECT sid FROM services ORDER BY sid LIMIT %1").arg(MAX_SERVICE_SERIES));
            services.exec();
            while (services.next()) {
                const QString sid = services.value(0).toString();
                perService[sid].serviceSid = sid;
            }
            SqlQuery sessionsBy(db, QStringLiteral("SELECT service_sid, COUNT(*) FROM sessions WHERE status = :open OR "
                                                   "status = :busy GROUP BY service_sid"));
            sessionsBy.bind(QStringLiteral(":open"), SessionStatus::OPEN)
                .bind(QStringLiteral(":busy"), SessionStatus::IN_PROGRESS)
                .exec();
            while (sessionsBy.next()) {
                const auto it = perService.find(sessionsBy.value(0).toString());
                if (it != perService.end()) {
                    it->sessionsOpen = sessionsBy.value(1).toLongLong();
                }
            }
            SqlQuery poolBy(
                db, QStringLiteral("SELECT service_sid, "
                                   "COALESCE(SUM(CASE WHEN in_use > 0 THEN 1 ELSE 0 END), 0), "
                                   "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :no THEN 1 ELSE 0 END), 0), "
                                   "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :yes THEN 1 ELSE 0 END), 0) "
                                   "FROM phone_numbers GROUP BY service_sid"));
            poolBy.bind(QStringLiteral(":no"), 0).bind(QStringLiteral(":yes"), 1).exec();
            while (poolBy.next()) {
                const auto it = perService.find(poolBy.value(0).toString());
                if (it != perService.end()) {
                    it->poolInUse = poolBy.value(1).toLongLong();
                    it->poolIdle = poolBy.value(2).toLongLong();
                    it->poolReserved = poolBy.value(3).toLongLong();
                }
            }
            m_storeGauges.services = perService.values();
        }
    } catch (const std::exception &e) {
        qCWarning(lcHttp).noquote() << "metrics: store gauges unavailable:" << redactText(QString::fromUtf8(e.what()));
    }
    gauges.sessionsOpen = m_storeGauges.sessionsOpen;
    gauges.poolInUse = m_storeGauges.poolInUse;
    gauges.poolIdle = m_storeGauges.poolIdle;
    gauges.poolReserved = m_storeGauges.poolReserved;
    gauges.services = m_storeGauges.services;
    return HttpReply::text(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                           m_metrics->render(gauges));
}

} // namespace Maskline

#include "httpserver.moc"
