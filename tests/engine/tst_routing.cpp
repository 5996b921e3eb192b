// Masked traffic through the Router with the simulator carrier (reference §6.1 steps 1-8, §7): in-session SMS, MMS
// and calls, every refusal branch and its debugger code, opt-out keywords, Mexico/Argentina digits, expiry and
// retention with a ManualClock, the durable outbox's retries and give-ups, and the hooks the callbacks issue uses.

#include <optional>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "carrier/simulatorcarrier.h"
#include "carrier/twiml.h"
#include "core/phonenumbers.h"
#include "http/carrierwebhooks.h"
#include "routing/keywords.h"
#include "routing/legs.h"
#include "routing/routingcontext.h"
#include "store/interactionstable.h"
#include "store/outbox.h"
#include "store/transaction.h"
#include "testdb.h"
#include "trafficfixture.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString A = u"+14155550101"_s;
const QString B = u"+14155550202"_s;
const QString STRANGER = u"+14155550303"_s;
const QString POOL = u"+14155559999"_s;
const QString POOL2 = u"+14155558888"_s;

// A carrier whose every send gets the answer the test sets, counting attempts.
class ScriptedCarrier final : public Carrier
{
public:
    QList<SendOutcome::Kind> answers; // consumed front first; Accepted when empty
    QList<OutboundMessage> sent;
    QString name() const override { return u"scripted"_s; }
    void sendMessage(const OutboundMessage &message, SendDone done) override
    {
        sent.append(message);
        SendOutcome o;
        o.kind = answers.isEmpty() ? SendOutcome::Kind::Accepted : answers.takeFirst();
        if (o.kind == SendOutcome::Kind::Accepted) {
            o.resourceSid = u"SM%1"_s.arg(sent.size(), 32, 10, QLatin1Char('0'));
            o.resourceStatus = u"queued"_s;
        } else {
            o.httpStatus = o.kind == SendOutcome::Kind::Retry ? 503 : 400;
            o.error = u"HTTP %1"_s.arg(o.httpStatus);
        }
        done(o);
    }
    CallAnswer bridgeCall(const CallBridge &) override { return {}; }
    QString resourceUrl(const QString &, const QString &, const QString &) const override { return {}; }
    QString messagesEndpoint() const override { return u"scripted:messages"_s; }
};

// Records the statuses each leg change saw, before and after, in its transaction.
class LegHooks final : public RoutingHooks
{
public:
    QList<std::pair<QString, QString>> outboundBeforeAfter;

    Status interactionUpdated(const QSqlDatabase &, const Interaction &before, const Interaction &after) override
    {
        outboundBeforeAfter.append({before.outbound.resourceStatus, after.outbound.resourceStatus});
        return Ok{};
    }
};

class RecordingHooks final : public RoutingHooks
{
public:
    bool handleOutOfSession = false;
    bool intercepting = false;
    bool failRecorded = false;
    QList<OutOfSessionContext> outOfSessionCalls;
    QList<OutboxItem> held;
    QStringList recorded;
    QStringList updated;

    bool outOfSession(const OutOfSessionContext &context, OutOfSessionDone done) override
    {
        outOfSessionCalls.append(context);
        if (!handleOutOfSession) {
            return false;
        }
        OutOfSessionAnswer answer;
        answer.twiml = QByteArrayLiteral("<Response><Say>Sorry</Say></Response>");
        done(answer);
        return true;
    }
    bool intercepts(const Service &) override { return intercepting; }
    Status holdMessage(const QSqlDatabase &, const Service &, const Interaction &, const OutboxItem &send) override
    {
        held.append(send);
        return Ok{};
    }
    Status interactionRecorded(const QSqlDatabase &, const Service &, const Interaction &i) override
    {
        if (failRecorded) {
            return ApiError::make(80908, 500, u"callback queue unavailable"_s);
        }
        recorded.append(i.sid);
        return Ok{};
    }
    Status interactionUpdated(const QSqlDatabase &, const Interaction &, const Interaction &after) override
    {
        updated.append(after.sid);
        return Ok{};
    }
};

} // namespace

class TestRouting final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<TrafficFixture> m_f;

    TrafficFixture &f() { return *m_f; }
    SimulatorCarrier &simulator() { return *qobject_cast<SimulatorCarrier *>(f().carrier.get()); }

    // Queues `count` bare items of `kind`, due now, in one committed transaction.
    bool enqueueItems(const QString &kind, int count = 1)
    {
        Transaction tx(f().db->connection());
        for (int i = 0; i < count; ++i) {
            OutboxItem item;
            item.kind = kind;
            item.url = u"about:"_s + kind;
            item.payload = u"{}"_s;
            if (!Outbox::enqueue(f().db->connection(), item, f().clock->now())) {
                return false;
            }
        }
        tx.commit();
        return true;
    }

    QList<SimulatorRecord> outboundTraffic()
    {
        QList<SimulatorRecord> out;
        for (const SimulatorRecord &r : simulator().recent(1000)) {
            if (r.direction == u"outbound"_s) {
                out.append(r);
            }
        }
        return out;
    }

    // Service with one pool number and a session A<->B on it.
    Party standardParty(SessionParams params = {}, ServiceParams serviceParams = {})
    {
        const Service s = f().service(serviceParams);
        f().number(s, POOL);
        return f().party(s, A, B, params);
    }

private Q_SLOTS:
    void init()
    {
        m_f = std::make_unique<TrafficFixture>();
        m_f->open(Testing::testStoreLocation(m_dir.filePath(u"r%1.db"_s.arg(++m_counter))));
    }

    void cleanup() { m_f.reset(); }

    // --- step 1-8: the in-session path ---------------------------------------------------------------------------

    void smsIsForwardedFromThePartnersProxyNumber()
    {
        const Party p = standardParty();
        QCOMPARE(p.a.proxyIdentifier, POOL);
        QCOMPARE(f().session(p).status, SessionStatus::OPEN);
        QSignalSpy routed(f().router.get(), &Router::routed);

        f().clock->advance(10);
        const RouteResult r =
            f().router->routeMessage(f().sms(A, POOL, u"I'm outside"_s, u"SM0123456789abcdef0123456789abcdef"_s));
        QCOMPARE(r.outcome, RouteResult::Outcome::Forwarded);
        QCOMPARE(r.twiml, Twiml::empty());
        QCOMPARE(routed.count(), 1);
        QVERIFY(r.debuggerCodes.isEmpty());

        const Interaction i = r.interaction;
        QVERIFY(i.sid.startsWith(u"KI"_s));
        QCOMPARE(i.type, u"message"_s);
        QCOMPARE(QJsonDocument::fromJson(i.data.toUtf8()).object(), QJsonObject({{u"body"_s, u"I'm outside"_s}}));
        QCOMPARE(i.inbound.participantSid, p.a.sid);
        QCOMPARE(i.inbound.resourceSid, u"SM0123456789abcdef0123456789abcdef"_s);
        QCOMPARE(i.inbound.resourceStatus, u"received"_s);
        QCOMPARE(i.inbound.resourceType, u"Message"_s);
        QVERIFY(i.inbound.resourceUrl.isEmpty()); // the simulator has no REST records
        QCOMPARE(i.outbound.participantSid, p.b.sid);
        QCOMPARE(i.outbound.resourceStatus, u"queued"_s);
        QCOMPARE(i.outbound.resourceType, u"Message"_s);
        QVERIFY(i.outbound.resourceSid.isEmpty());

        // Step 8: the session moved open -> in-progress and its clocks started.
        const Session s = f().session(p);
        QCOMPARE(s.status, SessionStatus::IN_PROGRESS);
        QCOMPARE(s.dateStarted, f().clock->now());
        QCOMPARE(s.dateLastInteraction, f().clock->now());

        // The send waits in the outbox until the worker runs; then it leaves exactly once.
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox WHERE state = 'pending'"_s), 1);
        QVERIFY(outboundTraffic().isEmpty());
        QCOMPARE(f().outbox->processDue(), 1);
        QCOMPARE(f().outbox->processDue(), 0);
        const QList<SimulatorRecord> sent = outboundTraffic();
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.first().from, p.b.proxyIdentifier);
        QCOMPARE(sent.first().to, B);
        QCOMPARE(sent.first().body, u"I'm outside"_s);
        QCOMPARE(sent.first().status, u"delivered"_s);
        QCOMPARE(sent.first().interactionSid, i.sid);

        const Interaction after = f().interactions(p).first();
        QCOMPARE(after.outbound.resourceSid, sent.first().sid);
        QCOMPARE(after.outbound.resourceStatus, u"delivered"_s);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox WHERE state = 'done'"_s), 1);
    }

    void replyTravelsBackTheOtherWay()
    {
        const Service s = f().service();
        f().number(s, POOL);
        f().number(s, POOL2);
        const Party p = f().party(s, A, B, {}, POOL, POOL2);
        QCOMPARE(p.b.proxyIdentifier, POOL2);
        QVERIFY(f().router->routeMessage(f().sms(B, POOL2, u"coming"_s)).forwarded());
        // A on POOL2 is not a routing key: B's number only reaches A through B's proxy number.
        QCOMPARE(f().router->routeMessage(f().sms(A, POOL2, u"wrong door"_s)).outcome,
                 RouteResult::Outcome::OutOfSession);
        f().outbox->processDue();
        const QList<SimulatorRecord> sent = outboundTraffic();
        QCOMPARE(sent.size(), 1);
        QCOMPARE(sent.first().from, POOL); // A sees B's texts arrive from A's own proxy number
        QCOMPARE(sent.first().to, A);
    }

    void mmsCarriesItsMedia()
    {
        const Party p = standardParty();
        InboundMessage m = f().sms(A, POOL, u""_s);
        m.mediaUrls = {u"https://api.twilio.com/2010-04-01/Accounts/AC1/Messages/MM1/Media/ME1"_s,
                       u"javascript:alert(1)"_s, u"https://media.example.com/cat.gif"_s};
        const RouteResult r = f().router->routeMessage(m);
        QVERIFY(r.forwarded());
        const QJsonObject data = QJsonDocument::fromJson(r.interaction.data.toUtf8()).object();
        QCOMPARE(data.value(u"body"_s).toString(), QString());
        const QStringList expected{m.mediaUrls.at(0), m.mediaUrls.at(2)};
        QCOMPARE(data.value(u"media_urls"_s).toVariant().toStringList(), expected);
        f().outbox->processDue();
        QCOMPARE(outboundTraffic().first().mediaUrls, expected);
        QCOMPARE(outboundTraffic().first().to, B);
    }

    void callIsBridgedWithTheExactTwiml()
    {
        const Party p = standardParty();
        const RouteResult r = f().router->routeCall(f().call(A, POOL, u"CA0123456789abcdef0123456789abcdef"_s));
        QCOMPARE(r.outcome, RouteResult::Outcome::Forwarded);
        QCOMPARE(r.twiml,
                 QByteArray("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial callerId=\"+14155559999\" "
                            "answerOnBridge=\"true\"><Number>+14155550202</Number></Dial></Response>"));
        QCOMPARE(r.interaction.type, u"voice"_s);
        QCOMPARE(r.interaction.inbound.resourceSid, u"CA0123456789abcdef0123456789abcdef"_s);
        QCOMPARE(r.interaction.inbound.resourceStatus, u"in-progress"_s);
        QCOMPARE(r.interaction.inbound.resourceType, u"Call"_s);
        QCOMPARE(r.interaction.outbound.participantSid, p.b.sid);
        QCOMPARE(r.interaction.outbound.resourceType, u"Call"_s);
        // The simulator connects at once: its outbound call is recorded as completed.
        QVERIFY(r.interaction.outbound.resourceSid.startsWith(u"CA"_s));
        QCOMPARE(r.interaction.outbound.resourceStatus, u"completed"_s);
        const QList<SimulatorRecord> calls = outboundTraffic();
        QCOMPARE(calls.size(), 1);
        QCOMPARE(calls.first().kind, u"call"_s);
        QCOMPARE(calls.first().from, POOL);
        QCOMPARE(calls.first().to, B);
        QCOMPARE(f().session(p).status, SessionStatus::IN_PROGRESS);
    }

    void countryDigits_data()
    {
        QTest::addColumn<QString>("pool");
        QTest::addColumn<QString>("caller");  // as the carrier delivers it
        QTest::addColumn<QString>("partner"); // stored identifier
        QTest::addColumn<bool>("mx");
        QTest::addColumn<bool>("ar");
        QTest::addColumn<QString>("smsTo");  // To of the forwarded message
        QTest::addColumn<QString>("dialTo"); // <Number> of the bridged call

        // Mexico: identifiers are stored without the '1'; an inbound +521… still matches; the flag puts it back.
        QTest::newRow("mx inbound with 1, no flag") << u"+525587654321"_s << u"+5215512345678"_s << u"+525511112222"_s
                                                    << false << false << u"+525511112222"_s << u"+525511112222"_s;
        QTest::newRow("mx flag inserts 1 for sms and voice")
            << u"+525587654321"_s << u"+525512345678"_s << u"+525511112222"_s << true << false << u"+5215511112222"_s
            << u"+5215511112222"_s;
        // Argentina: '9' for voice only, and only with the flag; an inbound +549… matches the stored +54….
        QTest::newRow("ar flag inserts 9 for voice only")
            << u"+541187654321"_s << u"+5491123456789"_s << u"+541122223333"_s << false << true << u"+541122223333"_s
            << u"+5491122223333"_s;
        QTest::newRow("ar without flag") << u"+541187654321"_s << u"+541123456789"_s << u"+541122223333"_s << false
                                         << false << u"+541122223333"_s << u"+541122223333"_s;
    }

    void countryDigits()
    {
        QFETCH(QString, pool);
        QFETCH(QString, caller);
        QFETCH(QString, partner);
        QFETCH(bool, mx);
        QFETCH(bool, ar);
        QFETCH(QString, smsTo);
        QFETCH(QString, dialTo);
        ServiceParams sp;
        sp.mxInsertOne = mx;
        sp.arInsertNine = ar;
        const Service s = f().service(sp);
        f().number(s, pool);
        const QString stored = PhoneNumbers::normalizeForMatching(caller);
        const Party p = f().party(s, stored, partner);
        QCOMPARE(p.a.identifier, stored);

        QVERIFY(f().router->routeMessage(f().sms(caller, pool, u"hola"_s)).forwarded());
        f().outbox->processDue();
        QCOMPARE(outboundTraffic().first().to, smsTo);

        const RouteResult call = f().router->routeCall(f().call(caller, pool));
        QVERIFY(call.forwarded());
        QVERIFY2(call.twiml.contains(QByteArray("<Number>" + dialTo.toLatin1() + "</Number>")), call.twiml.constData());
    }

    void callerWhoseCountryIsUnknownStillRoutes()
    {
        // 532 is no area code libphonenumber or the overlay table can place: the number has no country.
        const QString caller = u"+15325550100"_s;
        QVERIFY(PhoneNumbers::parse(caller).valid);
        QVERIFY(PhoneNumbers::parse(caller).regionCode.isEmpty());
        const Service s = f().service();
        f().number(s, POOL);
        f().party(s, caller, B);
        InboundCall c = f().call(caller, POOL);
        c.carrierParams.append({u"FromCountry"_s, QString()});
        QVERIFY(f().router->routeCall(c).forwarded());
    }

    // --- refusals --------------------------------------------------------------------------------------------------

    void unknownNumber_data()
    {
        QTest::addColumn<bool>("isCall");
        QTest::newRow("sms") << false;
        QTest::newRow("call") << true;
    }

    void unknownNumber()
    {
        QFETCH(bool, isCall);
        standardParty();
        const RouteResult r = isCall ? f().router->routeCall(f().call(A, u"+14155557777"_s))
                                     : f().router->routeMessage(f().sms(A, u"+14155557777"_s, u"hi"_s));
        QCOMPARE(r.outcome, RouteResult::Outcome::UnknownNumber);
        QCOMPARE(r.twiml, isCall ? Twiml::reject() : Twiml::empty());
        QCOMPARE(r.debuggerCodes, QList<int>{80905});
        const QList<DebuggerEvent> events = f().events(80905);
        QCOMPARE(events.size(), 1);
        QVERIFY(events.first().accountSid.isEmpty()); // no account owns an unknown number
        QVERIFY(events.first().message.contains(u"+14155557777"_s));
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
    }

    void garbageNumbersAreUnknownNotCrashes()
    {
        standardParty();
        for (const QString &to : {u""_s, u"anonymous"_s, u"+"_s, QString(5000, u'9'), u"+1415555999\u0000"_s}) {
            const RouteResult r = f().router->routeMessage(f().sms(u"client:alice"_s, to, u"x"_s));
            QCOMPARE(r.outcome, RouteResult::Outcome::UnknownNumber);
        }
        // Each is on record, the one with a NUL character too (PostgreSQL text cannot hold NUL: stored as U+FFFD).
        QCOMPARE(f().eventCodes(), QList<int>(5, 80905));
        const RouteResult anonymous = f().router->routeCall(f().call(u"anonymous"_s, POOL));
        QCOMPARE(anonymous.outcome, RouteResult::Outcome::OutOfSession);
        QCOMPARE(anonymous.twiml, Twiml::reject());
    }

    void outOfSession_data()
    {
        QTest::addColumn<bool>("isCall");
        QTest::addColumn<QList<int>>("codes");
        QTest::newRow("sms dropped") << false << QList<int>{80905};
        QTest::newRow("call rejected") << true << QList<int>{80902};
    }

    void outOfSession()
    {
        QFETCH(bool, isCall);
        QFETCH(QList<int>, codes);
        const Party p = standardParty();
        const RouteResult r = isCall ? f().router->routeCall(f().call(STRANGER, POOL))
                                     : f().router->routeMessage(f().sms(STRANGER, POOL, u"hello?"_s));
        QCOMPARE(r.outcome, RouteResult::Outcome::OutOfSession);
        QCOMPARE(r.twiml, isCall ? Twiml::reject() : Twiml::empty());
        QCOMPARE(r.debuggerCodes, codes);
        QCOMPARE(f().eventCodes(), codes);
        const DebuggerEvent e = f().events().first();
        QCOMPARE(e.accountSid, f().account.sid);
        QCOMPARE(e.serviceSid, p.session.serviceSid);
        QVERIFY(e.message.contains(STRANGER));
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
        QCOMPARE(f().session(p).status, SessionStatus::OPEN);
    }

    void closedSessionIsOutOfSessionWithoutExpiryWarning()
    {
        const Party p = standardParty();
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        QVERIFY(f().proxy->updateSession(f().account.sid, p.session.serviceSid, p.session.sid, close).ok());
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"still there?"_s));
        QCOMPARE(r.outcome, RouteResult::Outcome::OutOfSession);
        QCOMPARE(r.debuggerCodes, QList<int>{80905}); // closed by the API, not expired: no 80904
        QCOMPARE(r.sessionSid, p.session.sid);
    }

    void missingPartner_data()
    {
        QTest::addColumn<bool>("isCall");
        QTest::newRow("sms") << false;
        QTest::newRow("call") << true;
    }

    void missingPartner()
    {
        QFETCH(bool, isCall);
        const Service s = f().service();
        f().number(s, POOL);
        const Party p = f().party(s, A, QString());
        const RouteResult r = isCall ? f().router->routeCall(f().call(A, POOL))
                                     : f().router->routeMessage(f().sms(A, POOL, u"anyone?"_s));
        QCOMPARE(r.outcome, RouteResult::Outcome::NoPartner);
        QCOMPARE(r.debuggerCodes, QList<int>{80614});
        QCOMPARE(r.twiml, isCall ? Twiml::reject() : Twiml::empty());
        QCOMPARE(f().events(80614).first().participantSid, p.a.sid);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
    }

    void removedPartnerCountsAsMissing()
    {
        const Party p = standardParty();
        QVERIFY(f().proxy->deleteParticipant(f().account.sid, p.session.serviceSid, p.session.sid, p.b.sid).ok());
        QCOMPARE(f().router->routeMessage(f().sms(A, POOL, u"hi"_s)).outcome, RouteResult::Outcome::NoPartner);
    }

    void modeRejection_data()
    {
        QTest::addColumn<QString>("mode");
        QTest::addColumn<bool>("isCall");
        QTest::addColumn<int>("code");
        QTest::addColumn<bool>("rejected");
        QTest::newRow("sms into voice-only") << SessionMode::VOICE_ONLY << false << 80910 << true;
        QTest::newRow("call into message-only") << SessionMode::MESSAGE_ONLY << true << 80911 << true;
        QTest::newRow("sms into message-only") << SessionMode::MESSAGE_ONLY << false << 0 << false;
        QTest::newRow("call into voice-only") << SessionMode::VOICE_ONLY << true << 0 << false;
    }

    void modeRejection()
    {
        QFETCH(QString, mode);
        QFETCH(bool, isCall);
        QFETCH(int, code);
        QFETCH(bool, rejected);
        SessionParams sp;
        sp.mode = mode;
        standardParty(sp);
        const RouteResult r =
            isCall ? f().router->routeCall(f().call(A, POOL)) : f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        if (!rejected) {
            QVERIFY(r.forwarded());
            return;
        }
        QCOMPARE(r.outcome, RouteResult::Outcome::ModeRejected);
        QCOMPARE(r.debuggerCodes, QList<int>{code});
        QCOMPARE(f().eventCodes(), QList<int>{code});
        QCOMPARE(r.twiml, isCall ? Twiml::reject() : Twiml::empty());
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
    }

    // --- opt-out keywords (reference §7.3) -------------------------------------------------------------------------

    void keywords_data()
    {
        QTest::addColumn<QString>("body");
        QTest::addColumn<bool>("forwarded");
        const auto variants = [](const QString &word) {
            QString mixed = word.toLower();
            for (qsizetype i = 0; i < mixed.size(); i += 2) {
                mixed[i] = mixed.at(i).toUpper();
            }
            return QStringList{word, word.toLower(), mixed, u"  "_s + mixed + u"\n"_s};
        };
        for (const QString &word : {u"STOP"_s, u"UNSUBSCRIBE"_s, u"END"_s, u"CANCEL"_s, u"QUIT"_s, u"STOPALL"_s,
                                    u"ARRETT"_s, u"ARRET"_s, u"ARRETE"_s, u"UNSTOP"_s, u"REVOKE"_s, u"OPTOUT"_s}) {
            for (const QString &v : variants(word)) {
                QTest::addRow("drop '%s'", qPrintable(v.trimmed() + (v != v.trimmed() ? u" (padded)"_s : QString())))
                    << v << false;
            }
        }
        for (const QString &word : {u"START"_s, u"YES"_s, u"DEBUT"_s}) {
            for (const QString &v : variants(word)) {
                QTest::addRow("forward '%s'", qPrintable(v.trimmed() + (v != v.trimmed() ? u" (padded)"_s : QString())))
                    << v << true;
            }
        }
        QTest::newRow("sentence with stop") << u"stop by the gate"_s << true;
        QTest::newRow("stop with punctuation") << u"STOP."_s << true;
        QTest::newRow("help") << u"HELP"_s << true;
        QTest::newRow("empty") << u""_s << true;
    }

    void keywords()
    {
        QFETCH(QString, body);
        QFETCH(bool, forwarded);
        const Party p = standardParty();
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, body));
        if (forwarded) {
            QVERIFY(r.forwarded());
            QVERIFY(f().events(80901).isEmpty());
            QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 1);
            return;
        }
        QCOMPARE(r.outcome, RouteResult::Outcome::OptOut);
        QCOMPARE(r.debuggerCodes, QList<int>{80901});
        QCOMPARE(f().events(80901).size(), 1);
        QCOMPARE(f().events(80901).first().logLevel, u"warning"_s);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
        QCOMPARE(f().session(p).status, SessionStatus::OPEN); // a dropped keyword is no interaction
    }

    void respectSmsStopFilter_data()
    {
        QTest::addColumn<bool>("respect");
        QTest::addColumn<bool>("filtering");
        QTest::addColumn<QString>("body");
        QTest::addColumn<bool>("forwarded");
        QTest::newRow("flag off: STOP dropped whatever the setting") << false << false << u"stop"_s << false;
        QTest::newRow("flag off: START forwarded whatever the setting") << false << true << u"Start"_s << true;
        QTest::newRow("flag on, filtering on: STOP dropped") << true << true << u"STOP"_s << false;
        QTest::newRow("flag on, filtering on: START dropped") << true << true << u"start"_s << false;
        QTest::newRow("flag on, filtering on: YES dropped") << true << true << u"yes"_s << false;
        QTest::newRow("flag on, filtering off: STOP forwarded") << true << false << u"STOP"_s << true;
        QTest::newRow("flag on, filtering off: UNSTOP forwarded") << true << false << u"unstop"_s << true;
        QTest::newRow("flag on, filtering on: ordinary text") << true << true << u"on my way"_s << true;
    }

    void respectSmsStopFilter()
    {
        QFETCH(bool, respect);
        QFETCH(bool, filtering);
        QFETCH(QString, body);
        QFETCH(bool, forwarded);
        AccountSettings settings;
        settings.respectSmsStopFilter = respect;
        settings.smsStopFiltering = filtering;
        QVERIFY(f().proxy->updateAccountSettings(f().account.sid, settings).ok());
        standardParty();
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, body));
        QCOMPARE(r.forwarded(), forwarded);
        QCOMPARE(f().events(80901).size(), forwarded ? 0 : 1);
    }

    // --- duplicates --------------------------------------------------------------------------------------------------

    void sameInboundMessageTwiceIsSentOnce()
    {
        const Party p = standardParty();
        const QString sid = u"SMaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"_s;
        const RouteResult first = f().router->routeMessage(f().sms(A, POOL, u"once"_s, sid));
        QVERIFY(first.forwarded());
        f().outbox->processDue();
        const RouteResult again = f().router->routeMessage(f().sms(A, POOL, u"once"_s, sid));
        QCOMPARE(again.outcome, RouteResult::Outcome::Duplicate);
        QCOMPARE(again.interaction.sid, first.interaction.sid);
        f().outbox->processDue();
        QCOMPARE(f().interactions(p).size(), 1);
        QCOMPARE(outboundTraffic().size(), 1);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 1);
    }

    void sameCallTwiceIsAnsweredAlikeAndRecordedOnce()
    {
        const Party p = standardParty();
        const QString sid = u"CAaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"_s;
        const RouteResult first = f().router->routeCall(f().call(A, POOL, sid));
        const RouteResult again = f().router->routeCall(f().call(A, POOL, sid));
        QCOMPARE(again.outcome, RouteResult::Outcome::Duplicate);
        QCOMPARE(again.twiml, first.twiml);
        QCOMPARE(f().interactions(p).size(), 1);
    }

    // --- expiry and retention ----------------------------------------------------------------------------------------

    void ttlExpiryClosesTheSession()
    {
        SessionParams sp;
        sp.ttl = 60;
        const Party p = standardParty(sp);
        const Service s = *f().proxy->fetchService(f().account.sid, p.session.serviceSid);
        QCOMPARE(f().proxy->listPhoneNumbers(f().account.sid, s.sid, {})->items.first().inUse, 1);

        // Activity slides the deadline: 50 s in, a message; 100 s in (50 s after it) the session is still alive.
        f().clock->advance(50);
        QVERIFY(f().router->routeMessage(f().sms(A, POOL, u"hi"_s)).forwarded());
        f().clock->advance(50);
        QVERIFY(f().scheduler->runExpiry().isEmpty());
        QCOMPARE(f().session(p).status, SessionStatus::IN_PROGRESS);

        f().clock->advance(10); // 60 s after the last interaction
        QSignalSpy expired(f().scheduler.get(), &Scheduler::sessionsExpired);
        QCOMPARE(f().scheduler->runExpiry(), QStringList{p.session.sid});
        QCOMPARE(expired.count(), 1);
        const Session closed = f().session(p);
        QCOMPARE(closed.status, SessionStatus::CLOSED);
        QCOMPARE(closed.closedReason, u"ttl"_s);
        QCOMPARE(closed.dateEnded, f().clock->now());
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM participants WHERE routable = 1"_s), 0);
        QCOMPARE(f().proxy->listPhoneNumbers(f().account.sid, s.sid, {})->items.first().inUse, 0);
        QVERIFY(f().scheduler->runExpiry().isEmpty()); // nothing twice

        // Traffic afterwards is out-of-session, with the expiry warning first.
        const RouteResult sms = f().router->routeMessage(f().sms(A, POOL, u"hello?"_s));
        QCOMPARE(sms.outcome, RouteResult::Outcome::OutOfSession);
        QCOMPARE(sms.debuggerCodes, (QList<int>{80904, 80905}));
        const RouteResult call = f().router->routeCall(f().call(B, POOL));
        QCOMPARE(call.debuggerCodes, (QList<int>{80904, 80902}));
        QCOMPARE(call.twiml, Twiml::reject());
        QCOMPARE(f().events(80904).first().sessionSid, p.session.sid);
    }

    void aLongExpiryBacklogClosesOverSeveralTurnsOfTheEventLoop()
    {
        SchedulerConfig config;
        config.expiryClosesPerPass = 2;
        f().scheduler = std::make_unique<Scheduler>(*f().proxy, f().debugger.get(), f().outbox.get(), config);
        SessionParams sp;
        sp.ttl = 60;
        const Service s = f().service();
        f().number(s, POOL);
        QList<Party> parties;
        for (int i = 0; i < 3; ++i) {
            parties.append(f().party(s, u"+1415555020%1"_s.arg(i), u"+1415555030%1"_s.arg(i), sp));
        }
        f().clock->advance(61);
        QSignalSpy expired(f().scheduler.get(), &Scheduler::sessionsExpired);
        QCOMPARE(f().scheduler->runExpiry().size(), 2); // the cap, not the backlog
        QCOMPARE(expired.count(), 1);
        // The third closes from the event loop, without another call or the interval timer (not started here).
        QTRY_COMPARE(expired.count(), 2);
        QCOMPARE(expired.at(1).at(0).toStringList().size(), 1);
        for (const Party &p : std::as_const(parties)) {
            QCOMPARE(f().session(p).status, SessionStatus::CLOSED);
        }
    }

    void dateExpiryClosesWithItsReason()
    {
        SessionParams sp;
        sp.ttl = 3600;
        sp.dateExpiry = f().clock->now().addSecs(120); // overrides the ttl
        const Party p = standardParty(sp);
        f().clock->advance(119);
        QVERIFY(f().scheduler->runExpiry().isEmpty());
        f().clock->advance(1);
        QCOMPARE(f().scheduler->runExpiry().size(), 1);
        QCOMPARE(f().session(p).closedReason, u"date_expiry"_s);
    }

    void deadlineIsHonouredBeforeTheSweepRuns()
    {
        SessionParams sp;
        sp.ttl = 30;
        const Party p = standardParty(sp);
        f().clock->advance(31); // the scheduler has not run
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"late"_s));
        QCOMPARE(r.outcome, RouteResult::Outcome::OutOfSession);
        QCOMPARE(r.debuggerCodes, (QList<int>{80904, 80905}));
        QCOMPARE(f().session(p).status, SessionStatus::CLOSED);
        QCOMPARE(f().session(p).closedReason, u"ttl"_s);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
    }

    void retentionDeletesOldClosedSessions()
    {
        const Party old = standardParty();
        QVERIFY(f().router->routeMessage(f().sms(A, POOL, u"one"_s)).forwarded());
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        QVERIFY(f().proxy->updateSession(f().account.sid, old.session.serviceSid, old.session.sid, close).ok());
        const Service s = *f().proxy->fetchService(f().account.sid, old.session.serviceSid);
        f().clock->advance(10);
        const Party open = f().party(s, A, B); // the same pair again, active
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM sessions"_s), 2);

        f().clock->advance(90 * 24 * 3600 - 20); // 90 days minus 10 s after the close
        QVERIFY(f().scheduler->runRetention().isEmpty());
        f().clock->advance(11);
        QSignalSpy purged(f().scheduler.get(), &Scheduler::sessionsPurged);
        QCOMPARE(f().scheduler->runRetention(), QStringList{old.session.sid});
        QCOMPARE(purged.count(), 1);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM sessions"_s), 1);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM participants WHERE session_sid = '"_s + old.session.sid + u"'"_s), 0);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
        QCOMPARE(f().proxy->fetchSession(f().account.sid, s.sid, old.session.sid).error().code, 20404);
        QCOMPARE(f().session(open).status, SessionStatus::OPEN); // active sessions are never touched
        QVERIFY(f().router->routeMessage(f().sms(A, POOL, u"two"_s)).forwarded());
    }

    void retentionPeriodIsConfigurable()
    {
        f().schedulerConfig.sessionRetentionDays = 7;
        f().reopen();
        const Party p = standardParty();
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        QVERIFY(f().proxy->updateSession(f().account.sid, p.session.serviceSid, p.session.sid, close).ok());
        f().clock->advance(6 * 24 * 3600);
        QVERIFY(f().scheduler->runRetention().isEmpty());
        f().clock->advance(24 * 3600 + 1);
        QCOMPARE(f().scheduler->runRetention().size(), 1);
    }

    void aLongRetentionBacklogIsDeletedOverSeveralTurnsOfTheEventLoop()
    {
        f().schedulerConfig.retentionPurgesPerPass = 1;
        f().reopen();
        const Service s = f().service();
        f().number(s, POOL);
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        for (int i = 0; i < 3; ++i) {
            const Party p = f().party(s, u"+1415555020%1"_s.arg(i), u"+1415555030%1"_s.arg(i));
            QVERIFY(f().proxy->updateSession(f().account.sid, s.sid, p.session.sid, close).ok());
        }
        f().router->routeMessage(f().sms(STRANGER, POOL, u"hi"_s)); // 80905, purged after the sessions' backlog
        f().clock->advance(91 * 24 * 3600);
        QSignalSpy purged(f().scheduler.get(), &Scheduler::sessionsPurged);
        QCOMPARE(f().scheduler->runRetention().size(), 1); // the cap, not the backlog
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM sessions"_s), 2);
        QCOMPARE(f().events().size(), 1);
        // The other two go from the event loop, one per turn, without another call; then the debugger's purge.
        QTRY_COMPARE(purged.count(), 3);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM sessions"_s), 0);
        QTRY_VERIFY(f().events().isEmpty());
    }

    void retentionPurgesOldDebuggerEvents()
    {
        standardParty();
        f().router->routeMessage(f().sms(STRANGER, POOL, u"hi"_s)); // 80905
        f().clock->advance(29 * 24 * 3600);
        f().scheduler->runRetention();
        QCOMPARE(f().events().size(), 1);
        f().clock->advance(24 * 3600 + 1);
        f().scheduler->runRetention();
        QVERIFY(f().events().isEmpty());
    }

    // --- status callbacks
    // ---------------------------------------------------------------------------------------------

    void statusesNeverMoveBackwards()
    {
        standardParty();
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        StatusReport report;
        report.interactionSid = r.interaction.sid;
        report.resourceSid = u"SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"_s;
        report.messageStatus = u"sent"_s;
        QCOMPARE(f().router->applyStatus(report)->outbound.resourceStatus, u"sent"_s);
        QCOMPARE(f().router->applyStatus(report)->outbound.resourceSid, report.resourceSid);
        report.messageStatus = u"delivered"_s;
        QCOMPARE(f().router->applyStatus(report)->outbound.resourceStatus, u"delivered"_s);
        report.messageStatus = u"sent"_s; // late
        QCOMPARE(f().router->applyStatus(report)->outbound.resourceStatus, u"delivered"_s);
        report.messageStatus = u"queued"_s;
        QCOMPARE(f().router->applyStatus(report)->outbound.resourceStatus, u"delivered"_s);
        report.messageStatus = u"bogus"_s;
        QCOMPARE(f().router->applyStatus(report).error().code, 80701);
        report.interactionSid = u"KI00000000000000000000000000000000"_s;
        report.messageStatus = u"sent"_s;
        QCOMPARE(f().router->applyStatus(report).error().code, 20404);
    }

    // The one owner of "advance a leg": a late "sent" after "delivered" does not move the leg back, even when the
    // "delivered" was committed (by another node) after the caller last read the interaction; the rank is compared
    // with the row the writing transaction sees, and the hook sees that row as "before".
    void lateSentAfterDeliveredDoesNotMoveTheLegBack()
    {
        standardParty();
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        QCOMPARE(r.interaction.outbound.resourceStatus, u"queued"_s); // what a stale reader last saw
        LegHooks hooks;
        RoutingContext context(nullptr, *f().proxy, *f().carrier, *f().outbox, nullptr, {}, {});
        context.hooks = &hooks;
        LegAdvancer legs(context);
        // Another node's "delivered" lands, bypassing this node's advancer.
        QVERIFY(f().proxy->updateInteractionLegStatus(r.interaction.sid, true, u"delivered"_s).ok());

        InteractionLeg late;
        late.resourceStatus = u"sent"_s;
        late.resourceSid = u"SMbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"_s;
        auto advanced = legs.advance(r.interaction.sid, true, late);
        QVERIFY(advanced.ok());
        QCOMPARE(advanced->outbound.resourceStatus, u"delivered"_s);
        QCOMPARE(advanced->outbound.resourceSid, late.resourceSid); // the other fields are still recorded
        QCOMPARE(hooks.outboundBeforeAfter.size(), 1);
        QCOMPARE(hooks.outboundBeforeAfter.at(0), std::make_pair(u"delivered"_s, u"delivered"_s));
        const auto stored = InteractionsTable::bySid(f().db->connection(), r.interaction.sid);
        QVERIFY(stored);
        QCOMPARE(stored->outbound.resourceStatus, u"delivered"_s);

        // A later stage still moves it on; the inbound leg follows the same rule.
        InteractionLeg failed;
        failed.resourceStatus = u"failed"_s; // same rank as delivered: a final status may replace another
        QCOMPARE(legs.advance(r.interaction.sid, true, failed)->outbound.resourceStatus, u"failed"_s);
        InteractionLeg inboundLate;
        inboundLate.resourceStatus = u"queued"_s;
        QCOMPARE(legs.advance(r.interaction.sid, false, inboundLate)->inbound.resourceStatus, u"received"_s);
        QCOMPARE(legs.advance(u"KI00000000000000000000000000000000"_s, true, failed).error().code, 20404);
    }

    // The rank compared in SQL is the lifecycle Router::statusRank states, for every pair of statuses (and one the
    // store holds that Maskline does not know, which any known status replaces).
    void legRankInSqlMatchesTheLifecycle()
    {
        standardParty();
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        const QString sid = r.interaction.sid;
        const QStringList statuses{u"accepted"_s,  u"scheduled"_s,   u"queued"_s,    u"initiated"_s,
                                   u"sending"_s,   u"ringing"_s,     u"receiving"_s, u"sent"_s,
                                   u"answered"_s,  u"in-progress"_s, u"received"_s,  u"delivery-unknown"_s,
                                   u"delivered"_s, u"undelivered"_s, u"failed"_s,    u"canceled"_s,
                                   u"completed"_s, u"busy"_s,        u"no-answer"_s, u"bogus"_s};
        const QSqlDatabase db = f().db->connection();
        for (const QString &stored : statuses) {
            for (const QString &incoming : statuses) {
                QVERIFY(f().proxy->updateInteractionLegStatus(sid, true, stored).ok());
                InteractionLeg leg;
                leg.resourceStatus = incoming;
                QVERIFY(InteractionsTable::advanceLeg(db, sid, true, leg, {}, f().clock->nowMs()));
                const QString expected = Router::statusRank(incoming) >= Router::statusRank(stored) ? incoming : stored;
                QCOMPARE(InteractionsTable::bySid(db, sid)->outbound.resourceStatus, expected);
            }
        }
        QVERIFY(!InteractionsTable::advanceLeg(db, u"KI00000000000000000000000000000000"_s, true, {}, {}, 0));
    }

    void callLegStatusesAndDuration()
    {
        f().close();
        f().open(Testing::testStoreLocation(m_dir.filePath(u"r%1.db"_s.arg(++m_counter))),
                 [](Database &, const Clock &) { return std::make_unique<ScriptedCarrier>(); });
        standardParty();
        const RouteResult r = f().router->routeCall(f().call(A, POOL, u"CA1111111111111111111111111111111a"_s));
        QCOMPARE(r.interaction.outbound.resourceStatus, u"initiated"_s);
        StatusReport report;
        report.interactionSid = r.interaction.sid;
        report.resourceSid = u"CA2222222222222222222222222222222b"_s;
        for (const QString &status : {u"initiated"_s, u"ringing"_s, u"in-progress"_s}) {
            report.callStatus = status;
            QCOMPARE(f().router->applyStatus(report)->outbound.resourceStatus, status);
        }
        report.callStatus = u"completed"_s;
        report.callDuration = u"42"_s;
        const Interaction done = *f().router->applyStatus(report);
        QCOMPARE(done.outbound.resourceSid, report.resourceSid);
        QCOMPARE(done.outbound.resourceStatus, u"completed"_s);
        QCOMPARE(done.data, u"{\"duration\":\"42\"}"_s);
        // Another leg claiming to be this interaction's is refused; the inbound leg is found by its SID.
        report.resourceSid = u"CA3333333333333333333333333333333c"_s;
        QCOMPARE(f().router->applyStatus(report).error().code, 80701);
        StatusReport inbound;
        inbound.resourceSid = u"CA1111111111111111111111111111111a"_s;
        inbound.callStatus = u"completed"_s;
        QCOMPARE(f().router->applyStatus(inbound)->inbound.resourceStatus, u"completed"_s);
    }

    // --- the outbox -------------------------------------------------------------------------------------------------

    void outboxRetriesWithBackoffThenGivesUp()
    {
        f().outboxConfig.maxAttempts = 3;
        f().close();
        auto *scripted = new ScriptedCarrier;
        scripted->answers = {SendOutcome::Kind::Retry, SendOutcome::Kind::Retry, SendOutcome::Kind::Retry};
        f().open(Testing::testStoreLocation(m_dir.filePath(u"r%1.db"_s.arg(++m_counter))),
                 [scripted](Database &, const Clock &) { return std::unique_ptr<Carrier>(scripted); });
        const Party p = standardParty();
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        QCOMPARE(f().outbox->processDue(), 1);
        auto item = f().outbox->items().first();
        QCOMPARE(item.state, u"pending"_s);
        QCOMPARE(item.attempts, 1);
        QCOMPARE(item.nextAttemptAt, f().clock->now().addMSecs(2000));
        QCOMPARE(item.lastError, u"HTTP 503"_s);
        QCOMPARE(f().outbox->processDue(), 0); // not due yet
        f().clock->advance(2);
        QCOMPARE(f().outbox->processDue(), 1);
        item = f().outbox->items().first();
        QCOMPARE(item.nextAttemptAt, f().clock->now().addMSecs(4000)); // doubled
        f().clock->advance(3);
        QCOMPARE(f().outbox->processDue(), 0);
        f().clock->advance(1);
        QCOMPARE(f().outbox->processDue(), 1);
        QCOMPARE(scripted->sent.size(), 3);
        QCOMPARE(f().outbox->items().first().state, u"failed"_s);
        QCOMPARE(f().eventCodes(), QList<int>{80502});
        const DebuggerEvent e = f().events(80502).first();
        QCOMPARE(e.interactionSid, r.interaction.sid);
        QCOMPARE(e.sessionSid, p.session.sid);
        QVERIFY(e.message.contains(B));
        QCOMPARE(f().interactions(p).first().outbound.resourceStatus, u"failed"_s);
        f().clock->advance(3600);
        QCOMPARE(f().outbox->processDue(), 0); // given up for good
        QCOMPARE(scripted->sent.size(), 3);
    }

    void permanentRefusalGivesUpAtOnce()
    {
        f().close();
        auto *scripted = new ScriptedCarrier;
        scripted->answers = {SendOutcome::Kind::Rejected};
        f().open(Testing::testStoreLocation(m_dir.filePath(u"r%1.db"_s.arg(++m_counter))),
                 [scripted](Database &, const Clock &) { return std::unique_ptr<Carrier>(scripted); });
        const Party p = standardParty();
        f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        QCOMPARE(f().outbox->processDue(), 1);
        QCOMPARE(f().outbox->items().first().state, u"failed"_s);
        QCOMPARE(f().eventCodes(), QList<int>{80613});
        QCOMPARE(f().interactions(p).first().outbound.resourceStatus, u"failed"_s);
        f().clock->advance(3600);
        QCOMPARE(f().outbox->processDue(), 0);
        QCOMPARE(scripted->sent.size(), 1);
    }

    void retryDelaysDoubleUpToTheCap()
    {
        OutboxConfig c;
        c.firstRetryDelayMs = 1000;
        c.maxRetryDelayMs = 5000;
        Outbox o(*f().db, *f().clock, c);
        QCOMPARE(o.retryDelayMs(1), 1000);
        QCOMPARE(o.retryDelayMs(2), 2000);
        QCOMPARE(o.retryDelayMs(3), 4000);
        QCOMPARE(o.retryDelayMs(4), 5000);
        QCOMPARE(o.retryDelayMs(60), 5000);
    }

    void lapsedClaimIsAttemptedAgain()
    {
        // An attempt that never reported back (the process died mid-request) is redone: at once after a restart on
        // SQLite (the restarted engine is the only worker), once its lease lapses on PostgreSQL (another node might
        // still hold it).
        standardParty();
        f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        SqlQuery(f().db->connection(), u"UPDATE outbox SET state = 'sending', attempts = 1, next_attempt_at = :t"_s)
            .bind(u":t"_s, f().clock->now().addSecs(120).toMSecsSinceEpoch())
            .exec();
        f().reopen();
        if (Testing::onPostgres()) {
            QCOMPARE(f().outbox->processDue(), 0);
            f().clock->advance(121);
        }
        QCOMPARE(f().outbox->processDue(), 1);
        QCOMPARE(outboundTraffic().size(), 1);
        QCOMPARE(f().outbox->items().first().attempts, 2);
        QCOMPARE(f().outbox->processDue(), 0); // and only once
    }

    void claimInFlightIsRenewedAndLapsesOnlyWhenItsNodeStops()
    {
        // A claim is a short lease its node renews while the attempt is in flight: the item is not taken over while
        // the node lives, however long the attempt takes (up to claimMs), and is once the renewals stop.
        f().outboxConfig.leaseMs = 3000;
        f().reopen();
        std::optional<Outbox::Complete> first;
        std::optional<Outbox::Complete> second;
        Outbox::Handler slow;
        slow.deliver = [&first](const OutboxItem &, Outbox::Complete complete) {
            first = std::move(complete);
        };
        slow.claimMs = 60000;
        f().outbox->registerHandler(u"slow"_s, slow);
        QVERIFY(enqueueItems(u"slow"_s));
        QCOMPARE(f().outbox->processDue(), 1);
        QVERIFY(first.has_value());
        const auto leaseEnd = [&] {
            return f().outbox->items(u"slow"_s).first().nextAttemptAt;
        };
        QCOMPARE(leaseEnd(), f().clock->now().addMSecs(3000));
        // A second worker on the same store (another node) finds nothing to take while the lease is renewed.
        Outbox other(*f().db, *f().clock, f().outboxConfig);
        slow.deliver = [&second](const OutboxItem &, Outbox::Complete complete) {
            second = std::move(complete);
        };
        other.registerHandler(u"slow"_s, slow);
        for (int i = 0; i < 5; ++i) {
            f().clock->advance(2);
            f().outbox->renewClaims();
            QCOMPARE(leaseEnd(), f().clock->now().addMSecs(3000));
            QCOMPARE(other.processDue(), 0);
        }
        // The node stops renewing (it died): the other takes the item over within one lease.
        f().clock->advance(3);
        QCOMPARE(other.processDue(), 1);
        QVERIFY(second.has_value());
        QCOMPARE(f().outbox->items(u"slow"_s).first().attempts, 2);
        // The first attempt's late outcome does not overwrite the second attempt's claim; the second's counts.
        (*first)({Outbox::Verdict::Done});
        f().outbox->flushFinished();
        QCOMPARE(f().outbox->items(u"slow"_s).first().state, u"sending"_s);
        (*second)({Outbox::Verdict::Done});
        other.flushFinished();
        QCOMPARE(f().outbox->items(u"slow"_s).first().state, u"done"_s);
    }

    void recordedOutcomeStartsTheNextSendOnlyWhileRunning()
    {
        // One slot: the second item starts when the first one's outcome is recorded, without anyone calling
        // processDue(). After stop() (a draining engine) an outcome is still recorded, but nothing new starts.
        QList<Outbox::Complete> started;
        Outbox::Handler paced;
        paced.deliver = [&started](const OutboxItem &, Outbox::Complete complete) {
            started.append(std::move(complete));
        };
        paced.maxInFlight = 1;
        f().outbox->registerHandler(u"paced"_s, paced);
        QVERIFY(enqueueItems(u"paced"_s, 3));
        const auto states = [&] {
            QStringList out;
            for (const OutboxItem &item : f().outbox->items(u"paced"_s)) {
                out.append(item.state);
            }
            return out;
        };
        // Observed through the signal: reading the items would record pending outcomes itself.
        QSignalSpy recorded(f().outbox.get(), &Outbox::attemptFinished);
        f().outbox->start();
        QTRY_COMPARE(started.size(), 1);
        started.first()({Outbox::Verdict::Done});
        QTRY_COMPARE(started.size(), 2);
        QCOMPARE(recorded.count(), 1);
        QCOMPARE(states(), (QStringList{u"done"_s, u"sending"_s, u"pending"_s}));

        f().outbox->stop();
        started.at(1)({Outbox::Verdict::Done});
        QTRY_COMPARE(recorded.count(), 2);
        QCOMPARE(started.size(), 2); // the pass that recorded it would have claimed the third: it did not
        QCOMPARE(f().outbox->inFlight(), 0);
        QCOMPARE(states(), (QStringList{u"done"_s, u"done"_s, u"pending"_s}));
    }

    // --- MessageInteractions -----------------------------------------------------------------------------------------

    void messageInteractionGoesThroughTheOutbox()
    {
        const Party p = standardParty();
        auto i = f().router->sendMessageInteraction(f().account.sid, p.session.serviceSid, p.session.sid, p.b.sid,
                                                    u"Your driver is here"_s);
        QVERIFY2(i.ok(), i.ok() ? "" : qPrintable(i.error().message));
        QCOMPARE(i->participantSid, p.b.sid);
        QCOMPARE(i->type, u"message"_s);
        QVERIFY(i->inbound.participantSid.isEmpty());
        QVERIFY(i->inbound.resourceSid.isEmpty());
        QCOMPARE(i->outbound.participantSid, p.b.sid);
        QCOMPARE(i->outbound.resourceStatus, u"queued"_s);
        QCOMPARE(i->outbound.resourceType, u"Message"_s);
        QCOMPARE(f().session(p).status, SessionStatus::IN_PROGRESS);
        QCOMPARE(f().outbox->processDue(), 1);
        const SimulatorRecord sent = outboundTraffic().first();
        QCOMPARE(sent.from, p.b.proxyIdentifier);
        QCOMPARE(sent.to, B);
        QCOMPARE(sent.body, u"Your driver is here"_s);
        QCOMPARE(f().interactions(p).first().outbound.resourceSid, sent.sid);
    }

    void messageInteractionRefusals()
    {
        SessionParams voiceOnly;
        voiceOnly.mode = SessionMode::VOICE_ONLY;
        const Party v = standardParty(voiceOnly);
        auto r =
            f().router->sendMessageInteraction(f().account.sid, v.session.serviceSid, v.session.sid, v.a.sid, u"x"_s);
        QCOMPARE(r.error().code, 80910);

        const Service s = f().service();
        f().number(s, POOL2);
        const Party p = f().party(s, A, B);
        QCOMPARE(
            f().router->sendMessageInteraction(f().account.sid, s.sid, p.session.sid, p.a.sid, QString()).error().code,
            80701);
        QCOMPARE(
            f().router->sendMessageInteraction(f().account.sid, s.sid, p.session.sid, p.a.sid, u"x"_s, {u"ftp://x"_s})
                .error()
                .code,
            80701);
        QCOMPARE(
            f().router
                ->sendMessageInteraction(u"AC00000000000000000000000000000000"_s, s.sid, p.session.sid, p.a.sid, u"x"_s)
                .error()
                .code,
            20404);
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        QVERIFY(f().proxy->updateSession(f().account.sid, s.sid, p.session.sid, close).ok());
        QCOMPARE(
            f().router->sendMessageInteraction(f().account.sid, s.sid, p.session.sid, p.a.sid, u"x"_s).error().code,
            80607);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
    }

    // --- the simulator's injection ---------------------------------------------------------------------------------

    void injectionGoesThroughTheSameRouting()
    {
        const Party p = standardParty();
        const RouteResult r = f().router->injectSms(A, POOL, u"from the console"_s);
        QVERIFY(r.forwarded());
        QVERIFY(r.interaction.inbound.resourceSid.startsWith(u"SM"_s));
        const QList<SimulatorRecord> all = simulator().recent();
        QCOMPARE(all.size(), 1);
        QCOMPARE(all.first().direction, u"inbound"_s);
        QCOMPARE(all.first().interactionSid, r.interaction.sid);
        QCOMPARE(f().router->injectSms(A, POOL, u"stop"_s).outcome, RouteResult::Outcome::OptOut);
        const RouteResult call = f().router->injectCall(STRANGER, POOL);
        QCOMPARE(call.outcome, RouteResult::Outcome::OutOfSession);
        QCOMPARE(simulator().recent().first().status, u"failed"_s);
        // By queued invocation, as the console calls it.
        RouteResult queued;
        QVERIFY(QMetaObject::invokeMethod(
            f().router.get(), "injectSms", Qt::DirectConnection, Q_RETURN_ARG(Maskline::RouteResult, queued),
            Q_ARG(QString, B), Q_ARG(QString, POOL), Q_ARG(QString, u"hi"_s), Q_ARG(QStringList, QStringList())));
        QVERIFY(queued.forwarded());
    }

    void injectionIsRefusedForRealCarriers()
    {
        f().close();
        f().open(Testing::testStoreLocation(m_dir.filePath(u"r%1.db"_s.arg(++m_counter))),
                 [](Database &, const Clock &) { return std::make_unique<ScriptedCarrier>(); });
        standardParty();
        const RouteResult r = f().router->injectSms(A, POOL, u"hi"_s);
        QCOMPARE(r.outcome, RouteResult::Outcome::Failed);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
    }

    void simulatorHttpEndpoints()
    {
        const Party p = standardParty();
        CarrierWebhooks webhooks(*f().router, WebhookConfig{});
        WebhookRequest r;
        r.path = CarrierWebhooks::SIMULATOR_SMS;
        r.baseUrl = u"http://127.0.0.1:8080"_s;
        r.form = {{u"From"_s, A},
                  {u"To"_s, POOL},
                  {u"Body"_s, u"via curl"_s},
                  {u"NumMedia"_s, u"1"_s},
                  {u"MediaUrl0"_s, u"https://m.example/a.png"_s}};
        // Only an authenticated account may inject (the route table asks for HTTP Basic).
        QCOMPARE(webhooks.handle(r).status, 401);
        r.accountSid = f().account.sid;
        WebhookResponse answer = webhooks.handle(r);
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.contentType, QByteArray("application/json"));
        QJsonObject json = QJsonDocument::fromJson(answer.body).object();
        QCOMPARE(json.value(u"outcome"_s).toString(), u"forwarded"_s);
        QCOMPARE(json.value(u"session_sid"_s).toString(), p.session.sid);
        QCOMPARE(json.value(u"interaction_sid"_s).toString(), f().interactions(p).first().sid);
        f().outbox->processDue();
        QCOMPARE(outboundTraffic().first().mediaUrls, QStringList{u"https://m.example/a.png"_s});

        r.path = CarrierWebhooks::SIMULATOR_VOICE;
        r.form = {{u"From"_s, STRANGER}, {u"To"_s, POOL}};
        json = QJsonDocument::fromJson(webhooks.handle(r).body).object();
        QCOMPARE(json.value(u"outcome"_s).toString(), u"out-of-session"_s);
        QCOMPARE(json.value(u"debugger_codes"_s).toArray(), QJsonArray{80902});
        QVERIFY(json.value(u"twiml"_s).toString().contains(u"<Reject/>"_s));

        // Another account's number is no number at all to this caller.
        auto other = f().proxy->createAccount();
        QVERIFY(other.ok());
        r.accountSid = other->sid;
        r.path = CarrierWebhooks::SIMULATOR_SMS;
        r.form = {{u"From"_s, A}, {u"To"_s, POOL}, {u"Body"_s, u"x"_s}};
        json = QJsonDocument::fromJson(webhooks.handle(r).body).object();
        QCOMPARE(json.value(u"outcome"_s).toString(), u"unknown-number"_s);
        QCOMPARE(f().events(80905).first().accountSid, other->sid);
        r.form.append({u"MessageSid"_s, u"not-a-sid"_s});
        QCOMPARE(webhooks.handle(r).status, 400);
        r.form = {{u"To"_s, POOL}};
        QCOMPARE(webhooks.handle(r).status, 400);
        QCOMPARE(f().interactions(p).size(), 1);
    }

    // --- hooks for the callbacks issue -------------------------------------------------------------------------------

    void hooksSeeTheRightMoments()
    {
        RecordingHooks hooks;
        f().router->setHooks(&hooks);
        const Party p = standardParty();
        const RouteResult r = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        QCOMPARE(hooks.recorded, QStringList{r.interaction.sid});
        f().outbox->processDue();
        QCOMPARE(hooks.updated, QStringList{r.interaction.sid});

        // Out-of-session: the hook gets the sender's previous session when there is one.
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        QVERIFY(f().proxy->updateSession(f().account.sid, p.session.serviceSid, p.session.sid, close).ok());
        hooks.handleOutOfSession = true;
        const RouteResult oos = f().router->routeCall(f().call(A, POOL));
        QCOMPARE(oos.twiml, QByteArray("<Response><Say>Sorry</Say></Response>"));
        QVERIFY(oos.debuggerCodes.isEmpty()); // handled: no "no handler" event
        QCOMPARE(hooks.outOfSessionCalls.size(), 1);
        const OutOfSessionContext c = hooks.outOfSessionCalls.first();
        QCOMPARE(c.reason, OutOfSessionContext::Reason::Closed);
        QVERIFY(c.isCall);
        QCOMPARE(c.previousSession->sid, p.session.sid);
        QCOMPARE(c.inboundParticipant->sid, p.a.sid);
        QCOMPARE(c.outboundParticipant->sid, p.b.sid);
        QCOMPARE(c.from, A);
        f().router->setHooks(nullptr);
    }

    void interceptBlocksAndRecordedHookCanRollBack()
    {
        RecordingHooks hooks;
        f().router->setHooks(&hooks);
        const Party p = standardParty();
        // A held message is recorded with its send withheld; the decision queues it or blocks it (80909).
        hooks.intercepting = true;
        const RouteResult held = f().router->routeMessage(f().sms(A, POOL, u"hi"_s));
        QCOMPARE(held.outcome, RouteResult::Outcome::Pending);
        QCOMPARE(hooks.held.size(), 1);
        QVERIFY(hooks.recorded.isEmpty()); // not settled yet: no status callback
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
        InterceptDecision blocked;
        blocked.allowed = false;
        QVERIFY(f().router->releaseMessage(hooks.held.first(), blocked));
        QCOMPARE(f().eventCodes(), QList<int>{80909});
        QCOMPARE(f().interactions(p).first().outbound.resourceStatus, u"failed"_s);
        QCOMPARE(hooks.recorded, QStringList{held.interaction.sid});
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
        QVERIFY(f().router->releaseMessage(hooks.held.first(), blocked)); // decided before: nothing twice
        QCOMPARE(f().eventCodes(), QList<int>{80909});

        hooks.intercepting = false;
        hooks.failRecorded = true;
        const RouteResult failed = f().router->routeMessage(f().sms(A, POOL, u"again"_s));
        QCOMPARE(failed.outcome, RouteResult::Outcome::Failed);
        QCOMPARE(f().interactions(p).size(), 1); // only the blocked one: the failed one rolled back
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
        f().router->setHooks(nullptr);
    }
};

QTEST_GUILESS_MAIN(TestRouting)
#include "tst_routing.moc"
