// Issue 13, "Numbers from the carrier" and "Selection by capability": a live engine (--carrier twilio) in this
// process against a fake Twilio account. PhoneNumbers create by Sid and by PhoneNumber, the carrier's capabilities
// in the pool and the JSON, webhooks pointed at Maskline on add and put back on removal (the exact form bodies the
// fake saw), every kind of carrier failure (nothing left in the pool, the mapped error, a debugger event), the
// engine answering other requests while a lookup stalls, and capability-aware selection. The simulator's
// Capabilities extension is tested against a second engine.

#include <memory>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "debugger/debugger.h"
#include "enginehost.h"
#include "fakecarrieraccount.h"
#include "http/formdata.h"
#include "proxy/proxy.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString ACCOUNT = u"AC11111111111111111111111111111111"_s;
const QString TOKEN = u"22222222222222222222222222222222"_s;
const QString TWILIO_SID = u"AC0123456789abcdef0123456789abcdef"_s;
const QString TWILIO_TOKEN = u"f00df00df00df00df00df00df00df00d"_s;
const QString PUBLIC_URL = u"https://maskline.example.com"_s;

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
    int code() const { return json().value(u"code"_s).toInt(); }
};

QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QStringList parts;
    for (const auto &[k, v] : fields) {
        parts.append(FormData::encodeComponent(k) + u'=' + FormData::encodeComponent(v));
    }
    return parts.join(u'&').toLatin1();
}

QByteArray enc(const QString &v)
{
    return v.toUtf8().toPercentEncoding();
}

// What Maskline must post to point a number at itself.
QByteArray pointingForm()
{
    return "SmsUrl=" + enc(PUBLIC_URL + u"/carrier/twilio/sms"_s) +
           "&SmsMethod=POST&VoiceUrl=" + enc(PUBLIC_URL + u"/carrier/twilio/voice"_s) + "&VoiceMethod=POST";
}

class Engine
{
public:
    Engine(bool twilio, const QString &apiUrl, const QString &twilioToken = TWILIO_TOKEN)
    {
        EngineConfig config;
        config.store.path = m_dir.filePath(u"maskline.db"_s);
        config.http.address = QHostAddress::LocalHost;
        config.http.port = 0;
        config.http.rateLimitPerSecond = 0;
        config.http.publicUrl = PUBLIC_URL;
        config.accountSid = ACCOUNT;
        config.authToken = TOKEN;
        if (twilio) {
            config.carrier.kind = CarrierConfig::Kind::Twilio;
            config.carrier.twilio.apiUrl = apiUrl;
            config.carrier.twilio.accountSid = TWILIO_SID;
            config.carrier.twilio.authToken = twilioToken;
            config.carrier.twilio.requestTimeoutMs = 1500; // the stall tests wait this long
        }
        host = std::make_unique<EngineHost>(config);
        QSignalSpy started(host.get(), &EngineHost::started);
        host->start();
        if (started.isEmpty() && !started.wait(10000)) {
            qFatal("engine did not start");
        }
        base = host->listenUrl();
    }
    ~Engine() { host->stop(); }

    QTemporaryDir m_dir;
    std::unique_ptr<EngineHost> host;
    QString base;
    QNetworkAccessManager network;

    // Starts a request; the caller waits on the reply.
    QNetworkReply *start(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(QUrl(base + path));
        request.setRawHeader("Authorization", "Basic " + (ACCOUNT + u':' + TOKEN).toLatin1().toBase64());
        if (method == "POST") {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        return network.sendCustomRequest(request, method, body);
    }

    static Reply finish(QNetworkReply *reply)
    {
        if (!QTest::qWaitFor([reply]() { return reply->isFinished(); }, 15000)) {
            qWarning("request timed out");
        }
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        reply->deleteLater();
        return r;
    }

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        return finish(start(method, path, body));
    }

    QString service(const QString &name = u"pool"_s)
    {
        const Reply r = send("POST", u"/v1/Services"_s, form({{u"UniqueName"_s, name}}));
        if (r.status != 201) {
            qFatal("service create: %s", r.body.constData());
        }
        return r.json().value(u"sid"_s).toString();
    }

    QJsonArray pool(const QString &serviceSid)
    {
        return send("GET", u"/v1/Services/%1/PhoneNumbers"_s.arg(serviceSid))
            .json()
            .value(u"phone_numbers"_s)
            .toArray();
    }

    QList<DebuggerEvent> events(int code)
    {
        DebuggerFilter filter;
        filter.accountSid = ACCOUNT;
        filter.code = code;
        PageRequest request;
        request.pageSize = 100;
        auto page = host->debugger()->list(filter, request);
        return page ? page->items : QList<DebuggerEvent>();
    }
};

} // namespace

class TestCarrierNumbers final : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<FakeCarrierAccount> m_twilio;
    std::unique_ptr<Engine> m_engine;

    FakeCarrierAccount::Number &owned(const QString &e164, bool voice = true, bool sms = true)
    {
        FakeCarrierAccount::Number &n = m_twilio->add(e164);
        n.voice = voice;
        n.sms = sms;
        n.mms = sms;
        n.smsUrl = u"https://old.example.com/sms?x=1&y=2"_s;
        n.smsMethod = u"GET"_s;
        n.voiceUrl = u"https://old.example.com/voice"_s;
        n.voiceMethod = u"POST"_s;
        return n;
    }

private Q_SLOTS:
    void init()
    {
        m_twilio = std::make_unique<FakeCarrierAccount>(TWILIO_SID, TWILIO_TOKEN);
        m_engine = std::make_unique<Engine>(true, m_twilio->url());
    }

    void cleanup()
    {
        m_engine.reset();
        m_twilio.reset();
    }

    void addBySidTakesTheCarriersNumberAndPointsItsWebhooks()
    {
        const QString ks = m_engine->service();
        const auto n = owned(u"+14155550001"_s, true, false);
        const Reply r = m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}}));
        QCOMPARE(r.status, 201);
        const QJsonObject json = r.json();
        QCOMPARE(json.value(u"sid"_s).toString(), n.sid);
        QCOMPARE(json.value(u"phone_number"_s).toString(), u"+14155550001"_s);
        QCOMPARE(json.value(u"iso_country"_s).toString(), u"US"_s);
        const QJsonObject caps = json.value(u"capabilities"_s).toObject();
        QCOMPARE(caps.value(u"voice"_s).toBool(), true);
        QCOMPARE(caps.value(u"sms"_s).toBool(), false);
        QCOMPARE(caps.value(u"mms"_s).toBool(), false);
        QCOMPARE(caps.value(u"fax"_s).toBool(), false);

        const QByteArray numberPath = "/IncomingPhoneNumbers/" + n.sid.toLatin1() + ".json";
        const auto fetches = m_twilio->seen("GET", numberPath);
        QCOMPARE(fetches.size(), 1);
        QCOMPARE(fetches.first().target, "/2010-04-01/Accounts/" + TWILIO_SID.toLatin1() + "/IncomingPhoneNumbers/" +
                                             n.sid.toLatin1() + ".json");
        const auto updates = m_twilio->seen("POST", numberPath);
        QCOMPARE(updates.size(), 1);
        QCOMPARE(updates.first().body, pointingForm());
        QCOMPARE(m_twilio->numbers[n.sid].smsUrl, PUBLIC_URL + u"/carrier/twilio/sms"_s);
        QCOMPARE(m_twilio->numbers[n.sid].voiceUrl, PUBLIC_URL + u"/carrier/twilio/voice"_s);

        // Stored: fetch and list show the same capabilities.
        const Reply fetched = m_engine->send("GET", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(ks, n.sid));
        QCOMPARE(fetched.status, 200);
        QCOMPARE(fetched.json().value(u"capabilities"_s).toObject(), caps);
        QCOMPARE(m_engine->pool(ks).size(), 1);
    }

    void addByPhoneNumberLooksItUpInTheList()
    {
        const QString ks = m_engine->service();
        owned(u"+14155550009"_s); // another number of the account, not to be taken
        const auto n = owned(u"+14155550002"_s, false, true);
        const Reply r = m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks),
                                       form({{u"PhoneNumber"_s, u"+14155550002"_s}}));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(u"sid"_s).toString(), n.sid);
        QCOMPARE(r.json().value(u"capabilities"_s).toObject().value(u"voice"_s).toBool(), false);
        QCOMPARE(r.json().value(u"capabilities"_s).toObject().value(u"sms"_s).toBool(), true);
        const auto lists = m_twilio->seen("GET", "/IncomingPhoneNumbers.json");
        QCOMPARE(lists.size(), 1);
        QVERIFY2(lists.first().target.endsWith("/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550002"),
                 lists.first().target.constData());
        QCOMPARE(m_twilio->seen("POST", "/IncomingPhoneNumbers/" + n.sid.toLatin1() + ".json").value(0).body,
                 pointingForm());
    }

    void unknownNumbersAreRefusedAndNothingChanges()
    {
        const QString ks = m_engine->service();
        const QString unknownSid = Sid::generate(Sid::PHONE_NUMBER);
        Reply r = m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, unknownSid}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80301);
        QVERIFY(r.json().value(u"message"_s).toString().contains(unknownSid));
        r = m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks),
                           form({{u"PhoneNumber"_s, u"+14155550003"_s}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80601);
        QCOMPARE(m_engine->pool(ks).size(), 0);
        QCOMPARE(m_twilio->seen("POST", ".json").size(), 0); // no webhook was touched
    }

    void capabilitiesComeFromTheCarrier()
    {
        const QString ks = m_engine->service();
        const auto n = owned(u"+14155550004"_s);
        const Reply r = m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks),
                                       form({{u"Sid"_s, n.sid}, {u"Capabilities"_s, u"voice"_s}}));
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80701);
        QVERIFY(r.json().value(u"message"_s).toString().contains(u"Capabilities"_s));
        QVERIFY(m_twilio->requests.isEmpty());
        QVERIFY(m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}})).status ==
                201);
        const Reply update = m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(ks, n.sid),
                                            form({{u"Capabilities"_s, u"sms"_s}}));
        QCOMPARE(update.code(), 80701);
        QCOMPARE(m_engine->send("GET", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(ks, n.sid))
                     .json()
                     .value(u"capabilities"_s)
                     .toObject()
                     .value(u"voice"_s)
                     .toBool(),
                 true);
    }

    void removalRestoresTheWebhooks()
    {
        const QString ks = m_engine->service();
        const auto n = owned(u"+14155550005"_s);
        QCOMPARE(m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}})).status,
                 201);
        m_twilio->requests.clear();
        const Reply r = m_engine->send("DELETE", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(ks, n.sid));
        QCOMPARE(r.status, 204);
        const auto updates = m_twilio->seen("POST", "/IncomingPhoneNumbers/" + n.sid.toLatin1() + ".json");
        QCOMPARE(updates.size(), 1);
        QCOMPARE(updates.first().body, "SmsUrl=" + enc(u"https://old.example.com/sms?x=1&y=2"_s) +
                                           "&SmsMethod=GET&VoiceUrl=" + enc(u"https://old.example.com/voice"_s) +
                                           "&VoiceMethod=POST");
        QCOMPARE(m_twilio->numbers[n.sid].smsUrl, u"https://old.example.com/sms?x=1&y=2"_s);
        QCOMPARE(m_twilio->numbers[n.sid].smsMethod, u"GET"_s);
        QCOMPARE(m_engine->pool(ks).size(), 0);
        // And it can be added again, to another Service.
        const QString other = m_engine->service(u"other"_s);
        QCOMPARE(m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(other), form({{u"Sid"_s, n.sid}})).status,
                 201);
    }

    void serviceDeleteRestoresEveryNumber()
    {
        const QString ks = m_engine->service();
        const auto a = owned(u"+14155550006"_s);
        auto &bRef = owned(u"+14155550007"_s);
        bRef.smsUrl.clear(); // a number that had no SMS webhook gets none back
        bRef.smsMethod.clear();
        const auto b = bRef;
        for (const auto &n : {a, b}) {
            QCOMPARE(
                m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}})).status,
                201);
        }
        m_twilio->requests.clear();
        QCOMPARE(m_engine->send("DELETE", u"/v1/Services/%1"_s.arg(ks)).status, 204);
        QCOMPARE(m_twilio->seen("POST", "/IncomingPhoneNumbers/" + a.sid.toLatin1() + ".json").size(), 1);
        QCOMPARE(m_twilio->seen("POST", "/IncomingPhoneNumbers/" + b.sid.toLatin1() + ".json").value(0).body,
                 "SmsUrl=&VoiceUrl=" + enc(u"https://old.example.com/voice"_s) + "&VoiceMethod=POST");
        QCOMPARE(m_twilio->numbers[a.sid].smsUrl, a.smsUrl);
        QCOMPARE(m_twilio->numbers[b.sid].smsUrl, QString());
        QCOMPARE(m_engine->send("GET", u"/v1/Services/%1"_s.arg(ks)).status, 404);
    }

    void carrierFailuresLeaveNothingBehind_data()
    {
        QTest::addColumn<QString>("failing"); // "lookup" or "update"
        QTest::addColumn<int>("carrierStatus");
        QTest::addColumn<QByteArray>("carrierBody");
        QTest::addColumn<bool>("hang");
        QTest::addColumn<int>("code");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("mentions");

        const QByteArray twilio500 = R"({"code":20500,"message":"Internal Server Error","status":500})";
        QTest::newRow("lookup 401") << u"lookup"_s << 401 << QByteArray(R"({"code":20003,"status":401})") << false
                                    << 80613 << 502 << u"credentials"_s;
        QTest::newRow("lookup 500") << u"lookup"_s << 500 << twilio500 << false << 80502 << 502 << u"HTTP 500"_s;
        QTest::newRow("lookup 429") << u"lookup"_s << 429 << QByteArray("{}") << false << 80502 << 502 << u"HTTP 429"_s;
        QTest::newRow("lookup malformed") << u"lookup"_s << 200 << QByteArray("<html>oops") << false << 80502 << 502
                                          << u"not what its API documents"_s;
        QTest::newRow("lookup without sid") << u"lookup"_s << 200 << QByteArray(R"({"phone_number":"+14155550008"})")
                                            << false << 80502 << 502 << u"not what its API documents"_s;
        QTest::newRow("lookup timeout") << u"lookup"_s << 0 << QByteArray() << true << 80502 << 504 << u"in time"_s;
        QTest::newRow("update 500") << u"update"_s << 500 << twilio500 << false << 80502 << 502 << u"was not added"_s;
        QTest::newRow("update 400") << u"update"_s << 400
                                    << QByteArray(R"({"code":21502,"message":"Invalid SmsUrl","status":400})") << false
                                    << 80613 << 502 << u"Twilio error 21502"_s;
        QTest::newRow("update timeout") << u"update"_s << 0 << QByteArray() << true << 80502 << 504 << u"in time"_s;
    }

    void carrierFailuresLeaveNothingBehind()
    {
        QFETCH(QString, failing);
        QFETCH(int, carrierStatus);
        QFETCH(QByteArray, carrierBody);
        QFETCH(bool, hang);
        QFETCH(int, code);
        QFETCH(int, status);
        QFETCH(QString, mentions);

        const QString ks = m_engine->service();
        const auto n = owned(u"+14155550008"_s);
        const QByteArray method = failing == u"lookup" ? "GET" : "POST";
        m_twilio->override = [=](const RawHttpRequest &r) -> std::optional<FakeCarrierAccount::Response> {
            if (r.method == method && r.target.contains("IncomingPhoneNumbers")) {
                return FakeCarrierAccount::Response{carrierStatus, carrierBody, hang};
            }
            return std::nullopt;
        };
        const Reply r = m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}}));
        QCOMPARE(r.status, status);
        QCOMPARE(r.code(), code);
        QCOMPARE(r.json().value(u"status"_s).toInt(), status);
        QVERIFY2(r.json().value(u"message"_s).toString().contains(mentions), r.body.constData());
        QVERIFY(!r.json().value(u"message"_s).toString().contains(TWILIO_TOKEN));
        QCOMPARE(m_engine->pool(ks).size(), 0);
        QCOMPARE(m_twilio->numbers[n.sid].smsUrl, n.smsUrl); // the fake's state never changed
        const QList<DebuggerEvent> events = m_engine->events(code);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().serviceSid, ks);
        QCOMPARE(events.first().message, r.json().value(u"message"_s).toString());
        QVERIFY(events.first().requestUrl.endsWith(u"/v1/Services/%1/PhoneNumbers"_s.arg(ks)));
        QVERIFY(events.first().requestVariables.contains(n.sid));

        // Once the carrier answers again, the same request goes through.
        m_twilio->override = nullptr;
        QCOMPARE(m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}})).status,
                 201);
    }

    void unreachableCarrier()
    {
        // A port nothing listens on: the fake's own, after it is gone.
        const QString dead = m_twilio->url();
        m_engine.reset();
        m_twilio.reset();
        Engine engine(true, dead);
        const QString ks = engine.service();
        const Reply r = engine.send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks),
                                    form({{u"Sid"_s, Sid::generate(Sid::PHONE_NUMBER)}}));
        QCOMPARE(r.status, 502);
        QCOMPARE(r.code(), 80502);
        QVERIFY2(r.json().value(u"message"_s).toString().contains(u"could not be reached"_s), r.body.constData());
        QCOMPARE(engine.pool(ks).size(), 0);
        QCOMPARE(engine.events(80502).size(), 1);
    }

    void failedRestoreKeepsTheNumber()
    {
        const QString ks = m_engine->service();
        const auto n = owned(u"+14155550010"_s);
        QCOMPARE(m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}})).status,
                 201);
        m_twilio->override = [](const RawHttpRequest &r) -> std::optional<FakeCarrierAccount::Response> {
            if (r.method == "POST") {
                return FakeCarrierAccount::Response{503, "{}", false};
            }
            return std::nullopt;
        };
        Reply r = m_engine->send("DELETE", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(ks, n.sid));
        QCOMPARE(r.status, 502);
        QCOMPARE(r.code(), 80502);
        QCOMPARE(m_engine->pool(ks).size(), 1);
        QCOMPARE(m_engine->events(80502).size(), 1);
        r = m_engine->send("DELETE", u"/v1/Services/%1"_s.arg(ks));
        QCOMPARE(r.status, 502);
        QCOMPARE(m_engine->send("GET", u"/v1/Services/%1"_s.arg(ks)).status, 200);
        QCOMPARE(m_engine->pool(ks).size(), 1);
        // A number that left the carrier account is removed all the same (nothing to put back).
        m_twilio->override = nullptr;
        m_twilio->numbers.remove(n.sid);
        QCOMPARE(m_engine->send("DELETE", u"/v1/Services/%1/PhoneNumbers/%2"_s.arg(ks, n.sid)).status, 204);
        QCOMPARE(m_engine->pool(ks).size(), 0);
        QCOMPARE(m_engine->events(80301).size(), 1);
    }

    void lookupDoesNotHoldOtherRequests()
    {
        const QString ks = m_engine->service();
        const auto n = owned(u"+14155550011"_s);
        int stalled = 0;
        m_twilio->override = [&stalled](const RawHttpRequest &r) -> std::optional<FakeCarrierAccount::Response> {
            if (r.method == "GET" && r.target.contains("IncomingPhoneNumbers")) {
                ++stalled;
                return FakeCarrierAccount::Response{0, {}, true};
            }
            return std::nullopt;
        };
        QNetworkReply *add =
            m_engine->start("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}}));
        QTRY_COMPARE(stalled, 1); // the lookup is out and unanswered
        // A write (its own batch) and a read both complete while it waits.
        const Reply other = m_engine->send("POST", u"/v1/Services"_s, form({{u"UniqueName"_s, u"meanwhile"_s}}));
        QCOMPARE(other.status, 201);
        QCOMPARE(m_engine->send("GET", u"/v1/Services"_s).status, 200);
        QVERIFY(!add->isFinished());
        // The same number again, while the first add is in flight, is refused rather than raced.
        const Reply twice =
            m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}}));
        QCOMPARE(twice.status, 409);
        const Reply stalledReply = Engine::finish(add);
        QCOMPARE(stalledReply.status, 504);
        QCOMPARE(m_engine->pool(ks).size(), 0);
    }

    void selectionFollowsCapabilities()
    {
        const QString ks = m_engine->service();
        const auto voice = owned(u"+14155550012"_s, true, false);
        for (const auto &n : {voice}) {
            QCOMPARE(
                m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, n.sid}})).status,
                201);
        }
        const auto session = [&](const QString &mode) {
            const Reply r = m_engine->send("POST", u"/v1/Services/%1/Sessions"_s.arg(ks), form({{u"Mode"_s, mode}}));
            return r.json().value(u"sid"_s).toString();
        };
        const auto participant = [&](const QString &kc, const QList<std::pair<QString, QString>> &fields) {
            return m_engine->send("POST", u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(ks, kc), form(fields));
        };
        // Only a voice-only number: a message-only session finds nothing to choose.
        const QString messages = session(u"message-only"_s);
        Reply r = participant(messages, {{u"Identifier"_s, u"+14155550100"_s}});
        QCOMPARE(r.status, 400);
        QCOMPARE(r.code(), 80202);
        // …and pinning it is refused as incompatible with the mode.
        r = participant(messages, {{u"Identifier"_s, u"+14155550100"_s}, {u"ProxyIdentifierSid"_s, voice.sid}});
        QCOMPARE(r.code(), 80616);
        r = participant(messages, {{u"Identifier"_s, u"+14155550100"_s}, {u"ProxyIdentifier"_s, voice.phoneNumber}});
        QCOMPARE(r.code(), 80616);
        // A voice-only session takes it.
        r = participant(session(u"voice-only"_s), {{u"Identifier"_s, u"+14155550100"_s}});
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(u"proxy_identifier_sid"_s).toString(), voice.sid);

        // With an SMS number beside it, message-only sessions get that one, never the voice-only one.
        const auto sms = owned(u"+14155550013"_s, false, true);
        QCOMPARE(m_engine->send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"Sid"_s, sms.sid}})).status,
                 201);
        for (const QString &who : {u"+14155550101"_s, u"+14155550102"_s, u"+14155550103"_s}) {
            r = participant(session(u"message-only"_s), {{u"Identifier"_s, who}});
            QCOMPARE(r.status, 201);
            QCOMPARE(r.json().value(u"proxy_identifier_sid"_s).toString(), sms.sid);
        }
        // voice-and-message needs both: neither number has them.
        r = participant(session(u"voice-and-message"_s), {{u"Identifier"_s, u"+14155550104"_s}});
        QCOMPARE(r.code(), 80201);
    }

    void simulatorTakesCapabilitiesAsGiven()
    {
        Engine engine(false, {});
        const QString ks = engine.service();
        const QString path = u"/v1/Services/%1/PhoneNumbers"_s.arg(ks);
        Reply r = engine.send("POST", path,
                              form({{u"PhoneNumber"_s, u"+14155550020"_s}, {u"Capabilities"_s, u"voice, SMS"_s}}));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(u"capabilities"_s).toObject(),
                 (QJsonObject{{u"voice"_s, true}, {u"sms"_s, true}, {u"mms"_s, false}, {u"fax"_s, false}}));
        const QString pn = r.json().value(u"sid"_s).toString();
        r = engine.send(
            "POST", path,
            form({{u"PhoneNumber"_s, u"+14155550021"_s}, {u"Capabilities"_s, uR"({"sms":true,"mms":true})"_s}}));
        QCOMPARE(r.status, 201);
        QCOMPARE(r.json().value(u"capabilities"_s).toObject(),
                 (QJsonObject{{u"voice"_s, false}, {u"sms"_s, true}, {u"mms"_s, true}, {u"fax"_s, false}}));
        // Without it, as before: voice, SMS and MMS.
        r = engine.send("POST", path, form({{u"PhoneNumber"_s, u"+14155550022"_s}}));
        QCOMPARE(r.json().value(u"capabilities"_s).toObject().value(u"voice"_s).toBool(), true);
        QCOMPARE(r.json().value(u"capabilities"_s).toObject().value(u"mms"_s).toBool(), true);

        // Update.
        r = engine.send("POST", path + u'/' + pn, form({{u"Capabilities"_s, u"sms"_s}}));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json().value(u"capabilities"_s).toObject().value(u"voice"_s).toBool(), false);
        QCOMPARE(
            engine.send("GET", path + u'/' + pn).json().value(u"capabilities"_s).toObject().value(u"sms"_s).toBool(),
            true);

        // Bad input names the parameter and changes nothing.
        for (const QString &bad : {u"voice,telepathy"_s, u""_s, u","_s, uR"({"voice":"yes"})"_s, uR"({"voice":true)"_s,
                                   uR"({"voice":false})"_s, uR"({"pager":true})"_s}) {
            r = engine.send("POST", path + u'/' + pn, form({{u"Capabilities"_s, bad}, {u"IsReserved"_s, u"true"_s}}));
            QCOMPARE(r.status, 400);
            QCOMPARE(r.code(), 80701);
            QVERIFY2(r.json().value(u"message"_s).toString().contains(u"Capabilities"_s), r.body.constData());
            r = engine.send("POST", path, form({{u"PhoneNumber"_s, u"+14155550029"_s}, {u"Capabilities"_s, bad}}));
            QCOMPARE(r.code(), 80701);
        }
        const QJsonObject after = engine.send("GET", path + u'/' + pn).json();
        QCOMPARE(after.value(u"is_reserved"_s).toBool(), false);
        QCOMPARE(after.value(u"capabilities"_s).toObject().value(u"voice"_s).toBool(), false);
        QCOMPARE(engine.pool(ks).size(), 3);

        // A Sid alone still names nothing the simulator knows of.
        r = engine.send("POST", path, form({{u"Sid"_s, Sid::generate(Sid::PHONE_NUMBER)}}));
        QCOMPARE(r.code(), 80301);
    }
};

QTEST_GUILESS_MAIN(TestCarrierNumbers)
#include "tst_carriernumbers.moc"
