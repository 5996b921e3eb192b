// The Proxy v1 REST API over real sockets: every operation, every error path (401, 404, 405, 80701 per malformed
// type, 429 with Retry-After, 413), paging under concurrent inserts, multi-account isolation, form decoding, metrics,
// and the body limit keeping memory bounded. Every /v1 response the suite receives is checked against the schema of
// its operation in twilio_proxy_v1.json by the contract checker.

#include <memory>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include "carrier/simulatorcarrier.h"
#include "contractchecker.h"
#include "core/clock.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "http/formdata.h"
#include "http/httpserver.h"
#include "http/metrics.h"
#include "http/ratelimiter.h"
#include "http/renderedpages.h"
#include "http/renderedsessions.h"
#include "http/restapi.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "store/database.h"
#include "store/outbox.h"
#include "store/sessionstable.h"
#include "testdb.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Response
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QList<QNetworkReply::RawHeaderPair> headers;
    QNetworkReply::NetworkError error = QNetworkReply::NoError;

    QByteArray header(const QByteArray &name) const
    {
        for (const auto &[k, v] : headers) {
            if (k.compare(name, Qt::CaseInsensitive) == 0) {
                return v;
            }
        }
        return {};
    }
    QString str(const QString &key) const { return json.value(key).toString(); }
    int code() const { return json.value(u"code"_s).toInt(); }
};

// Encodes like the twilio npm client: PascalCase keys, %20 for spaces, repeated keys for arrays.
QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[k, v] : fields) {
        if (!out.isEmpty()) {
            out += '&';
        }
        out += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    return out;
}

qint64 residentKiB()
{
    QFile status(u"/proc/self/status"_s);
    if (!status.open(QIODevice::ReadOnly)) {
        return -1;
    }
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmRSS:")) {
            return line.mid(6).trimmed().split(' ').value(0).toLongLong();
        }
    }
    return -1;
}

} // namespace

class TestRestApi final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Debugger> m_debugger;
    std::unique_ptr<Proxy> m_proxy;
    std::unique_ptr<Outbox> m_outbox;
    std::unique_ptr<SimulatorCarrier> m_carrier;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<HttpServer> m_server;
    QNetworkAccessManager m_nam;
    Testing::ContractChecker m_checker;
    QStringList m_violations;
    Account m_a;
    Account m_b;
    int m_counter = 0;

    QString base(const HttpServer *server = nullptr) const { return (server ? server : m_server.get())->baseUrl(); }

    Response call(const QByteArray &method, const QString &path, const QByteArray &body = {},
                  const Account *as = nullptr, HttpServer *server = nullptr,
                  const QList<std::pair<QByteArray, QByteArray>> &extraHeaders = {})
    {
        if (!server) {
            server = m_server.get();
        }
        if (!as) {
            as = &m_a;
        }
        const QString url = path.startsWith(u"http"_s) ? path : server->baseUrl() + path;
        QNetworkRequest request{QUrl(url)};
        if (!as->sid.isEmpty()) {
            request.setRawHeader("Authorization", "Basic " + (as->sid + u':' + as->authToken).toUtf8().toBase64());
        }
        if (!body.isEmpty() || method == "POST") {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        for (const auto &[k, v] : extraHeaders) {
            request.setRawHeader(k, v);
        }
        // A custom "HEAD" verb would make QNetworkAccessManager wait for a body that HEAD answers never carry.
        QNetworkReply *reply = method == "HEAD" ? m_nam.head(request) : m_nam.sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished()) {
            finished.wait(20000);
        }
        Response r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        r.headers = reply->rawHeaderPairs();
        r.error = reply->error();
        reply->deleteLater();

        const QString pathOnly = QUrl(url).path();
        // /v1/Debugger is a Maskline extension the OpenAPI file does not describe: only its errors are checked here.
        const bool extension = pathOnly.startsWith(u"/v1/Debugger/"_s) && r.status < 400;
        if (pathOnly.startsWith(u"/v1/"_s) && r.status != 0 && method != "HEAD" && !extension) {
            const QStringList v = r.status >= 400
                                      ? Testing::ContractChecker::checkErrorBody(r.status, r.body)
                                      : m_checker.checkExchange(QString::fromLatin1(method), url, r.status, r.body);
            for (const QString &violation : v) {
                m_violations.append(QString::fromLatin1(method) + u' ' + pathOnly + u": "_s + violation);
            }
        }
        return r;
    }

    QString newNumber() { return u"+1415555%1"_s.arg(2000 + ++m_counter, 4, 10, QLatin1Char('0')); }

    QString createService(const Account *as = nullptr, const QString &name = {})
    {
        const Response r = call("POST", u"/v1/Services"_s,
                                form({{u"UniqueName"_s, name.isEmpty() ? u"svc %1"_s.arg(++m_counter) : name}}), as);
        if (r.status != 201) {
            qWarning() << r.body;
        }
        return r.str(u"sid"_s);
    }

    QString addNumber(const QString &service, const Account *as = nullptr)
    {
        const Response r =
            call("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(service), form({{u"PhoneNumber"_s, newNumber()}}), as);
        if (r.status != 201) {
            qWarning() << r.body;
        }
        return r.str(u"sid"_s);
    }

    // A service with two pool numbers and a session holding two participants.
    struct Fixture
    {
        QString service;
        QString session;
        QString p1;
        QString p2;
    };
    Fixture makeFixture(const QString &mode = u"voice-and-message"_s)
    {
        Fixture f;
        f.service = createService();
        addNumber(f.service);
        addNumber(f.service);
        const Response s =
            call("POST", u"/v1/Services/%1/Sessions"_s.arg(f.service),
                 form({{u"Mode"_s, mode},
                       {u"Participants"_s, u"{\"Identifier\":\"+14155550101\"}"_s},
                       {u"Participants"_s, u"{\"Identifier\":\"+14155550202\",\"FriendlyName\":\"b\"}"_s}}));
        if (s.status != 201) {
            qWarning() << s.body;
        }
        f.session = s.str(u"sid"_s);
        const Response ps = call("GET", u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(f.service, f.session));
        const QJsonArray items = ps.json.value(u"participants"_s).toArray();
        for (const QJsonValue &v : items) {
            if (v[u"identifier"_s].toString() == u"+14155550101"_s) {
                f.p1 = v[u"sid"_s].toString();
            } else {
                f.p2 = v[u"sid"_s].toString();
            }
        }
        return f;
    }

    static QByteArray readUntilClosedOrResponse(QTcpSocket &socket, int timeoutMs)
    {
        QByteArray in;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < timeoutMs) {
            in += socket.readAll();
            if (in.contains("\r\n\r\n") && in.contains("}")) {
                break;
            }
            if (socket.state() == QAbstractSocket::UnconnectedState) {
                break;
            }
            QTest::qWait(5);
        }
        return in + socket.readAll();
    }

    // Streams `total` bytes of body after `head`, a little at a time, until the server answers; returns the answer.
    QByteArray streamBody(const QByteArray &head, qint64 total, bool chunked, qint64 *sent)
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        if (!socket.waitForConnected(5000)) {
            return {};
        }
        socket.write(head);
        const QByteArray block(64 * 1024, 'x');
        QByteArray in;
        *sent = 0;
        QElapsedTimer t;
        t.start();
        while (t.elapsed() < 60000 && socket.state() == QAbstractSocket::ConnectedState) {
            if (*sent < total && socket.bytesToWrite() < 256 * 1024) {
                if (chunked) {
                    socket.write(QByteArray::number(block.size(), 16) + "\r\n" + block + "\r\n");
                } else {
                    socket.write(block);
                }
                *sent += block.size();
                if (*sent >= total && chunked) {
                    socket.write("0\r\n\r\n");
                }
            }
            QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
            in += socket.readAll();
            if (*sent >= total && in.contains("\r\n\r\n") && in.endsWith("}")) {
                break;
            }
        }
        in += socket.readAll();
        return in;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY2(m_checker.isValid(), qPrintable(m_checker.errorString()));
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<Database>(
            StoreConfig::fromLocation(Testing::testStoreLocation(m_dir.filePath(u"store.db"_s))));
        QVERIFY(m_db->migrate().ok());
        m_debugger = std::make_unique<Debugger>(*m_db, m_clock);
        m_proxy = std::make_unique<Proxy>(*m_db, m_clock, m_debugger.get());
        auto a = m_proxy->ensureAccount();
        QVERIFY(a.ok());
        m_a = *a;
        auto b = m_proxy->createAccount();
        QVERIFY(b.ok());
        m_b = *b;

        HttpConfig config;
        config.address = QHostAddress::LocalHost;
        config.port = 0;
        config.rateLimitPerSecond = 0;                      // the throttling test runs its own server
        config.cacheRenderedSessions = !m_db->isPostgres(); // as maskline-server runs
        m_server = std::make_unique<HttpServer>(*m_proxy, m_debugger.get(), m_clock, config);
        // MessageInteractions send through the router, here with the simulator carrier.
        m_outbox = std::make_unique<Outbox>(*m_db, m_clock);
        m_carrier = std::make_unique<SimulatorCarrier>(*m_db, m_clock);
        m_router = std::make_unique<Router>(*m_proxy, *m_carrier, *m_outbox, m_debugger.get());
        m_server->setCarrier(nullptr, m_router.get());
        m_outbox->start();
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
        QVERIFY(m_server->port() != 0);
        QCOMPARE(m_server->baseUrl(), u"http://127.0.0.1:%1"_s.arg(m_server->port()));
    }

    void cleanup()
    {
        const QStringList violations = std::exchange(m_violations, {});
        QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
    }

    // --- form decoding --------------------------------------------------------------------------------------------

    void formDecoding_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<QString>("key");
        QTest::addColumn<QStringList>("values");
        QTest::newRow("plus is space") << QByteArray("Body=hello+world") << u"Body"_s << QStringList{u"hello world"_s};
        QTest::newRow("%20 is space") << QByteArray("Body=hello%20world") << u"Body"_s << QStringList{u"hello world"_s};
        QTest::newRow("%2B is plus") << QByteArray("To=%2B14155550100") << u"To"_s << QStringList{u"+14155550100"_s};
        QTest::newRow("utf-8") << QByteArray("Body=caf%C3%A9+%F0%9F%98%80") << u"Body"_s << QStringList{u"café 😀"_s};
        QTest::newRow("lowercase hex") << QByteArray("Body=%c3%a9") << u"Body"_s << QStringList{u"é"_s};
        QTest::newRow("repeated keys") << QByteArray("P=a&Q=x&P=b&P=c") << u"P"_s
                                       << QStringList{u"a"_s, u"b"_s, u"c"_s};
        QTest::newRow("encoded key") << QByteArray("Unique%4Eame=n") << u"UniqueName"_s << QStringList{u"n"_s};
        QTest::newRow("empty value") << QByteArray("CallbackUrl=&X=1") << u"CallbackUrl"_s << QStringList{QString()};
        QTest::newRow("no equals") << QByteArray("Flag&X=1") << u"Flag"_s << QStringList{QString()};
        QTest::newRow("bad escape kept") << QByteArray("Body=100%zz%") << u"Body"_s << QStringList{u"100%zz%"_s};
        QTest::newRow("equals in value") << QByteArray("Data=a%3Db=c") << u"Data"_s << QStringList{u"a=b=c"_s};
        QTest::newRow("empty pairs") << QByteArray("&&A=1&&") << u"A"_s << QStringList{u"1"_s};
        QTest::newRow("absent") << QByteArray("A=1") << u"B"_s << QStringList{};
        QTest::newRow("invalid utf-8") << QByteArray("Body=%FF") << u"Body"_s
                                       << QStringList{QString(QChar::ReplacementCharacter)};
    }

    void formDecoding()
    {
        QFETCH(QByteArray, encoded);
        QFETCH(QString, key);
        QFETCH(QStringList, values);
        const FormData f = FormData::parse(encoded);
        QCOMPARE(f.values(key), values);
        QCOMPARE(f.contains(key), !values.isEmpty());
        QCOMPARE(f.value(key).has_value(), !values.isEmpty());
    }

    void typedParams_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("raw");
        QTest::addColumn<bool>("ok");
        QTest::addColumn<QString>("expected");
        QTest::newRow("bool true") << u"bool"_s << u"true"_s << true << u"true"_s;
        QTest::newRow("bool TRUE") << u"bool"_s << u"TRUE"_s << true << u"true"_s;
        QTest::newRow("bool False") << u"bool"_s << u"False"_s << true << u"false"_s;
        QTest::newRow("bool yes") << u"bool"_s << u"yes"_s << false << QString();
        QTest::newRow("bool 1") << u"bool"_s << u"1"_s << false << QString();
        QTest::newRow("bool empty") << u"bool"_s << QString() << false << QString();
        QTest::newRow("int 3600") << u"int"_s << u"3600"_s << true << u"3600"_s;
        QTest::newRow("int 0") << u"int"_s << u"0"_s << true << u"0"_s;
        QTest::newRow("int negative") << u"int"_s << u"-1"_s << false << QString();
        QTest::newRow("int too big") << u"int"_s << u"2147483647"_s << false << QString();
        QTest::newRow("int float") << u"int"_s << u"1.5"_s << false << QString();
        QTest::newRow("int exp") << u"int"_s << u"1e3"_s << false << QString();
        QTest::newRow("int text") << u"int"_s << u"abc"_s << false << QString();
        QTest::newRow("int overflow") << u"int"_s << u"99999999999999999999999"_s << false << QString();
        QTest::newRow("date Z") << u"date"_s << u"2030-01-02T03:04:05Z"_s << true << u"2030-01-02T03:04:05Z"_s;
        QTest::newRow("date offset") << u"date"_s << u"2030-01-02T05:04:05+02:00"_s << true
                                     << u"2030-01-02T03:04:05Z"_s;
        QTest::newRow("date empty clears") << u"date"_s << QString() << true << QString();
        QTest::newRow("date garbage") << u"date"_s << u"tomorrow"_s << false << QString();
        QTest::newRow("date bad month") << u"date"_s << u"2030-13-02T03:04:05Z"_s << false << QString();
    }

    void typedParams()
    {
        QFETCH(QString, kind);
        QFETCH(QString, raw);
        QFETCH(bool, ok);
        QFETCH(QString, expected);
        FormData f;
        f.append(u"P"_s, raw);
        QString got;
        ApiError error;
        if (kind == u"bool"_s) {
            auto r = Params::readBool(f, u"P"_s);
            if (r) {
                got = **r ? u"true"_s : u"false"_s;
            } else {
                error = r.error();
            }
        } else if (kind == u"int"_s) {
            auto r = Params::readInt(f, u"P"_s, 0, 2147483646);
            if (r) {
                got = QString::number(**r);
            } else {
                error = r.error();
            }
        } else {
            auto r = Params::readDateTime(f, u"P"_s, true);
            if (r) {
                got = Time::toIso(**r);
            } else {
                error = r.error();
            }
        }
        QCOMPARE(!error.isValid(), ok);
        if (ok) {
            QCOMPARE(got, expected);
        } else {
            QCOMPARE(error.code, 80701);
            QCOMPARE(error.status, 400);
            QVERIFY2(error.message.contains(u"'P'"_s), qPrintable(error.message));
        }
        // Absent is "not given", never an error.
        QVERIFY(Params::readBool(FormData(), u"P"_s).ok());
        QVERIFY(!Params::readInt(FormData(), u"P"_s, 0, 1)->has_value());
    }

    void pageTokens()
    {
        using Cursor = RestApi::PageCursor;
        QCOMPARE(RestApi::encodePageToken(42), u"PA42"_s);
        QCOMPARE(RestApi::encodePreviousPageToken(42), u"PB42"_s);
        QCOMPARE(RestApi::decodePageToken(u"PA42"_s), std::optional<Cursor>(Cursor{false, 42}));
        QCOMPARE(RestApi::decodePageToken(u"PB42"_s), std::optional<Cursor>(Cursor{true, 42}));
        // The form earlier versions issued keeps working: a client may hold one across an upgrade.
        QCOMPARE(RestApi::decodePageToken(u"PT42"_s), std::optional<Cursor>(Cursor{false, 42}));
        QVERIFY(!RestApi::decodePageToken(u"PT"_s));
        QVERIFY(!RestApi::decodePageToken(u"PB"_s));
        QVERIFY(!RestApi::decodePageToken(u"PC42"_s));
        QVERIFY(!RestApi::decodePageToken(u"pa42"_s));
        QVERIFY(!RestApi::decodePageToken(u"PT-1"_s));
        QVERIFY(!RestApi::decodePageToken(u"PT0"_s));
        QVERIFY(!RestApi::decodePageToken(u"PT4x"_s));
        QVERIFY(!RestApi::decodePageToken(u"PT99999999999999999999999"_s));
    }

    // --- health, metrics ------------------------------------------------------------------------------------------

    void healthz()
    {
        const Account nobody;
        const Response r = call("GET", u"/healthz"_s, {}, &nobody);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.header("Content-Type"), "application/json");
        QCOMPARE(r.str(u"status"_s), u"ok"_s);
    }

    void metrics()
    {
        const Fixture f = makeFixture();
        call("GET", u"/v1/Services"_s);
        call("GET", u"/v1/Nope"_s);
        const Account nobody;
        const Response r = call("GET", u"/metrics"_s, {}, &nobody);
        QCOMPARE(r.status, 200);
        QVERIFY(r.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        const QByteArray text = r.body;
        QVERIFY2(text.contains("maskline_http_requests_total{route=\"/v1/Services\",method=\"GET\",status=\"200\"}"),
                 text.constData());
        QVERIFY(text.contains("maskline_http_requests_total{route=\"/v1/Services/{ServiceSid}/Sessions\","
                              "method=\"POST\",status=\"201\"} "));
        QVERIFY(text.contains("maskline_http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"}"));
        QVERIFY(text.contains("# TYPE maskline_http_request_duration_seconds histogram"));
        QVERIFY(text.contains("maskline_http_request_duration_seconds_bucket{route=\"/v1/Services\",method=\"GET\","
                              "le=\"+Inf\"}"));
        QVERIFY(text.contains("maskline_http_request_duration_seconds_count{route=\"/v1/Services\",method=\"GET\"}"));
        QVERIFY(text.contains("# TYPE maskline_sessions_open gauge\nmaskline_sessions_open "));
        QVERIFY(text.contains("maskline_pool_numbers{state=\"in_use\"} "));
        QVERIFY(text.contains("maskline_pool_numbers{state=\"idle\"} "));
        QVERIFY(text.contains("maskline_pool_numbers{state=\"reserved\"} "));
        // Per Service too: the fixture's Service has its open session and a number in use.
        QVERIFY2(
            text.contains(QByteArray("maskline_service_sessions_open{service=\"" + f.service.toLatin1() + "\"} 1\n")),
            text.constData());
        QVERIFY(text.contains(
            QByteArray("maskline_service_pool_numbers{service=\"" + f.service.toLatin1() + "\",state=\"in_use\"} ")));
        // Gauges agree with the store: at least this fixture's session is open and its numbers are in use.
        const qsizetype at = text.indexOf("\nmaskline_sessions_open ");
        QVERIFY(text.mid(at + 24).split('\n').value(0).toLongLong() >= 1);
        QCOMPARE(m_server->metrics().requestCount(u"/v1/Services"_s, u"GET"_s, 200) > 0, true);
    }

    void metricsRender()
    {
        Metrics m;
        m.record(u"/a\"b"_s, u"GET"_s, 200, 0.003);
        m.record(u"/a\"b"_s, u"GET"_s, 200, 7.0);
        const QByteArray text = m.render({});
        QVERIFY(text.contains("maskline_http_requests_total{route=\"/a\\\"b\",method=\"GET\",status=\"200\"} 2\n"));
        QVERIFY(text.contains("le=\"0.0025\"} 0\n"));
        QVERIFY(text.contains("le=\"0.005\"} 1\n"));
        QVERIFY(text.contains("le=\"2.5\"} 1\n"));
        QVERIFY(text.contains("le=\"+Inf\"} 2\n"));
        QVERIFY(!text.contains("maskline_sessions_open")); // unknown gauges are left out
    }

    // --- auth -----------------------------------------------------------------------------------------------------

    void authRefused_data()
    {
        QTest::addColumn<QByteArray>("authorization");
        QTest::addColumn<QString>("path");
        QTest::newRow("none") << QByteArray() << u"/v1/Services"_s;
        QTest::newRow("none, unknown path") << QByteArray() << u"/v1/Nope"_s;
        QTest::newRow("bearer") << QByteArray("Bearer abc") << u"/v1/Services"_s;
        QTest::newRow("not base64") << QByteArray("Basic !!!") << u"/v1/Services"_s;
        QTest::newRow("no colon") << ("Basic " + QByteArray("ACabc").toBase64()) << u"/v1/Services"_s;
        QTest::newRow("unknown account") << ("Basic " + QByteArray("AC00000000000000000000000000000000:x").toBase64())
                                         << u"/v1/Services"_s;
        QTest::newRow("empty password") << QByteArray() << u"wrong-password"_s;
    }

    void authRefused()
    {
        QFETCH(QByteArray, authorization);
        QFETCH(QString, path);
        Account nobody;
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (path == u"wrong-password"_s) {
            nobody = m_a;
            nobody.authToken = u"not-the-token"_s;
            path = u"/v1/Services"_s;
        } else if (!authorization.isEmpty()) {
            headers.append({"Authorization", authorization});
        }
        const Response r = call("GET", path, {}, &nobody, nullptr, headers);
        QCOMPARE(r.status, 401);
        QCOMPARE(r.code(), 20003);
        QCOMPARE(r.json.value(u"status"_s).toInt(), 401);
        QCOMPARE(r.header("WWW-Authenticate"), "Basic realm=\"Maskline\"");
        QCOMPARE(r.header("Content-Type"), "application/json");
    }

    void lowercaseBasicScheme()
    {
        const Account nobody;
        const Response r = call("GET", u"/v1/Services"_s, {}, &nobody, nullptr,
                                {{"Authorization", "basic " + (m_a.sid + u':' + m_a.authToken).toUtf8().toBase64()}});
        QCOMPARE(r.status, 200);
    }

    // --- routing --------------------------------------------------------------------------------------------------

    void routing_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("code");
        const QString ks = u"KS0123456789abcdef0123456789abcdef"_s;
        const QString kc = u"KC0123456789abcdef0123456789abcdef"_s;
        const QString ki = u"KI0123456789abcdef0123456789abcdef"_s;
        QTest::newRow("unknown path") << QByteArray("GET") << u"/v1/Nope"_s << 404 << 20404;
        QTest::newRow("unknown root") << QByteArray("GET") << u"/"_s << 404 << 20404;
        QTest::newRow("case matters") << QByteArray("GET") << u"/v1/services"_s << 404 << 20404;
        QTest::newRow("trailing slash") << QByteArray("GET") << u"/v1/Services/"_s << 404 << 20404;
        QTest::newRow("put services") << QByteArray("PUT") << u"/v1/Services"_s << 405 << 20004;
        QTest::newRow("delete services") << QByteArray("DELETE") << u"/v1/Services"_s << 405 << 20004;
        QTest::newRow("patch service") << QByteArray("PATCH") << (u"/v1/Services/"_s + ks) << 405 << 20004;
        QTest::newRow("post interaction")
            << QByteArray("POST") << u"/v1/Services/%1/Sessions/%2/Interactions/%3"_s.arg(ks, kc, ki) << 405 << 20004;
        QTest::newRow("post interactions")
            << QByteArray("POST") << u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(ks, kc) << 405 << 20004;
        // HEAD runs the GET route (the transport leaves the body out); a path without GET is still a 405.
        QTest::newRow("head") << QByteArray("HEAD") << u"/v1/Services"_s << 200 << 0;
        QTest::newRow("head on a POST-only path") << QByteArray("HEAD") << u"/carrier/twilio/sms"_s << 405 << 0;
        QTest::newRow("update by name") << QByteArray("POST") << u"/v1/Services/my-name"_s << 404 << 20404;
        QTest::newRow("delete by name") << QByteArray("DELETE") << u"/v1/Services/my-name"_s << 404 << 20404;
        QTest::newRow("bad service sid") << QByteArray("GET") << u"/v1/Services/KSnothex/Sessions"_s << 404 << 20404;
        QTest::newRow("wrong prefix") << QByteArray("GET") << (u"/v1/Services/"_s + ks + u"/PhoneNumbers/"_s + ks)
                                      << 404 << 20404;
        QTest::newRow("unknown service") << QByteArray("GET") << (u"/v1/Services/"_s + ks) << 404 << 20404;
        QTest::newRow("unknown sessions")
            << QByteArray("GET") << (u"/v1/Services/"_s + ks + u"/Sessions"_s) << 404 << 20404;
    }

    void routing()
    {
        QFETCH(QByteArray, method);
        QFETCH(QString, path);
        QFETCH(int, status);
        QFETCH(int, code);
        const Response r = call(method, path);
        QCOMPARE(r.status, status);
        if (code != 0) {
            QCOMPARE(r.code(), code);
            QCOMPARE(r.json.value(u"status"_s).toInt(), status);
            QCOMPARE(r.str(u"more_info"_s), u"https://www.twilio.com/docs/errors/%1"_s.arg(code));
        }
        if (status == 405) {
            QVERIFY(!r.header("Allow").isEmpty());
        }
    }

    // --- services -------------------------------------------------------------------------------------------------

    void serviceLifecycle()
    {
        const QString name = u"My Service %1"_s.arg(++m_counter);
        Response r = call("POST", u"/v1/Services"_s,
                          form({{u"UniqueName"_s, name},
                                {u"DefaultTtl"_s, u"3600"_s},
                                {u"CallbackUrl"_s, u"https://app.example.com/cb?a=1&b=2"_s},
                                {u"GeoMatchLevel"_s, u"country"_s},
                                {u"NumberSelectionBehavior"_s, u"avoid-sticky"_s},
                                {u"SomethingUnknown"_s, u"ignored"_s}}));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.header("Content-Type"), "application/json");
        const QString sid = r.str(u"sid"_s);
        QVERIFY(Sid::isValid(sid, Sid::SERVICE));
        QCOMPARE(r.str(u"unique_name"_s), name);
        QCOMPARE(r.str(u"account_sid"_s), m_a.sid);
        QCOMPARE(r.json.value(u"default_ttl"_s).toInt(), 3600);
        QCOMPARE(r.str(u"callback_url"_s), u"https://app.example.com/cb?a=1&b=2"_s);
        QCOMPARE(r.str(u"number_selection_behavior"_s), u"avoid-sticky"_s);
        QVERIFY(r.json.value(u"intercept_callback_url"_s).isNull());
        QVERIFY(r.json.value(u"chat_instance_sid"_s).isNull());
        QCOMPARE(r.str(u"date_created"_s), u"2026-01-01T12:00:00Z"_s);
        QCOMPARE(r.str(u"url"_s), base() + u"/v1/Services/"_s + sid);
        QCOMPARE(r.json[u"links"_s][u"sessions"_s].toString(), base() + u"/v1/Services/"_s + sid + u"/Sessions"_s);
        QCOMPARE(r.json[u"links"_s][u"phone_numbers"_s].toString(),
                 base() + u"/v1/Services/"_s + sid + u"/PhoneNumbers"_s);

        // Fetch by SID and by unique name (percent-encoded in the path).
        r = call("GET", u"/v1/Services/"_s + sid);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"sid"_s), sid);
        r = call("GET", u"/v1/Services/"_s + QString::fromLatin1(QUrl::toPercentEncoding(name)));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"sid"_s), sid);

        // Update: an empty value clears a URL; '+' decodes as a space.
        r = call("POST", u"/v1/Services/"_s + sid, "CallbackUrl=&UniqueName=renamed+" + QByteArray::number(m_counter));
        QCOMPARE(r.status, 200);
        QVERIFY2(r.json.value(u"callback_url"_s).isNull(), r.body.constData());
        QCOMPARE(r.str(u"unique_name"_s), u"renamed "_s + QString::number(m_counter));
        QCOMPARE(r.json.value(u"default_ttl"_s).toInt(), 3600);

        r = call("GET", u"/v1/Services"_s);
        QCOMPARE(r.status, 200);
        bool listed = false;
        for (const QJsonValue &v : r.json.value(u"services"_s).toArray()) {
            listed = listed || v[u"sid"_s].toString() == sid;
        }
        QVERIFY(listed);

        r = call("DELETE", u"/v1/Services/"_s + sid);
        QCOMPARE(r.status, 204);
        QVERIFY(r.body.isEmpty());
        r = call("GET", u"/v1/Services/"_s + sid);
        QCOMPARE(r.status, 404);
        QCOMPARE(r.code(), 20404);
        r = call("DELETE", u"/v1/Services/"_s + sid);
        QCOMPARE(r.status, 404);
    }

    void serviceRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("param");
        QTest::newRow("no UniqueName") << QByteArray("DefaultTtl=5") << 80701 << u"UniqueName"_s;
        QTest::newRow("blank UniqueName") << QByteArray("UniqueName=+") << 80701 << u"UniqueName"_s;
        QTest::newRow("DefaultTtl text") << QByteArray("UniqueName=x1&DefaultTtl=abc") << 80701 << u"DefaultTtl"_s;
        QTest::newRow("DefaultTtl negative") << QByteArray("UniqueName=x2&DefaultTtl=-1") << 80701 << u"DefaultTtl"_s;
        QTest::newRow("DefaultTtl huge") << QByteArray("UniqueName=x3&DefaultTtl=2147483647") << 80701
                                         << u"DefaultTtl"_s;
        QTest::newRow("GeoMatchLevel") << QByteArray("UniqueName=x4&GeoMatchLevel=planet") << 80701
                                       << u"GeoMatchLevel"_s;
        QTest::newRow("CallbackUrl scheme")
            << QByteArray("UniqueName=x5&CallbackUrl=ftp%3A%2F%2Fx") << 80701 << u"CallbackUrl"_s;
        QTest::newRow("CallbackUrl self")
            << QByteArray("UniqueName=x6&InterceptCallbackUrl=SELF%2Fcb") << 80701 << u"InterceptCallbackUrl"_s;
    }

    void serviceRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        QFETCH(QString, param);
        body.replace("SELF", QUrl::toPercentEncoding(base()));
        const Response r = call("POST", u"/v1/Services"_s, body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), code);
        QVERIFY2(r.str(u"message"_s).contains(param), r.body.constData());
    }

    void duplicateServiceName()
    {
        const QString name = u"dup %1"_s.arg(++m_counter);
        QVERIFY(!createService(nullptr, name).isEmpty());
        const Response r = call("POST", u"/v1/Services"_s, form({{u"UniqueName"_s, name}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80602);
    }

    // --- phone numbers --------------------------------------------------------------------------------------------

    void phoneNumberLifecycle()
    {
        const QString service = createService();
        const QString e164 = newNumber();
        Response r = call("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(service),
                          form({{u"PhoneNumber"_s, e164}, {u"IsReserved"_s, u"True"_s}}));
        QCOMPARE(r.status, 201);
        const QString sid = r.str(u"sid"_s);
        QVERIFY(Sid::isValid(sid, Sid::PHONE_NUMBER));
        QCOMPARE(r.str(u"phone_number"_s), e164);
        QCOMPARE(r.json.value(u"is_reserved"_s).toBool(), true);
        QCOMPARE(r.json.value(u"in_use"_s).toInt(), 0);
        QCOMPARE(r.str(u"service_sid"_s), service);
        const QJsonObject caps = r.json.value(u"capabilities"_s).toObject();
        QCOMPARE(caps.keys(), (QStringList{u"fax"_s, u"mms"_s, u"sms"_s, u"voice"_s}));
        QCOMPARE(r.str(u"url"_s), base() + u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(service, sid));

        r = call("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(service), form({{u"PhoneNumber"_s, e164}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80104);

        r = call("GET", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(service, sid));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"phone_number"_s), e164);

        r = call("POST", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(service, sid), "IsReserved=false");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"is_reserved"_s).toBool(), false);

        r = call("POST", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(service, sid), "IsReserved=maybe");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80701);
        QVERIFY(r.str(u"message"_s).contains(u"IsReserved"_s));

        r = call("GET", u"/v1/Services/%1/PhoneNumbers"_s.arg(service));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"phone_numbers"_s).toArray().size(), 1);
        QCOMPARE(r.json[u"meta"_s][u"key"_s].toString(), u"phone_numbers"_s);

        r = call("DELETE", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(service, sid));
        QCOMPARE(r.status, 204);
        r = call("GET", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(service, sid));
        QCOMPARE(r.status, 404);
    }

    void phoneNumberRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::newRow("neither Sid nor PhoneNumber") << QByteArray("IsReserved=true") << 80701;
        QTest::newRow("IsReserved not a boolean") << QByteArray("PhoneNumber=%2B14155559876&IsReserved=1") << 80701;
        QTest::newRow("unknown PN sid") << QByteArray("Sid=PN00000000000000000000000000000000") << 0;
    }

    void phoneNumberRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        const QString service = createService();
        const Response r = call("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(service), body);
        QVERIFY2(r.status >= 400 && r.status < 500, r.body.constData());
        if (code != 0) {
            QCOMPARE(r.status, 400);
            QCOMPARE(r.code(), code);
        }
    }

    // --- sessions and participants --------------------------------------------------------------------------------

    // Lists are read and rendered on reader threads (HttpConfig::readThreads) on connections of their own: each must
    // still see every write acknowledged before it was asked for, and nothing that was refused.
    void listsSeeEveryAcknowledgedWrite()
    {
        const QString service = createService();
        addNumber(service);
        addNumber(service);
        QStringList created;
        for (int i = 0; i < 25; ++i) {
            const Response made = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service),
                                       form({{u"UniqueName"_s, u"listed %1 %2"_s.arg(++m_counter).arg(i)}}));
            QCOMPARE(made.status, 201);
            created.append(made.str(u"sid"_s));
            const Response refused = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service),
                                          form({{u"UniqueName"_s, u"listed %1 %2"_s.arg(m_counter).arg(i)}}));
            QCOMPARE(refused.status, 400); // the same UniqueName twice
            const Response list = call("GET", u"/v1/Services/%1/Sessions?PageSize=100"_s.arg(service));
            QCOMPARE(list.status, 200);
            QStringList listed;
            for (const QJsonValue &row : list.json.value(u"sessions"_s).toArray()) {
                listed.append(row[u"sid"_s].toString());
            }
            std::sort(listed.begin(), listed.end());
            QStringList expected = created;
            std::sort(expected.begin(), expected.end());
            QCOMPARE(listed, expected);
        }
    }

    void sessionLifecycle()
    {
        const QString service = createService();
        addNumber(service);
        addNumber(service);
        const QString name = u"Order #%1 ünïcode"_s.arg(++m_counter);
        Response r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service),
                          form({{u"UniqueName"_s, name},
                                {u"Ttl"_s, u"600"_s},
                                {u"Mode"_s, u"message-only"_s},
                                {u"FailOnParticipantConflict"_s, u"true"_s},
                                {u"Participants"_s, u"{\"Identifier\":\"+14155550111\",\"FriendlyName\":\"rider\"}"_s},
                                {u"Participants"_s, u"{\"Identifier\":\"+14155550222\"}"_s}}));
        QCOMPARE(r.status, 201);
        const QString sid = r.str(u"sid"_s);
        QVERIFY(Sid::isValid(sid, Sid::SESSION));
        QCOMPARE(r.str(u"unique_name"_s), name);
        QCOMPARE(r.str(u"status"_s), u"open"_s);
        QCOMPARE(r.str(u"mode"_s), u"message-only"_s);
        QCOMPARE(r.json.value(u"ttl"_s).toInt(), 600);
        QVERIFY(r.json.value(u"date_started"_s).isNull());
        QCOMPARE(r.json[u"links"_s][u"participants"_s].toString(),
                 base() + u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(service, sid));
        QCOMPARE(r.json[u"links"_s][u"interactions"_s].toString(),
                 base() + u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(service, sid));

        r = call("GET",
                 u"/v1/Services/%1/Sessions/%2"_s.arg(service, QString::fromLatin1(QUrl::toPercentEncoding(name))));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"sid"_s), sid);

        r = call("GET", u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(service, sid));
        QCOMPARE(r.status, 200);
        const QJsonArray participants = r.json.value(u"participants"_s).toArray();
        QCOMPARE(participants.size(), 2);
        for (const QJsonValue &p : participants) {
            QVERIFY(!p[u"proxy_identifier"_s].toString().isEmpty());
            QVERIFY(Sid::isValid(p[u"proxy_identifier_sid"_s].toString(), Sid::PHONE_NUMBER));
            if (p[u"identifier"_s].toString() == u"+14155550111"_s) {
                QCOMPARE(p[u"friendly_name"_s].toString(), u"rider"_s);
            }
        }

        r = call("POST", u"/v1/Services/%1/Sessions/%2"_s.arg(service, sid),
                 form({{u"DateExpiry"_s, u"2030-05-06T07:08:09Z"_s}, {u"Ttl"_s, u"60"_s}}));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"date_expiry"_s), u"2030-05-06T07:08:09Z"_s);
        QCOMPARE(r.json.value(u"ttl"_s).toInt(), 60);

        r = call("POST", u"/v1/Services/%1/Sessions/%2"_s.arg(service, sid), "Status=closed");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"status"_s), u"closed"_s);
        QVERIFY(!r.json.value(u"date_ended"_s).isNull());

        r = call("POST", u"/v1/Services/%1/Sessions/%2"_s.arg(service, sid), "Status=open");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80608);

        r = call("POST", u"/v1/Services/%1/Sessions/%2"_s.arg(service, sid), "Status=in-progress");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"status"_s), u"in-progress"_s);

        r = call("GET", u"/v1/Services/%1/Sessions"_s.arg(service));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"sessions"_s).toArray().size(), 1);

        r = call("DELETE", u"/v1/Services/%1/Sessions/%2"_s.arg(service, sid));
        QCOMPARE(r.status, 204);
        r = call("GET", u"/v1/Services/%1/Sessions/%2"_s.arg(service, sid));
        QCOMPARE(r.status, 404);
    }

    void sessionRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("param");
        QTest::newRow("Ttl text") << QByteArray("Ttl=ten") << 80701 << u"Ttl"_s;
        QTest::newRow("Ttl negative") << QByteArray("Ttl=-5") << 80701 << u"Ttl"_s;
        QTest::newRow("DateExpiry garbage") << QByteArray("DateExpiry=next+week") << 80701 << u"DateExpiry"_s;
        QTest::newRow("DateExpiry past") << QByteArray("DateExpiry=2020-01-01T00:00:00Z") << 80701 << u"DateExpiry"_s;
        QTest::newRow("Mode") << QByteArray("Mode=carrier-pigeon") << 80701 << u"Mode"_s;
        QTest::newRow("Status") << QByteArray("Status=sleeping") << 80701 << u"Status"_s;
        QTest::newRow("Participants not json") << QByteArray("Participants=%7Bnope") << 80701 << u"Participants"_s;
        QTest::newRow("Participants array of numbers")
            << QByteArray("Participants=%5B1%2C2%5D") << 80701 << u"Participants"_s;
        QTest::newRow("Participants no Identifier")
            << QByteArray("Participants=%7B%22FriendlyName%22%3A%22x%22%7D") << 80701 << u"Participants"_s;
        QTest::newRow("Participants non-string")
            << QByteArray("Participants=%7B%22Identifier%22%3A14155550100%7D") << 80701 << u"Participants"_s;
        QTest::newRow("FailOnParticipantConflict")
            << QByteArray("FailOnParticipantConflict=sure") << 80701 << u"FailOnParticipantConflict"_s;
        QTest::newRow("three participants") << QByteArray("Participants=%7B%22Identifier%22%3A%22%2B14155550301%22%7D"
                                                          "&Participants=%7B%22Identifier%22%3A%22%2B14155550302%22%7D"
                                                          "&Participants=%7B%22Identifier%22%3A%22%2B14155550303%22%7D")
                                            << 80609 << QString();
    }

    // A fetched Session is answered from its rendered copy until a commit changes it. The store is changed here
    // behind the engine's back (no change notification) to tell the copy from a fresh read.
    void renderedSessionsServeAndDrop()
    {
        if (m_db->isPostgres()) {
            QSKIP("the rendered copies are off on a store other nodes may write");
        }
        const QString service = createService();
        addNumber(service);
        Response r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service), form({{u"Ttl"_s, u"600"_s}}));
        QCOMPARE(r.status, 201);
        const QString sid = r.str(u"sid"_s);
        const QString path = u"/v1/Services/%1/Sessions/%2"_s.arg(service, sid);
        QCOMPARE(call("GET", path).json.value(u"ttl"_s).toInt(), 600);

        auto stored = m_proxy->fetchSession(m_a.sid, service, sid);
        QVERIFY(stored.ok());
        Session behind = *stored;
        behind.ttl = 700;
        SessionsTable::update(m_db->connection(), behind);
        QCOMPARE(call("GET", path).json.value(u"ttl"_s).toInt(), 600); // the copy
        // Another base URL, another account, the unique name: never the copy made for this one.
        QCOMPARE(call("GET", path, {}, nullptr, nullptr, {{"Host", "other.example:8080"}}).json.value(u"ttl"_s).toInt(),
                 700);
        QCOMPARE(call("GET", path, {}, &m_b).status, 404);

        // A committed change drops the copy: the update's own answer, and every fetch after it.
        r = call("POST", path, form({{u"Ttl"_s, u"800"_s}}));
        QCOMPARE(r.status, 200);
        QCOMPARE(call("GET", path).json.value(u"ttl"_s).toInt(), 800);
        // So does a change the engine makes itself (expiry and routing close Sessions this way).
        QVERIFY(m_proxy->closeSession(sid, u"test"_s).ok());
        r = call("GET", path);
        QCOMPARE(r.str(u"status"_s), u"closed"_s);
        QCOMPARE(call("DELETE", path).status, 204);
        QCOMPARE(call("GET", path).status, 404);

        // A Service going away takes its Sessions' copies with it.
        const QString other = createService();
        addNumber(other);
        r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(other), {});
        const QString otherPath = u"/v1/Services/%1/Sessions/%2"_s.arg(other, r.str(u"sid"_s));
        QCOMPARE(call("GET", otherPath).status, 200);
        QCOMPARE(call("DELETE", u"/v1/Services/"_s + other).status, 204);
        QCOMPARE(call("GET", otherPath).status, 404);
    }

    void renderedSessionsBounded()
    {
        RenderedSessions copies;
        Session s;
        s.accountSid = u"AC1"_s;
        s.serviceSid = u"KS1"_s;
        for (qsizetype i = 0; i <= RenderedSessions::MAX_ENTRIES; ++i) {
            s.sid = u"KC%1"_s.arg(i);
            copies.insert(s, u"http://x"_s, QByteArray::number(i));
        }
        QVERIFY(copies.size() <= RenderedSessions::MAX_ENTRIES);
        QVERIFY(copies.size() >= RenderedSessions::MAX_ENTRIES / 2);
        QCOMPARE(copies.find(u"AC1"_s, u"KS1"_s, s.sid, u"http://x"_s),
                 QByteArray::number(RenderedSessions::MAX_ENTRIES));
        QVERIFY(!copies.find(u"AC1"_s, u"KS1"_s, u"KC0"_s, u"http://x"_s));
        copies.apply({Change{Change::Kind::Session, Change::Op::Updated, s.sid, s.serviceSid}});
        QVERIFY(!copies.find(u"AC1"_s, u"KS1"_s, s.sid, u"http://x"_s));
        copies.apply({Change{Change::Kind::Account, Change::Op::Updated, u"AC1"_s, {}}});
        QCOMPARE(copies.size(), 0);
    }

    // A page of a Service's Sessions is answered from its rendered copy until a commit changes a Session of that
    // Service (or the Service). As above, the store is changed behind the engine's back to tell the copy from a read.
    void renderedPagesServeAndDrop()
    {
        if (m_db->isPostgres()) {
            QSKIP("the rendered pages are off on a store other nodes may write");
        }
        const QString service = createService();
        addNumber(service);
        const QString list = u"/v1/Services/%1/Sessions"_s.arg(service);
        Response r = call("POST", list, form({{u"Ttl"_s, u"600"_s}}));
        QCOMPARE(r.status, 201);
        const QString sid = r.str(u"sid"_s);
        const auto ttls = [this](const QString &path, const Account *as = nullptr,
                                 const QList<std::pair<QByteArray, QByteArray>> &headers = {}) {
            const Response page = call("GET", path, {}, as, nullptr, headers);
            QList<int> out;
            for (const QJsonValue &v : page.json.value(u"sessions"_s).toArray()) {
                out.append(v.toObject().value(u"ttl"_s).toInt());
            }
            return page.status == 200 ? out : QList<int>{-page.status};
        };
        const QString page = list + u"?PageSize=50"_s;
        QCOMPARE(ttls(page), QList<int>{600});

        const auto behind = [this, &service](const QString &session, int ttl) {
            auto stored = m_proxy->fetchSession(m_a.sid, service, session);
            QVERIFY(stored.ok());
            Session changed = *stored;
            changed.ttl = ttl;
            SessionsTable::update(m_db->connection(), changed);
        };
        behind(sid, 700);
        QCOMPARE(ttls(page), QList<int>{600}); // the held page
        // Another query, base URL or account: never the page held for this one.
        QCOMPARE(ttls(list + u"?PageSize=49"_s), QList<int>{700});
        QCOMPARE(ttls(page, nullptr, {{"Host", "other.example:8080"}}), QList<int>{700});
        QCOMPARE(ttls(page, &m_b), QList<int>{-404});

        // A commit in another Service leaves the page alone…
        const QString other = createService();
        addNumber(other);
        QCOMPARE(call("POST", u"/v1/Services/%1/Sessions"_s.arg(other), {}).status, 201);
        QCOMPARE(ttls(page), QList<int>{600});
        // …a new Session in this one drops it.
        r = call("POST", list, form({{u"Ttl"_s, u"900"_s}}));
        QCOMPARE(r.status, 201);
        const QString second = r.str(u"sid"_s);
        QList<int> both = ttls(page);
        std::sort(both.begin(), both.end());
        QCOMPARE(both, (QList<int>{700, 900}));

        // So does a change the engine makes itself (expiry and routing close Sessions this way).
        behind(second, 901);
        QVERIFY(m_proxy->closeSession(sid, u"test"_s).ok());
        both = ttls(page);
        std::sort(both.begin(), both.end());
        QCOMPARE(both, (QList<int>{700, 901}));
        // And a change to the Service.
        behind(second, 902);
        QCOMPARE(call("POST", u"/v1/Services/"_s + service, form({{u"DefaultTtl"_s, u"60"_s}})).status, 200);
        both = ttls(page);
        std::sort(both.begin(), both.end());
        QCOMPARE(both, (QList<int>{700, 902}));
        // A Service going away takes its pages with it.
        QCOMPARE(call("DELETE", u"/v1/Services/"_s + service).status, 204);
        QCOMPARE(ttls(page), QList<int>{-404});
    }

    // A page read while its scope changed is not held: what it read may be older than what is committed now.
    void renderedPagesKeepOnlyWhatIsCurrent()
    {
        RenderedPages pages;
        HttpRequest r;
        r.account.sid = u"AC1"_s;
        r.baseUrl = u"http://x"_s;
        r.path = u"/v1/Services/KS1/Sessions"_s;
        r.query = u"PageSize=100"_s;
        r.args = {u"KS1"_s};
        const auto session = [](const QString &service) {
            return Change{Change::Kind::Session, Change::Op::Updated, u"KC1"_s, service};
        };

        RenderedPages::Ticket ticket = pages.ticket(r);
        pages.apply({session(u"KS1"_s)});
        pages.insert(ticket, "read before the commit");
        QVERIFY(!pages.find(pages.ticket(r)));

        ticket = pages.ticket(r);
        pages.apply({session(u"KS2"_s)}); // another Service's
        pages.insert(ticket, "page");
        QCOMPARE(pages.find(pages.ticket(r)), QByteArray("page"));
        r.query = u"PageSize=10"_s;
        QVERIFY(!pages.find(pages.ticket(r)));
        r.query = u"PageSize=100"_s;

        pages.apply({Change{Change::Kind::Participant, Change::Op::Added, u"KP1"_s, u"KC1"_s}});
        QCOMPARE(pages.find(pages.ticket(r)), QByteArray("page"));
        pages.apply({Change{Change::Kind::Service, Change::Op::Updated, u"KS1"_s, {}}});
        QVERIFY(!pages.find(pages.ticket(r)));
        QCOMPARE(pages.size(), 0);

        pages.insert(pages.ticket(r), "page");
        pages.apply({Change{Change::Kind::Account, Change::Op::Updated, u"AC9"_s, {}}});
        QVERIFY(!pages.find(pages.ticket(r)));
        pages.insert(pages.ticket(r), "page");
        pages.apply({session(QString())}); // a Session change that does not say its Service
        QVERIFY(!pages.find(pages.ticket(r)));

        // Bounded by bytes: the newest page stays, the oldest went.
        const QByteArray big(RenderedPages::MAX_BYTES / 8, 'x');
        for (int i = 0; i < 20; ++i) {
            r.query = u"Page=%1"_s.arg(i);
            pages.insert(pages.ticket(r), big);
        }
        QVERIFY(pages.bytes() <= RenderedPages::MAX_BYTES);
        QVERIFY(pages.find(pages.ticket(r)));
        r.query = u"Page=0"_s;
        QVERIFY(!pages.find(pages.ticket(r)));
    }

    void sessionRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        QFETCH(QString, param);
        const QString service = createService();
        addNumber(service);
        const Response r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), code);
        QVERIFY2(r.str(u"message"_s).contains(param), r.body.constData());
        // Nothing was created.
        QCOMPARE(call("GET", u"/v1/Services/%1/Sessions"_s.arg(service)).json[u"sessions"_s].toArray().size(), 0);
    }

    void updateSessionRefused_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<QString>("param");
        QTest::newRow("Ttl") << QByteArray("Ttl=1.5") << u"Ttl"_s;
        QTest::newRow("DateExpiry") << QByteArray("DateExpiry=2030-02-30T00:00:00Z") << u"DateExpiry"_s;
        QTest::newRow("Status") << QByteArray("Status=OPEN") << u"Status"_s;
        QTest::newRow("FailOnParticipantConflict")
            << QByteArray("FailOnParticipantConflict=0") << u"FailOnParticipantConflict"_s;
    }

    void updateSessionRefused()
    {
        QFETCH(QByteArray, body);
        QFETCH(QString, param);
        const Fixture f = makeFixture();
        const Response r = call("POST", u"/v1/Services/%1/Sessions/%2"_s.arg(f.service, f.session), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80701);
        QVERIFY2(r.str(u"message"_s).contains(param), r.body.constData());
    }

    void participantLifecycle()
    {
        const QString service = createService();
        addNumber(service);
        Response r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service), {});
        QCOMPARE(r.status, 201);
        const QString session = r.str(u"sid"_s);
        const QString path = u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(service, session);

        r = call("POST", path, "FriendlyName=no+identifier");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80701);
        QVERIFY(r.str(u"message"_s).contains(u"Identifier"_s));

        r = call("POST", path, "Identifier=%2B14155550123&FailOnParticipantConflict=perhaps");
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80701);

        r = call("POST", path, form({{u"Identifier"_s, u"+14155550123"_s}, {u"FriendlyName"_s, u"Zoë"_s}}));
        QCOMPARE(r.status, 201);
        const QString sid = r.str(u"sid"_s);
        QVERIFY(Sid::isValid(sid, Sid::PARTICIPANT));
        QCOMPARE(r.str(u"friendly_name"_s), u"Zoë"_s);
        QCOMPARE(r.str(u"identifier"_s), u"+14155550123"_s);
        QVERIFY(r.json.value(u"date_deleted"_s).isNull());
        QCOMPARE(r.json[u"links"_s][u"message_interactions"_s].toString(),
                 base() + path + u'/' + sid + u"/MessageInteractions"_s);

        r = call("POST", path, form({{u"Identifier"_s, u"+14155550123"_s}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80103);

        r = call("GET", path + u'/' + sid);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"sid"_s), sid);

        r = call("DELETE", path + u'/' + sid);
        QCOMPARE(r.status, 200); // the spec's DeleteParticipant answers 200 with the participant
        QCOMPARE(r.str(u"sid"_s), sid);
        QVERIFY(!r.json.value(u"date_deleted"_s).isNull());

        r = call("GET", path);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json[u"meta"_s][u"key"_s].toString(), u"participants"_s);
    }

    // --- interactions and message interactions --------------------------------------------------------------------

    void messageInteractions()
    {
        const Fixture f = makeFixture();
        QVERIFY(!f.p1.isEmpty());
        const QString base1 =
            u"/v1/Services/%1/Sessions/%2/Participants/%3/MessageInteractions"_s.arg(f.service, f.session, f.p1);

        Response r = call("POST", base1, "Body=Hello+there%2C+caf%C3%A9&MediaUrl=https%3A%2F%2Fx%2Fa.png");
        QCOMPARE(r.status, 200);
        const QString ki = r.str(u"sid"_s);
        QVERIFY(Sid::isValid(ki, Sid::INTERACTION));
        QCOMPARE(r.str(u"type"_s), u"message"_s);
        QCOMPARE(r.str(u"participant_sid"_s), f.p1);
        QCOMPARE(r.str(u"outbound_participant_sid"_s), f.p1);
        QCOMPARE(r.str(u"outbound_resource_type"_s), u"Message"_s);
        QCOMPARE(r.str(u"outbound_resource_status"_s), u"queued"_s);
        // The send is durable and asynchronous: the carrier's message SID arrives once the outbox has sent it.
        QVERIFY(r.json.value(u"outbound_resource_sid"_s).isNull());
        QVERIFY(r.json.value(u"inbound_participant_sid"_s).isNull());
        QVERIFY(r.json.value(u"inbound_resource_status"_s).isNull());
        QCOMPARE(QJsonDocument::fromJson(r.str(u"data"_s).toUtf8()).object().value(u"body"_s).toString(),
                 u"Hello there, café"_s);
        QCOMPARE(r.str(u"url"_s), base() + base1 + u'/' + ki);

        r = call("GET", base1 + u'/' + ki);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.str(u"sid"_s), ki);
        // The simulator carrier accepts and delivers it; the interaction then names the message.
        QTRY_VERIFY(Sid::isValid(call("GET", base1 + u'/' + ki).str(u"outbound_resource_sid"_s), Sid::MESSAGE));
        QCOMPARE(call("GET", base1 + u'/' + ki).str(u"outbound_resource_status"_s), u"delivered"_s);

        r = call("GET", base1);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json[u"meta"_s][u"key"_s].toString(), u"interactions"_s);
        QCOMPARE(r.json.value(u"interactions"_s).toArray().size(), 1);

        // The other participant has none; the session's Interactions list has it too.
        const QString base2 =
            u"/v1/Services/%1/Sessions/%2/Participants/%3/MessageInteractions"_s.arg(f.service, f.session, f.p2);
        QCOMPARE(call("GET", base2).json.value(u"interactions"_s).toArray().size(), 0);
        QCOMPARE(call("GET", base2 + u'/' + ki).status, 404);

        const QString interactions = u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(f.service, f.session);
        r = call("GET", interactions);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"interactions"_s).toArray().size(), 1);
        QCOMPARE(r.json.value(u"interactions"_s).toArray().at(0)[u"url"_s].toString(),
                 base() + interactions + u'/' + ki);
        r = call("GET", interactions + u'/' + ki);
        QCOMPARE(r.status, 200);

        // The session moved to in-progress.
        r = call("GET", u"/v1/Services/%1/Sessions/%2"_s.arg(f.service, f.session));
        QCOMPARE(r.str(u"status"_s), u"in-progress"_s);
        QVERIFY(!r.json.value(u"date_started"_s).isNull());

        r = call("DELETE", interactions + u'/' + ki);
        QCOMPARE(r.status, 204);
        QCOMPARE(call("GET", interactions + u'/' + ki).status, 404);
    }

    void messageInteractionRefused_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("close");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("code");
        QTest::newRow("no Body") << u"voice-and-message"_s << false << QByteArray("Nothing=here") << 80701;
        QTest::newRow("empty Body") << u"voice-and-message"_s << false << QByteArray("Body=") << 80701;
        QTest::newRow("only MediaUrl") << u"voice-and-message"_s << false
                                       << QByteArray("MediaUrl=https%3A%2F%2Fx%2Fa.png") << 80701;
        QTest::newRow("too long") << u"voice-and-message"_s << false << ("Body=" + QByteArray(1601, 'a')) << 21617;
        QTest::newRow("closed session") << u"voice-and-message"_s << true << QByteArray("Body=hi") << 80607;
        QTest::newRow("voice-only session") << u"voice-only"_s << false << QByteArray("Body=hi") << 80910;
    }

    void messageInteractionRefused()
    {
        QFETCH(QString, mode);
        QFETCH(bool, close);
        QFETCH(QByteArray, body);
        QFETCH(int, code);
        const Fixture f = makeFixture(mode);
        QVERIFY(!f.p1.isEmpty());
        if (close) {
            QCOMPARE(call("POST", u"/v1/Services/%1/Sessions/%2"_s.arg(f.service, f.session), "Status=closed").status,
                     200);
        }
        const Response r = call(
            "POST",
            u"/v1/Services/%1/Sessions/%2/Participants/%3/MessageInteractions"_s.arg(f.service, f.session, f.p1), body);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), code);
        QCOMPARE(call("GET", u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(f.service, f.session))
                     .json[u"interactions"_s]
                     .toArray()
                     .size(),
                 0);
    }

    // --- debugger events (Maskline extension) ---------------------------------------------------------------------

    void debuggerEvents()
    {
        const QDateTime t0 = m_clock.now();
        auto record = [&](const Account &a, int code, const QString &session, qint64 secondsAfter) {
            DebuggerEvent e;
            e.accountSid = a.sid;
            e.code = code;
            e.sessionSid = session;
            e.message = u"event %1"_s.arg(code);
            e.requestUrl = u"http://example.com/carrier"_s;
            e.dateCreated = t0.addSecs(secondsAfter);
            return m_debugger->record(e);
        };
        const QString kc1 = u"KC11111111111111111111111111111111"_s;
        const QString kc2 = u"KC22222222222222222222222222222222"_s;
        const DebuggerEvent first = record(m_a, 80901, kc1, 1);  // warning
        const DebuggerEvent second = record(m_a, 80902, kc1, 2); // error
        // The recorded event carries its row id (the console's live log orders and de-duplicates by it).
        QVERIFY(first.id > 0);
        QCOMPARE(second.id, first.id + 1);
        record(m_a, 80910, kc2, 3); // warning
        record(m_a, 80913, kc2, 4); // error
        record(m_b, 80902, kc1, 5); // another account's: never visible to A

        Response r = call("GET", u"/v1/Debugger/Events"_s);
        QCOMPARE(r.status, 200);
        QJsonArray events = r.json[u"events"_s].toArray();
        QCOMPARE(events.size(), 4);
        QCOMPARE(r.json[u"meta"_s][u"key"_s].toString(), u"events"_s);
        // Newest first, Monitor-Alert shaped.
        const QJsonObject newest = events.first().toObject();
        QCOMPARE(newest[u"error_code"_s].toString(), u"80913"_s);
        QCOMPARE(newest[u"log_level"_s].toString(), u"error"_s);
        QCOMPARE(newest[u"alert_text"_s].toString(), u"event 80913"_s);
        QCOMPARE(newest[u"resource_sid"_s].toString(), kc2);
        QCOMPARE(newest[u"session_sid"_s].toString(), kc2);
        QCOMPARE(newest[u"request_url"_s].toString(), u"http://example.com/carrier"_s);
        QCOMPARE(newest[u"date_created"_s].toString(), Time::toIso(t0.addSecs(4)));
        QVERIFY(newest[u"sid"_s].toString().startsWith(u"NO"_s));

        r = call("GET", u"/v1/Debugger/Events?LogLevel=warning"_s);
        events = r.json[u"events"_s].toArray();
        QCOMPARE(events.size(), 2);
        for (const QJsonValue &e : std::as_const(events)) {
            QCOMPARE(e[u"log_level"_s].toString(), u"warning"_s);
        }
        r = call("GET", u"/v1/Debugger/Events?Code=80902"_s);
        QCOMPARE(r.json[u"events"_s].toArray().size(), 1);
        r = call("GET", u"/v1/Debugger/Events?ResourceSid="_s + kc1);
        QCOMPARE(r.json[u"events"_s].toArray().size(), 2);
        r = call("GET", u"/v1/Debugger/Events?StartDate=%1&EndDate=%2"_s.arg(Time::toIso(t0.addSecs(2)),
                                                                             Time::toIso(t0.addSecs(3))));
        QCOMPARE(r.json[u"events"_s].toArray().size(), 2);

        // Paging keeps the filter in next_page_url and neither skips nor repeats.
        r = call("GET", u"/v1/Debugger/Events?PageSize=1&LogLevel=error"_s);
        QCOMPARE(r.json[u"events"_s].toArray().first()[u"error_code"_s].toString(), u"80913"_s);
        const QString next = r.json[u"meta"_s][u"next_page_url"_s].toString();
        QVERIFY2(next.contains(u"LogLevel=error"_s), qPrintable(next));
        r = call("GET", next);
        QCOMPARE(r.json[u"events"_s].toArray().size(), 1);
        QCOMPARE(r.json[u"events"_s].toArray().first()[u"error_code"_s].toString(), u"80902"_s);
        QVERIFY(r.json[u"meta"_s][u"next_page_url"_s].isNull());

        // The other account sees only its own.
        r = call("GET", u"/v1/Debugger/Events"_s, {}, &m_b);
        QCOMPARE(r.json[u"events"_s].toArray().size(), 1);

        r = call("GET", u"/v1/Debugger/Events?LogLevel=loud"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json[u"code"_s].toInt(), 80701);
        r = call("GET", u"/v1/Debugger/Events?StartDate=yesterday"_s);
        QCOMPARE(r.status, 400);
        QCOMPARE(r.json[u"code"_s].toInt(), 80701);
        Account nobody;
        r = call("GET", u"/v1/Debugger/Events"_s, {}, &nobody);
        QCOMPARE(r.status, 401);
    }

    // --- isolation ------------------------------------------------------------------------------------------------

    void accountIsolation()
    {
        const Fixture f = makeFixture();
        const QString sessionPath = u"/v1/Services/%1/Sessions/%2"_s.arg(f.service, f.session);
        const QList<std::pair<QByteArray, QString>> probes = {
            {"GET", u"/v1/Services/"_s + f.service},
            {"POST", u"/v1/Services/"_s + f.service},
            {"DELETE", u"/v1/Services/"_s + f.service},
            {"GET", u"/v1/Services/%1/PhoneNumbers"_s.arg(f.service)},
            {"POST", u"/v1/Services/%1/Sessions"_s.arg(f.service)},
            {"GET", sessionPath},
            {"DELETE", sessionPath},
            {"GET", sessionPath + u"/Participants"_s},
            {"GET", sessionPath + u"/Participants/"_s + f.p1},
            {"DELETE", sessionPath + u"/Participants/"_s + f.p1},
            {"GET", sessionPath + u"/Interactions"_s},
            {"POST", sessionPath + u"/Participants/%1/MessageInteractions"_s.arg(f.p1)},
        };
        for (const auto &[method, path] : probes) {
            const Response r =
                call(method, path, method == "POST" ? QByteArray("Body=x&UniqueName=y") : QByteArray(), &m_b);
            QVERIFY2(r.status == 404 && r.code() == 20404,
                     qPrintable(QString::fromLatin1(method) + u' ' + path + u" -> "_s + QString::fromUtf8(r.body)));
        }
        // B's own list does not show A's service, and A's session is untouched.
        const Response list = call("GET", u"/v1/Services"_s, {}, &m_b);
        for (const QJsonValue &v : list.json.value(u"services"_s).toArray()) {
            QVERIFY(v[u"sid"_s].toString() != f.service);
        }
        QCOMPARE(call("GET", sessionPath).status, 200);
        QCOMPARE(call("GET", sessionPath + u"/Participants/"_s + f.p1).json.value(u"date_deleted"_s).isNull(), true);
    }

    // --- paging ---------------------------------------------------------------------------------------------------

    void pagingParameters_data()
    {
        QTest::addColumn<QString>("query");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("pageSize");
        QTest::newRow("default") << QString() << 200 << 50;
        QTest::newRow("explicit") << u"PageSize=7"_s << 200 << 7;
        QTest::newRow("clamped to 100") << u"PageSize=1000"_s << 200 << 100;
        QTest::newRow("clamped beyond spec") << u"PageSize=5000"_s << 200 << 100;
        QTest::newRow("zero") << u"PageSize=0"_s << 400 << 0;
        QTest::newRow("negative") << u"PageSize=-3"_s << 400 << 0;
        QTest::newRow("text") << u"PageSize=ten"_s << 400 << 0;
        QTest::newRow("bad Page") << u"Page=-1"_s << 400 << 0;
        QTest::newRow("bad token") << u"PageToken=PAxyz"_s << 400 << 0;
        QTest::newRow("empty token") << u"PageToken="_s << 200 << 50;
    }

    void pagingParameters()
    {
        QFETCH(QString, query);
        QFETCH(int, status);
        QFETCH(int, pageSize);
        const QString service = createService();
        const Response r = call("GET", u"/v1/Services/%1/Sessions?"_s.arg(service) + query);
        QCOMPARE(r.status, status);
        if (status != 200) {
            QCOMPARE(r.code(), 80701);
            return;
        }
        const QJsonObject meta = r.json.value(u"meta"_s).toObject();
        QCOMPARE(meta.value(u"page_size"_s).toInt(), pageSize);
        QCOMPARE(meta.value(u"page"_s).toInt(), 0);
        QCOMPARE(meta.value(u"key"_s).toString(), u"sessions"_s);
        const QString list = base() + u"/v1/Services/%1/Sessions?PageSize=%2"_s.arg(service).arg(pageSize);
        QCOMPARE(meta.value(u"first_page_url"_s).toString(), list + u"&Page=0"_s);
        QCOMPARE(meta.value(u"url"_s).toString(), list + u"&Page=0"_s);
        QVERIFY(meta.value(u"next_page_url"_s).isNull());
        QVERIFY(meta.value(u"previous_page_url"_s).isNull());
    }

    // Follows next_page_url while new sessions are created between pages: every session that existed at the start is
    // seen exactly once, newest first, and the walk ends with a null next_page_url.
    void pagingWalkUnderInserts()
    {
        const QString service = createService();
        QStringList created;
        for (int i = 0; i < 11; ++i) {
            const Response r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service), {});
            QCOMPARE(r.status, 201);
            created.prepend(r.str(u"sid"_s)); // newest first
        }
        QStringList seen;
        QString next = base() + u"/v1/Services/%1/Sessions?PageSize=3"_s.arg(service);
        int pages = 0;
        while (!next.isEmpty()) {
            const Response r = call("GET", next);
            QCOMPARE(r.status, 200);
            const QJsonObject meta = r.json.value(u"meta"_s).toObject();
            QCOMPARE(meta.value(u"page"_s).toInt(), pages);
            QCOMPARE(meta.value(u"page_size"_s).toInt(), 3);
            for (const QJsonValue &v : r.json.value(u"sessions"_s).toArray()) {
                seen.append(v[u"sid"_s].toString());
            }
            // Someone else writes while we page.
            QCOMPARE(call("POST", u"/v1/Services/%1/Sessions"_s.arg(service), {}).status, 201);
            next = meta.value(u"next_page_url"_s).toString();
            if (!next.isEmpty()) {
                const QUrlQuery q(QUrl(next).query());
                QCOMPARE(q.queryItemValue(u"Page"_s), QString::number(pages + 1));
                QCOMPARE(q.queryItemValue(u"PageSize"_s), u"3"_s);
                QVERIFY(q.queryItemValue(u"PageToken"_s).startsWith(u"PA"_s));
                QVERIFY(next.startsWith(base()));
            }
            ++pages;
            QVERIFY(pages < 10);
        }
        QCOMPARE(seen, created);
        QCOMPARE(pages, 4);
    }

    // next_page_url forward to the end, then previous_page_url back to the start: each page back holds exactly what it
    // held going forward, the first page's previous and the last page's next are null, and Page labels count down.
    void pagingWalkForwardAndBack()
    {
        const QString service = createService();
        QStringList created;
        for (int i = 0; i < 8; ++i) {
            const Response r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service), {});
            QCOMPARE(r.status, 201);
            created.prepend(r.str(u"sid"_s));
        }
        const auto meta = [](const Response &r) {
            return r.json.value(u"meta"_s).toObject();
        };
        const auto sids = [](const Response &r) {
            QStringList out;
            for (const QJsonValue &v : r.json.value(u"sessions"_s).toArray()) {
                out.append(v[u"sid"_s].toString());
            }
            return out;
        };
        QList<QStringList> forward;
        Response r = call("GET", u"/v1/Services/%1/Sessions?PageSize=3"_s.arg(service));
        QVERIFY(meta(r).value(u"previous_page_url"_s).isNull());
        for (;;) {
            QCOMPARE(r.status, 200);
            forward.append(sids(r));
            const QString next = meta(r).value(u"next_page_url"_s).toString();
            if (next.isEmpty()) {
                break;
            }
            r = call("GET", next);
            QVERIFY(forward.size() < 10);
        }
        QCOMPARE(forward.size(), 3);
        QStringList all;
        for (const QStringList &page : std::as_const(forward)) {
            all += page;
        }
        QCOMPARE(all, created);
        QCOMPARE(meta(r).value(u"page"_s).toInt(), 2);
        QVERIFY(meta(r).value(u"next_page_url"_s).isNull());
        for (int page = 1; page >= 0; --page) {
            const QString previous = meta(r).value(u"previous_page_url"_s).toString();
            QVERIFY2(!previous.isEmpty(), qPrintable(QString::number(page)));
            const QUrlQuery q(QUrl(previous).query());
            QVERIFY(q.queryItemValue(u"PageToken"_s).startsWith(u"PB"_s));
            QCOMPARE(q.queryItemValue(u"Page"_s), QString::number(page));
            r = call("GET", previous);
            QCOMPARE(r.status, 200);
            QCOMPARE(meta(r).value(u"page"_s).toInt(), page);
            QCOMPARE(sids(r), forward.at(page));
            // Going back, the page still leads forward again to the one it came from.
            QCOMPARE(sids(call("GET", meta(r).value(u"next_page_url"_s).toString())), forward.at(page + 1));
        }
        QVERIFY2(meta(r).value(u"previous_page_url"_s).isNull(), "back on the first page");
    }

    // Page=N without a PageToken is the Nth page of PageSize rows, newest first, linked like any other page.
    void pageNumberWithoutToken()
    {
        const QString service = createService();
        QStringList created;
        for (int i = 0; i < 7; ++i) {
            const Response r = call("POST", u"/v1/Services/%1/Sessions"_s.arg(service), {});
            created.prepend(r.str(u"sid"_s));
        }
        const auto meta = [](const Response &r) {
            return r.json.value(u"meta"_s).toObject();
        };
        const auto sids = [](const Response &r) {
            QStringList out;
            for (const QJsonValue &v : r.json.value(u"sessions"_s).toArray()) {
                out.append(v[u"sid"_s].toString());
            }
            return out;
        };
        Response r = call("GET", u"/v1/Services/%1/Sessions?PageSize=3&Page=1"_s.arg(service));
        QCOMPARE(r.status, 200);
        QCOMPARE(sids(r), created.mid(3, 3));
        QCOMPARE(meta(r).value(u"page"_s).toInt(), 1);
        QCOMPARE(sids(call("GET", meta(r).value(u"next_page_url"_s).toString())), created.mid(6));
        QCOMPARE(sids(call("GET", meta(r).value(u"previous_page_url"_s).toString())), created.mid(0, 3));
        r = call("GET", u"/v1/Services/%1/Sessions?PageSize=3&Page=2"_s.arg(service));
        QCOMPARE(sids(r), created.mid(6));
        QVERIFY(meta(r).value(u"next_page_url"_s).isNull());
        r = call("GET", u"/v1/Services/%1/Sessions?PageSize=3&Page=5"_s.arg(service));
        QCOMPARE(r.status, 200);
        QVERIFY(sids(r).isEmpty());
        QVERIFY(meta(r).value(u"next_page_url"_s).isNull());
        // Page=0 is the first page: nothing before it.
        r = call("GET", u"/v1/Services/%1/Sessions?PageSize=3&Page=0"_s.arg(service));
        QCOMPARE(sids(r), created.mid(0, 3));
        QVERIFY(meta(r).value(u"previous_page_url"_s).isNull());
    }

    // Service create/update take the two country flags (a Maskline extension) and show them; bad values change
    // nothing.
    void serviceCountryFlags()
    {
        Response r =
            call("POST", u"/v1/Services"_s,
                 form({{u"UniqueName"_s, u"flags %1"_s.arg(++m_counter)}, {u"ArgentinaInsertNine"_s, u"true"_s}}));
        QCOMPARE(r.status, 201);
        const QString sid = r.str(u"sid"_s);
        QCOMPARE(r.json.value(u"argentina_insert_nine"_s).toBool(), true);
        // Created now, so after Twilio's 2020-10-05 cut-off: no Mexico '1' unless asked for.
        QCOMPARE(r.json.value(u"mexico_insert_one"_s).toBool(), false);
        r = call("POST", u"/v1/Services/"_s + sid, form({{u"MexicoInsertOne"_s, u"true"_s}}));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"mexico_insert_one"_s).toBool(), true);
        QCOMPARE(r.json.value(u"argentina_insert_nine"_s).toBool(), true);
        r = call("POST", u"/v1/Services/"_s + sid,
                 form({{u"ArgentinaInsertNine"_s, u"false"_s}, {u"MexicoInsertOne"_s, u"maybe"_s}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80701);
        r = call("GET", u"/v1/Services/"_s + sid);
        QCOMPARE(r.json.value(u"argentina_insert_nine"_s).toBool(), true);
        QCOMPARE(r.json.value(u"mexico_insert_one"_s).toBool(), true);
        const Result<Service> stored = m_proxy->fetchService(m_a.sid, sid);
        QVERIFY(stored && stored->mxInsertOne && stored->arInsertNine);
    }

    // --- throttling -----------------------------------------------------------------------------------------------

    void rateLimiterWindow()
    {
        ManualClock clock;
        RateLimiter limiter(clock, 2); // 10 requests in any 5 s window
        for (int i = 0; i < 10; ++i) {
            QVERIFY(limiter.acquire(u"k"_s).allowed);
        }
        RateLimiter::Decision d = limiter.acquire(u"k"_s);
        QVERIFY(!d.allowed);
        QCOMPARE(d.retryAfterSeconds, 5);
        QVERIFY(limiter.acquire(u"other"_s).allowed);
        clock.set(clock.now().addMSecs(4999));
        d = limiter.acquire(u"k"_s);
        QVERIFY(!d.allowed);
        QCOMPARE(d.retryAfterSeconds, 1);
        clock.set(clock.now().addMSecs(1));
        QVERIFY(limiter.acquire(u"k"_s).allowed); // the first request left the window
        // Refused requests do not count; sustained 2/s is always allowed.
        for (int i = 0; i < 20; ++i) {
            clock.set(clock.now().addMSecs(500));
            QVERIFY(limiter.acquire(u"k"_s).allowed);
        }
        // Idle keys are dropped after a window.
        clock.advance(11);
        limiter.acquire(u"k"_s);
        QCOMPARE(limiter.keyCount(), 1);
        RateLimiter off(clock, 0);
        for (int i = 0; i < 1000; ++i) {
            QVERIFY(off.acquire(u"k"_s).allowed);
        }
    }

    void throttling()
    {
        HttpConfig config;
        config.port = 0;
        config.rateLimitPerSecond = 2; // bursts of 10 in any 5 s
        HttpServer server(*m_proxy, m_debugger.get(), m_clock, config);
        QVERIFY(server.listen());
        const QString s1 = createService();
        const QString s2 = createService();
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(call("GET", u"/v1/Services/%1/Sessions"_s.arg(s1), {}, nullptr, &server).status, 200);
        }
        Response r = call("GET", u"/v1/Services/%1/Sessions"_s.arg(s1), {}, nullptr, &server);
        QCOMPARE(r.status, 429);
        QCOMPARE(r.code(), 20429);
        QCOMPARE(r.header("Retry-After"), "5");
        // Per endpoint and per service: other routes, methods and services are unaffected.
        QCOMPARE(call("GET", u"/v1/Services/%1/Sessions"_s.arg(s2), {}, nullptr, &server).status, 200);
        QCOMPARE(call("GET", u"/v1/Services/%1/PhoneNumbers"_s.arg(s1), {}, nullptr, &server).status, 200);
        QCOMPARE(call("POST", u"/v1/Services/%1/Sessions"_s.arg(s1), {}, nullptr, &server).status, 201);
        // Another account's key is its own.
        QCOMPARE(call("GET", u"/v1/Services"_s, {}, &m_b, &server).status, 200);
        // Time heals.
        m_clock.advance(5);
        QCOMPARE(call("GET", u"/v1/Services/%1/Sessions"_s.arg(s1), {}, nullptr, &server).status, 200);
        // The Service list is limited per account.
        for (int i = 0; i < 10; ++i) {
            QCOMPARE(call("GET", u"/v1/Services"_s, {}, nullptr, &server).status, 200);
        }
        QCOMPARE(call("GET", u"/v1/Services"_s, {}, nullptr, &server).status, 429);
        QCOMPARE(call("GET", u"/v1/Services"_s, {}, &m_b, &server).status, 200);
        m_clock.advance(5);
    }

    // --- base URL -------------------------------------------------------------------------------------------------

    void publicUrlConfig()
    {
        HttpConfig config;
        config.port = 0;
        config.rateLimitPerSecond = 0;
        config.publicUrl = u"https://proxy.example.com/"_s;
        HttpServer server(*m_proxy, m_debugger.get(), m_clock, config);
        QVERIFY(server.listen());
        const Response r =
            call("POST", u"/v1/Services"_s, form({{u"UniqueName"_s, u"pub %1"_s.arg(++m_counter)}}), nullptr, &server);
        QCOMPARE(r.status, 201);
        QCOMPARE(r.str(u"url"_s), u"https://proxy.example.com/v1/Services/"_s + r.str(u"sid"_s));
    }

    void hostHeader_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<QString>("expectedBase");
        QTest::newRow("name and port") << QByteArray("masked.example:8443") << u"http://masked.example:8443"_s;
        QTest::newRow("ipv6") << QByteArray("[::1]:9000") << u"http://[::1]:9000"_s;
        QTest::newRow("injection") << QByteArray("evil.example/\"><x") << QString();
        QTest::newRow("userinfo") << QByteArray("a@b.example") << QString();
    }

    void hostHeader()
    {
        QFETCH(QByteArray, host);
        QFETCH(QString, expectedBase);
        if (expectedBase.isEmpty()) {
            expectedBase = base();
        }
        const QString service = createService();
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("GET /v1/Services/" + service.toLatin1() + " HTTP/1.1\r\nHost: " + host +
                     "\r\nAuthorization: Basic " + (m_a.sid + u':' + m_a.authToken).toUtf8().toBase64() +
                     "\r\nConnection: close\r\n\r\n");
        const QByteArray in = readUntilClosedOrResponse(socket, 10000);
        QVERIFY2(in.startsWith("HTTP/1.1 200"), in.constData());
        const QJsonObject json = QJsonDocument::fromJson(in.mid(in.indexOf("\r\n\r\n") + 4)).object();
        QCOMPARE(json.value(u"url"_s).toString(), expectedBase + u"/v1/Services/"_s + service);
    }

    // Without --public-url, the base a client reached Maskline by (its Host header) counts as Maskline's own: a
    // callback URL pointing there is refused like one pointing at the listening address.
    void hostDerivedBaseIsOwn()
    {
        const auto post = [this](const QByteArray &body) {
            QTcpSocket socket;
            socket.connectToHost(QHostAddress::LocalHost, m_server->port());
            if (!socket.waitForConnected(5000)) {
                return QByteArray();
            }
            socket.write("POST /v1/Services HTTP/1.1\r\nHost: masked.example:8443\r\nAuthorization: Basic " +
                         (m_a.sid + u':' + m_a.authToken).toUtf8().toBase64() +
                         "\r\nContent-Type: application/x-www-form-urlencoded\r\nConnection: close\r\n"
                         "Content-Length: " +
                         QByteArray::number(body.size()) + "\r\n\r\n" + body);
            return readUntilClosedOrResponse(socket, 10000);
        };
        QByteArray in = post("UniqueName=hostbase" + QByteArray::number(++m_counter) +
                             "&CallbackUrl=http%3A%2F%2Fmasked.example%3A8443%2Fcb");
        QVERIFY2(in.startsWith("HTTP/1.1 400"), in.constData());
        QVERIFY(in.contains("\"code\":80701"));
        in = post("UniqueName=hostbase" + QByteArray::number(++m_counter) +
                  "&CallbackUrl=http%3A%2F%2Fapp.example%3A8443%2Fcb");
        QVERIFY2(in.startsWith("HTTP/1.1 201"), in.constData());
    }

    // --- body limit -----------------------------------------------------------------------------------------------

    void bodyLimitSmallRequest()
    {
        // Under the limit is served, even when large-ish and full of unknown parameters.
        const QByteArray body =
            "UniqueName=big+" + QByteArray::number(++m_counter) + "&Junk=" + QByteArray(900 * 1024, 'j');
        const Response r = call("POST", u"/v1/Services"_s, body);
        QCOMPARE(r.status, 201);
    }

    void bodyLimitDeclared()
    {
        // A client that announces a too-large body gets 413 before sending it (and QNetworkAccessManager reads it).
        const QByteArray body = "UniqueName=x&Junk=" + QByteArray(2 * 1024 * 1024, 'j');
        const Response r = call("POST", u"/v1/Services"_s, body);
        QCOMPARE(r.status, 413);
        QCOMPARE(r.code(), 20413);
        QCOMPARE(r.header("Content-Type"), "application/json");
        // The server is still fine.
        QCOMPARE(call("GET", u"/v1/Services"_s).status, 200);
    }

    void bodyLimitExpectContinue()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("POST /v1/Services HTTP/1.1\r\nHost: x\r\nContent-Length: 5000000\r\n"
                     "Expect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n");
        const QByteArray in = readUntilClosedOrResponse(socket, 10000);
        QVERIFY2(in.startsWith("HTTP/1.1 413"), in.constData());
        QVERIFY(in.contains("\"code\":20413"));
        QVERIFY(in.contains("Connection: close"));

        // Within the limit, the client is told to go on.
        QTcpSocket ok;
        ok.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(ok.waitForConnected(5000));
        const QByteArray form = "UniqueName=continued+" + QByteArray::number(++m_counter);
        ok.write("POST /v1/Services HTTP/1.1\r\nHost: x\r\nContent-Length: " + QByteArray::number(form.size()) +
                 "\r\nAuthorization: Basic " + (m_a.sid + u':' + m_a.authToken).toUtf8().toBase64() +
                 "\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n");
        QTRY_VERIFY_WITH_TIMEOUT(ok.bytesAvailable() > 0, 5000);
        QVERIFY(ok.peek(64).startsWith("HTTP/1.1 100 Continue\r\n\r\n"));
        ok.write(form);
        QByteArray reply;
        QTRY_VERIFY_WITH_TIMEOUT((reply += ok.readAll()).contains("HTTP/1.1 201"), 5000);
    }

    void bodyLimitStreams_data()
    {
        QTest::addColumn<bool>("chunked");
        QTest::newRow("content-length") << false;
        QTest::newRow("chunked") << true;
    }

    // 50 MiB streamed at the server: it answers 413 and its memory stays flat (the body is never buffered).
    void bodyLimitStreams()
    {
        QFETCH(bool, chunked);
        const qint64 total = 50LL * 1024 * 1024;
        const qint64 before = residentKiB();
        QByteArray head = "POST /v1/Services HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                          "Content-Type: application/x-www-form-urlencoded\r\n";
        head += chunked ? QByteArray("Transfer-Encoding: chunked\r\n")
                        : "Content-Length: " + QByteArray::number(total) + "\r\n";
        head += "\r\n";
        qint64 sent = 0;
        const QByteArray in = streamBody(head, total, chunked, &sent);
        const qint64 after = residentKiB();
        QVERIFY2(in.startsWith("HTTP/1.1 413"), in.left(200).constData());
        QVERIFY(in.contains("\"code\":20413"));
        qInfo() << "streamed" << sent / 1024 << "KiB; resident" << before << "->" << after << "KiB";
#if !defined(__SANITIZE_ADDRESS__) // ASan's quarantine keeps freed blocks resident on purpose
        QVERIFY2(after - before < 24 * 1024, qPrintable(u"resident memory grew by %1 KiB"_s.arg(after - before)));
#endif
        QCOMPARE(call("GET", u"/healthz"_s).status, 200);
    }

    // Requests a lenient parser would leave unanswered (QHttpServer 6.4 went silent on the connection) or
    // that are hostile: the guard answers them itself and closes.
    void rawProtocol_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<QByteArray>("statusLine");
        QTest::addColumn<int>("code");
        QTest::newRow("garbage request line") << QByteArray("HELLO\r\n\r\n") << QByteArray("HTTP/1.1 400") << 20400;
        QTest::newRow("not http") << QByteArray("GET /healthz SPDY/3\r\n\r\n") << QByteArray("HTTP/1.1 400") << 20400;
        QTest::newRow("unknown method") << QByteArray("BREW /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
                                        << QByteArray("HTTP/1.1 405") << 20004;
        QTest::newRow("smuggling") << QByteArray("POST /v1/Services HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                                                 "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                                   << QByteArray("HTTP/1.1 400") << 20400;
        QTest::newRow("bad content-length") << QByteArray("POST /v1/Services HTTP/1.1\r\nContent-Length: 1x\r\n\r\n")
                                            << QByteArray("HTTP/1.1 400") << 20400;
        QTest::newRow("bad chunk size") << QByteArray("POST /v1/Services HTTP/1.1\r\nTransfer-Encoding: chunked\r\n"
                                                      "\r\nzz\r\n")
                                        << QByteArray("HTTP/1.1 400") << 20400;
        QTest::newRow("huge header") << ("GET /healthz HTTP/1.1\r\nX-Big: " + QByteArray(70 * 1024, 'h'))
                                     << QByteArray("HTTP/1.1 431") << 20431;
    }

    void rawProtocol()
    {
        QFETCH(QByteArray, request);
        QFETCH(QByteArray, statusLine);
        QFETCH(int, code);
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write(request);
        const QByteArray in = readUntilClosedOrResponse(socket, 10000);
        QVERIFY2(in.startsWith(statusLine), in.left(300).constData());
        QVERIFY(in.contains(QByteArray("\"code\":" + QByteArray::number(code))));
        QVERIFY(in.contains("Connection: close"));
    }

    void headHasNoBody()
    {
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        socket.write("HEAD /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QByteArray in;
        QTRY_VERIFY_WITH_TIMEOUT((in += socket.readAll()).endsWith("{\"status\":\"ok\"}"), 5000);
        // The 200 to HEAD carries the GET's headers only (Content-Length included), so the GET's answer follows it
        // directly.
        QVERIFY2(in.startsWith("HTTP/1.1 200"), in.constData());
        const QByteArray headHead = in.left(in.indexOf("\r\n\r\n"));
        QVERIFY2(headHead.toLower().contains("content-length: 15"), headHead.constData());
        QVERIFY(in.mid(in.indexOf("\r\n\r\n") + 4).startsWith("HTTP/1.1 200"));
        QCOMPARE(in.count("{\"status\":\"ok\"}"), 1);
    }

    void keepAliveWithBodies()
    {
        // Two requests with bodies on one connection: the guard follows the framing of each.
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_server->port());
        QVERIFY(socket.waitForConnected(5000));
        const QByteArray auth = "Authorization: Basic " + (m_a.sid + u':' + m_a.authToken).toUtf8().toBase64() + "\r\n";
        for (int i = 0; i < 2; ++i) {
            const QByteArray body = "UniqueName=keepalive+" + QByteArray::number(++m_counter);
            socket.write("POST /v1/Services HTTP/1.1\r\nHost: x\r\n" + auth +
                         "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                         QByteArray::number(body.size()) + "\r\n\r\n" + body);
            QByteArray in;
            QTRY_VERIFY_WITH_TIMEOUT((in += socket.readAll()).endsWith("}"), 5000);
            QVERIFY2(in.startsWith("HTTP/1.1 201"), in.constData());
        }
        // A chunked one on the same connection, then one over the limit.
        const QByteArray body = "UniqueName=chunky+" + QByteArray::number(++m_counter);
        socket.write("POST /v1/Services HTTP/1.1\r\nHost: x\r\n" + auth +
                     "Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n" +
                     QByteArray::number(body.size(), 16) + "\r\n" + body + "\r\n0\r\n\r\n");
        QByteArray in;
        QTRY_VERIFY_WITH_TIMEOUT((in += socket.readAll()).endsWith("}"), 5000);
        QVERIFY2(in.startsWith("HTTP/1.1 201"), in.constData());
        socket.write("POST /v1/Services HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n");
        in.clear();
        QTRY_VERIFY_WITH_TIMEOUT((in += socket.readAll()).endsWith("}"), 5000);
        QVERIFY2(in.startsWith("HTTP/1.1 413"), in.constData());
    }
};

QTEST_GUILESS_MAIN(TestRestApi)
#include "tst_restapi.moc"
