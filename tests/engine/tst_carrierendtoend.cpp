// Issue 4's "done when", against the real binary: maskline-server --carrier twilio --twilio-api-url <fake Twilio>.
// A signed SMS webhook from participant A to its proxy number produces exactly one Messages API request From=B's
// proxy number To=B; the interaction is listed by the REST API and the session is in-progress; a STOP from A
// produces none. Everything goes over real sockets: REST, the webhook, and the carrier's API call.

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "carrier/signature.h"
#include "faketwilio.h"
#include "http/formdata.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString ACCOUNT = u"AC11111111111111111111111111111111"_s;
const QString TOKEN = u"22222222222222222222222222222222"_s;
const QString TWILIO_SID = u"AC0123456789abcdef0123456789abcdef"_s;
const QString TWILIO_TOKEN = u"f00df00df00df00df00df00df00df00d"_s;
const QString A = u"+14155550101"_s;
const QString B = u"+14155550202"_s;
const QString POOL = u"+14155559999"_s;

struct Reply
{
    int status = 0;
    QByteArray body;
    QJsonObject json() const { return QJsonDocument::fromJson(body).object(); }
};

QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QStringList parts;
    for (const auto &[k, v] : fields) {
        parts.append(FormData::encodeComponent(k) + u'=' + FormData::encodeComponent(v));
    }
    return parts.join(u'&').toLatin1();
}

} // namespace

class TestCarrierEndToEnd final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    FakeTwilio m_twilio;
    QProcess m_server;
    QString m_base;
    QNetworkAccessManager m_network;

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {},
               const QList<std::pair<QByteArray, QByteArray>> &headers = {}, bool basicAuth = true)
    {
        QNetworkRequest request(QUrl(m_base + path));
        if (basicAuth) {
            request.setRawHeader("Authorization", "Basic " + (ACCOUNT + u':' + TOKEN).toLatin1().toBase64());
        }
        if (!body.isEmpty() || method == "POST") {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        for (const auto &[name, value] : headers) {
            request.setRawHeader(name, value);
        }
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        if (!QTest::qWaitFor([reply]() { return reply->isFinished(); }, 10000)) {
            qWarning("request timed out");
        }
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        reply->deleteLater();
        return r;
    }

    Reply webhook(const QList<std::pair<QString, QString>> &fields, bool sign = true,
                  const QString &path = u"/carrier/twilio/sms"_s)
    {
        // No --public-url: the URL Twilio used is rebuilt from the Host header, which is our base URL.
        const QByteArray signature = TwilioSignature::compute(TWILIO_TOKEN, m_base + path, fields);
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (sign) {
            headers.append({"X-Twilio-Signature", signature});
        }
        return send("POST", path, form(fields), headers, false);
    }

    static QList<std::pair<QString, QString>> sms(const QString &body, const QString &sid, const QString &from = A,
                                                  const QString &to = POOL)
    {
        return {{u"ToCountry"_s, u"US"_s},
                {u"SmsMessageSid"_s, sid},
                {u"NumMedia"_s, u"0"_s},
                {u"SmsSid"_s, sid},
                {u"SmsStatus"_s, u"received"_s},
                {u"Body"_s, body},
                {u"To"_s, to},
                {u"MessageSid"_s, sid},
                {u"AccountSid"_s, TWILIO_SID},
                {u"From"_s, from},
                {u"ApiVersion"_s, u"2010-04-01"_s}};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(u"MASKLINE_ACCOUNT_SID"_s, ACCOUNT);
        env.insert(u"MASKLINE_AUTH_TOKEN"_s, TOKEN);
        env.insert(u"MASKLINE_TWILIO_AUTH_TOKEN"_s, TWILIO_TOKEN);
        env.remove(u"MASKLINE_CONFIG"_s);
        env.remove(u"MASKLINE_PUBLIC_URL"_s);
        m_server.setProcessEnvironment(env);
        m_server.setProcessChannelMode(QProcess::SeparateChannels);
        m_server.start(QStringLiteral(MASKLINE_SERVER_BINARY),
                       {u"--db"_s, m_dir.filePath(u"e2e.db"_s), u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s,
                        u"off"_s, u"--carrier"_s, u"twilio"_s, u"--twilio-api-url"_s, m_twilio.url(),
                        u"--twilio-account-sid"_s, TWILIO_SID});
        QVERIFY2(m_server.waitForStarted(10000), qPrintable(m_server.errorString()));
        static const QRegularExpression listening(u"listening on (http://\\S+)"_s);
        QString output;
        QVERIFY2(QTest::qWaitFor(
                     [&]() {
                         output += QString::fromUtf8(m_server.readAllStandardOutput());
                         return listening.match(output).hasMatch() || m_server.state() == QProcess::NotRunning;
                     },
                     20000),
                 "the server did not start");
        const auto match = listening.match(output);
        QVERIFY2(match.hasMatch(), qPrintable(output + QString::fromUtf8(m_server.readAllStandardError())));
        m_base = match.captured(1);
    }

    void cleanupTestCase()
    {
        if (m_server.state() != QProcess::NotRunning) {
            m_server.terminate();
            if (!m_server.waitForFinished(10000)) {
                m_server.kill();
                m_server.waitForFinished(5000);
            }
        }
    }

    void maskedSmsEndToEnd()
    {
        Reply service = send("POST", u"/v1/Services"_s, form({{u"UniqueName"_s, u"rides"_s}}));
        QCOMPARE(service.status, 201);
        const QString ks = service.json().value(u"sid"_s).toString();
        // The number is looked up in the Twilio account, then its webhooks are pointed here (tst_carriernumbers covers
        // that flow in detail); the fake answers both from the script.
        const QString poolSid = u"PN0123456789abcdef0123456789abcdef"_s;
        const QJsonObject owned{{u"sid"_s, poolSid},
                                {u"phone_number"_s, POOL},
                                {u"capabilities"_s, QJsonObject{{u"voice"_s, true}, {u"sms"_s, true}}}};
        m_twilio.script = {
            {200, QJsonDocument(QJsonObject{{u"incoming_phone_numbers"_s, QJsonArray{owned}}}).toJson(), false},
            {200, QJsonDocument(owned).toJson(), false}};
        const Reply added = send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"PhoneNumber"_s, POOL}}));
        QCOMPARE(added.status, 201);
        QCOMPARE(added.json().value(u"sid"_s).toString(), poolSid);
        QCOMPARE(m_twilio.requests.size(), 2);
        QCOMPARE(m_twilio.requests.at(1).method, "POST");
        QVERIFY(m_twilio.requests.at(1).body.startsWith(
            QByteArray("SmsUrl=" + (m_base + u"/carrier/twilio/sms"_s).toUtf8().toPercentEncoding())));
        m_twilio.requests.clear();
        Reply session = send("POST", u"/v1/Services/%1/Sessions"_s.arg(ks),
                             form({{u"UniqueName"_s, u"ride-42"_s},
                                   {u"Participants"_s, u"{\"Identifier\":\"%1\"}"_s.arg(A)},
                                   {u"Participants"_s, u"{\"Identifier\":\"%1\"}"_s.arg(B)}}));
        QCOMPARE(session.status, 201);
        const QString kc = session.json().value(u"sid"_s).toString();
        QCOMPARE(session.json().value(u"status"_s).toString(), u"open"_s);
        const Reply participants = send("GET", u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(ks, kc));
        QString bProxy;
        for (const QJsonValue &p : participants.json().value(u"participants"_s).toArray()) {
            if (p.toObject().value(u"identifier"_s).toString() == B) {
                bProxy = p.toObject().value(u"proxy_identifier"_s).toString();
            }
        }
        QCOMPARE(bProxy, POOL);

        // A texts their proxy number; Twilio calls our webhook, signed.
        const Reply answer = webhook(sms(u"I'm outside"_s, u"SM00000000000000000000000000000001"_s));
        QCOMPARE(answer.status, 200);
        QVERIFY(answer.body.contains("<Response/>"));
        QTRY_COMPARE_WITH_TIMEOUT(m_twilio.requests.size(), 1, 10000);
        const FakeTwilio::Request sent = m_twilio.requests.first();
        QCOMPARE(sent.target, "/2010-04-01/Accounts/" + TWILIO_SID.toLatin1() + "/Messages.json");
        QCOMPARE(sent.header("authorization"),
                 "Basic " + QByteArray(TWILIO_SID.toLatin1() + ':' + TWILIO_TOKEN.toLatin1()).toBase64());
        const FormData fields = FormData::parse(sent.body);
        QCOMPARE(fields.value(u"From"_s).value_or(QString()), bProxy);
        QCOMPARE(fields.value(u"To"_s).value_or(QString()), B);
        QCOMPARE(fields.value(u"Body"_s).value_or(QString()), u"I'm outside"_s);
        QVERIFY(fields.value(u"StatusCallback"_s)
                    .value_or(QString())
                    .startsWith(m_base + u"/carrier/twilio/status?interaction=KI"_s));

        // The interaction is listed by the REST API, with the carrier's SID once the send was recorded.
        QJsonArray interactions;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&]() {
                interactions = send("GET", u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(ks, kc))
                                   .json()
                                   .value(u"interactions"_s)
                                   .toArray();
                return interactions.size() == 1 &&
                       interactions.first().toObject().value(u"outbound_resource_sid"_s).toString().toLatin1() ==
                           m_twilio.sidsIssued.value(0);
            }(),
            10000);
        const QJsonObject i = interactions.first().toObject();
        QCOMPARE(i.value(u"type"_s).toString(), u"message"_s);
        QCOMPARE(i.value(u"inbound_resource_sid"_s).toString(), u"SM00000000000000000000000000000001"_s);
        QCOMPARE(i.value(u"outbound_resource_status"_s).toString(), u"queued"_s);
        QCOMPARE(send("GET", u"/v1/Services/%1/Sessions/%2"_s.arg(ks, kc)).json().value(u"status"_s).toString(),
                 u"in-progress"_s);

        // The carrier reports delivery through the StatusCallback it was given.
        const QString callback = fields.value(u"StatusCallback"_s).value_or(QString());
        const QList<std::pair<QString, QString>> status{
            {u"MessageSid"_s, QString::fromLatin1(m_twilio.sidsIssued.first())}, {u"MessageStatus"_s, u"delivered"_s}};
        QCOMPARE(send("POST", callback.mid(m_base.size()), form(status),
                      {{"X-Twilio-Signature", TwilioSignature::compute(TWILIO_TOKEN, callback, status)}}, false)
                     .status,
                 204);
        QCOMPARE(send("GET", u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(ks, kc))
                     .json()
                     .value(u"interactions"_s)
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"outbound_resource_status"_s)
                     .toString(),
                 u"delivered"_s);

        // STOP from A: answered, never forwarded.
        QCOMPARE(webhook(sms(u"Stop"_s, u"SM00000000000000000000000000000002"_s)).status, 200);
        // An unsigned webhook is refused.
        QCOMPARE(webhook(sms(u"forged"_s, u"SM00000000000000000000000000000003"_s), false).status, 403);
        // The same message again (a carrier retry) is not sent twice.
        QCOMPARE(webhook(sms(u"I'm outside"_s, u"SM00000000000000000000000000000001"_s)).status, 200);
        QTest::qWait(1500);
        QCOMPARE(m_twilio.requests.size(), 1);
        QCOMPARE(send("GET", u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(ks, kc))
                     .json()
                     .value(u"interactions"_s)
                     .toArray()
                     .size(),
                 1);
    }

    // WhatsApp participants: stored and matched like phone numbers on their channel, sent through the same Messages
    // API call with whatsapp: on both addresses, message-only. Other channel addresses are refused with 80404.
    void whatsAppSessionRoutesBothWays()
    {
        const QString waPool = u"+14155558888"_s;
        const QString waA = u"whatsapp:+14155550303"_s;
        const QString waB = u"whatsapp:+14155550404"_s;
        const QString texter = u"+14155550505"_s;
        Reply service = send("POST", u"/v1/Services"_s, form({{u"UniqueName"_s, u"wa"_s}}));
        QCOMPARE(service.status, 201);
        const QString ks = service.json().value(u"sid"_s).toString();
        m_twilio.ownNumber(u"PN0123456789abcdef0123456789abcd88"_s, waPool);
        QCOMPARE(send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"PhoneNumber"_s, waPool}})).status,
                 201);

        // Another channel, or a WhatsApp participant in a voice-only session: 80404, and nothing is added.
        Reply voiceOnly = send("POST", u"/v1/Services/%1/Sessions"_s.arg(ks), form({{u"Mode"_s, u"voice-only"_s}}));
        QCOMPARE(voiceOnly.status, 201);
        const QString voiceKc = voiceOnly.json().value(u"sid"_s).toString();
        const QString voiceParticipants = u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(ks, voiceKc);
        Reply refused = send("POST", voiceParticipants, form({{u"Identifier"_s, waA}}));
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.json().value(u"code"_s).toInt(), 80404);
        QVERIFY(refused.json().value(u"message"_s).toString().contains(u"voice-only"_s));
        refused = send("POST", voiceParticipants, form({{u"Identifier"_s, u"messenger:123456789"_s}}));
        QCOMPARE(refused.status, 400);
        QCOMPARE(refused.json().value(u"code"_s).toInt(), 80404);
        QVERIFY(refused.json().value(u"message"_s).toString().contains(u"whatsapp:"_s));
        refused = send("POST", voiceParticipants, form({{u"Identifier"_s, u"whatsapp:hello"_s}}));
        QCOMPARE(refused.json().value(u"code"_s).toInt(), 80404);
        QCOMPARE(send("GET", voiceParticipants).json().value(u"participants"_s).toArray().size(), 0);

        Reply session = send("POST", u"/v1/Services/%1/Sessions"_s.arg(ks),
                             form({{u"Participants"_s, u"{\"Identifier\":\"%1\"}"_s.arg(waA)},
                                   {u"Participants"_s, u"{\"Identifier\":\"WhatsApp:+1 415 555 0404\"}"_s}}));
        QCOMPARE(session.status, 201);
        const QString kc = session.json().value(u"sid"_s).toString();
        QHash<QString, QString> proxyOf;
        for (const QJsonValue &p : send("GET", u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(ks, kc))
                                       .json()
                                       .value(u"participants"_s)
                                       .toArray()) {
            proxyOf.insert(p.toObject().value(u"identifier"_s).toString(),
                           p.toObject().value(u"proxy_identifier"_s).toString());
        }
        QCOMPARE(proxyOf.size(), 2);
        QCOMPARE(proxyOf.value(waA), u"whatsapp:"_s + waPool);
        QCOMPARE(proxyOf.value(waB), u"whatsapp:"_s + waPool); // normalised: scheme lower case, no spaces

        // A -> B and B -> A, each one Messages API request on the WhatsApp channel.
        const qsizetype before = m_twilio.requests.size();
        QCOMPARE(webhook(sms(u"hola"_s, u"SM00000000000000000000000000000a01"_s, waA, u"whatsapp:"_s + waPool)).status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_twilio.requests.size(), before + 1, 10000);
        FormData fields = FormData::parse(m_twilio.requests.at(before).body);
        QCOMPARE(fields.value(u"From"_s).value_or(QString()), u"whatsapp:"_s + waPool);
        QCOMPARE(fields.value(u"To"_s).value_or(QString()), waB);
        QCOMPARE(fields.value(u"Body"_s).value_or(QString()), u"hola"_s);
        QCOMPARE(webhook(sms(u"adios"_s, u"SM00000000000000000000000000000a02"_s, waB, u"whatsapp:"_s + waPool)).status,
                 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_twilio.requests.size(), before + 2, 10000);
        fields = FormData::parse(m_twilio.requests.at(before + 1).body);
        QCOMPARE(fields.value(u"From"_s).value_or(QString()), u"whatsapp:"_s + waPool);
        QCOMPARE(fields.value(u"To"_s).value_or(QString()), waA);
        QTRY_COMPARE_WITH_TIMEOUT(send("GET", u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(ks, kc))
                                      .json()
                                      .value(u"interactions"_s)
                                      .toArray()
                                      .size(),
                                  2, 10000);

        // The same person texting over SMS is someone else to the router: out of session, nothing sent.
        QCOMPARE(webhook(sms(u"sms"_s, u"SM00000000000000000000000000000a03"_s, u"+14155550303"_s, waPool)).status,
                 200);

        // A mixed session: an SMS participant's texts reach the WhatsApp one on WhatsApp; a call is rejected.
        Reply mixed = send("POST", u"/v1/Services/%1/Sessions"_s.arg(ks),
                           form({{u"Participants"_s, u"{\"Identifier\":\"%1\"}"_s.arg(texter)},
                                 {u"Participants"_s, u"{\"Identifier\":\"whatsapp:+14155550606\"}"_s}}));
        QCOMPARE(mixed.status, 201);
        QCOMPARE(webhook(sms(u"on my way"_s, u"SM00000000000000000000000000000a04"_s, texter, waPool)).status, 200);
        QTRY_COMPARE_WITH_TIMEOUT(m_twilio.requests.size(), before + 3, 10000);
        fields = FormData::parse(m_twilio.requests.at(before + 2).body);
        QCOMPARE(fields.value(u"From"_s).value_or(QString()), u"whatsapp:"_s + waPool);
        QCOMPARE(fields.value(u"To"_s).value_or(QString()), u"whatsapp:+14155550606"_s);
        const Reply call = webhook({{u"CallSid"_s, u"CA00000000000000000000000000000a05"_s},
                                    {u"AccountSid"_s, TWILIO_SID},
                                    {u"From"_s, texter},
                                    {u"To"_s, waPool},
                                    {u"CallStatus"_s, u"ringing"_s},
                                    {u"Direction"_s, u"inbound"_s}},
                                   true, u"/carrier/twilio/voice"_s);
        QCOMPARE(call.status, 200);
        QVERIFY2(call.body.contains("<Reject") && !call.body.contains("<Dial"), call.body.constData());
        QCOMPARE(m_twilio.requests.size(), before + 3);
    }
};

QTEST_GUILESS_MAIN(TestCarrierEndToEnd)
#include "tst_carrierendtoend.moc"
