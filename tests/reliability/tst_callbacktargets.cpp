// Callback URLs that would reach the engine itself, compared as addresses and ports rather than spellings, and the
// --callback-targets public setting that refuses loopback, private and link-local targets (core/callbacktarget.h).
// Also through Proxy::createService, the way the REST API reaches the check.

#include <QNetworkInterface>
#include <QTemporaryDir>
#include <QTest>

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

QTEST_GUILESS_MAIN(TestCallbackTargets)
#include "tst_callbacktargets.moc"
