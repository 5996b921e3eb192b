// Callback URLs that would reach the engine itself, compared as addresses and ports rather than spellings, and the
// --callback-targets public setting that refuses loopback, private and link-local targets (core/callbacktarget.h).
// Also through Proxy::createService, the way the REST API reaches the check.

#include <optional>

#include <QNetworkInterface>
#include <QTemporaryDir>
#include <QTest>

#include "../engine/fakecallbackserver.h"
#include "callbacks/callbackclient.h"
#include "core/callbacktarget.h"
#include "core/clock.h"
#include "proxy/proxy.h"
#include "store/database.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

class TestCallbackTargets final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void self_data();
    void self();
    void publicOnly_data();
    void publicOnly();
    void localInterfaces();
    void throughProxy();
    void resolvedAddresses_data();
    void resolvedAddresses();
    void checkedAtDelivery_data();
    void checkedAtDelivery();
};

namespace {

const QStringList OWN{u"http://127.0.0.1:8080"_s, u"https://masking.example.com"_s};

bool refused(const QString &url, bool publicOnly)
{
    return !CallbackTarget::refusal(QUrl(url, QUrl::StrictMode), OWN, publicOnly).isEmpty();
}

} // namespace

void TestCallbackTargets::self_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("self");
    const QList<std::pair<const char *, bool>> rows{
        {"http://127.0.0.1:8080/cb", true},
        {"http://localhost:8080/cb", true},
        {"http://LOCALHOST:8080/cb", true},
        {"http://localhost.:8080/cb", true},
        {"http://app.localhost:8080/cb", true},
        {"http://0.0.0.0:8080/cb", true},
        {"http://[::]:8080/cb", true},
        {"http://[::1]:8080/cb", true},
        {"http://[::ffff:127.0.0.1]:8080/cb", true},
        {"http://[0:0:0:0:0:ffff:7f00:1]:8080/cb", true},
        {"http://127.0.0.2:8080/cb", true},
        {"http://127.255.255.254:8080/cb", true},
        {"http://127.0.0.1.:8080/cb", true},
        {"HTTP://127.0.0.1:8080/cb", true},
        {"https://masking.example.com/cb", true},
        {"https://MASKING.example.com./cb", true},
        {"https://masking.example.com:443/cb", true},
        // Another port of this machine, or another machine, is the application.
        {"http://127.0.0.1:8081/cb", false},
        {"http://localhost:3000/cb", false},
        {"http://masking.example.com/cb", false},
        {"https://app.example.com/cb", false},
        {"http://192.0.2.10:8080/cb", false},
    };
    for (const auto &[url, self] : rows) {
        QTest::newRow(url) << QString::fromLatin1(url) << self;
    }
}

void TestCallbackTargets::self()
{
    QFETCH(QString, url);
    QFETCH(bool, self);
    QCOMPARE(refused(url, false), self);
    // Public-only refuses at least as much.
    if (self) {
        QVERIFY(refused(url, true));
    }
}

void TestCallbackTargets::publicOnly_data()
{
    QTest::addColumn<QString>("url");
    QTest::addColumn<bool>("internal");
    const QList<std::pair<const char *, bool>> rows{
        {"http://169.254.169.254/latest/meta-data/", true},
        {"http://10.0.0.5/cb", true},
        {"http://10.255.255.255:9000/cb", true},
        {"http://172.16.0.1/cb", true},
        {"http://172.31.255.255/cb", true},
        {"http://192.168.1.20/cb", true},
        {"http://100.64.0.1/cb", true},
        {"http://127.0.0.1:3000/cb", true},
        {"http://localhost:3000/cb", true},
        {"http://0.0.0.0:3000/cb", true},
        {"http://[::1]:3000/cb", true},
        {"http://[fd00::1]/cb", true},
        {"http://[fc00::1]/cb", true},
        {"http://[fe80::1]/cb", true},
        {"http://[::ffff:10.0.0.1]/cb", true},
        {"http://[::ffff:169.254.169.254]/cb", true},
        {"http://172.32.0.1/cb", false},
        {"http://192.0.2.10/cb", false},
        {"http://8.8.8.8/cb", false},
        {"http://[2001:db8::1]/cb", false},
        {"https://app.example.com/cb", false},
    };
    for (const auto &[url, internal] : rows) {
        QTest::newRow(url) << QString::fromLatin1(url) << internal;
    }
}

void TestCallbackTargets::publicOnly()
{
    QFETCH(QString, url);
    QFETCH(bool, internal);
    QCOMPARE(refused(url, true), internal);
    // Off by default: self-hosted applications often live on private networks.
    QCOMPARE(refused(url, false), false);
}

void TestCallbackTargets::localInterfaces()
{
    // Every address of this machine on the listening port is the engine itself.
    const QList<QHostAddress> addresses = QNetworkInterface::allAddresses();
    QVERIFY(!addresses.isEmpty());
    for (QHostAddress a : addresses) {
        if (!a.scopeId().isEmpty()) {
            continue; // a link-local address needs its zone to be reached; QUrl carries none
        }
        const QString host = a.protocol() == QAbstractSocket::IPv6Protocol ? u'[' + a.toString() + u']' : a.toString();
        QVERIFY2(refused(u"http://%1:8080/cb"_s.arg(host), false), qPrintable(host));
    }
}

void TestCallbackTargets::throughProxy()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    SystemClock clock;
    Database db(StoreConfig::fromLocation(dir.filePath(u"t.db"_s)));
    QVERIFY(db.migrate().ok());
    Proxy proxy(db, clock, nullptr);
    const auto account = proxy.ensureAccount();
    QVERIFY(account);
    proxy.setOwnBaseUrls({u"http://127.0.0.1:8080"_s});
    ServiceParams params;
    params.uniqueName = u"a"_s;
    params.callbackUrl = u"http://[::ffff:127.0.0.1]:8080/cb"_s;
    auto created = proxy.createService(account->sid, params);
    QVERIFY(!created);
    QCOMPARE(created.error().code, 80701);
    QVERIFY(created.error().message.contains(u"itself"));

    params.callbackUrl = u"http://169.254.169.254/cb"_s;
    QVERIFY(proxy.createService(account->sid, params)); // allowed by default
    proxy.setPublicCallbackTargetsOnly(true);
    params.uniqueName = u"b"_s;
    created = proxy.createService(account->sid, params);
    QVERIFY(!created);
    QVERIFY(created.error().message.contains(u"--callback-targets public"));
    params.callbackUrl = u"https://app.example.com/cb"_s;
    QVERIFY(proxy.createService(account->sid, params));
    db.closeThreadConnection();
}

// A name is judged by what it resolves to: the same rules as for the literal address.
void TestCallbackTargets::resolvedAddresses_data()
{
    QTest::addColumn<QStringList>("addresses");
    QTest::addColumn<bool>("publicOnly");
    QTest::addColumn<QString>("refusedAs"); // empty: allowed
    QTest::newRow("public") << QStringList{u"93.184.216.34"_s} << true << QString();
    QTest::newRow("loopback on our port") << QStringList{u"127.0.0.1"_s} << false << u"itself"_s;
    QTest::newRow("mapped loopback on our port") << QStringList{u"::ffff:127.0.0.1"_s} << false << u"itself"_s;
    QTest::newRow("private, default") << QStringList{u"10.1.2.3"_s} << false << QString();
    QTest::newRow("private, public only") << QStringList{u"10.1.2.3"_s} << true << u"public"_s;
    QTest::newRow("one bad among good") << QStringList{u"93.184.216.34"_s, u"169.254.169.254"_s} << true
                                        << u"169.254.169.254"_s;
    QTest::newRow("unique-local v6") << QStringList{u"fd00::1"_s} << true << u"public"_s;
}

void TestCallbackTargets::resolvedAddresses()
{
    QFETCH(QStringList, addresses);
    QFETCH(bool, publicOnly);
    QFETCH(QString, refusedAs);
    QList<QHostAddress> resolved;
    for (const QString &a : std::as_const(addresses)) {
        resolved.append(QHostAddress(a));
    }
    const QString why =
        CallbackTarget::refusalOfAddresses(QUrl(u"http://hooks.example.com:8080/cb"_s), resolved, OWN, publicOnly);
    if (refusedAs.isEmpty()) {
        QVERIFY2(why.isEmpty(), qPrintable(why));
    } else {
        QVERIFY2(why.contains(refusedAs) && why.startsWith(u"resolves to "_s), qPrintable(why));
    }
}

// The callback client resolves the host before it sends: "localhost" is a name (no literal address), so this goes
// through the DNS path and is refused or delivered by what it resolved to.
void TestCallbackTargets::checkedAtDelivery_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<bool>("publicOnly");
    QTest::addColumn<bool>("ownServer"); // the fake server's URL is one of "our" bases
    QTest::addColumn<QString>("refusedAs");
    QTest::newRow("name, default") << u"localhost"_s << false << false << QString();
    QTest::newRow("name, public only") << u"localhost"_s << true << false << u"--callback-targets public"_s;
    QTest::newRow("name of ourselves") << u"localhost"_s << false << true << u"itself"_s;
    QTest::newRow("literal of ourselves") << u"127.0.0.1"_s << false << true << u"itself"_s;
    QTest::newRow("unresolvable") << u"no-such-host.invalid"_s << false << false << u"cannot resolve"_s;
}

void TestCallbackTargets::checkedAtDelivery()
{
    QFETCH(QString, host);
    QFETCH(bool, publicOnly);
    QFETCH(bool, ownServer);
    QFETCH(QString, refusedAs);
    Testing::FakeCallbackServer server;
    CallbackClient client;
    const QStringList own = ownServer ? QStringList{server.url(u"/"_s)} : QStringList{};
    client.setAddressCheck([&](const QUrl &url, const QList<QHostAddress> &addresses) {
        return CallbackTarget::refusalOfAddresses(url, addresses, own, publicOnly);
    });
    CallbackRequest request;
    request.url = u"http://%1:%2/cb"_s.arg(host).arg(server.port());
    request.params = {{u"a"_s, u"b"_s}};
    request.authToken = u"token"_s;
    request.timeoutMs = 5000;
    std::optional<CallbackResponse> answer;
    client.post(request, [&](const CallbackResponse &r) { answer = r; });
    QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 10000);
    if (refusedAs.isEmpty()) {
        QCOMPARE(answer->status, 200);
        QCOMPARE(server.requests.size(), 1);
    } else {
        QCOMPARE(answer->status, 0);
        QVERIFY2(answer->error.contains(refusedAs), qPrintable(answer->error));
        QCOMPARE(server.requests.size(), 0); // nothing was sent
    }
}

QTEST_GUILESS_MAIN(TestCallbackTargets)
#include "tst_callbacktargets.moc"
