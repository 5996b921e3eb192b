// The carrier API's keep-alive client (carrier/apiclient.h) against a scripted server on loopback: connections kept
// and reused, the connection limit, answers framed by length, by chunks and by close, the one resend after an idle
// close, and every way a request ends without an answer.

#include <functional>
#include <memory>
#include <optional>

#include <QFile>
#include <QProcess>
#include <QScopeGuard>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslServer>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "carrier/apiclient.h"
#include "rawhttprequest.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

// Answers each complete request through `answer(socket, request, indexOnItsConnection)`.
class ScriptedServer final
{
public:
    using Answer = std::function<void(QTcpSocket *, const RawHttpRequest &, int nthOnConnection)>;
    Answer answer;
    QList<RawHttpRequest> requests;
    int accepted = 0;

    ScriptedServer()
    {
        if (!m_server.listen(QHostAddress::LocalHost, 0)) {
            qFatal("cannot listen");
        }
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this] {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++accepted;
                auto buffer = std::make_shared<QByteArray>();
                auto served = std::make_shared<int>(0);
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer, served] {
                    buffer->append(socket->readAll());
                    while (auto request = RawHttpRequest::take(*buffer)) {
                        requests.append(*request);
                        answer(socket, *request, (*served)++);
                    }
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QUrl url() const { return QUrl(u"http://127.0.0.1:%1"_s.arg(m_server.serverPort())); }

    static void reply(QTcpSocket *socket, const QByteArray &body, int status = 200, const QByteArray &extra = {})
    {
        socket->write("HTTP/1.1 " + QByteArray::number(status) +
                      " X\r\nContent-Length: " + QByteArray::number(body.size()) + "\r\n" + extra + "\r\n" + body);
    }

private:
    QTcpServer m_server;
};

} // namespace

class TestApiClient : public QObject
{
    Q_OBJECT

    std::unique_ptr<ScriptedServer> m_server;

    std::unique_ptr<ApiClient> client(int connections = 4, int timeoutMs = 5000, qint64 maxBody = 256 * 1024)
    {
        ApiClient::Config c;
        c.origin = m_server->url();
        c.connections = connections;
        c.timeoutMs = timeoutMs;
        c.maxBodyBytes = maxBody;
        return std::make_unique<ApiClient>(c);
    }

    static ApiClient::Request post(const QUrl &base, const QByteArray &body)
    {
        ApiClient::Request r;
        r.url = base.resolved(QUrl(u"/2010-04-01/Accounts/AC1/Messages.json?x=1"_s));
        r.headers = {{"Accept", "application/json"}};
        r.body = body;
        return r;
    }

    // Sends and waits for the one answer.
    static ApiClient::Response sendAndWait(ApiClient &c, ApiClient::Request request)
    {
        std::optional<ApiClient::Response> got;
        c.send(std::move(request), [&](const ApiClient::Response &r) { got = r; });
        [&] {
            QTRY_VERIFY_WITH_TIMEOUT(got.has_value(), 10000);
        }();
        return got.value_or(ApiClient::Response{});
    }

private Q_SLOTS:
    void init()
    {
        m_server = std::make_unique<ScriptedServer>();
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &r, int) {
            ScriptedServer::reply(s, "ok:" + r.body);
        };
    }

    void requestIsWellFormed()
    {
        auto c = client();
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "From=%2B1&To=%2B2"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("ok:From=%2B1&To=%2B2"));
        QCOMPARE(m_server->requests.size(), 1);
        const RawHttpRequest &sent = m_server->requests.first();
        QCOMPARE(sent.method, QByteArray("POST"));
        QCOMPARE(sent.target, QByteArray("/2010-04-01/Accounts/AC1/Messages.json?x=1"));
        QCOMPARE(sent.header("host"), "127.0.0.1:" + QByteArray::number(m_server->url().port()));
        QCOMPARE(sent.header("accept"), QByteArray("application/json"));
        QCOMPARE(sent.header("content-length"), QByteArray("17"));
        QVERIFY(sent.header("user-agent").startsWith("maskline/"));
    }

    void answersNeverComeFromInsideSend()
    {
        auto c = client();
        bool answered = false;
        c->send(post(m_server->url(), "a"), [&](const ApiClient::Response &) { answered = true; });
        QVERIFY(!answered);
        QTRY_VERIFY(answered);
    }

    void keptConnectionCarriesTheNextRequests()
    {
        auto c = client();
        for (int i = 0; i < 5; ++i) {
            const QByteArray body = "n=" + QByteArray::number(i);
            QCOMPARE(sendAndWait(*c, post(m_server->url(), body)).body, "ok:" + body);
        }
        QCOMPARE(m_server->accepted, 1);
        QCOMPARE(c->openConnections(), 1);
    }

    void connectionsStayWithinTheLimit()
    {
        auto c = client(2);
        QMap<QByteArray, QByteArray> answers;
        for (int i = 0; i < 7; ++i) {
            const QByteArray body = "n=" + QByteArray::number(i);
            c->send(post(m_server->url(), body),
                    [&answers, body](const ApiClient::Response &r) { answers[body] = r.body; });
        }
        QVERIFY(c->waiting() > 0);
        QTRY_COMPARE(answers.size(), 7);
        for (auto it = answers.cbegin(); it != answers.cend(); ++it) {
            QCOMPARE(it.value(), "ok:" + it.key());
        }
        QCOMPARE(m_server->accepted, 2);
    }

    void chunkedAnswerArrivingInPieces()
    {
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &, int) {
            s->write("HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel");
            s->flush();
            QTimer::singleShot(20, s, [s] { s->write("lo\r\n6\r\n world\r\n0\r\n\r\n"); });
        };
        auto c = client();
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "x"));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.body, QByteArray("hello world"));
        QCOMPARE(sendAndWait(*c, post(m_server->url(), "y")).status, 201); // and the connection is kept
        QCOMPARE(m_server->accepted, 1);
    }

    void answerEndedByClose()
    {
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &, int) {
            s->write("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nuntil the end");
            s->disconnectFromHost();
        };
        auto c = client();
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "x"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("until the end"));
        QCOMPARE(sendAndWait(*c, post(m_server->url(), "y")).status, 200);
        QCOMPARE(m_server->accepted, 2); // a closed connection is not reused
    }

    void closeRightAfterAnAnswer()
    {
        // A keep-alive answer, and the server closes at once anyway: the waiting request goes on a new connection.
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &r, int) {
            ScriptedServer::reply(s, "ok:" + r.body);
            s->disconnectFromHost();
        };
        auto c = client(1);
        QMap<QByteArray, int> status;
        for (const QByteArray &body : {QByteArray("a"), QByteArray("b"), QByteArray("c")}) {
            c->send(post(m_server->url(), body),
                    [&status, body](const ApiClient::Response &r) { status[body] = r.status; });
        }
        QTRY_COMPARE(status.size(), 3);
        QCOMPARE(status.value("a"), 200);
        QCOMPARE(status.value("b"), 200);
        QCOMPARE(status.value("c"), 200);
        QCOMPARE(m_server->accepted, 3);
    }

    void requestOnAConnectionClosedWhileIdleIsSentAgain()
    {
        // The server answers the first request of a connection and drops the connection on reading the second.
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &r, int nth) {
            if (nth == 0) {
                ScriptedServer::reply(s, "ok:" + r.body);
            } else {
                s->abort();
            }
        };
        auto c = client(1);
        QCOMPARE(sendAndWait(*c, post(m_server->url(), "first")).status, 200);
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "second"));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, QByteArray("ok:second"));
        QCOMPARE(m_server->requests.size(), 3); // the second, dropped, and the second again
        QCOMPARE(m_server->accepted, 2);
    }

    void newConnectionClosedWithoutAnswerIsAnError()
    {
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &, int) {
            s->abort();
        };
        auto c = client(1);
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "x"));
        QCOMPARE(r.status, 0);
        QVERIFY2(r.error.contains(u"closed before an answer"_s), qPrintable(r.error));
        QCOMPARE(m_server->requests.size(), 1); // not sent twice: a fresh connection was not closed while idle
    }

    void noAnswerWithinTheTimeLimit()
    {
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &r, int) {
            if (r.body == "answer me") {
                ScriptedServer::reply(s, "late");
            }
        };
        auto c = client(1, 200);
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "x"));
        QCOMPARE(r.status, 0);
        QVERIFY(r.timedOut);
        QVERIFY2(r.error.contains(u"time limit"_s), qPrintable(r.error));
        QCOMPARE(sendAndWait(*c, post(m_server->url(), "answer me")).body, QByteArray("late")); // on a new connection
        QCOMPARE(m_server->accepted, 2);
    }

    void unreadableAnswers_data()
    {
        QTest::addColumn<QByteArray>("wire");
        QTest::addColumn<QString>("error");
        QTest::newRow("not HTTP") << QByteArray("SMTP ready\r\n\r\n") << u"unreadable answer"_s;
        QTest::newRow("bad length") << QByteArray("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")
                                    << u"unreadable answer"_s;
    }

    void unreadableAnswers()
    {
        QFETCH(QByteArray, wire);
        QFETCH(QString, error);
        m_server->answer = [wire](QTcpSocket *s, const RawHttpRequest &, int) {
            s->write(wire);
        };
        auto c = client(1, 5000, 10);
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "x"));
        QCOMPARE(r.status, 0);
        QVERIFY2(r.error.contains(error), qPrintable(r.error));
        QCOMPARE(c->openConnections(), 0); // a connection in an unknown state is not kept
    }

    // https: the certificate is checked against the default configuration's CAs (what QNetworkAccessManager used),
    // so one made here is refused until it is trusted.
    void httpsChecksTheCertificate()
    {
        if (QStandardPaths::findExecutable(u"openssl"_s).isEmpty()) {
            QSKIP("openssl not found (scripts/setup-deps.sh test installs it)");
        }
        QTemporaryDir dir;
        QProcess openssl;
        openssl.start(u"openssl"_s, {u"req"_s, u"-x509"_s, u"-newkey"_s, u"rsa:2048"_s, u"-nodes"_s, u"-days"_s, u"2"_s,
                                     u"-subj"_s, u"/CN=127.0.0.1"_s, u"-addext"_s, u"subjectAltName=IP:127.0.0.1"_s,
                                     u"-keyout"_s, dir.filePath(u"key.pem"_s), u"-out"_s, dir.filePath(u"cert.pem"_s)});
        QVERIFY(openssl.waitForFinished(30000));
        QCOMPARE(openssl.exitCode(), 0);
        QFile certFile(dir.filePath(u"cert.pem"_s)), keyFile(dir.filePath(u"key.pem"_s));
        QVERIFY(certFile.open(QIODevice::ReadOnly) && keyFile.open(QIODevice::ReadOnly));
        const QSslCertificate cert(certFile.readAll(), QSsl::Pem);
        const QSslKey key(keyFile.readAll(), QSsl::Rsa, QSsl::Pem);

        QSslServer server;
        QSslConfiguration serverTls = QSslConfiguration::defaultConfiguration();
        serverTls.setLocalCertificate(cert);
        serverTls.setPrivateKey(key);
        serverTls.setPeerVerifyMode(QSslSocket::VerifyNone);
        server.setSslConfiguration(serverTls);
        QVERIFY(server.listen(QHostAddress::LocalHost, 0));
        int served = 0;
        connect(&server, &QTcpServer::pendingConnectionAvailable, &server, [&] {
            while (QTcpSocket *socket = server.nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                connect(socket, &QTcpSocket::readyRead, socket, [socket, buffer, &served] {
                    buffer->append(socket->readAll());
                    while (auto request = RawHttpRequest::take(*buffer)) {
                        ++served;
                        ScriptedServer::reply(socket, "secure:" + request->body);
                    }
                });
                connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
        const QUrl origin(u"https://127.0.0.1:%1"_s.arg(server.serverPort()));
        ApiClient::Config config;
        config.origin = origin;

        {
            ApiClient untrusting(config);
            const ApiClient::Response r = sendAndWait(untrusting, post(origin, "x"));
            QCOMPARE(r.status, 0);
            QVERIFY2(r.error.startsWith(u"cannot reach https://127.0.0.1"_s), qPrintable(r.error));
            QCOMPARE(served, 0);
        }

        const QSslConfiguration before = QSslConfiguration::defaultConfiguration();
        QSslConfiguration trusting = before;
        trusting.addCaCertificate(cert);
        QSslConfiguration::setDefaultConfiguration(trusting);
        const auto restore = qScopeGuard([&] { QSslConfiguration::setDefaultConfiguration(before); });
        ApiClient client(config);
        QCOMPARE(sendAndWait(client, post(origin, "a")).body, QByteArray("secure:a"));
        QCOMPARE(sendAndWait(client, post(origin, "b")).body, QByteArray("secure:b"));
        QCOMPARE(client.openConnections(), 1);
        QCOMPARE(served, 2);
    }

    void onlyTheStartOfALongAnswerIsRead()
    {
        m_server->answer = [](QTcpSocket *s, const RawHttpRequest &, int) {
            s->write("HTTP/1.1 400 Bad Request\r\nTransfer-Encoding: chunked\r\n\r\n9\r\n{\"code\":2\r\n40\r\n" +
                     QByteArray(64, ' ') + "\r\n0\r\n\r\n");
        };
        auto c = client(1, 5000, 10);
        const ApiClient::Response r = sendAndWait(*c, post(m_server->url(), "x"));
        QCOMPARE(r.status, 400); // the status still decides
        QVERIFY(r.truncated);
        QVERIFY2(r.body.size() <= 10 && r.body.startsWith("{\"code\":2"), r.body.constData());
        QCOMPARE(c->openConnections(), 0); // the rest is not read: the connection goes
    }

    void unreachableOrigin()
    {
        ApiClient::Config config;
        config.origin = QUrl(u"http://127.0.0.1:1"_s);
        ApiClient c(config);
        const ApiClient::Response r = sendAndWait(c, post(config.origin, "x"));
        QCOMPARE(r.status, 0);
        QVERIFY2(r.error.startsWith(u"cannot reach http://127.0.0.1:1"_s), qPrintable(r.error));
    }
};

QTEST_GUILESS_MAIN(TestApiClient)
#include "tst_apiclient.moc"
