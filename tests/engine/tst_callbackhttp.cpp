// Callbacks seen from the HTTP side, over real sockets: a call's webhook waits for its intercept / out-of-session
// callback through a deferred reply while the engine thread keeps serving other requests; an SMS webhook is answered
// before its callback runs; replies on one connection leave in request order; debugger events raised while a REST
// request is handled (conflict warnings deep in the domain) carry that request.

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "callbackfixture.h"
#include "fakecallbackserver.h"
#include "http/carrierwebhooks.h"
#include "http/httpserver.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString A = u"+14155550101"_s;
const QString B = u"+14155550202"_s;
const QString STRANGER = u"+14155550303"_s;
const QString POOL = u"+14155559999"_s;

QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QStringList parts;
    for (const auto &[k, v] : fields) {
        parts.append(FormData::encodeComponent(k) + u'=' + FormData::encodeComponent(v));
    }
    return parts.join(u'&').toLatin1();
}

FakeCallbackServer::Response slow(int status, int delayMs, const QByteArray &contentType = "text/plain",
                                  const QByteArray &body = {})
{
    FakeCallbackServer::Response r;
    r.status = status;
    r.delayMs = delayMs;
    r.contentType = contentType;
    r.body = body;
    return r;
}

} // namespace

class TestCallbackHttp final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<CallbackFixture> m_cf;
    std::unique_ptr<CarrierWebhooks> m_webhooks;
    std::unique_ptr<HttpServer> m_http;
    std::unique_ptr<FakeCallbackServer> m_callbacks;
    QNetworkAccessManager m_network;

    TrafficFixture &f() { return m_cf->traffic; }

    QNetworkReply *post(const QString &path, const QByteArray &body)
    {
        QNetworkRequest request(QUrl(m_http->baseUrl() + path));
        request.setRawHeader("Authorization",
                             "Basic " + (f().account.sid + u':' + f().account.authToken).toUtf8().toBase64());
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        return m_network.post(request, body);
    }

    Service service(const ServiceParams &params)
    {
        const Service s = f().service(params);
        f().number(s, POOL);
        return s;
    }

    // The settle loop of tst_callbacks: run the outbox until nothing is in flight or due.
    void settle()
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 8000) {
            if (f().outbox->processDue() == 0 && f().outbox->inFlight() == 0) {
                return;
            }
            QTest::qWait(5);
        }
        QFAIL("the outbox did not settle");
    }

private Q_SLOTS:
    void init()
    {
        m_callbacks = std::make_unique<FakeCallbackServer>();
        m_cf = std::make_unique<CallbackFixture>();
        m_cf->open(m_dir.filePath(u"h%1.db"_s.arg(++m_counter)));
        m_webhooks = std::make_unique<CarrierWebhooks>(*f().router, WebhookConfig{});
        HttpConfig config;
        config.port = 0;
        config.rateLimitPerSecond = 0;
        m_http = std::make_unique<HttpServer>(*f().proxy, f().debugger.get(), *f().clock, config);
        m_http->setCarrier(m_webhooks.get(), f().router.get());
        QVERIFY(m_http->listen());
    }

    void cleanup()
    {
        m_http.reset();
        m_webhooks.reset();
        m_cf.reset();
        m_callbacks.reset();
    }

    void callWebhookWaitsWithoutBlockingTheEngine()
    {
        ServiceParams p;
        p.interceptCallbackUrl = m_callbacks->url(u"/intercept"_s);
        const Service s = service(p);
        f().party(s, A, B);
        m_callbacks->script = {slow(200, 1500)};
        QElapsedTimer timer;
        timer.start();
        QNetworkReply *call = post(u"/carrier/simulator/voice"_s, form({{u"From"_s, A}, {u"To"_s, POOL}}));
        QNetworkReply *health = m_network.get(QNetworkRequest(QUrl(m_http->baseUrl() + u"/healthz"_s)));
        QTRY_VERIFY(health->isFinished());
        QVERIFY(!call->isFinished()); // the engine answered others while the call waited for its callback
        QTRY_VERIFY_WITH_TIMEOUT(call->isFinished(), 5000);
        QVERIFY2(timer.elapsed() >= 1400, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(call->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
        const QJsonObject json = QJsonDocument::fromJson(call->readAll()).object();
        QCOMPARE(json.value(u"outcome"_s).toString(), u"forwarded"_s);
        QVERIFY(json.value(u"twiml"_s).toString().contains(u"<Dial callerId=\"+14155559999\""_s));
        QCOMPARE(m_callbacks->requests.size(), 1);
        QVERIFY(m_callbacks->signatureValid(m_callbacks->requests.first(), f().account.authToken));
        call->deleteLater();
        health->deleteLater();
    }

    void outOfSessionCallIsAnsweredWithTheCallbacksTwiml()
    {
        ServiceParams p;
        p.outOfSessionCallbackUrl = m_callbacks->url(u"/oos"_s);
        service(p);
        const QByteArray twiml = "<Response><Say>Hello stranger</Say></Response>";
        m_callbacks->script = {slow(200, 300, "application/xml", twiml)};
        QNetworkReply *call = post(u"/carrier/simulator/voice"_s, form({{u"From"_s, STRANGER}, {u"To"_s, POOL}}));
        QTRY_VERIFY_WITH_TIMEOUT(call->isFinished(), 5000);
        const QJsonObject json = QJsonDocument::fromJson(call->readAll()).object();
        QCOMPARE(json.value(u"outcome"_s).toString(), u"out-of-session"_s);
        QCOMPARE(json.value(u"twiml"_s).toString().toUtf8(), twiml);
        call->deleteLater();
    }

    void smsWebhookIsAnsweredBeforeTheCallbackRuns()
    {
        ServiceParams p;
        p.interceptCallbackUrl = m_callbacks->url(u"/intercept"_s);
        const Service s = service(p);
        f().party(s, A, B);
        QNetworkReply *sms =
            post(u"/carrier/simulator/sms"_s, form({{u"From"_s, A}, {u"To"_s, POOL}, {u"Body"_s, u"hi"_s}}));
        QTRY_VERIFY(sms->isFinished());
        QVERIFY(m_callbacks->requests.isEmpty()); // answered before the intercept callback was even made
        const QJsonObject json = QJsonDocument::fromJson(sms->readAll()).object();
        QCOMPARE(json.value(u"outcome"_s).toString(), u"pending"_s);
        QVERIFY(json.value(u"interaction_sid"_s).toString().startsWith(u"KI"_s));
        settle();
        QCOMPARE(m_callbacks->requests.size(), 1);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM simulator_traffic WHERE direction = 'outbound'"_s), 1);
        sms->deleteLater();
    }

    void repliesOnOneConnectionKeepTheirOrder()
    {
        ServiceParams p;
        p.interceptCallbackUrl = m_callbacks->url(u"/intercept"_s);
        const Service s = service(p);
        f().party(s, A, B);
        m_callbacks->script = {slow(200, 500)};
        QTcpSocket socket;
        socket.connectToHost(QHostAddress::LocalHost, m_http->port());
        QVERIFY(socket.waitForConnected(2000));
        const QByteArray body = form({{u"From"_s, A}, {u"To"_s, POOL}});
        const QByteArray auth = (f().account.sid + u':' + f().account.authToken).toUtf8().toBase64();
        socket.write("POST /carrier/simulator/voice HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic " + auth +
                     "\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                     QByteArray::number(body.size()) + "\r\n\r\n" + body);
        QTest::qWait(100); // the call now waits for its intercept callback
        socket.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
        QByteArray received;
        QTRY_VERIFY_WITH_TIMEOUT((received += socket.readAll()).count("HTTP/1.1 200") == 2, 5000);
        const qsizetype call = received.indexOf("\"outcome\":\"forwarded\"");
        const qsizetype health = received.indexOf("{\"status\":\"ok\"}");
        QVERIFY2(call >= 0 && health > call, received.constData());
    }

    void restEventsCarryTheRequestThatRaisedThem()
    {
        AccountSettings settings;
        settings.allowParticipantConflict = true;
        QVERIFY(f().proxy->updateAccountSettings(f().account.sid, settings).ok());
        const Service s = service({});
        f().party(s, A, B, {}, POOL, POOL);
        SessionParams sp;
        const Session second = *f().proxy->createSession(f().account.sid, s.sid, sp);
        const QString path = u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(s.sid, second.sid);
        QNetworkReply *created =
            post(path, form({{u"Identifier"_s, A}, {u"ProxyIdentifier"_s, POOL}, {u"FriendlyName"_s, u"rider"_s}}));
        QTRY_VERIFY(created->isFinished());
        QCOMPARE(created->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 201);
        const QList<DebuggerEvent> events = f().events(80802);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().logLevel, u"error"_s);
        QCOMPARE(events.first().requestMethod, u"POST"_s);
        QCOMPARE(events.first().requestUrl, m_http->baseUrl() + path);
        QVERIFY2(events.first().requestVariables.contains(u"FriendlyName=rider"_s),
                 qPrintable(events.first().requestVariables));
        created->deleteLater();

        // An event raised outside any request (a sweep, a callback) names no request.
        f().router->routeMessage(f().sms(STRANGER, u"+14155557777"_s, u"x"_s));
        QVERIFY(f().events(80905).first().requestUrl.isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestCallbackHttp)
#include "tst_callbackhttp.moc"
