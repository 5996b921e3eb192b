// The Twilio side of the carrier: X-Twilio-Signature against published vectors, the Messages API request byte for
// byte (against a fake Twilio on loopback), the TwiML bridge, the webhooks' signature checks, and the durable outbox
// across a 503, a restart and a duplicate webhook.

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "carrier/signature.h"
#include "carrier/twiliocarrier.h"
#include "carrier/twiml.h"
#include "faketwilio.h"
#include "http/carrierwebhooks.h"
#include "http/formdata.h"
#include "http/webhookroute.h"
#include "trafficfixture.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString A = u"+14155550101"_s;
const QString B = u"+14155550202"_s;
const QString POOL = u"+14155559999"_s;
const QString TWILIO_SID = u"AC0123456789abcdef0123456789abcdef"_s;
const QString TWILIO_TOKEN = u"f00df00df00df00df00df00df00df00d"_s;
const QString PUBLIC = u"https://maskline.example.com"_s;

using Fields = TwilioSignature::Params;

} // namespace

class TestTwilioCarrier final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<FakeTwilio> m_twilio;
    std::unique_ptr<TrafficFixture> m_f;
    std::unique_ptr<CarrierWebhooks> m_webhooks;
    int m_timeoutMs = 15000;
    bool m_verify = true;

    TrafficFixture &f() { return *m_f; }

    void openEngine()
    {
        m_webhooks.reset();
        m_f = std::make_unique<TrafficFixture>();
        const QString api = m_twilio->url();
        const int timeout = m_timeoutMs;
        m_f->open(m_dir.filePath(u"t%1.db"_s.arg(++m_counter)), [api, timeout](Database &, const Clock &) {
            TwilioConfig c;
            c.apiUrl = api;
            c.accountSid = TWILIO_SID;
            c.authToken = TWILIO_TOKEN;
            c.requestTimeoutMs = timeout;
            return std::unique_ptr<Carrier>(std::make_unique<TwilioCarrier>(c));
        });
        m_webhooks = std::make_unique<CarrierWebhooks>(*m_f->router, WebhookConfig{m_verify});
    }

    void restartEngine()
    {
        m_webhooks.reset();
        f().reopen();
        m_webhooks = std::make_unique<CarrierWebhooks>(*f().router, WebhookConfig{m_verify});
    }

    Party party()
    {
        const Service s = f().service();
        f().number(s, POOL);
        return f().party(s, A, B);
    }

    static WebhookRequest signedRequest(const QString &path, const Fields &form, const QString &query = {},
                                        const QString &signedUrl = {})
    {
        WebhookRequest r;
        r.path = path;
        r.baseUrl = PUBLIC;
        r.url = PUBLIC + path + (query.isEmpty() ? QString() : u'?' + query);
        r.form = form;
        for (const QString &pair : query.split(u'&', Qt::SkipEmptyParts)) {
            r.query.append({pair.section(u'=', 0, 0), pair.section(u'=', 1)});
        }
        r.headers.append({"X-Twilio-Signature",
                          TwilioSignature::compute(TWILIO_TOKEN, signedUrl.isEmpty() ? r.url : signedUrl, form)});
        return r;
    }

    static Fields smsForm(const QString &body, const QString &sid = u"SM0000000000000000000000000000000a"_s)
    {
        return {{u"ToCountry"_s, u"US"_s},
                {u"SmsMessageSid"_s, sid},
                {u"NumMedia"_s, u"0"_s},
                {u"SmsSid"_s, sid},
                {u"SmsStatus"_s, u"received"_s},
                {u"Body"_s, body},
                {u"To"_s, POOL},
                {u"NumSegments"_s, u"1"_s},
                {u"MessageSid"_s, sid},
                {u"AccountSid"_s, TWILIO_SID},
                {u"From"_s, A},
                {u"ApiVersion"_s, u"2010-04-01"_s}};
    }

    QString sentField(int request, const QString &name)
    {
        return FormData::parse(m_twilio->requests.at(request).body).value(name).value_or(u"<absent>"_s);
    }

private Q_SLOTS:
    void init()
    {
        m_timeoutMs = 15000;
        m_verify = true;
        m_twilio = std::make_unique<FakeTwilio>();
        openEngine();
    }

    void cleanup()
    {
        m_webhooks.reset();
        m_f.reset();
        m_twilio.reset();
    }

    // --- X-Twilio-Signature ----------------------------------------------------------------------------------------

    void signatureVectors_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<Fields>("params");
        QTest::addColumn<QByteArray>("expected");
        const QString url = u"https://mycompany.com/myapp.php?foo=1&bar=2"_s;
        const auto call = [](const QString &caller) {
            return Fields{{u"CallSid"_s, u"CA1234567890ABCDE"_s},
                          {u"Caller"_s, caller},
                          {u"Digits"_s, u"1234"_s},
                          {u"From"_s, caller},
                          {u"To"_s, u"+18005551212"_s}};
        };
        // twilio.com/docs/usage/security, "Validating signatures from Twilio" (current and earlier example numbers).
        QTest::newRow("docs example") << url << call(u"+14158675310"_s) << QByteArray("GvWf1cFY/Q7PnoempGyD5oXAezc=");
        QTest::newRow("docs example (older)")
            << url << call(u"+12349013030"_s) << QByteArray("0/KCTR6DLpKmkAf8muzZqo1nDgQ=");
        // twilio-python tests/unit/test_request_validator.py.
        QTest::newRow("twilio-python") << url << call(u"+14158675309"_s) << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        QTest::newRow("twilio-python repeated keys") << url
                                                     << Fields{{u"Sid"_s, u"CA123"_s},
                                                               {u"SidAccount"_s, u"AC123"_s},
                                                               {u"Digits"_s, u"5678"_s},
                                                               {u"Digits"_s, u"1234"_s}}
                                                     << QByteArray("IK+Dwps556ElfBT0I3Rgjkr1wJU=");
        QTest::newRow("twilio-python :443") << u"https://mycompany.com:443/myapp.php?foo=1&bar=2"_s
                                            << call(u"+14158675309"_s) << QByteArray("kvajT1Ptam85bY51eRf/AJRuM3w=");
        // Computed with Python's hmac over code-point order: U+FF21 sorts before U+1F600 (UTF-16 order would not).
        QTest::newRow("code-point order")
            << u"https://x.test/u"_s << Fields{{u"\U0001F600"_s, u"2"_s}, {u"\uFF21"_s, u"1"_s}}
            << QByteArray("jqLuDoSUIFmEspn8r+WRm2uzx4c=");
    }

    void signatureVectors()
    {
        QFETCH(QString, url);
        QFETCH(Fields, params);
        QFETCH(QByteArray, expected);
        QCOMPARE(TwilioSignature::compute(u"12345"_s, url, params), expected);
        QVERIFY(TwilioSignature::validate(u"12345"_s, url, params, expected));
        QVERIFY(!TwilioSignature::validate(u"12346"_s, url, params, expected));
    }

    void signatureValidation_data()
    {
        QTest::addColumn<QString>("requestUrl");
        QTest::addColumn<QByteArray>("signature");
        QTest::addColumn<bool>("valid");
        const QString url = u"https://mycompany.com/myapp.php?foo=1&bar=2"_s;
        QTest::newRow("exact") << url << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8=") << true;
        // Signed with the default port, received without it, and the other way round (twilio-python vectors).
        QTest::newRow("signed with :443") << url << QByteArray("kvajT1Ptam85bY51eRf/AJRuM3w=") << true;
        QTest::newRow("received with :443") << u"https://mycompany.com:443/myapp.php?foo=1&bar=2"_s
                                            << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8=") << true;
        QTest::newRow("http signed with :80")
            << u"http://mycompany.com/myapp.php?foo=1&bar=2"_s << QByteArray("0ZXoZLH/DfblKGATFgpif+LLRf4=") << true;
        QTest::newRow("http non-default port, exact") << u"http://mycompany.com:1234/myapp.php?foo=1&bar=2"_s
                                                      << QByteArray("Zmvh+3yNM1Phv2jhDCwEM3q5ebU=") << true;
        QTest::newRow("non-default port is not dropped") << u"https://mycompany.com:1234/myapp.php?foo=1&bar=2"_s
                                                         << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8=") << false;
        QTest::newRow("other scheme") << u"http://mycompany.com/myapp.php?foo=1&bar=2"_s
                                      << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8=") << false;
        QTest::newRow("other query") << u"https://mycompany.com/myapp.php?foo=1&bar=3"_s
                                     << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8=") << false;
        QTest::newRow("one byte off") << url << QByteArray("RSOYDt4T1cUTdK1PDd93/VVr8B8") << false;
        QTest::newRow("empty") << url << QByteArray() << false;
    }

    void signatureValidation()
    {
        QFETCH(QString, requestUrl);
        QFETCH(QByteArray, signature);
        QFETCH(bool, valid);
        const Fields params{{u"CallSid"_s, u"CA1234567890ABCDE"_s},
                            {u"Digits"_s, u"1234"_s},
                            {u"From"_s, u"+14158675309"_s},
                            {u"To"_s, u"+18005551212"_s},
                            {u"Caller"_s, u"+14158675309"_s}};
        QCOMPARE(TwilioSignature::validate(u"12345"_s, requestUrl, params, signature), valid);
        QVERIFY(!TwilioSignature::validate(QString(), requestUrl, params, signature));
    }

    void carrierUrl_data()
    {
        QTest::addColumn<QString>("base");
        QTest::addColumn<bool>("fromHost");
        QTest::addColumn<QByteArray>("forwardedProto");
        QTest::addColumn<QString>("expected");
        QTest::newRow("public url") << u"https://proxy.example.com"_s << false << QByteArray("http")
                                    << u"https://proxy.example.com/carrier/twilio/status?interaction=KI1&x=%2B1"_s;
        QTest::newRow("host header") << u"http://10.0.0.5:8080"_s << true << QByteArray()
                                     << u"http://10.0.0.5:8080/carrier/twilio/status?interaction=KI1&x=%2B1"_s;
        QTest::newRow("behind a TLS proxy")
            << u"http://maskline.example.com"_s << true << QByteArray("HTTPS")
            << u"https://maskline.example.com/carrier/twilio/status?interaction=KI1&x=%2B1"_s;
    }

    void carrierUrl()
    {
        QFETCH(QString, base);
        QFETCH(bool, fromHost);
        QFETCH(QByteArray, forwardedProto);
        QFETCH(QString, expected);
        HttpRequest r;
        r.method = HttpMethod::Post;
        r.path = u"/carrier/twilio/status"_s;
        r.query = u"interaction=KI1&x=%2B1"_s; // verbatim, as signed
        r.baseUrl = base;
        r.baseFromHost = fromHost;
        if (!forwardedProto.isEmpty()) {
            r.headers.append({"X-Forwarded-Proto", forwardedProto});
        }
        QCOMPARE(WebhookRoute::carrierUrl(r), expected);
    }

    // --- the Messages API request ---------------------------------------------------------------------------------

    void messageRequestIsExact()
    {
        TwilioConfig c;
        c.apiUrl = m_twilio->url() + u"/"_s;
        c.accountSid = TWILIO_SID;
        c.authToken = TWILIO_TOKEN;
        TwilioCarrier carrier(c);
        OutboundMessage m;
        m.from = POOL;
        m.to = B;
        m.body = u"Hi & bye café 😀 a+b"_s;
        m.mediaUrls = {u"https://m.example/1.jpg?x=1&y=2"_s, u"https://m.example/2.png"_s};
        m.statusCallback = PUBLIC + u"/carrier/twilio/status?interaction=KI00000000000000000000000000000001"_s;
        std::optional<SendOutcome> outcome;
        carrier.sendMessage(m, [&](const SendOutcome &o) { outcome = o; });
        QTRY_VERIFY(outcome.has_value());

        QCOMPARE(m_twilio->requests.size(), 1);
        const FakeTwilio::Request &r = m_twilio->requests.first();
        QCOMPARE(r.method, QByteArray("POST"));
        QCOMPARE(r.target, "/2010-04-01/Accounts/" + TWILIO_SID.toLatin1() + "/Messages.json");
        QCOMPARE(r.header("authorization"),
                 "Basic " + QByteArray(TWILIO_SID.toLatin1() + ':' + TWILIO_TOKEN.toLatin1()).toBase64());
        QCOMPARE(r.header("content-type"), QByteArray("application/x-www-form-urlencoded"));
        QCOMPARE(r.body, QByteArray("From=%2B14155559999&To=%2B14155550202"
                                    "&Body=Hi%20%26%20bye%20caf%C3%A9%20%F0%9F%98%80%20a%2Bb"
                                    "&MediaUrl=https%3A%2F%2Fm.example%2F1.jpg%3Fx%3D1%26y%3D2"
                                    "&MediaUrl=https%3A%2F%2Fm.example%2F2.png"
                                    "&StatusCallback=https%3A%2F%2Fmaskline.example.com%2Fcarrier%2Ftwilio%2Fstatus"
                                    "%3Finteraction%3DKI00000000000000000000000000000001"));
        QCOMPARE(outcome->kind, SendOutcome::Kind::Accepted);
        QCOMPARE(outcome->resourceSid.toLatin1(), m_twilio->sidsIssued.first());
        QCOMPARE(outcome->resourceStatus, u"queued"_s);
        QCOMPARE(outcome->httpStatus, 201);
    }

    void answersAreClassified_data()
    {
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("hang");
        QTest::addColumn<int>("kind");
        QTest::addColumn<QString>("errorContains");
        const int retry = int(SendOutcome::Kind::Retry);
        const int rejected = int(SendOutcome::Kind::Rejected);
        QTest::newRow("503") << 503 << QByteArray("{}") << false << retry << u"HTTP 503"_s;
        QTest::newRow("500") << 500 << QByteArray("oops") << false << retry << u"HTTP 500"_s;
        QTest::newRow("429") << 429 << QByteArray(R"({"code":20429,"message":"Too Many Requests"})") << false << retry
                             << u"20429"_s;
        QTest::newRow("400 invalid To")
            << 400
            << QByteArray(R"({"code":21211,"message":"The 'To' number +1 is not a valid phone number.","status":400})")
            << false << rejected << u"Twilio error 21211: The 'To' number"_s;
        QTest::newRow("401") << 401 << QByteArray(R"({"code":20003,"message":"Authenticate"})") << false << rejected
                             << u"20003"_s;
        QTest::newRow("redirect") << 301 << QByteArray() << false << rejected << u"HTTP 301"_s;
        QTest::newRow("timeout") << 0 << QByteArray() << true << retry << u"time limit"_s;
    }

    void answersAreClassified()
    {
        QFETCH(int, status);
        QFETCH(QByteArray, body);
        QFETCH(bool, hang);
        QFETCH(int, kind);
        QFETCH(QString, errorContains);
        m_twilio->script.append({status, body, hang});
        TwilioConfig c;
        c.apiUrl = m_twilio->url();
        c.accountSid = TWILIO_SID;
        c.authToken = TWILIO_TOKEN;
        c.requestTimeoutMs = 300;
        TwilioCarrier carrier(c);
        std::optional<SendOutcome> outcome;
        carrier.sendMessage({POOL, B, u"x"_s, {}, {}, {}, {}, {}, {}}, [&](const SendOutcome &o) { outcome = o; });
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(int(outcome->kind), kind);
        QVERIFY2(outcome->error.contains(errorContains), qPrintable(outcome->error));
    }

    void unreachableApiIsRetried()
    {
        TwilioConfig c;
        c.apiUrl = u"http://127.0.0.1:1"_s;
        c.accountSid = TWILIO_SID;
        c.authToken = TWILIO_TOKEN;
        TwilioCarrier carrier(c);
        std::optional<SendOutcome> outcome;
        carrier.sendMessage({POOL, B, u"x"_s, {}, {}, {}, {}, {}, {}}, [&](const SendOutcome &o) { outcome = o; });
        QTRY_VERIFY(outcome.has_value());
        QCOMPARE(outcome->kind, SendOutcome::Kind::Retry);
        QCOMPARE(outcome->httpStatus, 0);
    }

    // --- webhooks, end to end through the router and the outbox
    // ---------------------------------------------------------

    void smsWebhookSendsExactlyOneMessage()
    {
        const Party p = party();
        const WebhookResponse answer =
            m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"hello"_s)));
        QCOMPARE(answer.status, 200);
        QCOMPARE(answer.contentType, QByteArray("text/xml; charset=utf-8"));
        QCOMPARE(answer.body, Twiml::empty());
        QCOMPARE(f().outbox->processDue(), 1);
        QTRY_COMPARE(f().outbox->items().first().state, u"done"_s);
        QCOMPARE(m_twilio->requests.size(), 1);

        const Interaction i = f().interactions(p).first();
        QCOMPARE(sentField(0, u"From"_s), p.b.proxyIdentifier);
        QCOMPARE(sentField(0, u"To"_s), B);
        QCOMPARE(sentField(0, u"Body"_s), u"hello"_s);
        QCOMPARE(sentField(0, u"StatusCallback"_s), PUBLIC + u"/carrier/twilio/status?interaction="_s + i.sid);
        QCOMPARE(i.inbound.resourceSid, u"SM0000000000000000000000000000000a"_s);
        QCOMPARE(i.inbound.resourceUrl, m_twilio->url() + u"/2010-04-01/Accounts/"_s + TWILIO_SID +
                                            u"/Messages/SM0000000000000000000000000000000a.json"_s);
        QCOMPARE(i.outbound.resourceSid.toLatin1(), m_twilio->sidsIssued.first());
        QCOMPARE(i.outbound.resourceStatus, u"queued"_s);
        QCOMPARE(f().session(p).status, SessionStatus::IN_PROGRESS);

        // The carrier retries the same webhook (it timed out on its side): nothing new is sent.
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"hello"_s))).status, 200);
        QCOMPARE(f().outbox->processDue(), 0);
        QTest::qWait(50);
        QCOMPARE(m_twilio->requests.size(), 1);
        QCOMPARE(f().interactions(p).size(), 1);
    }

    void mmsWebhookForwardsMedia()
    {
        party();
        Fields form = smsForm(QString());
        form.append({u"NumMedia"_s, u"2"_s});
        form.removeIf([](const auto &kv) { return kv.first == u"NumMedia"_s && kv.second == u"0"_s; });
        form.append({u"MediaUrl0"_s, u"https://api.twilio.com/media/ME1"_s});
        form.append({u"MediaContentType0"_s, u"image/jpeg"_s});
        form.append({u"MediaUrl1"_s, u"https://api.twilio.com/media/ME2"_s});
        form.append({u"MediaUrl2"_s, u"https://evil.example/not-counted"_s});
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, form)).status, 200);
        f().outbox->processDue();
        QTRY_COMPARE(m_twilio->requests.size(), 1);
        QCOMPARE(FormData::parse(m_twilio->requests.first().body).values(u"MediaUrl"_s),
                 (QStringList{u"https://api.twilio.com/media/ME1"_s, u"https://api.twilio.com/media/ME2"_s}));
        QCOMPARE(sentField(0, u"Body"_s), u"<absent>"_s);
    }

    void voiceWebhookAnswersTheBridge()
    {
        const Party p = party();
        const Fields form{{u"CallSid"_s, u"CA0000000000000000000000000000000b"_s},
                          {u"AccountSid"_s, TWILIO_SID},
                          {u"From"_s, B},
                          {u"To"_s, POOL},
                          {u"CallStatus"_s, u"ringing"_s},
                          {u"Direction"_s, u"inbound"_s},
                          {u"ApiVersion"_s, u"2010-04-01"_s}};
        const WebhookResponse answer = m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_VOICE, form));
        QCOMPARE(answer.status, 200);
        const Interaction i = f().interactions(p).first();
        QCOMPARE(answer.body,
                 "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response><Dial callerId=\"+14155559999\" "
                 "answerOnBridge=\"true\"><Number statusCallback=\"https://maskline.example.com/carrier/twilio/"
                 "status?interaction=" +
                     i.sid.toLatin1() +
                     "\" statusCallbackEvent=\"initiated ringing answered completed\" statusCallbackMethod=\"POST\">"
                     "+14155550101</Number></Dial></Response>");
        QCOMPARE(i.type, u"voice"_s);
        QCOMPARE(i.inbound.participantSid, p.b.sid);
        QCOMPARE(i.outbound.participantSid, p.a.sid);
        QCOMPARE(i.outbound.resourceStatus, u"initiated"_s);
        QVERIFY(m_twilio->requests.isEmpty()); // a bridged call needs no REST request

        // The child leg reports in through the signed status callback.
        const QString query = u"interaction="_s + i.sid;
        const Fields ringing{{u"CallSid"_s, u"CA0000000000000000000000000000000c"_s},
                             {u"CallStatus"_s, u"ringing"_s},
                             {u"ParentCallSid"_s, u"CA0000000000000000000000000000000b"_s}};
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_STATUS, ringing, query)).status, 204);
        Fields completed = ringing;
        completed[1].second = u"completed"_s;
        completed.append({u"CallDuration"_s, u"17"_s});
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_STATUS, completed, query)).status, 204);
        const Interaction after = f().interactions(p).first();
        QCOMPARE(after.outbound.resourceSid, u"CA0000000000000000000000000000000c"_s);
        QCOMPARE(after.outbound.resourceStatus, u"completed"_s);
        QCOMPARE(after.data, u"{\"duration\":\"17\"}"_s);
        QCOMPARE(after.outbound.resourceUrl, m_twilio->url() + u"/2010-04-01/Accounts/"_s + TWILIO_SID +
                                                 u"/Calls/CA0000000000000000000000000000000c.json"_s);
    }

    void messageStatusCallback()
    {
        const Party p = party();
        m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"hi"_s)));
        f().outbox->processDue();
        QTRY_COMPARE(f().outbox->items().first().state, u"done"_s);
        const Interaction i = f().interactions(p).first();
        const Fields delivered{{u"MessageSid"_s, i.outbound.resourceSid},
                               {u"MessageStatus"_s, u"delivered"_s},
                               {u"SmsSid"_s, i.outbound.resourceSid},
                               {u"SmsStatus"_s, u"delivered"_s}};
        // Unsigned: refused, nothing changes.
        WebhookRequest unsigned_ = signedRequest(CarrierWebhooks::TWILIO_STATUS, delivered, u"interaction="_s + i.sid);
        unsigned_.headers.clear();
        QCOMPARE(m_webhooks->handle(unsigned_).status, 403);
        QCOMPARE(f().interactions(p).first().outbound.resourceStatus, u"queued"_s);
        // Signed: applied. Also without our query parameter (a number-level status callback), found by SID.
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_STATUS, delivered)).status, 204);
        QCOMPARE(f().interactions(p).first().outbound.resourceStatus, u"delivered"_s);
        // Malformed ones are refused before anything is looked up.
        QCOMPARE(
            m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_STATUS, delivered, u"interaction=KC1"_s)).status,
            400);
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_STATUS, {{u"MessageSid"_s, u"x"_s}})).status,
                 400);
    }

    void signatureIsRequired_data()
    {
        QTest::addColumn<QString>("variant");
        QTest::addColumn<int>("status");
        QTest::newRow("valid") << u"valid"_s << 200;
        QTest::newRow("signed with :443, received without") << u"port-signed"_s << 200;
        QTest::newRow("received with :443, signed without") << u"port-received"_s << 200;
        QTest::newRow("missing") << u"missing"_s << 403;
        QTest::newRow("wrong") << u"wrong"_s << 403;
        QTest::newRow("other token") << u"other-token"_s << 403;
        QTest::newRow("signed for another URL") << u"other-url"_s << 403;
        QTest::newRow("parameter changed after signing") << u"tampered"_s << 403;
        QTest::newRow("parameter added after signing") << u"added"_s << 403;
    }

    void signatureIsRequired()
    {
        QFETCH(QString, variant);
        QFETCH(int, status);
        const Party p = party();
        const Fields form = smsForm(u"hello"_s);
        WebhookRequest r = signedRequest(CarrierWebhooks::TWILIO_SMS, form);
        if (variant == u"port-signed"_s) {
            r = signedRequest(CarrierWebhooks::TWILIO_SMS, form, {},
                              u"https://maskline.example.com:443/carrier/twilio/sms"_s);
        } else if (variant == u"port-received"_s) {
            r.url = u"https://maskline.example.com:443/carrier/twilio/sms"_s;
        } else if (variant == u"missing"_s) {
            r.headers.clear();
        } else if (variant == u"wrong"_s) {
            r.headers = {{"X-Twilio-Signature", "AAAAAAAAAAAAAAAAAAAAAAAAAAA="}};
        } else if (variant == u"other-token"_s) {
            r.headers = {{"x-twilio-signature", TwilioSignature::compute(u"12345"_s, r.url, form)}};
        } else if (variant == u"other-url"_s) {
            r = signedRequest(CarrierWebhooks::TWILIO_SMS, form, {}, u"https://elsewhere.example/carrier/twilio/sms"_s);
        } else if (variant == u"tampered"_s) {
            r.form[5].second = u"send me money"_s;
        } else if (variant == u"added"_s) {
            r.form.append({u"Extra"_s, u"1"_s});
        }
        const WebhookResponse answer = m_webhooks->handle(r);
        QCOMPARE(answer.status, status);
        f().outbox->processDue();
        QTest::qWait(20);
        if (status == 403) {
            QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
            QCOMPARE(f().count(u"SELECT COUNT(*) FROM outbox"_s), 0);
            QVERIFY(f().events().isEmpty());
            QCOMPARE(f().session(p).status, SessionStatus::OPEN);
            QVERIFY(m_twilio->requests.isEmpty());
        } else {
            QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 1);
        }
        // The voice endpoint is held to the same rule.
        WebhookRequest voice =
            signedRequest(CarrierWebhooks::TWILIO_VOICE,
                          {{u"CallSid"_s, u"CA0000000000000000000000000000000d"_s}, {u"From"_s, A}, {u"To"_s, POOL}});
        voice.headers.clear();
        QCOMPARE(m_webhooks->handle(voice).status, 403);
    }

    void signatureCheckCanBeTurnedOff()
    {
        m_verify = false;
        openEngine();
        party();
        WebhookRequest r = signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"hello"_s));
        r.headers.clear();
        QCOMPARE(m_webhooks->handle(r).status, 200);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 1);
    }

    void malformedWebhooksAreRefused()
    {
        party();
        Fields noSid = smsForm(u"x"_s);
        noSid.removeIf([](const auto &kv) { return kv.first.endsWith(u"Sid"_s) && kv.first != u"AccountSid"_s; });
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, noSid)).status, 400);
        QCOMPARE(m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"x"_s, u"SM'; DROP"_s))).status,
                 400);
        WebhookRequest get = signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"x"_s));
        get.method = u"GET"_s;
        QCOMPARE(m_webhooks->handle(get).status, 405);
        QCOMPARE(m_webhooks->handle(signedRequest(u"/carrier/twilio/other"_s, {})).status, 404);
        QCOMPARE(f().count(u"SELECT COUNT(*) FROM interactions"_s), 0);
        // The simulator's endpoints are closed while Twilio carries the traffic.
        WebhookRequest sim = signedRequest(CarrierWebhooks::SIMULATOR_SMS, smsForm(u"x"_s));
        sim.accountSid = f().account.sid;
        QCOMPARE(m_webhooks->handle(sim).status, 404);
    }

    // --- the durable outbox against Twilio
    // ------------------------------------------------------------------------------

    void sendIsRetriedAfter503()
    {
        const Party p = party();
        m_twilio->script.append({503, QByteArray(R"({"code":20503,"message":"Service Unavailable"})"), false});
        m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"hello"_s)));
        QCOMPARE(f().outbox->processDue(), 1);
        QTRY_COMPARE(f().outbox->items().first().state, u"pending"_s);
        QCOMPARE(m_twilio->requests.size(), 1);
        QCOMPARE(f().interactions(p).first().outbound.resourceStatus, u"queued"_s);
        QVERIFY(f().outbox->items().first().lastError.contains(u"HTTP 503"_s));

        QCOMPARE(f().outbox->processDue(), 0); // backoff: not before 2 s
        f().clock->advance(2);
        QCOMPARE(f().outbox->processDue(), 1);
        QTRY_COMPARE(f().outbox->items().first().state, u"done"_s);
        QCOMPARE(m_twilio->requests.size(), 2);
        QCOMPARE(m_twilio->requests.at(0).body, m_twilio->requests.at(1).body);
        QCOMPARE(f().interactions(p).first().outbound.resourceSid.toLatin1(), m_twilio->sidsIssued.first());
        QVERIFY(f().events().isEmpty());
    }

    void sendSurvivesARestart()
    {
        const Party p = party();
        // Queued, then the engine stops before the worker ran: the next engine sends it.
        m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"one"_s)));
        restartEngine();
        QCOMPARE(f().outbox->processDue(), 1);
        QTRY_COMPARE(m_twilio->requests.size(), 1);
        QTRY_COMPARE(f().outbox->items().first().state, u"done"_s);

        // A 503, then a restart while the retry waits: the new engine retries once, and only once.
        m_twilio->script.append({503, QByteArray("{}"), false});
        m_webhooks->handle(
            signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"two"_s, u"SM0000000000000000000000000000000e"_s)));
        QCOMPARE(f().outbox->processDue(), 1);
        QTRY_COMPARE(m_twilio->requests.size(), 2);
        QTRY_COMPARE(f().outbox->items().last().state, u"pending"_s);
        restartEngine();
        f().clock->advance(2);
        QCOMPARE(f().outbox->processDue(), 1);
        QTRY_COMPARE(f().outbox->items().last().state, u"done"_s);
        QCOMPARE(m_twilio->requests.size(), 3);
        f().clock->advance(3600);
        QCOMPARE(f().outbox->processDue(), 0);
        QTest::qWait(20);
        QCOMPARE(m_twilio->requests.size(), 3);
        QCOMPARE(f().interactions(p).size(), 2);
        for (const Interaction &i : f().interactions(p)) {
            QVERIFY(i.outbound.resourceSid.startsWith(u"SM"_s));
        }
    }

    void workerRunsOnItsOwn()
    {
        // Started, the outbox needs no prodding: a webhook's message leaves on the next turn of the event loop.
        const Party p = party();
        f().outbox->start();
        m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"hello"_s)));
        QTRY_COMPARE(m_twilio->requests.size(), 1);
        QTRY_COMPARE(f().interactions(p).first().outbound.resourceStatus, u"queued"_s);
        QTRY_VERIFY(!f().interactions(p).first().outbound.resourceSid.isEmpty());
        f().outbox->stop();
    }

    void refusedSendIsReported()
    {
        const Party p = party();
        m_twilio->script.append(
            {400, QByteArray(R"({"code":21610,"message":"Attempt to send to unsubscribed recipient","status":400})"),
             false});
        m_webhooks->handle(signedRequest(CarrierWebhooks::TWILIO_SMS, smsForm(u"hello"_s)));
        f().outbox->processDue();
        QTRY_COMPARE(f().outbox->items().first().state, u"failed"_s);
        QCOMPARE(f().eventCodes(), QList<int>{80613});
        const DebuggerEvent e = f().events(80613).first();
        QVERIFY2(e.message.contains(u"21610"_s), qPrintable(e.message));
        QVERIFY(e.message.contains(B));
        QCOMPARE(e.logLevel, u"error"_s);
        QCOMPARE(f().interactions(p).first().outbound.resourceStatus, u"failed"_s);
        f().clock->advance(3600);
        QCOMPARE(f().outbox->processDue(), 0);
        QCOMPARE(m_twilio->requests.size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestTwilioCarrier)
#include "tst_twiliocarrier.moc"
