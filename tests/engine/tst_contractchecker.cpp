#include <algorithm>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include "contractchecker.h"

using namespace Qt::StringLiterals;
using Maskline::Testing::ContractChecker;

// The contract checker is what the API suites trust to say "this is what Twilio would send", so it is tested on its
// own: Twilio's own examples must pass, and each kind of drift (a missing property, a wrong type, a value outside an
// enum, a null where the spec forbids it, an undeclared status, a date in the wrong shape) must be caught and named.
class TestContractChecker final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void operationFor_data();
    void operationFor();

    void specExamplesConform_data();
    void specExamplesConform();

    void acceptsRealisticBodies_data();
    void acceptsRealisticBodies();

    void rejects_data();
    void rejects();

    void strictDateTime_data();
    void strictDateTime();

private:
    QJsonObject example(const QString &operationId, const QString &name) const
    {
        return m_checker.responseExamples(operationId).value(name).toObject();
    }
    static QByteArray json(const QJsonObject &object) { return QJsonDocument(object).toJson(QJsonDocument::Compact); }
    static QJsonObject with(QJsonObject object, const QString &key, const QJsonValue &value)
    {
        object.insert(key, value);
        return object;
    }
    static QJsonObject without(QJsonObject object, const QString &key)
    {
        object.remove(key);
        return object;
    }
    // A ListSession page holding one record, with a next page (absolute, as the clients need); metaChanges are
    // applied to Twilio's example meta and metaRemovals taken out of it.
    QJsonObject sessionPage(const QJsonObject &record, const QJsonObject &metaChanges = {},
                            const QStringList &metaRemovals = {}) const
    {
        QJsonObject meta = example(u"ListSession"_s, u"readEmpty"_s).value(u"meta"_s).toObject();
        meta.insert(u"page_size"_s, 1);
        meta.insert(u"next_page_url"_s, u"https://proxy.twilio.com/v1/Services/KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
                                        u"Sessions?PageSize=1&Page=1&PageToken=PT1"_s);
        for (auto it = metaChanges.constBegin(); it != metaChanges.constEnd(); ++it) {
            meta.insert(it.key(), it.value());
        }
        for (const QString &key : metaRemovals) {
            meta.remove(key);
        }
        return QJsonObject{{u"sessions"_s, QJsonArray{record}}, {u"meta"_s, meta}};
    }
    QJsonObject service() const { return example(u"FetchService"_s, u"fetch"_s); }
    QJsonObject session() const { return example(u"FetchSession"_s, u"fetch"_s); }
    QJsonObject phoneNumber() const
    {
        // The spec's examples show {sms_outbound, voice_inbound}; Maskline sends the schema's {fax,mms,sms,voice}.
        return with(example(u"FetchPhoneNumber"_s, u"fetch"_s), u"capabilities"_s,
                    QJsonObject{{u"fax"_s, false}, {u"mms"_s, true}, {u"sms"_s, true}, {u"voice"_s, true}});
    }
    QJsonObject interaction() const { return example(u"FetchInteraction"_s, u"fetch"_s); }
    QJsonObject messageInteraction() const { return example(u"CreateMessageInteraction"_s, u"create"_s); }

    ContractChecker m_checker;
};

void TestContractChecker::initTestCase()
{
    QVERIFY2(m_checker.isValid(), qPrintable(m_checker.errorString()));
    // 6 resources, 12 paths, 25 operations since ShortCodes left the API (proxy-v1.md §3.8).
    QCOMPARE(m_checker.operationIds().size(), 25);
    QVERIFY(!ContractChecker(u"/nonexistent/spec.json"_s).isValid());
}

void TestContractChecker::operationFor_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("operationId");

    const QString ks = u"KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"_s;
    const QString kc = u"KCbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"_s;
    const QString kp = u"KPcccccccccccccccccccccccccccccccc"_s;
    const QString ki = u"KIdddddddddddddddddddddddddddddddd"_s;
    const QString pn = u"PNeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"_s;
    const QString session = u"/v1/Services/"_s + ks + u"/Sessions/"_s + kc;
    const QString participant = session + u"/Participants/"_s + kp;

    QTest::newRow("list services") << u"GET"_s << u"/v1/Services"_s << u"ListService"_s;
    QTest::newRow("create service") << u"POST"_s << u"/v1/Services"_s << u"CreateService"_s;
    QTest::newRow("lower-case method") << u"get"_s << u"/v1/Services/"_s + ks << u"FetchService"_s;
    QTest::newRow("service by unique name") << u"GET"_s << u"/v1/Services/My%20Service"_s << u"FetchService"_s;
    QTest::newRow("update service") << u"POST"_s << u"/v1/Services/"_s + ks << u"UpdateService"_s;
    QTest::newRow("delete service") << u"DELETE"_s << u"/v1/Services/"_s + ks << u"DeleteService"_s;
    QTest::newRow("list numbers with query")
        << u"GET"_s << u"/v1/Services/"_s + ks + u"/PhoneNumbers?PageSize=20&Page=1"_s << u"ListPhoneNumber"_s;
    QTest::newRow("update number") << u"POST"_s << u"/v1/Services/"_s + ks + u"/PhoneNumbers/"_s + pn
                                   << u"UpdatePhoneNumber"_s;
    QTest::newRow("absolute url") << u"GET"_s
                                  << u"http://127.0.0.1:8080/v1/Services/"_s + ks + u"/Sessions?PageSize=5"_s
                                  << u"ListSession"_s;
    QTest::newRow("fetch session") << u"GET"_s << session << u"FetchSession"_s;
    QTest::newRow("update session") << u"POST"_s << session << u"UpdateSession"_s;
    QTest::newRow("delete participant") << u"DELETE"_s << participant << u"DeleteParticipant"_s;
    QTest::newRow("create participant") << u"POST"_s << session + u"/Participants"_s << u"CreateParticipant"_s;
    QTest::newRow("list interactions") << u"GET"_s << session + u"/Interactions"_s << u"ListInteraction"_s;
    QTest::newRow("delete interaction") << u"DELETE"_s << session + u"/Interactions/"_s + ki << u"DeleteInteraction"_s;
    QTest::newRow("create message interaction")
        << u"POST"_s << participant + u"/MessageInteractions"_s << u"CreateMessageInteraction"_s;
    QTest::newRow("fetch message interaction")
        << u"GET"_s << participant + u"/MessageInteractions/"_s + ki << u"FetchMessageInteraction"_s;

    QTest::newRow("wrong method") << u"PUT"_s << u"/v1/Services"_s << QString();
    QTest::newRow("no delete on a list") << u"DELETE"_s << u"/v1/Services"_s << QString();
    QTest::newRow("no create interaction") << u"POST"_s << session + u"/Interactions"_s << QString();
    QTest::newRow("trailing slash") << u"GET"_s << u"/v1/Services/"_s << QString();
    QTest::newRow("paths are case-sensitive") << u"GET"_s << u"/v1/services"_s << QString();
    QTest::newRow("short codes are gone") << u"GET"_s << u"/v1/Services/"_s + ks + u"/ShortCodes"_s << QString();
    QTest::newRow("unknown") << u"GET"_s << u"/healthz"_s << QString();
}

void TestContractChecker::operationFor()
{
    QFETCH(QString, method);
    QFETCH(QString, path);
    QFETCH(QString, operationId);
    QCOMPARE(m_checker.operationFor(method, path), operationId);
}

void TestContractChecker::specExamplesConform_data()
{
    QTest::addColumn<QString>("operationId");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    int rows = 0;
    for (const QString &id : m_checker.operationIds()) {
        const QStringList statuses = m_checker.declaredStatuses(id);
        QVERIFY2(!statuses.isEmpty(), qPrintable(id));
        const QJsonObject examples = m_checker.responseExamples(id);
        if (examples.isEmpty()) {
            // Deletes have no body: an empty one must pass with the declared status.
            QTest::addRow("%s (no body)", qPrintable(id)) << id << statuses.first().toInt() << QByteArray();
            continue;
        }
        for (auto it = examples.constBegin(); it != examples.constEnd(); ++it) {
            QTest::addRow("%s/%s", qPrintable(id), qPrintable(it.key()))
                << id << statuses.first().toInt() << json(it.value().toObject());
            ++rows;
        }
    }
    // Every resource and list operation has at least one example in the spec.
    QVERIFY(rows >= 19);
}

void TestContractChecker::specExamplesConform()
{
    QFETCH(QString, operationId);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const QStringList violations = m_checker.check(operationId, status, body);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
}

void TestContractChecker::acceptsRealisticBodies_data()
{
    QTest::addColumn<QString>("operationId");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");

    QTest::newRow("list page with a record and a next page") << u"ListSession"_s << 200 << json(sessionPage(session()));
    QTest::newRow("phone number, schema-form capabilities") << u"CreatePhoneNumber"_s << 201 << json(phoneNumber());
    QTest::newRow("capabilities may omit keys (NON_NULL)")
        << u"FetchPhoneNumber"_s << 200 << json(with(phoneNumber(), u"capabilities"_s, QJsonObject{{u"sms"_s, true}}));
    QTest::newRow("nullable properties as null")
        << u"FetchSession"_s << 200
        << json(with(with(with(session(), u"unique_name"_s, QJsonValue::Null), u"date_expiry"_s, QJsonValue::Null),
                     u"closed_reason"_s, QJsonValue::Null));
    QTest::newRow("fresh service: nullable urls null")
        << u"CreateService"_s << 201
        << json(with(
               with(with(service(), u"callback_url"_s, QJsonValue::Null), u"chat_instance_sid"_s, QJsonValue::Null),
               u"default_ttl"_s, 0));
    QTest::newRow("one-sided interaction: inbound status null")
        << u"FetchInteraction"_s << 200
        << json(with(with(interaction(), u"inbound_resource_status"_s, QJsonValue::Null), u"inbound_resource_sid"_s,
                     QJsonValue::Null));
    QTest::newRow("interaction type is an open enum")
        << u"FetchInteraction"_s << 200 << json(with(interaction(), u"type"_s, u"whatsapp"_s));
    QTest::newRow("message interaction type is an open enum")
        << u"CreateMessageInteraction"_s << 200 << json(with(messageInteraction(), u"type"_s, u"rcs"_s));
    QTest::newRow("extra properties are fine")
        << u"FetchService"_s << 200 << json(with(service(), u"maskline_extra"_s, 1));
    QTest::newRow("links on 127.0.0.1 with a port")
        << u"FetchService"_s << 200
        << json(with(service(), u"url"_s, u"http://127.0.0.1:8080/v1/Services/KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"_s));
    QTest::newRow("participant delete: 200, empty") << u"DeleteParticipant"_s << 200 << QByteArray();
    QTest::newRow("service delete: 204, empty") << u"DeleteService"_s << 204 << QByteArray();
    QTest::newRow("error 404") << u"FetchService"_s << 404
                               << R"({"code":20404,"message":"The requested resource /Services/KSx was not found",
                                     "more_info":"https://www.twilio.com/docs/errors/20404","status":404})"_ba;
    QTest::newRow("error 409 with details")
        << u"CreateParticipant"_s << 409 << R"({"code":80623,"message":"conflict","details":{},
                                                  "more_info":"https://www.twilio.com/docs/errors/80623","status":409})"_ba;
}

void TestContractChecker::acceptsRealisticBodies()
{
    QFETCH(QString, operationId);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    const QStringList violations = m_checker.check(operationId, status, body);
    QVERIFY2(violations.isEmpty(), qPrintable(violations.join(u'\n')));
}

void TestContractChecker::rejects_data()
{
    QTest::addColumn<QString>("operationId");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("expected"); // a fragment of one of the violations

    const auto row = [](const char *name, const QString &op, int status, const QByteArray &body, const QString &frag) {
        QTest::newRow(name) << op << status << body << frag;
    };
    const QString svc = u"FetchService"_s;
    const QString ses = u"FetchSession"_s;

    // Missing properties, at the top, in list records, in meta.
    row("missing unique_name", svc, 200, json(without(service(), u"unique_name"_s)), u"$.unique_name: missing"_s);
    row("missing links", ses, 200, json(without(session(), u"links"_s)), u"$.links: missing"_s);
    row("missing in_use", u"FetchPhoneNumber"_s, 200, json(without(phoneNumber(), u"in_use"_s)),
        u"$.in_use: missing"_s);
    row("missing in a list record", u"ListSession"_s, 200, json(sessionPage(without(session(), u"status"_s))),
        u"$.sessions[0].status: missing"_s);
    row("missing meta.key", u"ListSession"_s, 200, json(sessionPage(session(), {}, {u"key"_s})),
        u"$.meta.key: missing"_s);
    row("missing meta.next_page_url", u"ListSession"_s, 200, json(sessionPage(session(), {}, {u"next_page_url"_s})),
        u"$.meta.next_page_url: missing"_s);
    row("missing the records", u"ListSession"_s, 200, json(without(sessionPage(session()), u"sessions"_s)),
        u"$.sessions: missing"_s);
    row("missing meta", u"ListService"_s, 200, json(without(example(u"ListService"_s, u"readEmpty"_s), u"meta"_s)),
        u"$.meta: missing"_s);

    // Wrong types.
    row("integer as string", svc, 200, json(with(service(), u"default_ttl"_s, u"3600"_s)),
        u"$.default_ttl: expected integer, got string"_s);
    row("integer with a fraction", ses, 200, json(with(session(), u"ttl"_s, 1.5)), u"$.ttl: expected integer"_s);
    row("boolean as string", u"FetchPhoneNumber"_s, 200, json(with(phoneNumber(), u"is_reserved"_s, u"false"_s)),
        u"$.is_reserved: expected boolean, got string"_s);
    row("boolean as number", u"FetchPhoneNumber"_s, 200,
        json(with(phoneNumber(), u"capabilities"_s, QJsonObject{{u"sms"_s, 1}})),
        u"$.capabilities.sms: expected boolean"_s);
    row("string as number", ses, 200, json(with(session(), u"unique_name"_s, 1234)),
        u"$.unique_name: expected string, got number"_s);
    row("object as string", svc, 200, json(with(service(), u"links"_s, u"https://example.com"_s)),
        u"$.links: expected object"_s);
    row("array as object", u"ListSession"_s, 200, json(with(sessionPage(session()), u"sessions"_s, session())),
        u"$.sessions: expected array"_s);
    row("page as string", u"ListSession"_s, 200, json(sessionPage(session(), {{u"page"_s, u"0"_s}})),
        u"$.meta.page: expected integer"_s);
    row("sid pattern", svc, 200, json(with(service(), u"sid"_s, u"KS123"_s)), u"$.sid: \"KS123\" does not match"_s);
    row("sid of the wrong kind", ses, 200,
        json(with(session(), u"service_sid"_s, u"KCaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"_s)),
        u"$.service_sid: \"KCaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" does not match"_s);
    row("relative url", svc, 200, json(with(service(), u"url"_s, u"/v1/Services/KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"_s)),
        u"$.url: \"/v1/Services/KSaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not an absolute http(s) URL"_s);
    row("relative next page", u"ListSession"_s, 200,
        json(sessionPage(session(), {{u"next_page_url"_s, u"/v1/Services?Page=1"_s}})),
        u"$.meta.next_page_url: \"/v1/Services?Page=1\" is not an absolute"_s);
    row("relative link", svc, 200,
        json(with(service(), u"links"_s, QJsonObject{{u"sessions"_s, u"Sessions"_s}, {u"phone_numbers"_s, 1}})),
        u"$.links.sessions: a links entry must be an absolute"_s);
    row("meta.key names another array", u"ListSession"_s, 200,
        json(sessionPage(session(), {{u"key"_s, u"services"_s}})), u"$.meta.key: is \"services\""_s);
    row("more records than page_size", u"ListSession"_s, 200,
        json(with(sessionPage(session()), u"sessions"_s, QJsonArray{session(), session()})),
        u"2 records exceed meta.page_size 1"_s);

    // Enums (closed ones; `type` of interactions is open and accepted above).
    row("session status", ses, 200, json(with(session(), u"status"_s, u"active"_s)),
        u"$.status: \"active\" is not one of the enum values"_s);
    row("historical in-progess", ses, 200, json(with(session(), u"status"_s, u"in-progess"_s)),
        u"$.status: \"in-progess\" is not one of"_s);
    row("session mode", ses, 200, json(with(session(), u"mode"_s, u"sms-only"_s)), u"$.mode: \"sms-only\""_s);
    row("geo match level", svc, 200, json(with(service(), u"geo_match_level"_s, u"city"_s)),
        u"$.geo_match_level: \"city\""_s);
    row("selection behaviour", svc, 200, json(with(service(), u"number_selection_behavior"_s, u"sticky"_s)),
        u"$.number_selection_behavior: \"sticky\""_s);
    row("resource status", u"FetchInteraction"_s, 200,
        json(with(interaction(), u"outbound_resource_status"_s, u"pending"_s)),
        u"$.outbound_resource_status: \"pending\""_s);
    row("enum case matters", ses, 200, json(with(session(), u"status"_s, u"Open"_s)), u"$.status: \"Open\""_s);

    // null where the spec does not allow it.
    row("ttl null", ses, 200, json(with(session(), u"ttl"_s, QJsonValue::Null)), u"$.ttl: is null"_s);
    row("default_ttl null", svc, 200, json(with(service(), u"default_ttl"_s, QJsonValue::Null)),
        u"$.default_ttl: is null"_s);
    row("in_use null", u"FetchPhoneNumber"_s, 200, json(with(phoneNumber(), u"in_use"_s, QJsonValue::Null)),
        u"$.in_use: is null"_s);
    row("status null", ses, 200, json(with(session(), u"status"_s, QJsonValue::Null)), u"$.status: is null"_s);
    row("interaction type null", u"FetchInteraction"_s, 200, json(with(interaction(), u"type"_s, QJsonValue::Null)),
        u"$.type: is null"_s);
    row("meta.url null", u"ListSession"_s, 200, json(sessionPage(session(), {{u"url"_s, QJsonValue::Null}})),
        u"$.meta.url: is null"_s);
    row("record null", u"ListSession"_s, 200,
        json(with(sessionPage(session()), u"sessions"_s, QJsonArray{QJsonValue::Null})), u"$.sessions[0]: is null"_s);

    // Status codes: only what the spec declares for the operation.
    row("create answered 200", u"CreateService"_s, 200, json(service()), u"HTTP 200 is not declared"_s);
    row("create session answered 200", u"CreateSession"_s, 200, json(session()), u"HTTP 200 is not declared"_s);
    row("message interaction answered 201 (2020 spec)", u"CreateMessageInteraction"_s, 201, json(messageInteraction()),
        u"HTTP 201 is not declared"_s);
    row("participant delete answered 204 (2020 spec)", u"DeleteParticipant"_s, 204, QByteArray(),
        u"HTTP 204 is not declared"_s);
    row("service delete answered 200", u"DeleteService"_s, 200, QByteArray(), u"HTTP 200 is not declared"_s);
    row("fetch answered 201", svc, 201, json(service()), u"HTTP 201 is not declared"_s);
    row("204 with a body", u"DeleteSession"_s, 204, "{}"_ba, u"HTTP 204 must not carry a body"_s);
    row("redirect", svc, 302, QByteArray(), u"neither a success"_s);

    // Dates: exactly YYYY-MM-DDTHH:MM:SSZ, and a real instant.
    row("date with a space", ses, 200, json(with(session(), u"date_created"_s, u"2015-07-30 20:00:00"_s)),
        u"$.date_created: \"2015-07-30 20:00:00\" is not a date-time"_s);
    row("date with milliseconds", ses, 200, json(with(session(), u"date_updated"_s, u"2015-07-30T20:00:00.000Z"_s)),
        u"$.date_updated: \"2015-07-30T20:00:00.000Z\" is not a date-time"_s);
    row("date with an offset", ses, 200, json(with(session(), u"date_expiry"_s, u"2015-07-30T20:00:00+00:00"_s)),
        u"$.date_expiry: \"2015-07-30T20:00:00+00:00\" is not a date-time"_s);
    row("date without zone", ses, 200, json(with(session(), u"date_started"_s, u"2015-07-30T20:00:00"_s)),
        u"$.date_started: \"2015-07-30T20:00:00\" is not a date-time"_s);
    row("RFC 2822 date", svc, 200, json(with(service(), u"date_created"_s, u"Thu, 30 Jul 2015 20:00:00 +0000"_s)),
        u"$.date_created: \"Thu, 30 Jul 2015 20:00:00 +0000\" is not a date-time"_s);
    row("impossible date", ses, 200, json(with(session(), u"date_ended"_s, u"2015-02-30T20:00:00Z"_s)),
        u"$.date_ended: \"2015-02-30T20:00:00Z\" is not a date-time"_s);
    row("date as epoch", ses, 200, json(with(session(), u"date_last_interaction"_s, 1438286400)),
        u"$.date_last_interaction: expected string"_s);
    row("participant date_deleted", u"FetchParticipant"_s, 200,
        json(with(example(u"FetchParticipant"_s, u"fetch"_s), u"date_deleted"_s, u"2015-07-30"_s)),
        u"$.date_deleted: \"2015-07-30\" is not a date-time"_s);

    // Error bodies: Twilio's {code, message, more_info, status}.
    const QByteArray goodError = R"({"code":20404,"message":"not found",
                                     "more_info":"https://www.twilio.com/docs/errors/20404","status":404})"_ba;
    row("error without code", svc, 404, R"({"message":"x","more_info":"https://x.io/e","status":404})"_ba,
        u"$.code must be a positive integer"_s);
    row("error code as string", svc, 404,
        R"({"code":"20404","message":"x","more_info":"https://x.io/e","status":404})"_ba,
        u"$.code must be a positive integer"_s);
    row("error without more_info", svc, 404, R"({"code":20404,"message":"x","status":404})"_ba,
        u"$.more_info must be an absolute"_s);
    row("error without message", svc, 400, R"({"code":80701,"more_info":"https://x.io/e","status":400})"_ba,
        u"$.message must be a non-empty string"_s);
    row("error status differs", svc, 400, goodError, u"$.status is 404 but the HTTP status is 400"_s);
    row("RFC 9457 problem instead", svc, 404,
        R"({"type":"https://x.io/e","title":"Not Found","status":404,"code":20404})"_ba,
        u"$.more_info must be an absolute"_s);
    row("html error page", svc, 500, "<html>oops</html>"_ba, u"body is not JSON"_s);

    // Bodies that are not objects at all.
    row("not JSON", svc, 200, "sid=KS"_ba, u"body is not JSON"_s);
    row("JSON array", u"ListService"_s, 200, "[]"_ba, u"body is JSON but not an object"_s);
    row("empty body on a fetch", svc, 200, QByteArray(), u"body is not JSON"_s);
    row("unknown operation", u"FetchShortCode"_s, 200, json(service()), u"unknown operationId 'FetchShortCode'"_s);
}

void TestContractChecker::rejects()
{
    QFETCH(QString, operationId);
    QFETCH(int, status);
    QFETCH(QByteArray, body);
    QFETCH(QString, expected);
    const QStringList violations = m_checker.check(operationId, status, body);
    const bool found =
        std::any_of(violations.cbegin(), violations.cend(), [&](const QString &v) { return v.contains(expected); });
    QVERIFY2(found, qPrintable(u"expected a violation containing «%1», got:\n%2"_s.arg(
                        expected, violations.isEmpty() ? u"(none)"_s : violations.join(u'\n'))));
}

void TestContractChecker::strictDateTime_data()
{
    QTest::addColumn<QString>("value");
    QTest::addColumn<bool>("valid");
    QTest::newRow("spec example") << u"2015-07-30T20:00:00Z"_s << true;
    QTest::newRow("leap day") << u"2024-02-29T23:59:59Z"_s << true;
    QTest::newRow("not a leap year") << u"2023-02-29T00:00:00Z"_s << false;
    QTest::newRow("hour 24") << u"2015-07-30T24:00:00Z"_s << false;
    QTest::newRow("lower-case t and z") << u"2015-07-30t20:00:00z"_s << false;
    QTest::newRow("short year") << u"15-07-30T20:00:00Z"_s << false;
    QTest::newRow("no seconds") << u"2015-07-30T20:00Z"_s << false;
    QTest::newRow("trailing space") << u"2015-07-30T20:00:00Z "_s << false;
    QTest::newRow("empty") << QString() << false;
}

void TestContractChecker::strictDateTime()
{
    QFETCH(QString, value);
    QFETCH(bool, valid);
    QCOMPARE(ContractChecker::isStrictDateTime(value), valid);
}

QTEST_APPLESS_MAIN(TestContractChecker)
#include "tst_contractchecker.moc"
