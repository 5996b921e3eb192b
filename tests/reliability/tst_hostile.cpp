// Hostile input over raw TCP against an in-process engine: every framing that RFC 9112 leaves ambiguous (the
// smuggling variants of §6 and §11.2), header and URL limits, NUL and bare CR, bad percent escapes and invalid UTF-8,
// control characters in names, absurd paging, invalid SIDs, non-E.164 numbers, broken Participants JSON, malformed
// dates, enums in the wrong case, wrong content types and truncated bodies. Each row has its expected status; a 4xx
// under /v1 must carry Twilio's error shape; after every row the server still answers and the store is unchanged.
// Plus pipelining (a good request, then a bad one, in one write) and a client's half-close.

#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "core/clock.h"
#include "debugger/debugger.h"
#include "http/httpserver.h"
#include "proxy/proxy.h"
#include "rawreplies.h"
#include "store/database.h"

#if defined(Q_OS_UNIX)
#include <sys/socket.h>
#endif

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

namespace {

using Reply = Testing::RawReply;
using Testing::takeReply;

// Runs the event loop (the server lives on this thread) until the socket has news or `ms` pass.
void pump(QTcpSocket &socket, int ms)
{
    QEventLoop loop;
    QTimer timer;
    timer.setSingleShot(true);
    QObject::connect(&timer, &QTimer::timeout, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::readyRead, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::connected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
    QObject::connect(&socket, &QTcpSocket::bytesWritten, &loop, &QEventLoop::quit);
    timer.start(ms);
    loop.exec();
}

// Sends raw bytes on a fresh connection and reads `count` replies (or until the server closes), with a deadline.
QList<Reply> exchange(quint16 port, const QByteArray &bytes, int count = 1, bool halfClose = false,
                      int timeoutMs = 10000)
{
    QTcpSocket socket;
    QElapsedTimer timer;
    timer.start();
    socket.connectToHost(QHostAddress::LocalHost, port);
    while (socket.state() != QAbstractSocket::ConnectedState && timer.elapsed() < timeoutMs) {
        pump(socket, 100);
    }
    if (socket.state() != QAbstractSocket::ConnectedState) {
        return {};
    }
    socket.write(bytes);
    socket.flush();
    QList<Reply> replies;
    QByteArray in;
    bool shut = false;
    while (timer.elapsed() < timeoutMs) {
#if defined(Q_OS_UNIX)
        if (halfClose && !shut && socket.bytesToWrite() == 0) {
            ::shutdown(int(socket.socketDescriptor()), SHUT_WR);
            shut = true;
        }
#endif
        in += socket.readAll();
        Reply r;
        while (replies.size() < count && takeReply(in, r)) {
            replies.append(r);
        }
        if (replies.size() >= count || socket.state() != QAbstractSocket::ConnectedState) {
            break;
        }
        pump(socket, 50);
    }
    in += socket.readAll();
    Reply r;
    while (replies.size() < count && takeReply(in, r)) {
        replies.append(r);
    }
    if (!replies.isEmpty()) {
        replies.last().rest = in;
    }
    return replies;
}

// A literal that may hold NUL bytes.
template<qsizetype N>
QByteArray bin(const char (&s)[N])
{
    return QByteArray(s, N - 1);
}

QByteArray pct(const QByteArray &raw)
{
    return raw.toPercentEncoding();
}

} // namespace

class TestHostile final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Debugger> m_debugger;
    std::unique_ptr<Proxy> m_proxy;
    std::unique_ptr<HttpServer> m_server;
    Account m_account;
    QByteArray m_auth;
    QString m_service;
    QString m_session;
    QString m_participant;
    QByteArray m_snapshot;

    quint16 port() const { return m_server->port(); }

    QByteArray request(const QByteArray &method, const QByteArray &target, const QByteArray &body = QByteArray(),
                       const QByteArray &contentType = "application/x-www-form-urlencoded") const
    {
        QByteArray out = method + ' ' + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + m_auth;
        if (!body.isEmpty() || method == "POST") {
            out += "Content-Type: " + contentType + "\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n";
        }
        return out + "\r\n" + body;
    }

    QJsonObject getJson(const QString &path)
    {
        const QList<Reply> r = exchange(port(), request("GET", path.toLatin1()));
        return r.isEmpty() ? QJsonObject() : QJsonDocument::fromJson(r.constFirst().body).object();
    }

    // What the API shows of the whole store this test touches: a refused request must leave it exactly so.
    QByteArray snapshot()
    {
        QByteArray out;
        const QString svc = u"/v1/Services/"_s + m_service;
        for (const QString &path : QStringList{u"/v1/Services?PageSize=100"_s, svc + u"/PhoneNumbers?PageSize=100"_s,
                                               svc + u"/Sessions?PageSize=100"_s,
                                               svc + u"/Sessions/"_s + m_session + u"/Participants?PageSize=100"_s}) {
            QJsonObject o = getJson(path);
            o.remove(u"meta"_s);
            out += QJsonDocument(o).toJson(QJsonDocument::Compact) + '\n';
        }
        return out;
    }

    void add(const char *family, const QByteArray &name, const QByteArray &raw, int status, int code = 0)
    {
        QTest::newRow(QByteArray(QByteArray(family) + ": " + name).constData()) << raw << status << code;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<Database>(StoreConfig::fromLocation(m_dir.filePath(u"store.db"_s)));
        QVERIFY(m_db->migrate().ok());
        m_debugger = std::make_unique<Debugger>(*m_db, m_clock);
        m_proxy = std::make_unique<Proxy>(*m_db, m_clock, m_debugger.get());
        auto account = m_proxy->ensureAccount();
        QVERIFY(account.ok());
        m_account = *account;
        m_auth = "Authorization: Basic " + (m_account.sid + u':' + m_account.authToken).toUtf8().toBase64() + "\r\n";
        HttpConfig config;
        config.address = QHostAddress::LocalHost;
        config.port = 0;
        config.rateLimitPerSecond = 0;
        m_server = std::make_unique<HttpServer>(*m_proxy, m_debugger.get(), m_clock, config);
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));

        // A service with two numbers and a session of two participants, made through the API itself.
        QList<Reply> r = exchange(port(), request("POST", "/v1/Services", "UniqueName=hostile"));
        QVERIFY(!r.isEmpty());
        QCOMPARE(r.constFirst().status, 201);
        m_service = QJsonDocument::fromJson(r.constFirst().body).object().value(u"sid"_s).toString();
        for (const QByteArray number : {"%2B14155550100", "%2B14155550101"}) {
            r = exchange(port(), request("POST", "/v1/Services/" + m_service.toLatin1() + "/PhoneNumbers",
                                         "PhoneNumber=" + number));
            QVERIFY(!r.isEmpty());
            QCOMPARE(r.constFirst().status, 201);
        }
        r = exchange(port(), request("POST", "/v1/Services/" + m_service.toLatin1() + "/Sessions",
                                     "UniqueName=s1&Participants=" + pct(R"({"Identifier":"+14155550200"})") +
                                         "&Participants=" + pct(R"({"Identifier":"+14155550201"})")));
        QVERIFY(!r.isEmpty());
        QVERIFY2(r.constFirst().status == 201, r.constFirst().body.constData());
        m_session = QJsonDocument::fromJson(r.constFirst().body).object().value(u"sid"_s).toString();
        const QJsonObject participants =
            getJson(u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(m_service, m_session));
        m_participant = participants.value(u"participants"_s).toArray().at(0)[u"sid"_s].toString();
        QVERIFY(!m_participant.isEmpty());
        m_snapshot = snapshot();
        QVERIFY(m_snapshot.contains(m_session.toLatin1()));
    }

    void hostile_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("code"); // 0: any Twilio code

        const QByteArray svc = "/v1/Services/" + m_service.toLatin1();
        const QByteArray ses = svc + "/Sessions/" + m_session.toLatin1();
        const QByteArray auth = m_auth;
        const QByteArray host = "Host: 127.0.0.1\r\n";
        const QByteArray post = "POST /v1/Services HTTP/1.1\r\n";
        const QByteArray formType = "Content-Type: application/x-www-form-urlencoded\r\n";
        // A request whose body, if anyone read it as a request, would create a service.
        const QByteArray smuggled =
            "POST /v1/Services HTTP/1.1\r\nHost: x\r\n" + auth + formType + "Content-Length: 15\r\n\r\nUniqueName=smug";

        // --- RFC 9112 §6.1 / §6.3 / §11.2: Transfer-Encoding and Content-Length --------------------------------
        const QList<QByteArray> badTe = {
            "identity",          "gzip",     "gzip, chunked", "chunked, gzip",    "chunked, chunked",
            "chunked,",          ",chunked", "xchunked",      "chunkedx",         "chunked;q=1",
            "deflate",           "compress", "\"chunked\"",   "chunked identity", "chunk",
            "identity, chunked", "",         "ch unked",      "chunked\x0b",      "chunked\x0c"};
        for (const QByteArray &te : badTe) {
            add("te", "value '" + te.toPercentEncoding() + "'",
                post + host + auth + "Transfer-Encoding: " + te + "\r\n\r\n0\r\n\r\n", 400, 20400);
            add("te+cl", "value '" + te.toPercentEncoding() + "' with CL",
                post + host + auth + "Transfer-Encoding: " + te + "\r\nContent-Length: 5\r\n\r\n0\r\n\r\n", 400, 20400);
        }
        add("te", "chunked twice",
            post + host + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 20400);
        add("te", "chunked then identity + CL",
            post + host +
                "Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\nContent-Length: 4\r\n\r\n0\r\n\r\n" +
                smuggled,
            400, 20400);
        add("te", "identity then chunked",
            post + host + "Transfer-Encoding: identity\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400, 20400);
        add("te+cl", "CL first", post + host + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
            20400);
        add("te+cl", "TE first", post + host + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400,
            20400);
        add("te+cl", "CL 0 with TE", post + host + "Content-Length: 0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            400, 20400);
        add("te", "in HTTP/1.0", "POST /v1/Services HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400,
            20400);
        add("te", "obs-fold value", post + host + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n", 400, 20400);
        add("te", "folded onto another header",
            post + host + "X-A: 1\r\n Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n", 400, 20400);
        add("te", "space before colon", post + host + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n", 400, 20400);
        add("te", "tab before colon", post + host + "Transfer-Encoding\t: chunked\r\n\r\n0\r\n\r\n", 400, 20400);
        add("te", "name with NUL", post + host + bin("Transfer-Encoding\0: chunked\r\n\r\n0\r\n\r\n"), 400, 20400);

        const QList<QByteArray> badCl = {"+27",
                                         "-1",
                                         "2 7",
                                         "0x1b",
                                         "1b",
                                         "27.0",
                                         "1e2",
                                         "27,27",
                                         "27, 27",
                                         "27;",
                                         "",
                                         "a",
                                         "\xef\xbc\x92\xef\xbc\x97",
                                         "99999999999999999999999",
                                         "9223372036854775808",
                                         "-0",
                                         "+0",
                                         "27 27",
                                         "0x0",
                                         "1_0"};
        for (const QByteArray &cl : badCl) {
            add("cl", "value '" + cl.toPercentEncoding() + "'",
                post + host + auth + formType + "Content-Length: " + cl + "\r\n\r\nUniqueName=clbadxxxxxxxxxxxx", 400,
                20400);
        }
        add("cl", "twice same", post + host + "Content-Length: 4\r\nContent-Length: 4\r\n\r\nabcd", 400, 20400);
        add("cl", "twice different", post + host + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde", 400, 20400);
        add("cl", "space before colon", post + host + "Content-Length : 4\r\n\r\nabcd", 400, 20400);
        add("cl", "folded", post + host + "Content-Length:\r\n 4\r\n\r\nabcd", 400, 20400);
        add("cl", "over the body limit", post + host + "Content-Length: 2000000\r\n\r\n", 413, 20413);
        add("cl", "CL smuggles a request", post + host + auth + formType + "Content-Length : 0\r\n\r\n" + smuggled, 400,
            20400);

        // --- chunked bodies lenient parsers read differently -----------------------------------------------------
        const QByteArray chunkedHead = post + host + auth + formType + "Transfer-Encoding: chunked\r\n\r\n";
        const QList<std::pair<QByteArray, QByteArray>> badChunks = {
            {"size zz", "zz\r\nUniqueName=x\r\n0\r\n\r\n"},
            {"size 0x5", "0x5\r\nabcde\r\n0\r\n\r\n"},
            {"size +5", "+5\r\nabcde\r\n0\r\n\r\n"},
            {"size -5", "-5\r\nabcde\r\n0\r\n\r\n"},
            {"leading space", " 5\r\nabcde\r\n0\r\n\r\n"},
            {"trailing space", "5 \r\nabcde\r\n0\r\n\r\n"},
            {"bare LF after size", "5\nabcde\r\n0\r\n\r\n"},
            {"bare CR after size", "5\rabcde\r\n0\r\n\r\n"},
            {"no CRLF after data", "5\r\nabcdeXX0\r\n\r\n"},
            {"LF only after data", "5\r\nabcde\n0\r\n\r\n"},
            {"17 hex digits", "10000000000000000\r\nab\r\n0\r\n\r\n"},
            {"trailer field", "0\r\nX-Trailer: 1\r\n\r\n"},
            {"trailer smuggles", "0\r\nPOST /v1/Services HTTP/1.1\r\n\r\n"},
            {"empty size", "\r\nabcde\r\n0\r\n\r\n"},
            {"ext with CR", "5;a\rb\r\nabcde\r\n0\r\n\r\n"},
            {"last chunk LF only", "0\n\n"},
        };
        for (const auto &[name, body] : badChunks) {
            add("chunked", name, chunkedHead + body, 400, 20400);
        }

        // --- header syntax -----------------------------------------------------------------------------------------
        const QList<QByteArray> badNames = {"X(y)", "X y", "X\"y", "[x]", "X@Y",  "X/Y", "{x}",  "\xc3\xa9", "X=Y",
                                            "X,Y",  ";x",  "X\\Y", "X?Y", "X<Y>", "",    "X\tY", "\x01X",    "X\x7f"};
        for (const QByteArray &name : badNames) {
            add("field-name", "'" + name.toPercentEncoding() + "'",
                "GET /healthz HTTP/1.1\r\n" + host + name + ": 1\r\n\r\n", 400, 20400);
        }
        const QList<std::pair<QByteArray, QByteArray>> badValues = {
            {"NUL", bin("a\0b")}, {"SOH", "a\x01"},    {"ESC", "\x1b[31m"}, {"DEL", "a\x7f"},
            {"BEL", "\x07"},      {"bare CR", "a\rb"}, {"VT", "a\x0b"},     {"FF", "a\x0c"},
        };
        for (const auto &[name, value] : badValues) {
            add("field-value", name, "GET /healthz HTTP/1.1\r\n" + host + "X-A: " + value + "\r\n\r\n", 400, 20400);
            add("field-value", name + " in /v1",
                "GET /v1/Services HTTP/1.1\r\n" + host + auth + "X-A: " + value + "\r\n\r\n", 400, 20400);
        }
        add("obs-fold", "continuation with SP", "GET /healthz HTTP/1.1\r\n" + host + "X-A: 1\r\n 2\r\n\r\n", 400,
            20400);
        add("obs-fold", "continuation with HTAB", "GET /healthz HTTP/1.1\r\n" + host + "X-A: 1\r\n\t2\r\n\r\n", 400,
            20400);
        add("obs-fold", "folded Host", "GET /healthz HTTP/1.1\r\nHost:\r\n 127.0.0.1\r\n\r\n", 400, 20400);
        add("obs-fold", "first line folded", "GET /healthz HTTP/1.1\r\n X-A: 1\r\n" + host + "\r\n", 400, 20400);
        add("syntax", "no colon", "GET /healthz HTTP/1.1\r\n" + host + "NoColon\r\n\r\n", 400, 20400);
        add("syntax", "space before colon (Host)", "GET /healthz HTTP/1.1\r\nHost : x\r\n\r\n", 400, 20400);
        add("syntax", "bare CR line end", "GET /healthz HTTP/1.1\r\nHost: x\rX-A: 1\r\n\r\n", 400, 20400);
        add("syntax", "NUL in request line", bin("GET /health\0z HTTP/1.1\r\nHost: x\r\n\r\n"), 400, 20400);
        add("syntax", "NUL after head", bin("GET /healthz HTTP/1.1\r\nHost: x\r\nX: \0\r\n\r\n"), 400, 20400);

        // --- Host and Authorization (RFC 9112 §3.2) ---------------------------------------------------------------
        add("host", "missing on 1.1", "GET /healthz HTTP/1.1\r\n\r\n", 400, 20400);
        add("host", "missing on 1.1 /v1", "GET /v1/Services HTTP/1.1\r\n" + auth + "\r\n", 400, 20400);
        add("host", "twice", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400, 20400);
        add("host", "twice same", "GET /healthz HTTP/1.1\r\nHost: a\r\nHost: a\r\n\r\n", 400, 20400);
        add("host", "twice, different case", "GET /healthz HTTP/1.1\r\nHost: a\r\nHOST: b\r\n\r\n", 400, 20400);
        add("host", "twice on 1.0", "GET /healthz HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400, 20400);
        add("host", "none on 1.0 is fine", "GET /healthz HTTP/1.0\r\n\r\n", 200);
        add("authorization", "twice", "GET /v1/Services HTTP/1.1\r\n" + host + auth + auth + "\r\n", 400, 20400);
        add("authorization", "twice, second bad",
            "GET /v1/Services HTTP/1.1\r\n" + host + auth + "authorization: Basic Zm9vOmJhcg==\r\n\r\n", 400, 20400);

        // --- request line ------------------------------------------------------------------------------------------
        const QList<std::pair<QByteArray, QByteArray>> badLines = {
            {"double space", "GET  /healthz HTTP/1.1"},
            {"tab separator", "GET\t/healthz\tHTTP/1.1"},
            {"lowercase version", "GET /healthz http/1.1"},
            {"HTTP/1.2", "GET /healthz HTTP/1.2"},
            {"HTTP/2.0", "GET /healthz HTTP/2.0"},
            {"HTTP/1", "GET /healthz HTTP/1"},
            {"no version", "GET /healthz"},
            {"extra token", "GET /healthz HTTP/1.1 extra"},
            {"trailing space", "GET /healthz HTTP/1.1 "},
            {"leading space", " GET /healthz HTTP/1.1"},
            {"raw space in target", "GET /health z HTTP/1.1"},
            {"DEL in target", "GET /health\x7fz HTTP/1.1"},
            {"raw UTF-8 in target", "GET /h\xc3\xa9 HTTP/1.1"},
            {"bad escape in path", "GET /v1/Services/%ZZ HTTP/1.1"},
            {"truncated escape in path", "GET /healthz%4 HTTP/1.1"},
            {"method with slash", "G/T /healthz HTTP/1.1"},
        };
        for (const auto &[name, line] : badLines) {
            add("request-line", name, line + "\r\n" + host + auth + "\r\n", 400, 20400);
        }
        // RFC 9112 §2.2: empty lines before the request line are skipped, a bare CR is not an empty line (found by
        // the differential fuzz target: the front skipped it and served the request behind it).
        add("request-line", "empty lines before", "\r\n\n\r\nGET /healthz HTTP/1.1\r\n" + host + "\r\n", 200);
        add("request-line", "bare CR before", "\rGET /healthz HTTP/1.1\r\n" + host + "\r\n", 400, 20400);
        add("request-line", "CR CR LF before", "\r\r\nGET /healthz HTTP/1.1\r\n" + host + "\r\n", 400, 20400);
        add("request-line", "unknown method", "BREW /healthz HTTP/1.1\r\n" + host + "\r\n", 405, 20004);
        add("request-line", "lowercase method", "get /healthz HTTP/1.1\r\n" + host + "\r\n", 405, 20004);
        add("request-line", "TRACE", "TRACE /healthz HTTP/1.1\r\n" + host + "\r\n", 405, 20004);
        add("request-line", "CONNECT", "CONNECT 127.0.0.1:80 HTTP/1.1\r\n" + host + "\r\n", 405, 20004);
        // RFC 9112 §3.2.2: a server accepts the absolute form; the path is what follows the authority.
        add("request-line", "absolute-form target", "GET http://x/healthz HTTP/1.1\r\n" + host + "\r\n", 200);
        add("request-line", "absolute-form /v1 without credentials",
            "GET http://x/v1/Services HTTP/1.1\r\n" + host + "\r\n", 401, 20003);

        // --- limits (docs/decisions.md: 8 KiB request-target -> 414, 16 KiB of header fields or 100 fields -> 431)
        add("limits", "target 8193 bytes",
            "GET /healthz?x=" + QByteArray(8193 - 11, 'a') + " HTTP/1.1\r\n" + host + "\r\n", 414, 20414);
        add("limits", "target 100 KB /v1",
            "GET /v1/Services?x=" + QByteArray(100000, 'a') + " HTTP/1.1\r\n" + host + auth + "\r\n", 414, 20414);
        add("limits", "target 100 KB, head unfinished", "GET /healthz?x=" + QByteArray(100000, 'a'), 414, 20414);
        add("limits", "target 8000 bytes is fine",
            "GET /healthz?x=" + QByteArray(8000 - 11, 'a') + " HTTP/1.1\r\n" + host + "\r\n", 200);
        add("limits", "header 17 KiB",
            "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + QByteArray(17 * 1024, 'h') + "\r\n\r\n", 431, 20431);
        add("limits", "header 100 KB /v1",
            "GET /v1/Services HTTP/1.1\r\n" + host + auth + "X-Big: " + QByteArray(100000, 'h') + "\r\n\r\n", 431,
            20431);
        add("limits", "header 100 KB unfinished",
            "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + QByteArray(100000, 'h'), 431, 20431);
        QByteArray many;
        for (int i = 0; i < 101; ++i) {
            many += "X-" + QByteArray::number(i) + ": 1\r\n";
        }
        add("limits", "101 header fields", "GET /healthz HTTP/1.1\r\n" + host + many + "\r\n", 431, 20431);
        add("limits", "15 KiB of headers is fine",
            "GET /healthz HTTP/1.1\r\n" + host + "X-Big: " + QByteArray(15 * 1024, 'h') + "\r\n\r\n", 200);

        // --- percent escapes and UTF-8 under /v1 (80701 naming the parameter) -------------------------------------
        const QList<std::pair<QByteArray, QByteArray>> badEscapes = {
            {"%ZZ", "a%ZZ"}, {"%uD83D", "%uD83D"}, {"truncated %4", "a%4"}, {"lone %", "100%"},
            {"%G0", "%G0"},  {"%%", "%%"},         {"% 2", "%+2"},
        };
        const QList<std::pair<QByteArray, QByteArray>> badUtf8 = {
            {"overlong 2-byte /", "%C0%AF"},
            {"overlong C1", "%C1%BF"},
            {"overlong 3-byte", "%E0%80%AF"},
            {"overlong 4-byte", "%F0%80%80%AF"},
            {"overlong NUL", "%C0%80"},
            {"truncated 2-byte", "%C3"},
            {"truncated 3-byte", "%E2%82"},
            {"truncated 4-byte", "%F0%9F%98"},
            {"truncated then ASCII", "%E2%82x"},
            {"surrogate D800", "%ED%A0%80"},
            {"surrogate DFFF", "%ED%BF%BF"},
            {"CESU-8 pair", "%ED%A0%BD%ED%B8%80"},
            {"above U+10FFFF", "%F4%90%80%80"},
            {"F5 lead", "%F5%80%80%80"},
            {"5-byte form", "%F8%88%80%80%80"},
            {"FF", "%FF"},
            {"FE", "%FE"},
            {"lone continuation", "%80"},
            {"two continuations", "a%80%80b"},
            {"latin-1 e-acute", "caf%E9"},
        };
        const QList<std::pair<QByteArray, QByteArray>> encodings = badEscapes + badUtf8;
        for (const auto &[name, value] : encodings) {
            add("encoding", "Service UniqueName " + name, request("POST", "/v1/Services", "UniqueName=" + value), 400,
                80701);
            add("encoding", "Session UniqueName " + name, request("POST", svc + "/Sessions", "UniqueName=" + value),
                400, 80701);
            add("encoding", "query PageSize " + name, request("GET", "/v1/Services?PageSize=" + value), 400, 80701);
        }
        for (const auto &[name, value] : badUtf8) {
            add("encoding", "Participant FriendlyName " + name,
                request("POST", ses + "/Participants", "Identifier=%2B14155550300&FriendlyName=" + value), 400, 80701);
        }
        add("encoding", "bad escape in a key", request("POST", "/v1/Services", "Unique%ZZName=x&UniqueName=y"), 400,
            80701);
        add("encoding", "invalid UTF-8 in a key", request("POST", "/v1/Services", "A%FF=1&UniqueName=y"), 400, 80701);

        // --- control characters in names --------------------------------------------------------------------------
        const QList<std::pair<QByteArray, QByteArray>> controls = {
            {"NUL", "%00"},     {"SOH", "%01"}, {"BEL", "%07"}, {"TAB", "%09"},    {"LF", "%0A"},        {"CR", "%0D"},
            {"CRLF", "%0D%0A"}, {"ESC", "%1B"}, {"DEL", "%7F"}, {"NEL", "%C2%85"}, {"C1 CSI", "%C2%9B"},
        };
        for (const auto &[name, value] : controls) {
            add("control", "Service UniqueName " + name,
                request("POST", "/v1/Services", "UniqueName=ctl" + value + "x"), 400, 80701);
            add("control", "Service update UniqueName " + name, request("POST", svc, "UniqueName=ctl" + value), 400,
                80701);
            add("control", "Session UniqueName " + name,
                request("POST", svc + "/Sessions", "UniqueName=ctl" + value + "x"), 400, 80701);
            add("control", "Participant FriendlyName " + name,
                request("POST", ses + "/Participants", "Identifier=%2B14155550300&FriendlyName=a" + value), 400, 80701);
        }
        const QList<QByteArray> jsonControls = {"\\u0000", "\\u0001", "\\u0007", "\\u001b",
                                                "\\u007f", "\\u0085", "\\r\\n"};
        for (const QByteArray &c : jsonControls) {
            add("control", "Participants JSON FriendlyName " + c,
                request("POST", svc + "/Sessions",
                        "Participants=" + pct("{\"Identifier\":\"+14155550300\",\"FriendlyName\":\"a" + c + "\"}")),
                400, 80701);
        }

        // --- paging ----------------------------------------------------------------------------------------------
        const QList<QByteArray> lists = {"/v1/Services", svc + "/PhoneNumbers", svc + "/Sessions",
                                         ses + "/Participants", ses + "/Interactions"};
        const QList<QByteArray> badPaging = {"PageSize=0",
                                             "PageSize=-1",
                                             "PageSize=1e3",
                                             "PageSize=abc",
                                             "PageSize=",
                                             "PageSize=1.5",
                                             "PageSize=2147483648",
                                             "PageSize=99999999999999999999",
                                             "Page=-1",
                                             "Page=x",
                                             "Page=99999999999",
                                             "PageToken=garbage",
                                             "PageToken=PT",
                                             "PageToken=PT0",
                                             "PageToken=PT-1",
                                             "PageToken=PTabc",
                                             "PageToken=PT99999999999999999999999"};
        for (const QByteArray &list : lists) {
            for (const QByteArray &q : badPaging) {
                add("paging", list.mid(list.lastIndexOf('/')) + " " + q, request("GET", list + '?' + q), 400, 80701);
            }
            add("paging", list.mid(list.lastIndexOf('/')) + " PageSize=1000 is clamped",
                request("GET", list + "?PageSize=1000"), 200);
        }

        // --- invalid SIDs of every kind ----------------------------------------------------------------------------
        const QByteArray hex32(32, 'a');
        const QList<QByteArray> badSids = {"KS" + QByteArray(31, 'a'),
                                           "KS" + QByteArray(33, 'a'),
                                           "ks" + hex32,
                                           "KS" + QByteArray(32, 'z'),
                                           "PN" + hex32,
                                           "KC" + hex32,
                                           "KP" + hex32,
                                           "KI" + hex32,
                                           "AC" + hex32,
                                           "XX",
                                           "%4B%53" + hex32.left(30) + "zz"};
        for (const QByteArray &badSid : badSids) {
            const QByteArray &sid = badSid;
            const QByteArray tag = sid.left(4) + "…(" + QByteArray::number(sid.size()) + ")";
            add("sid", "Service " + tag, request("GET", "/v1/Services/" + sid), 404, 20404);
            add("sid", "Service update " + tag, request("POST", "/v1/Services/" + sid, "UniqueName=n"), 404, 20404);
            // A SID-shaped value is looked up as a SID (20404), anything else as a unique name (80308).
            add("sid", "Session " + tag, request("GET", svc + "/Sessions/" + sid), 404,
                sid.startsWith("KC") ? 20404 : 80308);
            add("sid", "Participant " + tag, request("GET", ses + "/Participants/" + sid), 404, 20404);
            add("sid", "PhoneNumber " + tag, request("GET", svc + "/PhoneNumbers/" + sid), 404, 20404);
            add("sid", "Interaction " + tag, request("GET", ses + "/Interactions/" + sid), 404, 20404);
        }

        // --- non-E.164 numbers -------------------------------------------------------------------------------------
        const QList<QByteArray> badNumbers = {"12345", "abc",        "%2B",         "%2B1",  "%2B123456789012345678",
                                              "%2B0",  "%2B1%20415", "00000000000", "%2B999"};
        for (const QByteArray &n : badNumbers) {
            add("e164", "PhoneNumber " + n, request("POST", svc + "/PhoneNumbers", "PhoneNumber=" + n), 400, 80406);
            add("e164", "Participant " + n, request("POST", ses + "/Participants", "Identifier=" + n), 400, 80404);
        }

        // --- Participants JSON --------------------------------------------------------------------------------------
        QByteArray deep;
        for (int i = 0; i < 100; ++i) {
            deep += R"({"a":)";
        }
        deep += "1" + QByteArray(100, '}');
        const QList<std::pair<QByteArray, QByteArray>> badJson = {
            {"open brace", "{"},
            {"array", "[]"},
            {"string", "\"x\""},
            {"null", "null"},
            {"number value", R"({"Identifier":1})"},
            {"object value", R"({"Identifier":{"a":"+14155550300"}})"},
            {"array value", R"({"Identifier":["+14155550300"]})"},
            {"nested 100 deep", deep},
            {"huge value", "{\"Identifier\":\"" + QByteArray(200000, '1') + "\"}"},
            {"Identifier twice", R"({"Identifier":"+14155550300","Identifier":"+14155550301"})"},
            {"Identifier and identifier", R"({"Identifier":"+14155550300","identifier":"+14155550301"})"},
            {"FriendlyName twice", R"({"Identifier":"+14155550300","FriendlyName":"a","friendlyname":"b"})"},
            {"lone ud800", R"({"Identifier":"+14155550300","FriendlyName":"a\ud800b"})"},
            {"lone udc00", R"({"Identifier":"+14155550300","FriendlyName":"a\udc00b"})"},
            {"ud800 then u0041", R"({"Identifier":"+14155550300","FriendlyName":"\ud800\u0041"})"},
            {"lone ud800 in key", R"({"Identifier":"+14155550300","\ud800":"x"})"},
            {"no Identifier", R"({"FriendlyName":"a"})"},
            {"empty Identifier", R"({"Identifier":""})"},
            {"trailing garbage", R"({"Identifier":"+14155550300"}x)"},
            {"single quotes", R"({'Identifier':'+14155550300'})"},
        };
        for (const auto &[name, json] : badJson) {
            add("participants-json", name, request("POST", svc + "/Sessions", "Participants=" + pct(json)), 400, 80701);
        }

        // --- dates and enums ---------------------------------------------------------------------------------------
        const QList<QByteArray> badDates = {"tomorrow",
                                            "2030-13-01T00:00:00Z",
                                            "2030-02-30T00:00:00Z",
                                            "2030-01-01T25:00:00Z",
                                            "2030-01-01T00:61:00Z",
                                            "2030/01/01",
                                            "01-01-2030",
                                            "2030-01-01T00:00:00+25:00",
                                            "%00",
                                            "99999-01-01T00:00:00Z"};
        for (const QByteArray &d : badDates) {
            add("date", "Session DateExpiry " + d.toPercentEncoding(),
                request("POST", svc + "/Sessions", "DateExpiry=" + pct(d)), 400, 80701);
            add("date", "Session update DateExpiry " + d.toPercentEncoding(),
                request("POST", ses, "DateExpiry=" + pct(d)), 400, 80701);
            add("date", "Debugger StartDate " + d.toPercentEncoding(),
                request("GET", "/v1/Debugger/Events?StartDate=" + pct(d)), 400, 80701);
        }
        const QList<std::pair<QByteArray, QByteArray>> badEnums = {
            {"Mode MESSAGE-ONLY", svc + "/Sessions|Mode=MESSAGE-ONLY"},
            {"Mode Voice-Only", svc + "/Sessions|Mode=Voice-Only"},
            {"Mode voice_and_message", svc + "/Sessions|Mode=voice_and_message"},
            {"Status OPEN", svc + "/Sessions|Status=OPEN"},
            {"Status Closed on update", ses + "|Status=Closed"},
            {"GeoMatchLevel Country", "/v1/Services|UniqueName=geo&GeoMatchLevel=Country"},
            {"NumberSelectionBehavior AVOID-STICKY",
             "/v1/Services|UniqueName=nsb&NumberSelectionBehavior=AVOID-STICKY"},
            {"FailOnParticipantConflict yes", svc + "/Sessions|FailOnParticipantConflict=yes"},
            {"IsReserved 1", svc + "/PhoneNumbers|PhoneNumber=%2B14155550999&IsReserved=1"},
            {"LogLevel fatal", "/v1/Debugger/Events|"},
        };
        for (const auto &[name, spec] : badEnums) {
            const QList<QByteArray> parts = spec.split('|');
            if (parts.at(1).isEmpty()) {
                add("enum", name, request("GET", parts.at(0) + "?LogLevel=fatal"), 400, 80701);
            } else {
                add("enum", name, request("POST", parts.at(0), parts.at(1)), 400, 80701);
            }
        }

        // --- content types and truncated bodies --------------------------------------------------------------------
        const QList<QByteArray> wrongTypes = {"application/json", "text/plain", "multipart/form-data; boundary=x",
                                              "application/xml", "application/x-www-form-urlencodedx"};
        for (const QByteArray &type : wrongTypes) {
            add("content-type", type, request("POST", "/v1/Services", "UniqueName=typed", type), 400, 80701);
        }
        add("content-type", "JSON body",
            request("POST", "/v1/Services", R"({"UniqueName":"json"})", "application/json"), 400, 80701);
    }

    void hostile()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(int, code);
        const QList<Reply> replies = exchange(port(), raw);
        QVERIFY2(!replies.isEmpty(), "no answer");
        const Reply &r = replies.constFirst();
        QVERIFY2(r.status == status, QByteArray(QByteArray::number(r.status) + ' ' + r.body.left(300)).constData());
        if (status >= 400 && status < 500) {
            // Twilio's error shape, everywhere the server answers an error itself (under /v1 and at the guard).
            const QJsonObject json = QJsonDocument::fromJson(r.body).object();
            QVERIFY2(json.value(u"code"_s).isDouble(), r.body.constData());
            QVERIFY2(json.value(u"message"_s).isString(), r.body.constData());
            QCOMPARE(json.value(u"more_info"_s).toString(),
                     u"https://www.twilio.com/docs/errors/%1"_s.arg(json.value(u"code"_s).toInt()));
            QCOMPARE(json.value(u"status"_s).toInt(), status);
            if (code != 0) {
                QCOMPARE(json.value(u"code"_s).toInt(), code);
            }
            if (code == 80701) {
                QVERIFY2(json.value(u"message"_s).toString().startsWith(u"Invalid parameter '"_s), r.body.constData());
            }
            // A refusal of the framing is final: nothing more on this connection.
            if (code >= 20400 && code <= 20431 && code != 20404) {
                QCOMPARE(r.header("Connection"), QByteArray("close"));
            }
        }
        // Still serving, and nothing changed.
        const QList<Reply> health = exchange(port(), "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        QVERIFY(!health.isEmpty());
        QCOMPARE(health.constFirst().status, 200);
        QCOMPARE(snapshot(), m_snapshot);
    }

    // A good request and a bad one in the same write: the good one's reply first, then the 400, then the end.
    void pipelinedBadSecond_data()
    {
        QTest::addColumn<QByteArray>("bad");
        QTest::addColumn<int>("status");
        QTest::newRow("missing host") << QByteArray("GET /healthz HTTP/1.1\r\n\r\n") << 400;
        QTest::newRow("te+cl") << QByteArray("POST /v1/Services HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
                                             "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
                               << 400;
        QTest::newRow("garbage") << QByteArray("HELLO\r\n\r\n") << 400;
        QTest::newRow("huge url") << ("GET /healthz?x=" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n")
                                  << 414;
    }

    void pipelinedBadSecond()
    {
        QFETCH(QByteArray, bad);
        QFETCH(int, status);
        const QByteArray good = request("GET", "/v1/Services/" + m_service.toLatin1());
        const QByteArray good2 = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
        const QList<Reply> replies = exchange(port(), good + good2 + bad + good2, 4);
        QCOMPARE(replies.size(), 3);
        QCOMPARE(replies.at(0).status, 200);
        QVERIFY(replies.at(0).body.contains(m_service.toLatin1()));
        QCOMPARE(replies.at(1).status, 200);
        QCOMPARE(replies.at(1).body, QByteArray("{\"status\":\"ok\"}"));
        QCOMPARE(replies.at(2).status, status);
        QCOMPARE(replies.at(2).header("Connection"), QByteArray("close"));
        // Nothing after the refusal is answered: the request behind it was never read.
        QVERIFY2(replies.at(2).rest.isEmpty(), replies.at(2).rest.constData());
        QCOMPARE(snapshot(), m_snapshot);
    }

    // Many good requests in one write are all answered, in order.
    void pipelinedGood()
    {
        QByteArray bytes;
        constexpr int COUNT = 20;
        for (int i = 0; i < COUNT; ++i) {
            bytes += i % 2 ? request("GET", "/v1/Services/" + m_service.toLatin1())
                           : QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
        }
        const QList<Reply> replies = exchange(port(), bytes, COUNT);
        QCOMPARE(replies.size(), COUNT);
        for (int i = 0; i < COUNT; ++i) {
            QCOMPARE(replies.at(i).status, 200);
            QCOMPARE(replies.at(i).body.contains(m_service.toLatin1()), i % 2 == 1);
        }
    }

    // Whether the connection stays open after a reply (RFC 9112 §9.3): a request after one that closes it is never
    // read, let alone answered.
    void connectionPersistence_data()
    {
        QTest::addColumn<QByteArray>("first");
        QTest::addColumn<int>("replies");
        QTest::newRow("HTTP/1.1 keeps") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n") << 2;
        QTest::newRow("HTTP/1.1 close") << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
                                        << 1;
        QTest::newRow("HTTP/1.1 close in a list")
            << QByteArray("GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: TE, Close\r\n\r\n") << 1;
        QTest::newRow("HTTP/1.0 closes") << QByteArray("GET /healthz HTTP/1.0\r\n\r\n") << 1;
        QTest::newRow("HTTP/1.0 keep-alive")
            << QByteArray("GET /healthz HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << 2;
    }

    void connectionPersistence()
    {
        QFETCH(QByteArray, first);
        QFETCH(int, replies);
        const QByteArray second =
            "GET /v1/Services/" + m_service.toLatin1() + " HTTP/1.1\r\nHost: x\r\n" + m_auth + "\r\n";
        const QList<Reply> got = exchange(port(), first + second, 2, false, 5000);
        QCOMPARE(got.size(), replies);
        QCOMPARE(got.constFirst().status, 200);
        QCOMPARE(got.constFirst().header("Connection") == "close", replies == 1);
        if (replies == 2) {
            QCOMPARE(got.at(1).status, 200);
            QVERIFY(got.at(1).body.contains(m_service.toLatin1()));
        } else {
            QVERIFY2(got.constFirst().rest.isEmpty(), got.constFirst().rest.constData());
        }
    }

    // The client sends a keep-alive request and half-closes its side: the whole reply still arrives.
    void halfClose_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<int>("status");
        QTest::addColumn<int>("replies");
        const QByteArray get = request("GET", "/v1/Services/" + m_service.toLatin1());
        QTest::newRow("one GET") << get << 200 << 1;
        QTest::newRow("two GETs") << get + get << 200 << 2;
        QTest::newRow("list") << request("GET", "/v1/Services?PageSize=100") << 200 << 1;
        QTest::newRow("refused") << request("POST", "/v1/Services", "UniqueName=%ZZ") << 400 << 1;
    }

    void halfClose()
    {
        QFETCH(QByteArray, raw);
        QFETCH(int, status);
        QFETCH(int, replies);
        const QList<Reply> got = exchange(port(), raw, replies, true);
        QCOMPARE(got.size(), replies);
        for (const Reply &r : got) {
            QCOMPARE(r.status, status);
            QCOMPARE(r.body.size(), r.header("Content-Length").toLongLong());
        }
    }

    // A body that never arrives in full is not answered as if it had (and creates nothing).
    void truncatedBody_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::newRow("content-length") << QByteArray("POST /v1/Services HTTP/1.1\r\nHost: x\r\n" + m_auth +
                                                      "Content-Type: application/x-www-form-urlencoded\r\n"
                                                      "Content-Length: 100\r\n\r\nUniqueName=trunc");
        QTest::newRow("chunked") << QByteArray("POST /v1/Services HTTP/1.1\r\nHost: x\r\n" + m_auth +
                                               "Content-Type: application/x-www-form-urlencoded\r\n"
                                               "Transfer-Encoding: chunked\r\n\r\n10\r\nUniqueName=tr");
        QTest::newRow("head") << QByteArray("POST /v1/Services HTTP/1.1\r\nHost: x\r\nContent-Le");
    }

    void truncatedBody()
    {
        QFETCH(QByteArray, raw);
        const QList<Reply> got = exchange(port(), raw, 1, true, 3000);
        QVERIFY2(got.isEmpty(), got.isEmpty() ? "" : got.constFirst().head.constData());
        QCOMPARE(snapshot(), m_snapshot);
    }
};

QTEST_GUILESS_MAIN(TestHostile)
#include "tst_hostile.moc"
