// API keys (Twilio's 2010-04-01 Keys resource) over real sockets: create / list / fetch / update / delete in Twilio's
// JSON, the secret shown by create only and stored as a salted HMAC (read back from the store), SK…:secret Basic auth
// on /v1 acting as the key's account, wrong secrets and deleted keys refused at once, keys unable to manage keys,
// accounts isolated from each other, auth-token rotation leaving keys working, paging, and the `account key` CLI
// whose printed secret works against a running engine.

#include <memory>

#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMessageAuthenticationCode>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QSqlRecord>
#include <QTemporaryDir>
#include <QTest>
#include <QUrlQuery>

#include "core/clock.h"
#include "core/sid.h"
#include "http/httpserver.h"
#include "proxy/proxy.h"
#include "store/database.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

namespace {

struct Response
{
    int status = 0;
    QByteArray body;
    QJsonObject json;
    QString str(const QString &key) const { return json.value(key).toString(); }
    int code() const { return json.value(u"code"_s).toInt(); }
};

struct Credentials
{
    QString user; // AC… or SK…
    QString secret;
};

QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QByteArray out;
    for (const auto &[k, v] : fields) {
        if (!out.isEmpty()) {
            out += '&';
        }
        out += QUrl::toPercentEncoding(k) + '=' + QUrl::toPercentEncoding(v);
    }
    return out;
}

QStringList sortedKeys(const QJsonObject &o)
{
    QStringList keys = o.keys();
    keys.sort();
    return keys;
}

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runServer(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"MASKLINE_ACCOUNT_SID"_s);
    env.remove(u"MASKLINE_AUTH_TOKEN"_s);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(MASKLINE_SERVER_BINARY), args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

// RFC 2822 as the 2010-04-01 API writes it: "Mon, 02 Mar 2026 04:05:06 +0000".
const QRegularExpression RFC2822(u"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \\d\\d (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|"
                                 u"Nov|Dec) \\d{4} \\d\\d:\\d\\d:\\d\\d \\+0000$"_s);

} // namespace

class TestApiKeys final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    ManualClock m_clock{QDateTime(QDate(2026, 3, 2), QTime(4, 5, 6, 789), Qt::UTC)};
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Proxy> m_proxy;
    std::unique_ptr<HttpServer> m_server;
    QNetworkAccessManager m_nam;
    Account m_a;
    Account m_b;

    QString dbPath() const { return m_dir.filePath(u"keys.db"_s); }
    Credentials token(const Account &a) const { return {a.sid, a.authToken}; }
    static QString keysPath(const QString &account) { return u"/2010-04-01/Accounts/%1/Keys.json"_s.arg(account); }
    static QString keyPath(const QString &account, const QString &key)
    {
        return u"/2010-04-01/Accounts/%1/Keys/%2.json"_s.arg(account, key);
    }

    Response call(const QByteArray &method, const QString &path, const Credentials &as, const QByteArray &body = {})
    {
        const QString url = path.startsWith(u"http"_s) ? path : m_server->baseUrl() + path;
        QNetworkRequest request{QUrl(url)};
        if (!as.user.isEmpty()) {
            request.setRawHeader("Authorization", "Basic " + (as.user + u':' + as.secret).toUtf8().toBase64());
        }
        if (method == "POST") {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished()) {
            finished.wait(20000);
        }
        Response r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.body = reply->readAll();
        r.json = QJsonDocument::fromJson(r.body).object();
        reply->deleteLater();
        return r;
    }

    // A new key of `account` made over HTTP with its auth token: {sid, secret}.
    Credentials newKey(const Account &account, const QString &name = {})
    {
        const Response r = call("POST", keysPath(account.sid), token(account),
                                name.isEmpty() ? QByteArray() : form({{u"FriendlyName"_s, name}}));
        if (r.status != 201) {
            qWarning() << r.status << r.body;
        }
        return {r.str(u"sid"_s), r.str(u"secret"_s)};
    }

    QStringList listedSids(const Account &account)
    {
        const Response r = call("GET", keysPath(account.sid) + u"?PageSize=1000"_s, token(account));
        QStringList sids;
        for (const QJsonValue &v : r.json.value(u"keys"_s).toArray()) {
            sids.append(v[u"sid"_s].toString());
        }
        return sids;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        m_db = std::make_unique<Database>(StoreConfig::fromLocation(dbPath()));
        QVERIFY(m_db->migrate().ok());
        m_proxy = std::make_unique<Proxy>(*m_db, m_clock, nullptr);
        auto a = m_proxy->ensureAccount();
        QVERIFY(a.ok());
        m_a = *a;
        auto b = m_proxy->createAccount();
        QVERIFY(b.ok());
        m_b = *b;
        HttpConfig config;
        config.port = 0;
        config.rateLimitPerSecond = 0;
        m_server = std::make_unique<HttpServer>(*m_proxy, nullptr, m_clock, config);
        QVERIFY2(m_server->listen(), qPrintable(m_server->errorString()));
    }

    void createFetchUpdateListDeleteInTwiliosShape()
    {
        const Response created =
            call("POST", keysPath(m_a.sid), token(m_a), form({{u"FriendlyName"_s, u"billing service"_s}}));
        QCOMPARE(created.status, 201);
        QCOMPARE(sortedKeys(created.json),
                 (QStringList{u"date_created"_s, u"date_updated"_s, u"friendly_name"_s, u"secret"_s, u"sid"_s}));
        const QString sid = created.str(u"sid"_s);
        const QString secret = created.str(u"secret"_s);
        QVERIFY2(Sid::isValid(sid, Sid::API_KEY), qPrintable(sid));
        QVERIFY(sid.startsWith(u"SK"_s));
        QCOMPARE(secret.size(), 32);
        QVERIFY(QRegularExpression(u"^[A-Za-z0-9]{32}$"_s).match(secret).hasMatch());
        QCOMPARE(created.str(u"friendly_name"_s), u"billing service"_s);
        // The manual clock's 04:05:06.789 on a Monday, at the second as RFC 2822 has it.
        QCOMPARE(created.str(u"date_created"_s), u"Mon, 02 Mar 2026 04:05:06 +0000"_s);
        QCOMPARE(created.str(u"date_updated"_s), created.str(u"date_created"_s));

        const Response fetched = call("GET", keyPath(m_a.sid, sid), token(m_a));
        QCOMPARE(fetched.status, 200);
        QCOMPARE(sortedKeys(fetched.json),
                 (QStringList{u"date_created"_s, u"date_updated"_s, u"friendly_name"_s, u"sid"_s}));
        QVERIFY(!fetched.body.contains(secret.toUtf8()));
        QCOMPARE(fetched.str(u"sid"_s), sid);
        QCOMPARE(fetched.str(u"friendly_name"_s), u"billing service"_s);

        m_clock.advance(90);
        const Response updated =
            call("POST", keyPath(m_a.sid, sid), token(m_a), form({{u"FriendlyName"_s, u"renamed"_s}}));
        QCOMPARE(updated.status, 200);
        QCOMPARE(updated.str(u"friendly_name"_s), u"renamed"_s);
        QVERIFY(!updated.json.contains(u"secret"_s));
        QCOMPARE(updated.str(u"date_created"_s), created.str(u"date_created"_s));
        QCOMPARE(updated.str(u"date_updated"_s), u"Mon, 02 Mar 2026 04:06:36 +0000"_s);
        QCOMPARE(call("GET", keyPath(m_a.sid, sid), token(m_a)).str(u"friendly_name"_s), u"renamed"_s);

        const Response list = call("GET", keysPath(m_a.sid), token(m_a));
        QCOMPARE(list.status, 200);
        QCOMPARE(sortedKeys(list.json),
                 (QStringList{u"end"_s, u"first_page_uri"_s, u"keys"_s, u"next_page_uri"_s, u"page"_s, u"page_size"_s,
                              u"previous_page_uri"_s, u"start"_s, u"uri"_s}));
        QVERIFY(!list.body.contains(secret.toUtf8()));
        QCOMPARE(list.json.value(u"page"_s).toInt(), 0);
        QCOMPARE(list.json.value(u"page_size"_s).toInt(), 50);
        QCOMPARE(list.json.value(u"start"_s).toInt(), 0);
        QCOMPARE(list.str(u"first_page_uri"_s), keysPath(m_a.sid) + u"?PageSize=50&Page=0"_s);
        QCOMPARE(list.str(u"uri"_s), keysPath(m_a.sid) + u"?PageSize=50&Page=0"_s);
        QVERIFY(list.json.value(u"next_page_uri"_s).isNull());
        QVERIFY(list.json.value(u"previous_page_uri"_s).isNull());
        const QJsonArray keys = list.json.value(u"keys"_s).toArray();
        QCOMPARE(list.json.value(u"end"_s).toInt(), keys.size() - 1);
        bool found = false;
        for (const QJsonValue &v : keys) {
            QCOMPARE(sortedKeys(v.toObject()),
                     (QStringList{u"date_created"_s, u"date_updated"_s, u"friendly_name"_s, u"sid"_s}));
            QVERIFY(RFC2822.match(v[u"date_created"_s].toString()).hasMatch());
            found = found || v[u"sid"_s].toString() == sid;
        }
        QVERIFY(found);

        const Response deleted = call("DELETE", keyPath(m_a.sid, sid), token(m_a));
        QCOMPARE(deleted.status, 204);
        QVERIFY(deleted.body.isEmpty());
        const Response gone = call("GET", keyPath(m_a.sid, sid), token(m_a));
        QCOMPARE(gone.status, 404);
        QCOMPARE(gone.code(), 20404);
        QCOMPARE(gone.json.value(u"status"_s).toInt(), 404);
        QCOMPARE(gone.str(u"more_info"_s), u"https://www.twilio.com/docs/errors/20404"_s);
        QCOMPARE(call("DELETE", keyPath(m_a.sid, sid), token(m_a)).code(), 20404);
        QCOMPARE(call("POST", keyPath(m_a.sid, sid), token(m_a), form({{u"FriendlyName"_s, u"x"_s}})).code(), 20404);
        QVERIFY(!listedSids(m_a).contains(sid));

        // Without a FriendlyName the key has none (null), as Twilio's.
        const Response unnamed = call("POST", keysPath(m_a.sid), token(m_a));
        QCOMPARE(unnamed.status, 201);
        QVERIFY(unnamed.json.value(u"friendly_name"_s).isNull());
    }

    void storeKeepsASaltedHashNotTheSecret()
    {
        const Credentials key = newKey(m_a, u"hash check"_s);
        const Credentials other = newKey(m_a, u"hash check"_s);
        QVERIFY(!key.secret.isEmpty() && !other.secret.isEmpty());
        QSqlQuery q(m_db->connection());
        QVERIFY(q.prepare(u"SELECT * FROM api_keys WHERE sid = :sid"_s));
        QByteArray salts[2];
        for (int i = 0; i < 2; ++i) {
            const Credentials &k = i == 0 ? key : other;
            q.bindValue(u":sid"_s, k.user);
            QVERIFY(q.exec());
            QVERIFY(q.next());
            // No column holds the secret, in any case or encoding people would try.
            for (int c = 0; c < q.record().count(); ++c) {
                const QString value = q.value(c).toString();
                QVERIFY2(!value.contains(k.secret, Qt::CaseInsensitive), qPrintable(q.record().fieldName(c)));
                QVERIFY(!value.contains(QString::fromLatin1(k.secret.toUtf8().toHex())));
                QVERIFY(!value.contains(QString::fromLatin1(k.secret.toUtf8().toBase64())));
            }
            const QByteArray salt = q.value(u"salt"_s).toString().toLatin1();
            const QByteArray hash = q.value(u"secret_hash"_s).toString().toLatin1();
            QCOMPARE(salt.size(), 32); // 16 random bytes, hex
            QCOMPARE(hash, QMessageAuthenticationCode::hash(k.secret.toUtf8(), QByteArray::fromHex(salt),
                                                            QCryptographicHash::Sha256)
                               .toHex());
            QCOMPARE(q.value(u"account_sid"_s).toString(), m_a.sid);
            salts[i] = salt;
            q.finish();
        }
        QVERIFY(salts[0] != salts[1]);
    }

    void keyAuthenticatesV1AsItsAccount()
    {
        const Credentials key = newKey(m_a);
        const Response created = call("POST", u"/v1/Services"_s, key, form({{u"UniqueName"_s, u"made with a key"_s}}));
        QCOMPARE(created.status, 201);
        QCOMPARE(created.str(u"account_sid"_s), m_a.sid);
        const QString service = created.str(u"sid"_s);
        // The token sees what the key made, and the key sees what the token made: one account.
        QCOMPARE(call("GET", u"/v1/Services/%1"_s.arg(service), token(m_a)).status, 200);
        const Response byToken = call("POST", u"/v1/Services"_s, token(m_a), form({{u"UniqueName"_s, u"by token"_s}}));
        QCOMPARE(byToken.status, 201);
        QCOMPARE(call("GET", u"/v1/Services/%1"_s.arg(byToken.str(u"sid"_s)), key).status, 200);
        QCOMPARE(call("DELETE", u"/v1/Services/%1"_s.arg(service), key).status, 204);

        // Wrong secret, another key's secret, an unknown key, a malformed SK: all the same 401.
        const Credentials second = newKey(m_a);
        const QList<Credentials> refused{
            {key.user, key.secret + u"x"_s}, {key.user, second.secret},
            {key.user, QString()},           {Sid::generate(Sid::API_KEY), key.secret},
            {u"SKnothex"_s, key.secret},     {key.user.toLower(), key.secret}, // "sk…" is no key SID
        };
        for (const Credentials &c : refused) {
            const Response r = call("GET", u"/v1/Services"_s, c);
            QCOMPARE(r.status, 401);
            QCOMPARE(r.code(), 20003);
        }
        QCOMPARE(call("GET", u"/v1/Services"_s, second).status, 200);
    }

    void deletedKeyIsRefusedAtOnce()
    {
        const Credentials key = newKey(m_a);
        QCOMPARE(call("GET", u"/v1/Services"_s, key).status, 200); // now in the credential cache
        QCOMPARE(call("DELETE", keyPath(m_a.sid, key.user), token(m_a)).status, 204);
        // The very next request, well inside the cache's second: refused.
        const Response after = call("GET", u"/v1/Services"_s, key);
        QCOMPARE(after.status, 401);
        QCOMPARE(after.code(), 20003);
        // And through the domain call the server makes, without HTTP in between.
        QVERIFY(!m_proxy->authenticate(key.user, key.secret).ok());
    }

    void keyCannotManageKeys()
    {
        const Credentials key = newKey(m_a, u"the key"_s);
        const Credentials victim = newKey(m_a, u"victim"_s);
        const QStringList before = listedSids(m_a);
        const QList<std::pair<QByteArray, QString>> requests{
            {"GET", keysPath(m_a.sid)},
            {"POST", keysPath(m_a.sid)},
            {"GET", keyPath(m_a.sid, victim.user)},
            {"POST", keyPath(m_a.sid, victim.user)},
            {"DELETE", keyPath(m_a.sid, victim.user)},
            {"DELETE", keyPath(m_a.sid, key.user)},
        };
        for (const auto &[method, path] : requests) {
            const Response r =
                call(method, path, key, method == "POST" ? form({{u"FriendlyName"_s, u"hijacked"_s}}) : QByteArray());
            QCOMPARE(r.status, 401);
            QCOMPARE(r.code(), 20003);
            QVERIFY(!r.json.contains(u"secret"_s));
        }
        QCOMPARE(listedSids(m_a), before);
        QCOMPARE(call("GET", keyPath(m_a.sid, victim.user), token(m_a)).str(u"friendly_name"_s), u"victim"_s);
        QCOMPARE(call("GET", u"/v1/Services"_s, victim).status, 200);
        // No credentials at all: 401 before anything else.
        QCOMPARE(call("GET", keysPath(m_a.sid), {}).status, 401);
    }

    void accountsAreIsolated()
    {
        const Credentials keyA = newKey(m_a, u"a's"_s);
        const Credentials keyB = newKey(m_b, u"b's"_s);
        QVERIFY(!listedSids(m_a).contains(keyB.user));
        QVERIFY(!listedSids(m_b).contains(keyA.user));

        // B's token on A's path: the same 404 as an account SID that exists nowhere.
        const Response otherAccount = call("GET", keysPath(m_a.sid), token(m_b));
        const Response noAccount = call("GET", keysPath(Sid::generate(Sid::ACCOUNT)), token(m_b));
        QCOMPARE(otherAccount.status, 404);
        QCOMPARE(otherAccount.code(), 20404);
        QCOMPARE(noAccount.status, 404);
        QCOMPARE(noAccount.code(), otherAccount.code());
        QCOMPARE(call("POST", keysPath(m_a.sid), token(m_b)).status, 404);
        QCOMPARE(call("DELETE", keyPath(m_a.sid, keyA.user), token(m_b)).status, 404);
        // A's key named under B's own path: not B's, so not found, and it still works for A.
        const Response crossed = call("GET", keyPath(m_b.sid, keyA.user), token(m_b));
        QCOMPARE(crossed.status, 404);
        QCOMPARE(crossed.code(), 20404);
        QCOMPARE(call("DELETE", keyPath(m_b.sid, keyA.user), token(m_b)).status, 404);
        QCOMPARE(call("GET", u"/v1/Services"_s, keyA).status, 200);

        // A key acts as its own account only: B's key cannot see A's service.
        const Response service = call("POST", u"/v1/Services"_s, keyA, form({{u"UniqueName"_s, u"isolated"_s}}));
        QCOMPARE(service.status, 201);
        const Response fromB = call("GET", u"/v1/Services/%1"_s.arg(service.str(u"sid"_s)), keyB);
        QCOMPARE(fromB.status, 404);
        QCOMPARE(fromB.code(), 20404);
        for (const QJsonValue &v : call("GET", u"/v1/Services"_s, keyB).json.value(u"services"_s).toArray()) {
            QCOMPARE(v[u"account_sid"_s].toString(), m_b.sid);
        }
        // A key with the other account's SID in the path of a Keys route is still just a key: 401.
        QCOMPARE(call("GET", keysPath(m_b.sid), keyA).status, 401);
    }

    void badFriendlyNameChangesNothing_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("65 characters") << QString(65, u'n');
        QTest::newRow("newline") << u"two\nlines"_s;
        QTest::newRow("NUL") << u"nul\u0000here"_s;
        QTest::newRow("C1 NEL") << u"next\u0085line"_s;
    }

    void badFriendlyNameChangesNothing()
    {
        QFETCH(QString, name);
        const QStringList before = listedSids(m_a);
        const Response create = call("POST", keysPath(m_a.sid), token(m_a), form({{u"FriendlyName"_s, name}}));
        QCOMPARE(create.status, 400);
        QCOMPARE(create.code(), 20002);
        QCOMPARE(listedSids(m_a), before);

        const Credentials key = newKey(m_a, u"kept"_s);
        const Response update = call("POST", keyPath(m_a.sid, key.user), token(m_a), form({{u"FriendlyName"_s, name}}));
        QCOMPARE(update.status, 400);
        QCOMPARE(update.code(), 20002);
        QCOMPARE(call("GET", keyPath(m_a.sid, key.user), token(m_a)).str(u"friendly_name"_s), u"kept"_s);
        // 64 characters is the limit, not past it.
        QCOMPARE(
            call("POST", keyPath(m_a.sid, key.user), token(m_a), form({{u"FriendlyName"_s, QString(64, u'n')}})).status,
            200);
    }

    void pagingFollowsTwiliosUris()
    {
        const Account &c = m_b;
        for (const QString &sid : listedSids(c)) {
            QCOMPARE(call("DELETE", keyPath(c.sid, sid), token(c)).status, 204);
        }
        QStringList made;
        for (int i = 0; i < 5; ++i) {
            made.prepend(newKey(c, u"page %1"_s.arg(i)).user); // lists are newest first
        }
        QStringList seen;
        QString next = keysPath(c.sid) + u"?PageSize=2"_s;
        int page = 0;
        while (!next.isEmpty()) {
            const Response r = call("GET", next, token(c));
            QCOMPARE(r.status, 200);
            QCOMPARE(r.json.value(u"page"_s).toInt(), page);
            QCOMPARE(r.json.value(u"page_size"_s).toInt(), 2);
            QCOMPARE(r.json.value(u"start"_s).toInt(), page * 2);
            const QJsonArray keys = r.json.value(u"keys"_s).toArray();
            QCOMPARE(r.json.value(u"end"_s).toInt(), page * 2 + int(keys.size()) - 1);
            for (const QJsonValue &v : keys) {
                seen.append(v[u"sid"_s].toString());
            }
            if (page > 0) {
                // Page N-1 by number: the same keys the walk saw before.
                const Response previous = call("GET", r.str(u"previous_page_uri"_s), token(c));
                QCOMPARE(previous.status, 200);
                QCOMPARE(previous.json.value(u"keys"_s).toArray().first()[u"sid"_s].toString(),
                         seen.at((page - 1) * 2));
            } else {
                QVERIFY(r.json.value(u"previous_page_uri"_s).isNull());
            }
            next = r.json.value(u"next_page_uri"_s).toString();
            if (!next.isEmpty()) {
                QVERIFY2(next.contains(u"&Page=%1&PageToken=PA"_s.arg(page + 1)), qPrintable(next));
            }
            ++page;
        }
        QCOMPARE(page, 3);
        QCOMPARE(seen, made);
        // Page=N without a token: the N-th page from the start.
        const Response third = call("GET", keysPath(c.sid) + u"?PageSize=2&Page=2"_s, token(c));
        QCOMPARE(third.json.value(u"keys"_s).toArray().size(), 1);
        QCOMPARE(third.json.value(u"keys"_s).toArray().first()[u"sid"_s].toString(), made.last());
        QCOMPARE(call("GET", keysPath(c.sid) + u"?PageToken=bogus"_s, token(c)).status, 400);
        QCOMPARE(call("GET", keysPath(c.sid) + u"?PageSize=0"_s, token(c)).status, 400);
    }

    void rotatingTheAuthTokenLeavesKeysWorking()
    {
        const Credentials key = newKey(m_a);
        QCOMPARE(call("GET", u"/v1/Services"_s, key).status, 200);
        const QString oldToken = m_a.authToken;
        // The operator's rotation, from another process, while this engine serves.
        const Run rotated = runServer({u"--db"_s, dbPath(), u"account"_s, u"token"_s, u"rotate"_s, m_a.sid});
        QCOMPARE(rotated.exitCode, 0);
        const QString newToken = rotated.out.trimmed();
        QCOMPARE(newToken.size(), 32);
        QVERIFY(newToken != oldToken);
        // The old token stops within the credential cache's second; the key never stops.
        QTRY_COMPARE_WITH_TIMEOUT(call("GET", u"/v1/Services"_s, Credentials{m_a.sid, oldToken}).status, 401, 5000);
        QCOMPARE(call("GET", u"/v1/Services"_s, key).status, 200);
        m_a.authToken = newToken;
        QCOMPARE(call("GET", u"/v1/Services"_s, token(m_a)).status, 200);
        QCOMPARE(call("GET", keysPath(m_a.sid), token(m_a)).status, 200);
    }

    void verifyingAKeyStaysCheap()
    {
        const Credentials key = newKey(m_a);
        constexpr int N = 20000;
        QVERIFY(m_proxy->authenticate(key.user, key.secret).ok());
        QElapsedTimer t;
        t.start();
        for (int i = 0; i < N; ++i) {
            if (!m_proxy->authenticate(key.user, key.secret).ok()) {
                QFAIL("a valid key was refused");
            }
        }
        const double keyUs = double(t.nsecsElapsed()) / 1000.0 / N;
        t.restart();
        for (int i = 0; i < N; ++i) {
            if (!m_proxy->authenticate(m_a.sid, m_a.authToken).ok()) {
                QFAIL("the auth token was refused");
            }
        }
        const double tokenUs = double(t.nsecsElapsed()) / 1000.0 / N;
        qInfo("authenticate: API key %.2f us, auth token %.2f us per call (%d calls each, credential cache warm)",
              keyUs, tokenUs, N);
        // From memory, not the store: far below a query per request even on a loaded machine.
        QVERIFY2(keyUs < 200.0, qPrintable(QString::number(keyUs)));
    }

    void cliCreatesAKeyWhoseSecretWorks()
    {
        // The CLI writes the store this engine serves, from another process, as an operator would.
        const Run created = runServer({u"--db"_s, dbPath(), u"account"_s, u"key"_s, u"create"_s, m_a.sid,
                                       u"--friendly-name"_s, u"from the CLI"_s});
        QCOMPARE(created.exitCode, 0);
        const QRegularExpression twoLines(u"^sid (SK[0-9a-f]{32})\\nsecret ([A-Za-z0-9]{32})\\n$"_s);
        const auto match = twoLines.match(created.out);
        QVERIFY2(match.hasMatch(), qPrintable(created.out));
        const Credentials key{match.captured(1), match.captured(2)};
        QVERIFY(!created.err.contains(key.secret));
        QCOMPARE(call("GET", u"/v1/Services"_s, key).status, 200);
        QCOMPARE(call("GET", keyPath(m_a.sid, key.user), token(m_a)).str(u"friendly_name"_s), u"from the CLI"_s);

        const Run list = runServer({u"--db"_s, dbPath(), u"account"_s, u"key"_s, u"list"_s, m_a.sid});
        QCOMPARE(list.exitCode, 0);
        QVERIFY2(list.out.contains(QRegularExpression(u"^"_s + key.user + u"  created \\S+Z  from the CLI$"_s,
                                                      QRegularExpression::MultilineOption)),
                 qPrintable(list.out));
        QVERIFY(!list.out.contains(key.secret));
        QCOMPARE(list.out.count(u'\n'), int(listedSids(m_a).size()));

        const Run removed = runServer({u"--db"_s, dbPath(), u"account"_s, u"key"_s, u"delete"_s, m_a.sid, key.user});
        QCOMPARE(removed.exitCode, 0);
        QVERIFY(removed.out.isEmpty());
        // Another process's delete: this engine re-reads key credentials within a second.
        QTRY_COMPARE_WITH_TIMEOUT(call("GET", u"/v1/Services"_s, key).status, 401, 5000);

        const Run again = runServer({u"--db"_s, dbPath(), u"account"_s, u"key"_s, u"delete"_s, m_a.sid, key.user});
        QCOMPARE(again.exitCode, 1);
        QVERIFY2(again.err.contains(u"has no API key"_s), qPrintable(again.err));
        const Run noAccount =
            runServer({u"--db"_s, dbPath(), u"account"_s, u"key"_s, u"create"_s, Sid::generate(Sid::ACCOUNT)});
        QCOMPARE(noAccount.exitCode, 1);
        QVERIFY(noAccount.out.isEmpty());
        QVERIFY2(noAccount.err.contains(u"no account"_s), qPrintable(noAccount.err));
        const Run badName = runServer({u"--db"_s, dbPath(), u"account"_s, u"key"_s, u"create"_s, m_a.sid,
                                       u"--friendly-name"_s, QString(65, u'x')});
        QCOMPARE(badName.exitCode, 1);
        QVERIFY(badName.out.isEmpty());
        for (const QStringList &usage : QList<QStringList>{{u"key"_s},
                                                           {u"key"_s, u"create"_s},
                                                           {u"key"_s, u"list"_s, u"not-a-sid"_s},
                                                           {u"key"_s, u"delete"_s, m_a.sid},
                                                           {u"key"_s, u"delete"_s, m_a.sid, u"AC123"_s},
                                                           {u"key"_s, u"rotate"_s, m_a.sid}}) {
            const Run r = runServer(QStringList{u"--db"_s, dbPath(), u"account"_s} + usage);
            QVERIFY2(r.exitCode == 2, qPrintable(usage.join(u' ') + u": "_s + r.err));
            QVERIFY(r.out.isEmpty());
        }
        const Run missingStore =
            runServer({u"--db"_s, m_dir.filePath(u"absent.db"_s), u"account"_s, u"key"_s, u"list"_s, m_a.sid});
        QCOMPARE(missingStore.exitCode, 1);
        QVERIFY(!QFileInfo::exists(m_dir.filePath(u"absent.db"_s)));
    }
};

QTEST_GUILESS_MAIN(TestApiKeys)
#include "tst_apikeys.moc"
