// Callback targets that misbehave never stall routing: a Service whose status callback URL hangs, resets the
// connection, redirects to itself forever or answers 10 MB still gets every inbound message routed at once and
// every carrier send made, against the real maskline-server binary with the carrier's API answered by a fake Twilio.

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "../engine/faketwilio.h"
#include "carrier/signature.h"
#include "http/formdata.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString ACCOUNT = u"AC11111111111111111111111111111111"_s;
const QString TOKEN = u"22222222222222222222222222222222"_s;
const QString TWILIO_SID = u"AC0123456789abcdef0123456789abcdef"_s;
const QString TWILIO_TOKEN = u"f00df00df00df00df00df00df00df00d"_s;
constexpr int MESSAGES = 40;

QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QStringList parts;
    for (const auto &[k, v] : fields) {
        parts.append(FormData::encodeComponent(k) + u'=' + FormData::encodeComponent(v));
    }
    return parts.join(u'&').toLatin1();
}

// A callback target that answers every request the same bad way, and counts what it was sent.
class AbusiveTarget final
{
public:
    enum class Mode
    {
        Hang,     // reads the request, never answers
        Reset,    // reads the request, then resets the connection (RST)
        Redirect, // 302 to itself, forever
        Huge,     // 200 with a 10 MB body
    };

    explicit AbusiveTarget(Mode mode)
        : m_mode(mode)
    {
        if (!m_server.listen(QHostAddress::LocalHost, 0)) {
            qFatal("abusive target cannot listen");
        }
        QObject::connect(&m_server, &QTcpServer::newConnection, &m_server, [this]() {
            while (QTcpSocket *socket = m_server.nextPendingConnection()) {
                ++connections;
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket]() { serve(socket); });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QString url() const { return u"http://127.0.0.1:%1/status"_s.arg(m_server.serverPort()); }
    int connections = 0;
    int requests = 0;

private:
    void serve(QTcpSocket *socket)
    {
        const QByteArray data = socket->readAll();
        requests += int(data.count("POST /status"));
        switch (m_mode) {
        case Mode::Hang:
            return;
        case Mode::Reset:
            socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
            socket->abort(); // closes without a FIN handshake: the peer sees a reset or an early close
            return;
        case Mode::Redirect:
            socket->write("HTTP/1.1 302 Found\r\nLocation: " + url().toLatin1() + "\r\nContent-Length: 0\r\n\r\n");
            return;
        case Mode::Huge: {
            constexpr qint64 SIZE = 10 * 1024 * 1024;
            socket->write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + QByteArray::number(SIZE) +
                          "\r\n\r\n");
            socket->write(QByteArray(SIZE, 'x'));
            return;
        }
        }
    }

    Mode m_mode;
    QTcpServer m_server;
};

} // namespace

class TestCallbackAbuse final : public QObject
{
    Q_OBJECT

private:
    QNetworkAccessManager m_network;

    struct Reply
    {
        int status = 0;
        QByteArray body;
        QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    };

    QNetworkReply *start(const QString &base, const QByteArray &method, const QString &path, const QByteArray &body,
                         bool basicAuth = true, const QByteArray &signature = {})
    {
        QNetworkRequest request(QUrl(base + path));
        if (basicAuth) {
            request.setRawHeader("Authorization", "Basic " + (ACCOUNT + u':' + TOKEN).toLatin1().toBase64());
        }
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        if (!signature.isEmpty()) {
            request.setRawHeader("X-Twilio-Signature", signature);
        }
        return m_network.sendCustomRequest(request, method, body);
    }

    Reply finish(QNetworkReply *reply)
    {
        if (!QTest::qWaitFor([reply]() { return reply->isFinished(); }, 20000)) {
            qWarning("request timed out");
        }
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        reply->deleteLater();
        return r;
    }

private Q_SLOTS:
    void misbehavingStatusCallbackNeverStallsRouting_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QByteArray>("reason"); // what /metrics says the attempts failed of
        QTest::newRow("hangs") << int(AbusiveTarget::Mode::Hang) << QByteArray("timeout");
        QTest::newRow("resets") << int(AbusiveTarget::Mode::Reset) << QByteArray("no_answer");
        QTest::newRow("redirects forever") << int(AbusiveTarget::Mode::Redirect) << QByteArray("302");
        QTest::newRow("answers 10 MB") << int(AbusiveTarget::Mode::Huge) << QByteArray("too_large");
    }

    void misbehavingStatusCallbackNeverStallsRouting()
    {
        QFETCH(int, mode);
        QFETCH(QByteArray, reason);
        AbusiveTarget target{AbusiveTarget::Mode(mode)};
        FakeTwilio twilio;
        QTemporaryDir dir;
        QProcess server;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"MASKLINE_ACCOUNT_SID"_s, ACCOUNT);
        env.insert(u"MASKLINE_AUTH_TOKEN"_s, TOKEN);
        env.insert(u"MASKLINE_TWILIO_AUTH_TOKEN"_s, TWILIO_TOKEN);
        env.remove(u"MASKLINE_CONFIG"_s);
        env.remove(u"MASKLINE_PUBLIC_URL"_s);
        server.setProcessEnvironment(env);
        server.start(QStringLiteral(MASKLINE_SERVER_BINARY),
                     {u"--db"_s, dir.filePath(u"abuse.db"_s), u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s,
                      u"off"_s, u"--carrier"_s, u"twilio"_s, u"--twilio-api-url"_s, twilio.url(),
                      u"--twilio-account-sid"_s, TWILIO_SID, u"--callback-timeout-ms"_s, u"2000"_s});
        QVERIFY2(server.waitForStarted(10000), qPrintable(server.errorString()));
        static const QRegularExpression listening(u"listening on (http://\\S+)"_s);
        QString output;
        QVERIFY(QTest::qWaitFor(
            [&]() {
                output += QString::fromUtf8(server.readAllStandardOutput());
                return listening.match(output).hasMatch() || server.state() == QProcess::NotRunning;
            },
            20000));
        const QString base = listening.match(output).captured(1);
        QVERIFY2(!base.isEmpty(), qPrintable(output + QString::fromUtf8(server.readAllStandardError())));

        const Reply service = finish(start(base, "POST", u"/v1/Services"_s,
                                           form({{u"UniqueName"_s, u"abuse"_s}, {u"CallbackUrl"_s, target.url()}})));
        QCOMPARE(service.status, 201);
        const QString ks = service.json().value(u"sid"_s).toString();
        const QString pool = u"+14155559999"_s;
        twilio.ownNumber(u"PN0123456789abcdef0123456789abcdef"_s, pool);
        QCOMPARE(
            finish(start(base, "POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"PhoneNumber"_s, pool}})))
                .status,
            201);
        twilio.requests.clear(); // the lookup and the webhook update
        const QString a = u"+14155550101"_s;
        const Reply session = finish(start(base, "POST", u"/v1/Services/%1/Sessions"_s.arg(ks),
                                           form({{u"Participants"_s, u"{\"Identifier\":\"%1\"}"_s.arg(a)},
                                                 {u"Participants"_s, u"{\"Identifier\":\"+14155550202\"}"_s}})));
        QCOMPARE(session.status, 201);

        // 40 inbound messages, all sent at once; each is a carrier send plus status callbacks to the bad target.
        QList<QNetworkReply *> webhooks;
        for (int i = 0; i < MESSAGES; ++i) {
            const QString sid = u"SM%1"_s.arg(qlonglong(i), 32, 10, QChar(u'0'));
            const QList<std::pair<QString, QString>> fields{{u"MessageSid"_s, sid},  {u"AccountSid"_s, TWILIO_SID},
                                                            {u"From"_s, a},          {u"To"_s, pool},
                                                            {u"Body"_s, u"hello"_s}, {u"NumMedia"_s, u"0"_s}};
            const QString path = u"/carrier/twilio/sms"_s;
            webhooks.append(start(base, "POST", path, form(fields), false,
                                  TwilioSignature::compute(TWILIO_TOKEN, base + path, fields)));
        }
        for (QNetworkReply *reply : std::as_const(webhooks)) {
            QCOMPARE(finish(reply).status, 200);
        }
        // Every message reaches the carrier while the callbacks are still failing, not after their retries.
        QTRY_COMPARE_WITH_TIMEOUT(twilio.requests.size(), MESSAGES, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(target.requests > 0 || target.connections > 0, 20000);
        // The REST API still answers while callbacks are in trouble.
        QCOMPARE(finish(start(base, "GET", u"/v1/Services/%1/Sessions"_s.arg(ks), {})).status, 200);

        // /metrics names the failure the way it happened.
        const QByteArray failures =
            "maskline_outbox_attempt_failures_total{kind=\"callback.status\",reason=\"" + reason + "\"} ";
        QByteArray metrics;
        QTRY_VERIFY2_WITH_TIMEOUT(
            (metrics = finish(start(base, "GET", u"/metrics"_s, {}, false)).body).contains(failures),
            metrics.constData(), 10000);
        // The redirect is never followed: one request per attempt (those finished, plus a few in flight), not a loop.
        if (AbusiveTarget::Mode(mode) == AbusiveTarget::Mode::Redirect) {
            const int requests = target.requests;
            metrics = finish(start(base, "GET", u"/metrics"_s, {}, false)).body;
            qint64 attempts = 0;
            for (const QByteArray &line : metrics.split('\n')) {
                if (line.startsWith("maskline_outbox_attempts_total{kind=\"callback.status\"")) {
                    attempts += line.mid(line.lastIndexOf(' ') + 1).toLongLong();
                }
            }
            QVERIFY(attempts > 0);
            QVERIFY2(requests <= attempts + 8, qPrintable(u"%1 requests, %2 attempts"_s.arg(requests).arg(attempts)));
        }

        server.terminate();
        QVERIFY(server.waitForFinished(20000));
        QCOMPARE(server.exitCode(), 0);
    }
};

QTEST_GUILESS_MAIN(TestCallbackAbuse)
#include "tst_callbackabuse.moc"
