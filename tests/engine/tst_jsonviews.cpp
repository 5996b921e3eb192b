// The REST API's JSON, written straight to text by JsonWriter: every view must be exactly what QJsonDocument would
// write for the same object (keys in ascending order, the same string escapes), so re-serialising the parsed text
// gives the same bytes. The views' members and values are checked too, so a dropped or renamed field fails.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <QTimeZone>

#include "core/apierror.h"
#include "core/clock.h"
#include "core/jsonwriter.h"
#include "http/jsonviews.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString BASE = u"https://proxy.example.com"_s;
const QString AWKWARD = u"quote\" backslash\\ slash/ tab\t nl\n cr\r bs\b ff\f nul\u0001 esc\u001b é ☎ 😀"_s;

QByteArray canonical(const QByteArray &json)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &error);
    if (error.error != QJsonParseError::NoError) {
        return "parse error: " + error.errorString().toUtf8();
    }
    return doc.toJson(QJsonDocument::Compact);
}

QDateTime at(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

} // namespace

class TestJsonViews : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // Plain ASCII takes a shortcut past the UTF-8 copy; every kind of string must still come out as
    // QJsonDocument writes it.
    void stringsLikeQJsonDocument_data()
    {
        QTest::addColumn<QString>("value");
        QTest::newRow("empty") << QString();
        QTest::newRow("ascii") << u"https://proxy.example.com/v1/Services/KS0123"_s;
        QTest::newRow("quote") << u"a\"b"_s;
        QTest::newRow("backslash") << u"a\\b"_s;
        QTest::newRow("control") << u"a\u001fb\nc"_s;
        QTest::newRow("DEL") << u"a\u007fb"_s;
        QTest::newRow("latin-1") << u"caf\u00e9"_s;
        QTest::newRow("ascii then non-ascii") << u"abc\u20ac"_s;
        QTest::newRow("surrogate pair") << u"x\U0001F600y"_s;
    }

    void stringsLikeQJsonDocument()
    {
        QFETCH(QString, value);
        JsonWriter w;
        w.beginArray().string(value).endArray();
        QCOMPARE(w.take(), QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact));
    }

    // Dates are formatted by hand (Time::toIso): the same text as QDateTime's own formatting, in any time spec.
    void isoDatesLikeQt()
    {
        QRandomGenerator random(20261202);
        for (int i = 0; i < 2000; ++i) {
            const qint64 ms = qint64(random.bounded(4102444800.0) * 1000.0); // 1970 .. 2100
            const QDateTime utc = QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
            const QString expected = utc.toString(u"yyyy-MM-ddTHH:mm:ssZ"_s);
            QCOMPARE(Time::toIso(utc), expected);
            QCOMPARE(Time::toIso(utc.toTimeZone(QTimeZone("Asia/Kolkata"))), expected);
        }
        QCOMPARE(Time::toIso(QDateTime()), QString());
        QCOMPARE(Time::toIso(QDateTime(QDate(1, 1, 1), QTime(0, 0), Qt::UTC)), u"0001-01-01T00:00:00Z"_s);
    }

    void escapesLikeQJsonDocument()
    {
        JsonWriter w;
        w.beginObject().field(QLatin1StringView("a"), AWKWARD).fieldOrNull(QLatin1StringView("b"), QString());
        w.key(QLatin1StringView("c")).beginArray().number(-42).boolean(true).boolean(false).null().endArray();
        w.key(QLatin1StringView("d")).beginObject().endObject().endObject();
        const QByteArray out = w.take();
        QCOMPARE(out, canonical(out));
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value(u"a"_s).toString(), AWKWARD);
        QVERIFY(o.value(u"b"_s).isNull());
        QCOMPARE(o.value(u"c"_s).toArray().size(), 4);
        QCOMPARE(o.value(u"c"_s).toArray().at(0).toInt(), -42);
    }

    void sessionView()
    {
        Session s;
        s.sid = u"KC00000000000000000000000000000001"_s;
        s.serviceSid = u"KS00000000000000000000000000000001"_s;
        s.accountSid = u"AC00000000000000000000000000000001"_s;
        s.uniqueName = AWKWARD;
        s.status = u"in-progress"_s;
        s.mode = u"message-only"_s;
        s.ttl = 3600;
        s.dateCreated = at(1700000000000);
        s.dateUpdated = at(1700000001000);
        s.dateStarted = at(1700000002000);
        const QByteArray out = JsonViews::session(s, BASE);
        QCOMPARE(out, canonical(out));
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.size(), 16);
        QCOMPARE(o.value(u"unique_name"_s).toString(), AWKWARD);
        QCOMPARE(o.value(u"ttl"_s).toInt(), 3600);
        QVERIFY(o.value(u"date_ended"_s).isNull());
        QVERIFY(o.value(u"closed_reason"_s).isNull());
        QCOMPARE(o.value(u"date_started"_s).toString(), u"2023-11-14T22:13:22Z"_s);
        QCOMPARE(o.value(u"url"_s).toString(), BASE + u"/v1/Services/"_s + s.serviceSid + u"/Sessions/"_s + s.sid);
        QCOMPARE(o.value(u"links"_s).toObject().value(u"participants"_s).toString(),
                 o.value(u"url"_s).toString() + u"/Participants"_s);
    }

    void everyViewIsCanonical()
    {
        Service service;
        service.sid = u"KS1"_s;
        service.defaultTtl = 60;
        service.callbackUrl = u"https://cb.example.com/?a=1&b=2"_s;
        PhoneNumber number;
        number.sid = u"PN1"_s;
        number.phoneNumber = u"+14155550100"_s;
        number.inUse = 3;
        number.isReserved = true;
        Participant participant;
        participant.sid = u"KP1"_s;
        participant.identifier = u"+14155550101"_s;
        participant.friendlyName = AWKWARD;
        Interaction interaction;
        interaction.sid = u"KI1"_s;
        interaction.data = u"{\"body\":\"hi\"}"_s;
        interaction.outbound.participantSid = u"KP2"_s;
        DebuggerEvent event;
        event.sid = u"NO1"_s;
        event.code = 80901;
        event.message = AWKWARD;
        const QList<std::pair<QByteArray, int>> views = {
            {JsonViews::service(service, BASE), 16}, // 14 of the schema + the two country flags
            {JsonViews::phoneNumber(number, BASE), 12},      {JsonViews::participant(participant, BASE), 13},
            {JsonViews::interaction(interaction, BASE), 19}, {JsonViews::messageInteraction(interaction, BASE), 20},
            {JsonViews::debuggerEvent(event, BASE), 17},     {JsonViews::error(ApiError::make(80604, 400, AWKWARD)), 4},
        };
        for (const auto &[out, members] : views) {
            QCOMPARE(out, canonical(out));
            QCOMPARE(QJsonDocument::fromJson(out).object().size(), members);
        }
        const QJsonObject n = QJsonDocument::fromJson(JsonViews::phoneNumber(number, BASE)).object();
        QCOMPARE(n.value(u"in_use"_s).toInt(), 3);
        QCOMPARE(n.value(u"is_reserved"_s).toBool(), true);
        QCOMPARE(n.value(u"capabilities"_s).toObject().size(), 4);
        const QJsonObject mi = QJsonDocument::fromJson(JsonViews::messageInteraction(interaction, BASE)).object();
        QCOMPARE(mi.value(u"participant_sid"_s).toString(), u"KP2"_s);
        QCOMPARE(mi.value(u"type"_s).toString(), u"unknown"_s);
        const QJsonObject e = QJsonDocument::fromJson(JsonViews::error(ApiError::make(80604, 400, u"x"_s))).object();
        QCOMPARE(e.value(u"code"_s).toInt(), 80604);
        QCOMPARE(e.value(u"status"_s).toInt(), 400);
        QVERIFY(e.value(u"more_info"_s).toString().endsWith(u"80604"_s));
    }

    void listPages_data()
    {
        QTest::addColumn<QString>("key");
        // Keys that sort before and after "meta": members stay in ascending order either way.
        QTest::newRow("sessions") << u"sessions"_s;
        QTest::newRow("message_interactions") << u"message_interactions"_s;
        QTest::newRow("interactions") << u"interactions"_s;
    }

    void listPages()
    {
        QFETCH(QString, key);
        JsonViews::ListMeta meta;
        meta.key = key;
        meta.path = u"/v1/Services"_s;
        meta.pageSize = 2;
        meta.nextToken = u"PT+/="_s;
        Session a;
        a.sid = u"KCa"_s;
        Session b;
        b.sid = u"KCb"_s;
        const QByteArray out = JsonViews::listPage(key, {JsonViews::session(a, BASE), JsonViews::session(b, BASE)},
                                                   JsonViews::meta(meta, BASE));
        QCOMPARE(out, canonical(out));
        const QJsonObject o = QJsonDocument::fromJson(out).object();
        QCOMPARE(o.value(key).toArray().size(), 2);
        QCOMPARE(o.value(key).toArray().at(1).toObject().value(u"sid"_s).toString(), u"KCb"_s);
        const QJsonObject m = o.value(u"meta"_s).toObject();
        QCOMPARE(m.size(), 7);
        QCOMPARE(m.value(u"key"_s).toString(), key);
        QVERIFY(m.value(u"previous_page_url"_s).isNull());
        QVERIFY(m.value(u"next_page_url"_s).toString().contains(u"PageToken=PT%2B%2F%3D"_s));

        meta.nextToken.reset();
        const QJsonObject last =
            QJsonDocument::fromJson(JsonViews::listPage(key, {}, JsonViews::meta(meta, BASE))).object();
        QVERIFY(last.value(u"meta"_s).toObject().value(u"next_page_url"_s).isNull());
        QCOMPARE(last.value(key).toArray().size(), 0);
    }
};

QTEST_APPLESS_MAIN(TestJsonViews)
#include "tst_jsonviews.moc"
