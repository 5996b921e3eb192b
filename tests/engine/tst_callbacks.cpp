// The Service callbacks of reference §6.2-§6.5 against fake callback servers on loopback: status callbacks (every
// parameter, one per outbound status, retries with 80908, order per session, restarts), intercept callbacks (200,
// 403, 5xx, redirects, timeouts; messages durable and in order, calls waiting within the webhook's budget) and
// out-of-session callbacks (TwiML, auto-create JSON with and without charset, non-2xx, unusable replies, no answer)
// — each with its debugger event (code, level, SIDs, request and response) and a signature our validator accepts.

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "callbackfixture.h"
#include "carrier/twiml.h"
#include "fakecallbackserver.h"
#include "store/rows.h"
#include "testdb.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString A = u"+14155550101"_s;
const QString B = u"+14155550202"_s;
const QString STRANGER = u"+14155550303"_s;
const QString POOL = u"+14155559999"_s;
const QString POOL2 = u"+14155558888"_s;

const QStringList INTERCEPT_PARAMS{
    u"interactionSid"_s,        u"interactionSessionSid"_s, u"interactionServiceSid"_s,  u"interactionAccountSid"_s,
    u"interactionType"_s,       u"interactionData"_s,       u"interactionDateCreated"_s, u"interactionDateUpdated"_s,
    u"inboundParticipantSid"_s, u"inboundResourceSid"_s,    u"inboundResourceStatus"_s,  u"inboundResourceType"_s,
    u"inboundResourceUrl"_s,
};
const QStringList OUTBOUND_PARAMS{u"outboundParticipantSid"_s, u"outboundResourceSid"_s, u"outboundResourceStatus"_s,
                                  u"outboundResourceType"_s, u"outboundResourceUrl"_s};

using Response = FakeCallbackServer::Response;

Response reply(int status, const QByteArray &contentType = "text/plain", const QByteArray &body = {})
{
    Response r;
    r.status = status;
    r.contentType = contentType;
    r.body = body;
    return r;
}

Response hanging()
{
    Response r;
    r.hang = true;
    return r;
}

const QByteArray TWIML_SAY =
    R"(<?xml version="1.0" encoding="UTF-8"?><Response><Say>Not in a session</Say></Response>)";

} // namespace

Q_DECLARE_METATYPE(Maskline::Testing::FakeCallbackServer::Response)

class TestCallbacks final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<CallbackFixture> m_cf;
    std::unique_ptr<FakeCallbackServer> m_status;
    std::unique_ptr<FakeCallbackServer> m_intercept;
    std::unique_ptr<FakeCallbackServer> m_oos;

    TrafficFixture &f() { return m_cf->traffic; }
    Outbox &outbox() { return *f().outbox; }
    QString token() { return f().account.authToken; }
    SimulatorCarrier &simulator() { return *qobject_cast<SimulatorCarrier *>(f().carrier.get()); }

    QList<SimulatorRecord> sent()
    {
        QList<SimulatorRecord> out;
        const QList<SimulatorRecord> all = simulator().recent(1000);
        for (auto it = all.crbegin(); it != all.crend(); ++it) {
            if (it->direction == u"outbound"_s) {
                out.append(*it);
            }
        }
        return out;
    }

    // Runs the outbox until nothing is in flight and nothing is due by the manual clock.
    void settle(int timeoutMs = 8000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            const int started = outbox().processDue();
            if (started == 0 && outbox().inFlight() == 0) {
                return;
            }
            QTest::qWait(5);
        }
        QFAIL("the outbox did not settle");
    }

    Service service(bool status, bool intercept, bool oos, const QString &statusPath = u"/status"_s)
    {
        ServiceParams p;
        if (status) {
            p.callbackUrl = m_status->url(statusPath);
        }
        if (intercept) {
            p.interceptCallbackUrl = m_intercept->url(u"/intercept"_s);
        }
        if (oos) {
            p.outOfSessionCallbackUrl = m_oos->url(u"/oos"_s);
        }
        const Service s = f().service(p);
        f().number(s, POOL);
        f().number(s, POOL2);
        return s;
    }

    Party party(const Service &s) { return f().party(s, A, B, {}, POOL, POOL); }

    QList<OutboxItem> items(const QString &kind) { return outbox().items(kind); }

    RouteResult routeCall(const InboundCall &call, int timeoutMs = 8000)
    {
        std::optional<RouteResult> result;
        f().router->routeCall(call, [&result](const RouteResult &r) { result = r; });
        QElapsedTimer timer;
        timer.start();
        while (!result && timer.elapsed() < timeoutMs) {
            QTest::qWait(5);
        }
        if (!result) {
            qFatal("the call was never answered");
        }
        return *result;
    }

    void verifySigned(const FakeCallbackServer &server)
    {
        for (const FakeCallbackServer::Request &r : server.requests) {
            QVERIFY2(server.signatureValid(r, token()), r.body.constData());
            QCOMPARE(r.method, QByteArray("POST"));
            QCOMPARE(r.header("content-type"), QByteArray("application/x-www-form-urlencoded; charset=utf-8"));
            QCOMPARE(r.header("user-agent"), QByteArray("TwilioProxy/1.1"));
            QVERIFY(!r.header("i-twilio-idempotency-token").isEmpty());
        }
    }

    void verifyEvent(const DebuggerEvent &e, int code, const QString &level, const QString &url)
    {
        QCOMPARE(e.code, code);
        QCOMPARE(e.logLevel, level);
        QCOMPARE(e.accountSid, f().account.sid);
        QVERIFY(e.serviceSid.startsWith(u"KS"_s));
        QCOMPARE(e.requestMethod, u"POST"_s);
        QVERIFY2(e.requestUrl.startsWith(url), qPrintable(e.requestUrl));
        QVERIFY(!e.requestVariables.isEmpty());
        QVERIFY(!e.responseBody.isEmpty());
        QVERIFY(e.message.size() > 60);
    }

private Q_SLOTS:
    void init()
    {
        m_status = std::make_unique<FakeCallbackServer>();
        m_intercept = std::make_unique<FakeCallbackServer>();
        m_oos = std::make_unique<FakeCallbackServer>();
        m_cf = std::make_unique<CallbackFixture>();
        m_cf->config.interceptTimeoutMs = 400;
        m_cf->config.outOfSessionTimeoutMs = 400;
        m_cf->config.statusTimeoutMs = 400;
        m_cf->open(Testing::testStoreLocation(m_dir.filePath(u"c%1.db"_s.arg(++m_counter))));
    }

    void cleanup()
    {
        m_cf.reset();
        m_status.reset();
        m_intercept.reset();
        m_oos.reset();
    }

    // --- status callbacks (reference §6.4) ---------------------------------------------------------------------------

    void statusCallbacksForAMessage()
    {
        const Service s = service(true, false, false, u"/status?tenant=a%20b"_s);
        const Party p = party(s);
        InboundMessage m = f().sms(A, POOL, u"I'm outside & ready 🚗"_s, u"SM0123456789abcdef0123456789abcdef"_s);
        const RouteResult r = f().router->routeMessage(m);
        QVERIFY(r.forwarded());
        // Queued with the interaction itself: it exists exactly when the interaction does.
        QCOMPARE(items(Callbacks::STATUS_KIND).size(), 1);
        settle();
        QCOMPARE(m_status->requests.size(), 2); // new interaction (queued), then the carrier's answer (delivered)
        verifySigned(*m_status);
        const auto &first = m_status->requests.at(0);
        const auto &second = m_status->requests.at(1);
        QCOMPARE(first.target, QByteArray("/status?tenant=a%20b"));
        QCOMPARE(first.names(), INTERCEPT_PARAMS + OUTBOUND_PARAMS);
        QCOMPARE(first.param(u"interactionSid"_s), r.interaction.sid);
        QCOMPARE(first.param(u"interactionSessionSid"_s), p.session.sid);
        QCOMPARE(first.param(u"interactionServiceSid"_s), s.sid);
        QCOMPARE(first.param(u"interactionAccountSid"_s), f().account.sid);
        QCOMPARE(first.param(u"interactionType"_s), u"message"_s);
        QCOMPARE(QJsonDocument::fromJson(first.param(u"interactionData"_s).toUtf8()).object().value(u"body"_s),
                 u"I'm outside & ready 🚗"_s);
        QCOMPARE(first.param(u"interactionDateCreated"_s), Time::toIso(f().clock->now()));
        QCOMPARE(first.param(u"inboundParticipantSid"_s), p.a.sid);
        QCOMPARE(first.param(u"inboundResourceSid"_s), u"SM0123456789abcdef0123456789abcdef"_s);
        QCOMPARE(first.param(u"inboundResourceStatus"_s), u"received"_s);
        QCOMPARE(first.param(u"inboundResourceType"_s), u"message"_s); // lowercase, as consumers compare
        QCOMPARE(first.param(u"outboundParticipantSid"_s), p.b.sid);
        QCOMPARE(first.param(u"outboundResourceStatus"_s), u"queued"_s);
        QCOMPARE(first.param(u"outboundResourceType"_s), u"message"_s);
        QVERIFY(first.param(u"outboundResourceSid"_s).isEmpty());
        QVERIFY(!first.has(u"NumMedia"_s));
        QCOMPARE(second.param(u"outboundResourceStatus"_s), u"delivered"_s);
        QCOMPARE(second.param(u"outboundResourceSid"_s), sent().first().sid);
        QVERIFY(first.header("i-twilio-idempotency-token") != second.header("i-twilio-idempotency-token"));

        // The signature covers every parameter: one altered value no longer validates.
        FakeCallbackServer::Request altered = first;
        altered.params[0].second = u"KI00000000000000000000000000000000"_s;
        QVERIFY(!m_status->signatureValid(altered, token()));
        QVERIFY(!m_status->signatureValid(first, u"wrong-token"_s));
        QVERIFY(f().events().isEmpty());
    }

    void statusCallbacksForACall()
    {
        const Service s = service(true, false, false);
        party(s);
        const RouteResult r = routeCall(f().call(A, POOL, u"CA0123456789abcdef0123456789abcdef"_s));
        QVERIFY(r.forwarded());
        settle();
        QCOMPARE(m_status->requests.size(), 2);
        verifySigned(*m_status);
        const auto &first = m_status->requests.at(0);
        QCOMPARE(first.param(u"interactionType"_s), u"voice"_s);
        QCOMPARE(first.param(u"inboundResourceType"_s), u"call"_s);
        QCOMPARE(first.param(u"outboundResourceType"_s), u"call"_s);
        QCOMPARE(first.param(u"outboundResourceStatus"_s), u"initiated"_s);
        QCOMPARE(m_status->requests.at(1).param(u"outboundResourceStatus"_s), u"completed"_s);
        QVERIFY(m_status->requests.at(1).param(u"outboundResourceSid"_s).startsWith(u"CA"_s));
    }

    void mmsCallbacksCarryMediaUrls()
    {
        const Service s = service(true, true, false);
        party(s);
        InboundMessage m = f().sms(A, POOL, QString());
        m.mediaUrls = {u"https://media.example/a.png"_s, u"https://media.example/b.png"_s};
        QCOMPARE(f().router->routeMessage(m).outcome, RouteResult::Outcome::Pending);
        settle();
        for (const FakeCallbackServer *server : {m_intercept.get(), m_status.get()}) {
            QVERIFY(!server->requests.isEmpty());
            const auto &r = server->requests.first();
            QCOMPARE(r.param(u"NumMedia"_s), u"2"_s);
            QCOMPARE(r.param(u"MediaUrl0"_s), m.mediaUrls.at(0));
            QCOMPARE(r.param(u"MediaUrl1"_s), m.mediaUrls.at(1));
            QVERIFY(server->signatureValid(r, token()));
        }
    }

    void droppedTrafficProducesNoCallbacks_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<QString>("mode");
        QTest::newRow("opt-out keyword") << u"STOP"_s << SessionMode::VOICE_AND_MESSAGE;
        QTest::newRow("opt-in keyword UNSTOP") << u"unstop"_s << SessionMode::VOICE_AND_MESSAGE;
        QTest::newRow("sms into voice-only") << u"hi"_s << SessionMode::VOICE_ONLY;
    }

    void droppedTrafficProducesNoCallbacks()
    {
        QFETCH(QString, body);
        QFETCH(QString, mode);
        const Service s = service(true, true, true);
        SessionParams sp;
        sp.mode = mode;
        f().party(s, A, B, sp, POOL, POOL);
        QVERIFY(!f().router->routeMessage(f().sms(A, POOL, body)).forwarded());
        settle();
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
        QVERIFY(m_status->requests.isEmpty());
        QVERIFY(m_intercept->requests.isEmpty());
        QVERIFY(m_oos->requests.isEmpty());
    }

    void oneCallbackPerOutboundStatus()
    {
        const Service s = service(true, false, false);
        party(s);
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        settle();
        QCOMPARE(m_status->requests.size(), 2);
        // The carrier repeats a status, and a late one arrives: neither is called back again.
        StatusReport report;
        report.interactionSid = r.interaction.sid;
        report.resourceSid = sent().first().sid;
        report.messageStatus = u"delivered"_s;
        QVERIFY(f().router->applyStatus(report).ok());
        report.messageStatus = u"sent"_s;
        QVERIFY(f().router->applyStatus(report).ok());
        settle();
        QCOMPARE(m_status->requests.size(), 2);
        report.messageStatus = u"undelivered"_s; // same stage, another status: a change
        QVERIFY(f().router->applyStatus(report).ok());
        settle();
        QCOMPARE(m_status->requests.size(), 3);
        QCOMPARE(m_status->requests.last().param(u"outboundResourceStatus"_s), u"undelivered"_s);
    }

    void messageInteractionsAreCalledBack()
    {
        const Service s = service(true, true, false);
        const Party p = party(s);
        auto i = f().router->sendMessageInteraction(f().account.sid, s.sid, p.session.sid, p.b.sid, u"hello"_s);
        QVERIFY(i.ok());
        settle();
        QVERIFY(m_intercept->requests.isEmpty()); // not inbound traffic: nothing to intercept
        QCOMPARE(m_status->requests.size(), 2);
        const auto &first = m_status->requests.first();
        QCOMPARE(first.param(u"interactionSid"_s), i->sid);
        QVERIFY(first.param(u"inboundParticipantSid"_s).isEmpty());
        QCOMPARE(first.param(u"outboundParticipantSid"_s), p.b.sid);
    }

    void failedStatusCallbackIsRetriedWithBackoff()
    {
        const Service s = service(true, false, false);
        const Party p = party(s);
        m_status->script = {reply(500, "application/json", R"({"error":"db down"})")};
        QSignalSpy measured(&outbox(), &Outbox::attemptMeasured);
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        QCOMPARE(outbox().processDue(), 2); // the carrier send and the first status callback
        QTRY_COMPARE(outbox().inFlight(), 0);
        // For /metrics: the send was delivered; the callback failed with the status its URL answered, and took time.
        QTRY_COMPARE(measured.size(), 2);
        QHash<QString, QList<QVariant>> byKind;
        for (const QList<QVariant> &args : std::as_const(measured)) {
            byKind.insert(args.at(0).toString(), args);
        }
        QCOMPARE(byKind.value(Router::SEND_MESSAGE_KIND).at(1).toString(), u"done"_s);
        QCOMPARE(byKind.value(Router::SEND_MESSAGE_KIND).at(2).toString(), QString());
        QCOMPARE(byKind.value(Callbacks::STATUS_KIND).at(1).toString(), u"pending"_s);
        QCOMPARE(byKind.value(Callbacks::STATUS_KIND).at(2).toString(), u"500"_s);
        QVERIFY(byKind.value(Callbacks::STATUS_KIND).at(3).toDouble() > 0);
        OutboxItem first = items(Callbacks::STATUS_KIND).first();
        QCOMPARE(first.state, u"pending"_s);
        QCOMPARE(first.attempts, 1);
        QCOMPARE(first.nextAttemptAt, f().clock->now().addMSecs(2000));
        QCOMPARE(f().eventCodes(), QList<int>{80908});
        const DebuggerEvent e = f().events(80908).first();
        verifyEvent(e, 80908, u"warning"_s, m_status->url(u"/status"_s));
        QCOMPARE(e.serviceSid, s.sid);
        QCOMPARE(e.sessionSid, p.session.sid);
        QCOMPARE(e.interactionSid, r.interaction.sid);
        QVERIFY(e.requestVariables.contains(u"interactionSid="_s + r.interaction.sid));
        QVERIFY2(e.responseBody.contains(u"HTTP 500"_s) && e.responseBody.contains(u"db down"_s),
                 qPrintable(e.responseBody));
        QVERIFY2(e.message.contains(u"attempt 1 of 8"_s), qPrintable(e.message));
        QVERIFY(e.message.contains(m_status->url(u"/status"_s)));

        settle(); // not due yet: the delivered callback waits behind it (one line per session)
        QCOMPARE(m_status->requests.size(), 1);
        f().clock->advance(2);
        settle();
        QCOMPARE(m_status->requests.size(), 3);
        QCOMPARE(m_status->requests.at(1).header("i-twilio-idempotency-token"),
                 m_status->requests.at(0).header("i-twilio-idempotency-token")); // a retry is the same callback
        QCOMPARE(m_status->requests.at(1).param(u"outboundResourceStatus"_s), u"queued"_s);
        QCOMPARE(m_status->requests.at(2).param(u"outboundResourceStatus"_s), u"delivered"_s);
        QCOMPARE(f().eventCodes(), QList<int>{80908});
        verifySigned(*m_status);
    }

    void statusCallbackTimeoutIsAFailedAttempt()
    {
        const Service s = service(true, false, false);
        party(s);
        m_status->script = {hanging()};
        QSignalSpy measured(&outbox(), &Outbox::attemptMeasured);
        f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        settle();
        QCOMPARE(f().events(80908).size(), 1);
        const auto timedOut = std::find_if(measured.cbegin(), measured.cend(), [](const QList<QVariant> &args) {
            return args.at(0).toString() == Callbacks::STATUS_KIND;
        });
        QVERIFY(timedOut != measured.cend());
        QCOMPARE(timedOut->at(2).toString(), u"timeout"_s);
        // About the 400 ms limit (a coarse timer may fire up to 5% early), and never the whole settle() wait.
        QVERIFY2(timedOut->at(3).toDouble() >= 0.35 && timedOut->at(3).toDouble() < 5,
                 qPrintable(timedOut->at(3).toString()));
        QVERIFY2(f().events(80908).first().responseBody.contains(u"no answer within 400 ms"_s),
                 qPrintable(f().events(80908).first().responseBody));
    }

    void statusCallbacksGiveUpAfterTheLastAttempt()
    {
        m_cf->traffic.outboxConfig.maxAttempts = 3;
        m_cf->reopen();
        const Service s = service(true, false, false);
        party(s);
        m_status->fallback = reply(503);
        f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        settle();
        f().clock->advance(2);
        settle();
        f().clock->advance(4);
        settle();
        f().clock->advance(3600);
        settle();
        // Three attempts of the first callback; then the second (no longer held back) gets its own three.
        QCOMPARE(items(Callbacks::STATUS_KIND).first().state, u"failed"_s);
        const QList<DebuggerEvent> events = f().events(80908);
        QVERIFY(events.size() >= 3);
        QVERIFY2(events.at(events.size() - 3).message.contains(u"given up after 3 attempts"_s),
                 qPrintable(events.at(events.size() - 3).message));
    }

    void statusCallbacksKeepTheOrderOfEachSession()
    {
        const Service s = service(true, false, false);
        const Party one = f().party(s, A, B, {}, POOL, POOL);
        const Party two = f().party(s, STRANGER, u"+14155550404"_s, {}, POOL2, POOL2);
        const QString m1 = f().router->routeMessage(f().sms(A, POOL, u"one"_s)).interaction.sid;
        // The first callback of session one fails once; everything else succeeds, in whatever order it arrives.
        auto failedOnce = std::make_shared<bool>(false);
        m_status->responder = [m1, failedOnce](const FakeCallbackServer::Request &r) {
            if (r.param(u"interactionSid"_s) == m1 && !*failedOnce) {
                *failedOnce = true;
                return reply(500);
            }
            return reply(200);
        };
        const QString m2 = f().router->routeMessage(f().sms(A, POOL, u"two"_s)).interaction.sid;
        const QString m3 = f().router->routeMessage(f().sms(STRANGER, POOL2, u"three"_s)).interaction.sid;
        settle();
        // Session one waits behind its failed head; session two is not held up by it.
        QStringList seen;
        for (const auto &r : std::as_const(m_status->requests)) {
            seen.append(r.param(u"interactionSid"_s) + u':' + r.param(u"outboundResourceStatus"_s));
        }
        QVERIFY2(seen.contains(m3 + u":queued"_s) && seen.contains(m3 + u":delivered"_s), qPrintable(seen.join(u' ')));
        QCOMPARE(seen.count(m1 + u":queued"_s), 1);
        QVERIFY(!seen.contains(m2 + u":queued"_s));
        QVERIFY(!seen.contains(m1 + u":delivered"_s));

        f().clock->advance(2);
        settle();
        QStringList lineOne;
        for (const auto &r : std::as_const(m_status->requests)) {
            if (r.param(u"interactionSessionSid"_s) == one.session.sid) {
                lineOne.append(r.param(u"interactionSid"_s) + u':' + r.param(u"outboundResourceStatus"_s));
            }
        }
        const QStringList expected{m1 + u":queued"_s, m1 + u":queued"_s, m2 + u":queued"_s, m1 + u":delivered"_s,
                                   m2 + u":delivered"_s};
        QCOMPARE(lineOne, expected);
        Q_UNUSED(two);
    }

    void pendingStatusCallbacksSurviveARestart()
    {
        const Service s = service(true, false, false);
        party(s);
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        QCOMPARE(items(Callbacks::STATUS_KIND).size(), 1);
        m_cf->reopen(); // the process stopped before anything was delivered
        settle();
        QCOMPARE(m_status->requests.size(), 2);
        QCOMPARE(m_status->requests.first().param(u"interactionSid"_s), r.interaction.sid);
        verifySigned(*m_status);
    }

    void lapsedStatusCallbackIsRedoneAfterARestart()
    {
        const Service s = service(true, false, false);
        party(s);
        f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        // The process died while the callback was in flight, leaving a claim far from lapsing.
        SqlQuery(f().db->connection(), u"UPDATE outbox SET state = 'sending', attempts = 1, next_attempt_at = :t "
                                       u"WHERE kind = :k"_s)
            .bind(u":t"_s, f().clock->now().addMSecs(m_cf->config.statusTimeoutMs + 30000).toMSecsSinceEpoch())
            .bind(u":k"_s, Callbacks::STATUS_KIND)
            .exec();
        m_cf->reopen();
        if (Testing::onPostgres()) {
            // Shared store: another node may still hold the claim, so it is redone only once it lapses.
            settle();
            QCOMPARE(m_status->requests.size(), 0); // the carrier's callback waits behind it, in order
            f().clock->advance(31);
        }
        // SQLite: the restarted engine is the only one (the lock file), so the claim is released at start-up and the
        // callback is redone at once, with the carrier's callback after it in order; no wait for the claim.
        settle();
        QCOMPARE(m_status->requests.size(), 2);
        QCOMPARE(items(Callbacks::STATUS_KIND).first().attempts, 2);
        QCOMPARE(m_status->requests.first().param(u"interactionSid"_s),
                 items(Callbacks::STATUS_KIND).first().interactionSid);
    }

    // --- intercept callbacks (reference §6.2) -----------------------------------------------------------------------

    void interceptMessage_data()
    {
        QTest::addColumn<Response>("answer");
        QTest::addColumn<bool>("forwarded");
        QTest::addColumn<QList<int>>("codes");
        QTest::newRow("200") << reply(200) << true << QList<int>{};
        QTest::newRow("204") << reply(204) << true << QList<int>{};
        QTest::newRow("403 blocks") << reply(403, "text/plain", "blocked by policy") << false << QList<int>{80909};
        QTest::newRow("401 lets through") << reply(401) << true << QList<int>{80908};
        QTest::newRow("500 lets through") << reply(500, "text/plain", "boom") << true << QList<int>{80908};
        QTest::newRow("302 lets through") << reply(302) << true << QList<int>{80908};
        QTest::newRow("timeout lets through") << hanging() << true << QList<int>{80908};
    }

    void interceptMessage()
    {
        QFETCH(Response, answer);
        QFETCH(bool, forwarded);
        QFETCH(QList<int>, codes);
        const Service s = service(true, true, false);
        const Party p = party(s);
        m_intercept->script = {answer};
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        // The carrier is answered at once; the interaction exists (a client may fetch it) but nothing is sent yet.
        QCOMPARE(r.outcome, RouteResult::Outcome::Pending);
        QCOMPARE(r.twiml, Twiml::empty());
        QVERIFY(r.interaction.sid.startsWith(u"KI"_s));
        QCOMPARE(items(Router::SEND_MESSAGE_KIND).size(), 0);
        QCOMPARE(items(Callbacks::STATUS_KIND).size(), 0);
        QCOMPARE(items(Callbacks::INTERCEPT_KIND).size(), 1);
        settle();

        QCOMPARE(m_intercept->requests.size(), 1);
        verifySigned(*m_intercept);
        const auto &asked = m_intercept->requests.first();
        QCOMPARE(asked.names(), INTERCEPT_PARAMS); // no outbound* fields: the outbound leg does not exist yet
        QCOMPARE(asked.param(u"interactionSid"_s), r.interaction.sid);
        QCOMPARE(asked.param(u"inboundParticipantSid"_s), p.a.sid);
        QCOMPARE(sent().size(), forwarded ? 1 : 0);
        const Interaction after = f().interactions(p).first();
        QCOMPARE(after.outbound.resourceStatus, forwarded ? u"delivered"_s : u"failed"_s);
        QStringList statuses;
        for (const auto &c : std::as_const(m_status->requests)) {
            statuses.append(c.param(u"outboundResourceStatus"_s));
        }
        QCOMPARE(statuses, (forwarded ? QStringList{u"queued"_s, u"delivered"_s} : QStringList{u"failed"_s}));
        QCOMPARE(f().eventCodes(), codes);
        if (!codes.isEmpty()) {
            const DebuggerEvent e = f().events().first();
            verifyEvent(e, codes.first(), u"warning"_s, m_intercept->url(u"/intercept"_s));
            QCOMPARE(e.sessionSid, p.session.sid);
            QCOMPARE(e.interactionSid, r.interaction.sid);
            QCOMPARE(e.participantSid, p.a.sid);
            QVERIFY(e.requestVariables.contains(u"interactionSid="_s + r.interaction.sid));
            if (codes.first() == 80909) {
                QVERIFY(e.responseBody.contains(u"HTTP 403"_s));
                QVERIFY(e.responseBody.contains(u"blocked by policy"_s));
                QVERIFY(e.message.contains(u"403"_s));
            }
        }
    }

    void heldMessageSurvivesARestart()
    {
        const Service s = service(false, true, false);
        party(s);
        f().router->routeMessage(f().sms(A, POOL, u"acknowledged, then the power went out"_s));
        m_cf->reopen();
        settle();
        QCOMPARE(m_intercept->requests.size(), 1);
        QCOMPARE(sent().size(), 1);
        QCOMPARE(sent().first().body, u"acknowledged, then the power went out"_s);
        QCOMPARE(sent().first().to, B);
    }

    void interceptReleasesMessagesInArrivalOrder()
    {
        const Service s = service(false, true, false);
        party(s);
        Response slow = reply(200);
        slow.delayMs = 200;
        m_intercept->script = {slow, reply(200)};
        f().router->routeMessage(f().sms(A, POOL, u"first"_s));
        f().router->routeMessage(f().sms(A, POOL, u"second"_s));
        QCOMPARE(outbox().processDue(), 1); // the second waits for the first's decision
        QTRY_COMPARE(outbox().inFlight(), 0);
        settle();
        QCOMPARE(m_intercept->requests.size(), 2);
        QCOMPARE(sent().size(), 2);
        QCOMPARE(sent().at(0).body, u"first"_s);
        QCOMPARE(sent().at(1).body, u"second"_s);
    }

    void interceptCall_data()
    {
        QTest::addColumn<Response>("answer");
        QTest::addColumn<bool>("bridged");
        QTest::addColumn<QList<int>>("codes");
        QTest::newRow("200") << reply(200) << true << QList<int>{};
        QTest::newRow("403") << reply(403) << false << QList<int>{80909};
        QTest::newRow("500") << reply(500) << true << QList<int>{80908};
        QTest::newRow("timeout") << hanging() << true << QList<int>{80908};
    }

    void interceptCall()
    {
        QFETCH(Response, answer);
        QFETCH(bool, bridged);
        QFETCH(QList<int>, codes);
        const Service s = service(true, true, false);
        const Party p = party(s);
        m_intercept->script = {answer};
        QElapsedTimer timer;
        timer.start();
        const RouteResult r = routeCall(f().call(A, POOL, u"CA1111111111111111111111111111111a"_s));
        QVERIFY(timer.elapsed() < 3000); // a timeout is bounded by --intercept-timeout-ms (400 here)
        QCOMPARE(r.outcome, bridged ? RouteResult::Outcome::Forwarded : RouteResult::Outcome::Blocked);
        QCOMPARE(r.debuggerCodes, codes);
        QCOMPARE(f().eventCodes(), codes);
        if (bridged) {
            QVERIFY2(r.twiml.contains("<Dial callerId=\"+14155559999\""), r.twiml.constData());
        } else {
            QCOMPARE(r.twiml, Twiml::reject());
        }
        QCOMPARE(m_intercept->requests.size(), 1);
        QCOMPARE(m_intercept->requests.first().names(), INTERCEPT_PARAMS);
        QCOMPARE(m_intercept->requests.first().param(u"interactionType"_s), u"voice"_s);
        QCOMPARE(m_intercept->requests.first().param(u"inboundResourceType"_s), u"call"_s);
        verifySigned(*m_intercept);
        settle();
        QStringList statuses;
        for (const auto &c : std::as_const(m_status->requests)) {
            statuses.append(c.param(u"outboundResourceStatus"_s));
        }
        QCOMPARE(statuses, (bridged ? QStringList{u"initiated"_s, u"completed"_s} : QStringList{u"failed"_s}));
        if (!bridged) {
            const DebuggerEvent e = f().events(80909).first();
            verifyEvent(e, 80909, u"warning"_s, m_intercept->url(u"/intercept"_s));
            QCOMPARE(e.interactionSid, r.interaction.sid);
            QCOMPARE(e.participantSid, p.a.sid);
            QCOMPARE(e.sessionSid, p.session.sid);
            // A carrier retry of the blocked call is not bridged past the intercept.
            const RouteResult again = routeCall(f().call(A, POOL, u"CA1111111111111111111111111111111a"_s));
            QCOMPARE(again.outcome, RouteResult::Outcome::Duplicate);
            QCOMPARE(again.twiml, Twiml::reject());
        }
    }

    void callRetryWaitsForTheSameDecision()
    {
        const Service s = service(false, true, false);
        party(s);
        Response slow = reply(403);
        slow.delayMs = 200;
        m_intercept->script = {slow};
        std::optional<RouteResult> first;
        std::optional<RouteResult> retry;
        f().router->routeCall(f().call(A, POOL, u"CA2222222222222222222222222222222b"_s),
                              [&first](const RouteResult &r) { first = r; });
        f().router->routeCall(f().call(A, POOL, u"CA2222222222222222222222222222222b"_s),
                              [&retry](const RouteResult &r) { retry = r; });
        QVERIFY(!first && !retry);
        QTRY_VERIFY(first && retry);
        QCOMPARE(first->twiml, Twiml::reject());
        QCOMPARE(retry->twiml, Twiml::reject());
        QCOMPARE(m_intercept->requests.size(), 1);
    }

    void callInterceptShareTheWebhookBudget()
    {
        m_cf->traffic.routerConfig.callAnswerBudgetMs = 150; // as if an out-of-session callback used the rest
        m_cf->config.interceptTimeoutMs = 5000;
        m_cf->reopen();
        const Service s = service(false, true, false);
        party(s);
        m_intercept->script = {hanging()};
        QElapsedTimer timer;
        timer.start();
        RouteResult r = routeCall(f().call(A, POOL));
        QVERIFY2(timer.elapsed() < 1500, qPrintable(QString::number(timer.elapsed())));
        QVERIFY(r.forwarded());
        // Below the minimum wait the callback is not even started: the call is let through with 80908.
        QVERIFY(m_intercept->requests.isEmpty());
        QCOMPARE(r.debuggerCodes, QList<int>{80908});
        QVERIFY(f().events(80908).first().responseBody.contains(u"not called"_s));

        m_cf->traffic.routerConfig.callAnswerBudgetMs = 600;
        m_cf->reopen();
        m_intercept->script = {hanging()};
        timer.restart();
        r = routeCall(f().call(A, POOL));
        QVERIFY(r.forwarded());
        QVERIFY2(timer.elapsed() < 2000, qPrintable(QString::number(timer.elapsed())));
        QCOMPARE(m_intercept->requests.size(), 1);
        QVERIFY2(f().events(80908).first().responseBody.contains(u"no answer within"_s),
                 qPrintable(f().events(80908).first().responseBody));
    }

    // --- out-of-session callbacks (reference §6.3) ------------------------------------------------------------------

    void outOfSessionCall_data()
    {
        QTest::addColumn<Response>("answer");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<QList<int>>("codes");
        QTest::addColumn<QByteArray>("twiml"); // expected answer; empty: a <Dial> into the created session
        const QByteArray json = R"({"uniqueName":"auto-1","ttl":3600,"participantIdentifier":"+14155550202"})";
        const int answered = int(RouteResult::Outcome::OutOfSession);
        const int bridged = int(RouteResult::Outcome::Forwarded);
        QTest::newRow("twiml application/xml")
            << reply(200, "application/xml", TWIML_SAY) << answered << QList<int>{} << TWIML_SAY;
        QTest::newRow("twiml text/xml charset")
            << reply(200, "text/xml; charset=utf-8", TWIML_SAY) << answered << QList<int>{} << TWIML_SAY;
        QTest::newRow("json") << reply(200, "application/json", json) << bridged << QList<int>{} << QByteArray();
        QTest::newRow("json with charset")
            << reply(201, "application/json; charset=utf-8", json) << bridged << QList<int>{} << QByteArray();
        QTest::newRow("json with another charset")
            << reply(200, "Application/JSON;charset=ISO-8859-1", json) << bridged << QList<int>{} << QByteArray();
        QTest::newRow("500") << reply(500, "text/plain", "boom") << answered << QList<int>{80913} << Twiml::reject();
        QTest::newRow("404") << reply(404) << answered << QList<int>{80913} << Twiml::reject();
        QTest::newRow("bad json") << reply(200, "application/json", "{\"participantIdentifier\":") << answered
                                  << QList<int>{80905} << Twiml::reject();
        QTest::newRow("json without participantIdentifier") << reply(200, "application/json", R"({"uniqueName":"x"})")
                                                            << answered << QList<int>{80905} << Twiml::reject();
        QTest::newRow("json creation refused")
            << reply(200, "application/json", R"({"participantIdentifier":"not a number"})") << answered
            << QList<int>{80905} << Twiml::reject();
        QTest::newRow("json bad ttl") << reply(200, "application/json",
                                               R"({"participantIdentifier":"+14155550202",)"
                                               R"("ttl":-5})")
                                      << answered << QList<int>{80905} << Twiml::reject();
        QTest::newRow("text/plain") << reply(200, "text/plain", "hello") << answered << QList<int>{80905}
                                    << Twiml::reject();
        QTest::newRow("malformed twiml") << reply(200, "application/xml", "<Response><Say>") << answered
                                         << QList<int>{80905} << Twiml::reject();
        QTest::newRow("twiml with a DTD")
            << reply(200, "text/xml", R"(<!DOCTYPE r [<!ENTITY a "aaaa">]><Response>&a;</Response>)") << answered
            << QList<int>{80905} << Twiml::reject();
        QTest::newRow("timeout") << hanging() << answered << QList<int>{80908} << Twiml::reject();
    }

    void outOfSessionCall()
    {
        QFETCH(Response, answer);
        QFETCH(int, outcome);
        QFETCH(QList<int>, codes);
        QFETCH(QByteArray, twiml);
        const Service s = service(true, false, true);
        m_oos->script = {answer};
        InboundCall call = f().call(STRANGER, POOL, u"CA3333333333333333333333333333333c"_s);
        call.carrierParams.append({u"CallStatus"_s, u"ringing"_s});
        call.carrierParams.append({u"Direction"_s, u"inbound"_s});
        const RouteResult r = routeCall(call);
        QCOMPARE(int(r.outcome), outcome);
        QCOMPARE(r.debuggerCodes, codes);
        QCOMPARE(f().eventCodes(), codes);
        QCOMPARE(m_oos->requests.size(), 1);
        verifySigned(*m_oos);
        const auto &asked = m_oos->requests.first();
        QCOMPARE(asked.param(u"From"_s), STRANGER);
        QCOMPARE(asked.param(u"To"_s), POOL);
        QCOMPARE(asked.param(u"CallStatus"_s), u"ringing"_s);
        QVERIFY(!asked.has(u"sessionSid"_s)); // the sender never had a session on this number
        if (!twiml.isEmpty()) {
            QCOMPARE(r.twiml, twiml);
        } else {
            // Auto-created: the caller is bound to the number they called, and the call is bridged in the session.
            QVERIFY2(r.twiml.contains("<Number>+14155550202</Number>"), r.twiml.constData());
            const Session created = *f().proxy->fetchSession(f().account.sid, s.sid, u"auto-1"_s);
            QCOMPARE(r.sessionSid, created.sid);
            QCOMPARE(created.ttl, qint64(3600));
            const auto ps = f().proxy->listParticipants(f().account.sid, s.sid, created.sid, {})->items;
            QCOMPARE(ps.size(), 2);
            for (const Participant &q : ps) {
                if (q.identifier == STRANGER) {
                    QCOMPARE(q.proxyIdentifier, POOL);
                } else {
                    QCOMPARE(q.identifier, B);
                }
            }
            settle();
            QVERIFY(!m_status->requests.isEmpty()); // the routed call is an interaction like any other
        }
        if (!codes.isEmpty()) {
            const DebuggerEvent e = f().events().first();
            verifyEvent(e, codes.first(), codes.first() == 80913 ? u"error"_s : u"warning"_s, m_oos->url(u"/oos"_s));
            QCOMPARE(e.resourceSid, call.callSid);
            QVERIFY(e.message.contains(STRANGER));
            QVERIFY(e.message.contains(POOL));
        }
    }

    void outOfSessionMessage_data()
    {
        QTest::addColumn<Response>("answer");
        QTest::addColumn<QList<int>>("codes");
        QTest::addColumn<QStringList>("sentTo"); // recipients of what was sent, in order
        const QByteArray twoMessages =
            R"(<Response><Message>This number is no longer in use.</Message>)"
            R"(<Message to="+19999999999" from="+18888888888"><Body>Call us</Body>)"
            R"(<Media>https://media.example/logo.png</Media><Media>javascript:alert(1)</Media></Message></Response>)";
        QTest::newRow("twiml messages") << reply(200, "application/xml", twoMessages) << QList<int>{}
                                        << QStringList{STRANGER, STRANGER};
        QTest::newRow("twiml without messages")
            << reply(200, "text/xml", "<Response/>") << QList<int>{} << QStringList{};
        QTest::newRow("json") << reply(200, "application/json", R"({"participantIdentifier":"+14155550202"})")
                              << QList<int>{} << QStringList{B};
        QTest::newRow("json with charset")
            << reply(200, "application/json; charset=utf-8", R"({"participantIdentifier":"+14155550202"})")
            << QList<int>{} << QStringList{B};
        QTest::newRow("500") << reply(500) << QList<int>{80913} << QStringList{};
        QTest::newRow("bad json") << reply(200, "application/json", "nope") << QList<int>{80905} << QStringList{};
        QTest::newRow("no content type") << reply(200, "", "") << QList<int>{80905} << QStringList{};
    }

    void outOfSessionMessage()
    {
        QFETCH(Response, answer);
        QFETCH(QList<int>, codes);
        QFETCH(QStringList, sentTo);
        const Service s = service(false, false, true);
        m_oos->script = {answer};
        InboundMessage m = f().sms(STRANGER, POOL, u"is anyone there?"_s, u"SM4444444444444444444444444444444d"_s);
        m.carrierParams.append({u"FromCity"_s, u"SAN FRANCISCO"_s});
        const RouteResult r = f().router->routeMessage(m);
        QCOMPARE(r.outcome, RouteResult::Outcome::Pending); // acknowledged now, asked durably
        QCOMPARE(r.twiml, Twiml::empty());
        QVERIFY(r.debuggerCodes.isEmpty());
        QCOMPARE(items(Callbacks::OUT_OF_SESSION_KIND).size(), 1);
        settle();
        QCOMPARE(m_oos->requests.size(), 1);
        verifySigned(*m_oos);
        QCOMPARE(m_oos->requests.first().param(u"Body"_s), u"is anyone there?"_s);
        QCOMPARE(m_oos->requests.first().param(u"FromCity"_s), u"SAN FRANCISCO"_s);
        QStringList recipients;
        for (const SimulatorRecord &out : sent()) {
            recipients.append(out.to);
        }
        QCOMPARE(recipients, sentTo);
        QCOMPARE(f().eventCodes(), codes);
        if (!sentTo.isEmpty() && sentTo.first() == STRANGER) {
            // From the number they texted, to them: the to/from attributes cannot send it anywhere else.
            QCOMPARE(sent().at(0).from, POOL);
            QCOMPARE(sent().at(0).body, u"This number is no longer in use."_s);
            QCOMPARE(sent().at(1).body, u"Call us"_s);
            QCOMPARE(sent().at(1).mediaUrls, QStringList{u"https://media.example/logo.png"_s});
        }
        if (!sentTo.isEmpty() && sentTo.first() == B) {
            QCOMPARE(sent().first().body, u"is anyone there?"_s);
            QVERIFY(f().router->isInSession(STRANGER, POOL));
        }
        if (!codes.isEmpty()) {
            const DebuggerEvent e = f().events().first();
            verifyEvent(e, codes.first(), codes.first() == 80913 ? u"error"_s : u"warning"_s, m_oos->url(u"/oos"_s));
            QCOMPARE(e.resourceSid, m.messageSid);
        }
        QCOMPARE(items(Callbacks::OUT_OF_SESSION_KIND).first().state, u"done"_s);
    }

    void unansweredOutOfSessionMessageIsAskedAgain()
    {
        const Service s = service(false, false, true);
        m_oos->script = {hanging(), reply(200, "application/json", R"({"participantIdentifier":"+14155550202"})")};
        f().router->routeMessage(f().sms(STRANGER, POOL, u"hello"_s));
        settle();
        QCOMPARE(f().eventCodes(), QList<int>{80908});
        QVERIFY(f().events(80908).first().message.contains(u"asked about again"_s));
        QCOMPARE(items(Callbacks::OUT_OF_SESSION_KIND).first().state, u"pending"_s);
        f().clock->advance(2);
        settle();
        QCOMPARE(m_oos->requests.size(), 2);
        QCOMPARE(sent().size(), 1);
        QCOMPARE(sent().first().to, B);
    }

    void pendingOutOfSessionMessageSurvivesARestart()
    {
        const Service s = service(false, false, true);
        m_oos->fallback = reply(200, "application/json", R"({"participantIdentifier":"+14155550202"})");
        f().router->routeMessage(f().sms(STRANGER, POOL, u"hello"_s));
        m_cf->reopen();
        settle();
        QCOMPARE(sent().size(), 1);
        QCOMPARE(sent().first().body, u"hello"_s);
    }

    void laterMessagesOfTheSenderUseTheCreatedSession()
    {
        const Service s = service(false, false, true);
        m_oos->fallback = reply(200, "application/json", R"({"participantIdentifier":"+14155550202"})");
        f().router->routeMessage(f().sms(STRANGER, POOL, u"one"_s));
        f().router->routeMessage(f().sms(STRANGER, POOL, u"two"_s));
        settle();
        QCOMPARE(m_oos->requests.size(), 1); // the second was queued before the session existed, and not asked about
        QCOMPARE(sent().size(), 2);
        QCOMPARE(sent().at(0).body, u"one"_s);
        QCOMPARE(sent().at(1).body, u"two"_s);
        QVERIFY(f().events().isEmpty());
    }

    void outOfSessionPayloadNamesThePreviousSession()
    {
        const Service s = service(false, false, true);
        const Party p = party(s);
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        QVERIFY(f().proxy->updateSession(f().account.sid, s.sid, p.session.sid, close).ok());
        m_oos->fallback = reply(200, "text/xml", "<Response/>");
        InboundMessage m = f().sms(A, POOL, u"still there?"_s);
        m.carrierParams.append({u"sessionSid"_s, u"spoofed"_s}); // a carrier field cannot impersonate ours
        f().router->routeMessage(m);
        settle();
        const auto &asked = m_oos->requests.first();
        QVERIFY(m_oos->signatureValid(asked, token()));
        QCOMPARE(asked.param(u"sessionSid"_s), p.session.sid);
        QCOMPARE(asked.names().count(u"sessionSid"_s), 1);
        QCOMPARE(asked.param(u"sessionStatus"_s), u"closed"_s);
        QCOMPARE(asked.param(u"sessionClosedReason"_s), u"api"_s);
        QCOMPARE(asked.param(u"sessionMode"_s), u"voice-and-message"_s);
        QCOMPARE(asked.param(u"sessionServiceSid"_s), s.sid);
        QCOMPARE(asked.param(u"sessionAccountSid"_s), f().account.sid);
        QVERIFY(!asked.param(u"sessionDateEnded"_s).isEmpty());
        QCOMPARE(asked.param(u"inboundParticipantSid"_s), p.a.sid);
        QCOMPARE(asked.param(u"inboundParticipantIdentifier"_s), A);
        QCOMPARE(asked.param(u"inboundParticipantProxyIdentifier"_s), POOL);
        QCOMPARE(asked.param(u"outboundParticipantSid"_s), p.b.sid);
        QCOMPARE(asked.param(u"outboundParticipantIdentifier"_s), B);
        for (const QString &field :
             {u"Sid"_s, u"Identifier"_s, u"FriendlyName"_s, u"ProxyIdentifier"_s, u"ProxyIdentifierSid"_s,
              u"AccountSid"_s, u"ServiceSid"_s, u"SessionSid"_s, u"DateCreated"_s, u"DateUpdated"_s}) {
            QVERIFY(asked.has(u"inboundParticipant"_s + field));
            QVERIFY(asked.has(u"outboundParticipant"_s + field));
        }
    }

    void autoCreateBindsTheSenderToTheNumberTheyContacted()
    {
        const Service s = service(false, false, true);
        QVERIFY(f().proxy
                    ->updatePhoneNumber(f().account.sid, s.sid,
                                        f().proxy->listPhoneNumbers(f().account.sid, s.sid, {})->items.last().sid,
                                        true)
                    .ok()); // POOL (added first, listed last) is reserved
        const QString expiry = Time::toIso(f().clock->now().addDays(2));
        m_oos->fallback = reply(200, "application/json",
                                (uR"({"uniqueName":"order-77","mode":"message-only","ttl":"600",)"_s
                                 uR"("dateExpiry":")"_s +
                                 expiry +
                                 uR"(","participantIdentifier":"+14155550202",)"_s
                                 uR"("participantProxyIdentifier":"+14155558888"})"_s)
                                    .toUtf8());
        f().router->routeMessage(f().sms(STRANGER, POOL, u"hi"_s));
        settle();
        const Session created = *f().proxy->fetchSession(f().account.sid, s.sid, u"order-77"_s);
        QCOMPARE(created.mode, SessionMode::MESSAGE_ONLY);
        QCOMPARE(created.ttl, qint64(600));
        QCOMPARE(Time::toIso(created.dateExpiry), expiry);
        QCOMPARE(created.status, SessionStatus::IN_PROGRESS); // the message was routed in it
        const auto ps = f().proxy->listParticipants(f().account.sid, s.sid, created.sid, {})->items;
        for (const Participant &q : ps) {
            QCOMPARE(q.proxyIdentifier, q.identifier == STRANGER ? POOL : POOL2);
        }
        QCOMPARE(sent().first().from, POOL2);
        QCOMPARE(sent().first().to, B);
    }

    void expiredAndPartnerlessTrafficIsAskedAbout_data()
    {
        QTest::addColumn<bool>("expired");
        QTest::newRow("expired session (80904)") << true;
        QTest::newRow("no partner (80614)") << false;
    }

    void expiredAndPartnerlessTrafficIsAskedAbout()
    {
        QFETCH(bool, expired);
        const Service s = service(false, false, true);
        SessionParams sp;
        sp.ttl = 60;
        const Party p = expired ? f().party(s, A, B, sp, POOL, POOL) : f().party(s, A, QString(), {}, POOL);
        if (expired) {
            f().clock->advance(61);
        }
        m_oos->fallback = reply(200, "application/xml", TWIML_SAY);
        const RouteResult r = routeCall(f().call(A, POOL));
        QCOMPARE(r.debuggerCodes, QList<int>{expired ? 80904 : 80614});
        QCOMPARE(r.twiml, TWIML_SAY);
        QCOMPARE(m_oos->requests.size(), 1);
        QCOMPARE(m_oos->requests.first().param(u"sessionSid"_s), p.session.sid);
        QCOMPARE(m_oos->requests.first().param(u"sessionClosedReason"_s), expired ? u"ttl"_s : QString());
    }

    void refusedAutoCreateIsAnUnusableReply()
    {
        // A partnerless sender is active on the number already: the session the reply asks for is refused.
        const Service s = service(false, false, true);
        f().party(s, A, QString(), {}, POOL);
        m_oos->fallback = reply(200, "application/json", R"({"participantIdentifier":"+14155550202"})");
        const RouteResult r = routeCall(f().call(A, POOL));
        QCOMPARE(r.debuggerCodes, (QList<int>{80614, 80905}));
        QCOMPARE(r.twiml, Twiml::reject());
        QCOMPARE(m_oos->requests.size(), 1);
        QVERIFY(f().events(80905).first().message.contains(u"refused"_s));
    }

    void messageInteractionToARemovedParticipantIsRefused()
    {
        const Service s = service(true, false, false);
        const Party p = party(s);
        QVERIFY(f().proxy->deleteParticipant(f().account.sid, s.sid, p.session.sid, p.b.sid).ok());
        const auto refused =
            f().router->sendMessageInteraction(f().account.sid, s.sid, p.session.sid, p.b.sid, u"hello?"_s);
        QCOMPARE(refused.error().code, 80405);
        QCOMPARE(refused.error().status, 400);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0); // no interaction, so no callback either
    }

    void debuggerRetentionIsConfigurable()
    {
        m_cf->traffic.schedulerConfig.debuggerRetentionDays = 3;
        m_cf->reopen();
        service(false, false, false);
        f().router->routeMessage(f().sms(STRANGER, POOL, u"hi"_s)); // 80905
        f().clock->advance(3 * 24 * 3600 - 1);
        f().scheduler->runRetention();
        QCOMPARE(f().events().size(), 1);
        f().clock->advance(2);
        f().scheduler->runRetention();
        QVERIFY(f().events().isEmpty());
    }

    // --- request data on routing's own events -----------------------------------------------------------------------

    void routingEventsCarryTheCarrierRequest_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("body"); // empty: a call
        QTest::addColumn<QString>("mode");
        QTest::addColumn<int>("code");
        QTest::newRow("80901") << A << POOL << u"STOP"_s << SessionMode::VOICE_AND_MESSAGE << 80901;
        QTest::newRow("80902") << STRANGER << POOL << QString() << SessionMode::VOICE_AND_MESSAGE << 80902;
        QTest::newRow("80905 out of session") << STRANGER << POOL << u"hi"_s << SessionMode::VOICE_AND_MESSAGE << 80905;
        QTest::newRow("80905 unknown number")
            << A << u"+14155557777"_s << u"hi"_s << SessionMode::VOICE_AND_MESSAGE << 80905;
        QTest::newRow("80910") << A << POOL << u"hi"_s << SessionMode::VOICE_ONLY << 80910;
        QTest::newRow("80911") << A << POOL << QString() << SessionMode::MESSAGE_ONLY << 80911;
    }

    void routingEventsCarryTheCarrierRequest()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, body);
        QFETCH(QString, mode);
        QFETCH(int, code);
        const Service s = service(false, false, false);
        SessionParams sp;
        sp.mode = mode;
        f().party(s, A, B, sp, POOL, POOL);
        const QString url = u"https://proxy.example/carrier/twilio/"_s + (body.isEmpty() ? u"voice"_s : u"sms"_s);
        if (body.isEmpty()) {
            InboundCall c = f().call(from, to);
            c.requestUrl = url;
            routeCall(c);
        } else {
            InboundMessage m = f().sms(from, to, body);
            m.requestUrl = url;
            f().router->routeMessage(m);
        }
        QCOMPARE(f().events().size(), 1);
        const DebuggerEvent e = f().events().first();
        QCOMPARE(e.code, code);
        QCOMPARE(e.requestMethod, u"POST"_s);
        QCOMPARE(e.requestUrl, url);
        QVERIFY2(e.requestVariables.contains(u"From="_s + QString::fromLatin1(from.toUtf8().toPercentEncoding())),
                 qPrintable(e.requestVariables));
    }
};

QTEST_GUILESS_MAIN(TestCallbacks)
#include "tst_callbacks.moc"
