// The Proxy domain through its C++ API: every validation and refusal code, the session lifecycle, number selection
// through the store (exhaustion, stickiness, uniqueness), in_use bookkeeping and account isolation.

#include <memory>

#include <QRandomGenerator>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "core/clock.h"
#include "debugger/debugger.h"
#include "proxy/numberselector.h"
#include "proxy/proxy.h"
#include "proxy/proxy_p.h"
#include "store/database.h"
#include "store/numberstable.h"
#include "store/participantstable.h"
#include "store/sqlquery.h"
#include "testdb.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

#define EXPECT_CODE(expr, expectedCode, expectedStatus)                                                                \
    do {                                                                                                               \
        const auto r_ = (expr);                                                                                        \
        QVERIFY2(!r_.ok(), "expected a refusal");                                                                      \
        QCOMPARE(r_.error().code, expectedCode);                                                                       \
        QCOMPARE(r_.error().status, expectedStatus);                                                                   \
        QVERIFY(!r_.error().message.isEmpty());                                                                        \
    } while (false)

#define REQUIRE_OK(var, expr)                                                                                          \
    auto var = (expr);                                                                                                 \
    QVERIFY2(var.ok(), var.ok() ? "" : qPrintable(var.error().message))

class TestProxy final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    std::unique_ptr<ManualClock> m_clock;
    std::unique_ptr<Database> m_db;
    std::unique_ptr<Debugger> m_debugger;
    std::unique_ptr<Proxy> m_proxy;
    QString m_account;

    Proxy &proxy() { return *m_proxy; }

    Service makeService(const QString &name = {}, const ServiceParams &extra = {})
    {
        ServiceParams p = extra;
        p.uniqueName = name.isEmpty() ? u"svc-%1"_s.arg(++m_counter) : name;
        auto s = proxy().createService(m_account, p);
        if (!s) {
            qFatal("createService: %s", qPrintable(s.error().message));
        }
        return *s;
    }

    PhoneNumber addNumber(const Service &s, const QString &e164, bool reserved = false,
                          std::optional<Capabilities> caps = std::nullopt)
    {
        PhoneNumberParams p;
        p.phoneNumber = e164;
        p.isReserved = reserved;
        p.capabilities = caps;
        auto n = proxy().createPhoneNumber(m_account, s.sid, p);
        if (!n) {
            qFatal("createPhoneNumber: %s", qPrintable(n.error().message));
        }
        return *n;
    }

    Session makeSession(const Service &s, const QStringList &identifiers = {}, const SessionParams &extra = {})
    {
        SessionParams p = extra;
        for (const QString &id : identifiers) {
            p.participants.append(ParticipantParams{id, {}, {}, {}, false});
        }
        auto session = proxy().createSession(m_account, s.sid, p);
        if (!session) {
            qFatal("createSession: %s", qPrintable(session.error().message));
        }
        return *session;
    }

    QList<Participant> participantsOf(const Service &s, const Session &session)
    {
        auto page = proxy().listParticipants(m_account, s.sid, session.sid, {});
        return page ? page->items : QList<Participant>();
    }

    int inUse(const Service &s, const PhoneNumber &n)
    {
        return proxy().fetchPhoneNumber(m_account, s.sid, n.sid)->inUse;
    }

    QList<DebuggerEvent> eventsWithCode(int code)
    {
        DebuggerFilter f;
        f.code = code;
        PageRequest page;
        page.pageSize = 100;
        auto events = m_debugger->list(f, page);
        return events ? events->items : QList<DebuggerEvent>();
    }

    static SessionParams closeParams()
    {
        SessionParams p;
        p.status = SessionStatus::CLOSED;
        return p;
    }
    static SessionParams reopenParams(bool failOnConflict = false)
    {
        SessionParams p;
        p.status = SessionStatus::IN_PROGRESS;
        p.failOnParticipantConflict = failOnConflict;
        return p;
    }

private Q_SLOTS:
    void init()
    {
        m_clock = std::make_unique<ManualClock>(QDateTime(QDate(2030, 1, 1), QTime(12, 0), Qt::UTC));
        m_db = std::make_unique<Database>(
            StoreConfig::fromLocation(Testing::testStoreLocation(m_dir.filePath(u"p%1.db"_s.arg(++m_counter)))));
        QVERIFY(m_db->migrate().ok());
        m_debugger = std::make_unique<Debugger>(*m_db, *m_clock);
        m_proxy = std::make_unique<Proxy>(*m_db, *m_clock, m_debugger.get());
        m_proxy->setOwnBaseUrls({u"http://127.0.0.1:8080"_s, u"https://proxy.example.com"_s});
        REQUIRE_OK(account, m_proxy->ensureAccount());
        m_account = account->sid;
    }

    void cleanup()
    {
        m_proxy.reset();
        m_debugger.reset();
        m_db.reset();
    }

    // --- accounts -----------------------------------------------------------------------------------------------

    void secretsCompareWholly_data()
    {
        QTest::addColumn<QString>("expected");
        QTest::addColumn<QString>("presented");
        QTest::addColumn<bool>("equal");
        const QString token = u"0123456789abcdef0123456789abcdef"_s;
        QTest::newRow("same") << token << token << true;
        QTest::newRow("first differs") << token << (u'1' + token.mid(1)) << false;
        QTest::newRow("middle differs") << token << (token.left(16) + u'X' + token.mid(17)) << false;
        QTest::newRow("last differs") << token << (token.left(31) + u'0') << false;
        QTest::newRow("a prefix") << token << token.left(31) << false;
        QTest::newRow("one more") << token << (token + u'0') << false;
        QTest::newRow("one more, same as the first") << u"a"_s << u"aa"_s << false;
        QTest::newRow("twice") << token << (token + token) << false;
        QTest::newRow("nothing presented") << token << QString() << false;
        QTest::newRow("nothing expected") << QString() << token << false;
        QTest::newRow("case") << token << token.toUpper() << false;
        QTest::newRow("same low byte") << u"e"_s << u"\u0165"_s << false; // U+0065 and U+0165
    }

    void secretsCompareWholly()
    {
        QFETCH(QString, expected);
        QFETCH(QString, presented);
        QFETCH(bool, equal);
        QCOMPARE(secretsEqual(expected, presented), equal);
    }

    void accountsAuthenticate()
    {
        REQUIRE_OK(second, proxy().createAccount());
        QVERIFY(second->sid.startsWith(u"AC"_s));
        QCOMPARE(second->authToken.size(), 32);
        QVERIFY(proxy().authenticate(second->sid, second->authToken).ok());
        EXPECT_CODE(proxy().authenticate(second->sid, second->authToken + u"x"_s), 20003, 401);
        EXPECT_CODE(proxy().authenticate(u"AC00000000000000000000000000000000"_s, second->authToken), 20003, 401);
        EXPECT_CODE(proxy().authenticate(u"not-a-sid"_s, u""_s), 20003, 401);
        // ensureAccount returns the existing first account rather than making another.
        REQUIRE_OK(first, proxy().ensureAccount());
        QCOMPARE(first->sid, m_account);
        QCOMPARE(proxy().listAccounts()->size(), 2);
    }

    void accountFromEnvironmentValues()
    {
        const QString sid = u"AC0123456789abcdef0123456789abcdef"_s;
        REQUIRE_OK(a, proxy().ensureAccount(sid, u"0123456789abcdef0123456789abcdef"_s));
        QCOMPARE(a->sid, sid);
        // Same SID with another token is refused rather than silently accepted.
        EXPECT_CODE(proxy().ensureAccount(sid, u"ffffffffffffffffffffffffffffffff"_s), 20003, 401);
        EXPECT_CODE(proxy().createAccount(u"ACnothex"_s), 80701, 400);
    }

    // --- services -----------------------------------------------------------------------------------------------

    void serviceDefaultsAndFetchByName()
    {
        const Service s = makeService(u"rides"_s);
        QVERIFY(s.sid.startsWith(u"KS"_s));
        QCOMPARE(s.geoMatchLevel, u"country"_s);
        QCOMPARE(s.numberSelectionBehavior, u"prefer-sticky"_s);
        QCOMPARE(s.defaultTtl, 0);
        QVERIFY(!s.mxInsertOne); // created after 2020-10-05
        QCOMPARE(proxy().fetchService(m_account, u"rides"_s)->sid, s.sid);
        QCOMPARE(proxy().fetchService(m_account, s.sid)->uniqueName, u"rides"_s);
        EXPECT_CODE(proxy().fetchService(m_account, u"nope"_s), 20404, 404);
    }

    void serviceBeforeMexicoCutoffInsertsOne()
    {
        m_clock->set(QDateTime(QDate(2020, 10, 4), QTime(23, 0), Qt::UTC));
        QVERIFY(makeService().mxInsertOne);
        m_clock->set(QDateTime(QDate(2020, 10, 5), QTime(0, 0), Qt::UTC));
        QVERIFY(!makeService().mxInsertOne);
    }

    void serviceValidation_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<int>("code");
        QTest::newRow("empty name") << u"UniqueName"_s << u""_s << 80701;
        QTest::newRow("long name") << u"UniqueName"_s << QString(192, u'x') << 80701;
        QTest::newRow("geo") << u"GeoMatchLevel"_s << u"planet"_s << 80701;
        QTest::newRow("selection") << u"NumberSelectionBehavior"_s << u"random"_s << 80701;
        QTest::newRow("ttl negative") << u"DefaultTtl"_s << u"-1"_s << 80701;
        QTest::newRow("ttl too big") << u"DefaultTtl"_s << u"2147483647"_s << 80701;
        QTest::newRow("callback ftp") << u"CallbackUrl"_s << u"ftp://example.com/cb"_s << 80701;
        QTest::newRow("callback relative") << u"CallbackUrl"_s << u"/cb"_s << 80701;
        QTest::newRow("callback too long")
            << u"CallbackUrl"_s << (u"https://example.com/"_s + QString(3990, u'a')) << 80701;
        QTest::newRow("callback is us") << u"InterceptCallbackUrl"_s << u"http://127.0.0.1:8080/carrier/x"_s << 80701;
        QTest::newRow("callback is public us")
            << u"OutOfSessionCallbackUrl"_s << u"https://PROXY.example.com:443/hook"_s << 80701;
        QTest::newRow("chat sid") << u"ChatInstanceSid"_s << u"IS123"_s << 80701;
    }

    void serviceValidation()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(int, code);
        ServiceParams p;
        p.uniqueName = u"valid-name"_s;
        if (field == u"UniqueName"_s) {
            p.uniqueName = value;
        } else if (field == u"GeoMatchLevel"_s) {
            p.geoMatchLevel = value;
        } else if (field == u"NumberSelectionBehavior"_s) {
            p.numberSelectionBehavior = value;
        } else if (field == u"DefaultTtl"_s) {
            p.defaultTtl = value.toLongLong();
        } else if (field == u"CallbackUrl"_s) {
            p.callbackUrl = value;
        } else if (field == u"InterceptCallbackUrl"_s) {
            p.interceptCallbackUrl = value;
        } else if (field == u"OutOfSessionCallbackUrl"_s) {
            p.outOfSessionCallbackUrl = value;
        } else if (field == u"ChatInstanceSid"_s) {
            p.chatInstanceSid = value;
        }
        const auto r = proxy().createService(m_account, p);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, code);
        QVERIFY2(r.error().message.contains(field), qPrintable(r.error().message));
        // Nothing was created.
        QCOMPARE(proxy().listServices(m_account, {})->items.size(), 0);
    }

    void serviceNamesUniquePerAccountAndReusableAfterDelete()
    {
        const Service s = makeService(u"dup"_s);
        ServiceParams p;
        p.uniqueName = u"dup"_s;
        EXPECT_CODE(proxy().createService(m_account, p), 80602, 400);
        // Another account may use the name.
        REQUIRE_OK(other, proxy().createAccount());
        QVERIFY(proxy().createService(other->sid, p).ok());
        // Renaming onto an existing name is refused too.
        const Service s2 = makeService(u"other"_s);
        EXPECT_CODE(proxy().updateService(m_account, s2.sid, p), 80602, 400);
        QVERIFY(proxy().deleteService(m_account, s.sid).ok());
        QVERIFY(proxy().createService(m_account, p).ok());
    }

    void serviceUpdateClearsUrl()
    {
        ServiceParams p;
        p.callbackUrl = u"https://app.example.com/cb"_s;
        const Service s = makeService({}, p);
        QCOMPARE(s.callbackUrl, u"https://app.example.com/cb"_s);
        ServiceParams clear;
        clear.callbackUrl = QString();
        clear.defaultTtl = 60;
        REQUIRE_OK(updated, proxy().updateService(m_account, s.sid, clear));
        QVERIFY(updated->callbackUrl.isEmpty());
        QCOMPARE(updated->defaultTtl, 60);
        QCOMPARE(updated->uniqueName, s.uniqueName);
    }

    void accountsAreIsolated()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        const Session session = makeSession(s);
        REQUIRE_OK(other, proxy().createAccount());
        const QString b = other->sid;
        EXPECT_CODE(proxy().fetchService(b, s.sid), 20404, 404);
        EXPECT_CODE(proxy().fetchService(b, s.uniqueName), 20404, 404);
        EXPECT_CODE(proxy().updateService(b, s.sid, {}), 20404, 404);
        EXPECT_CODE(proxy().deleteService(b, s.sid), 20404, 404);
        EXPECT_CODE(proxy().listSessions(b, s.sid, {}), 20404, 404);
        EXPECT_CODE(proxy().fetchSession(b, s.sid, session.sid), 20404, 404);
        EXPECT_CODE(proxy().fetchPhoneNumber(b, s.sid, n.sid), 20404, 404);
        EXPECT_CODE(proxy().createSession(b, s.sid, {}), 20404, 404);
        QCOMPARE(proxy().listServices(b, {})->items.size(), 0);
        // B cannot learn that A's number exists by adding it: it is "not available", not "in your service".
        ServiceParams p;
        p.uniqueName = u"b-svc"_s;
        REQUIRE_OK(bs, proxy().createService(b, p));
        PhoneNumberParams np;
        np.phoneNumber = u"+14155550001"_s;
        EXPECT_CODE(proxy().createPhoneNumber(b, bs->sid, np), 80601, 400);
        // ...and cannot pin it as a proxy identifier either.
        REQUIRE_OK(bsession, proxy().createSession(b, bs->sid, {}));
        ParticipantParams pp{u"+14155550100"_s, {}, u"+14155550001"_s, {}, false};
        EXPECT_CODE(proxy().createParticipant(b, bs->sid, bsession->sid, pp), 80304, 400);
    }

    // --- phone numbers ------------------------------------------------------------------------------------------

    void phoneNumberAddAndRefusals()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+1 (415) 555-0001"_s);
        QVERIFY(n.sid.startsWith(u"PN"_s));
        QCOMPARE(n.phoneNumber, u"+14155550001"_s);
        QCOMPARE(n.isoCountry, u"US"_s);
        QCOMPARE(n.friendlyName, u"(415) 555-0001"_s);
        QCOMPARE(n.inUse, 0);
        QVERIFY(!n.isReserved);

        PhoneNumberParams again;
        again.phoneNumber = u"+14155550001"_s;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, again), 80104, 400);
        const Service other = makeService();
        EXPECT_CODE(proxy().createPhoneNumber(m_account, other.sid, again), 80101, 400);

        PhoneNumberParams bad;
        bad.phoneNumber = u"4155550001"_s;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, bad), 80406, 400);
        PhoneNumberParams none;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, none), 80701, 400);
        PhoneNumberParams badSid;
        badSid.sid = u"PN123"_s;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, badSid), 80407, 400);
        PhoneNumberParams unknownSid;
        unknownSid.sid = u"PN0123456789abcdef0123456789abcdef"_s;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, unknownSid), 80301, 400);
        // A Sid given with the number becomes the pool entry's SID (matching the carrier's number SID).
        PhoneNumberParams withSid;
        withSid.sid = u"PN0123456789abcdef0123456789abcdef"_s;
        withSid.phoneNumber = u"+14155550002"_s;
        REQUIRE_OK(adopted, proxy().createPhoneNumber(m_account, s.sid, withSid));
        QCOMPARE(adopted->sid, withSid.sid);
        // A Sid alone names a number already in the account: here, in this service.
        PhoneNumberParams sidOnly;
        sidOnly.sid = adopted->sid;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, sidOnly), 80104, 400);
        EXPECT_CODE(proxy().createPhoneNumber(m_account, other.sid, sidOnly), 80101, 400);
    }

    void deletedServiceReleasesNumbers()
    {
        const Service s = makeService();
        addNumber(s, u"+14155550001"_s);
        QVERIFY(proxy().deleteService(m_account, s.sid).ok());
        const Service s2 = makeService();
        addNumber(s2, u"+14155550001"_s);
    }

    void poolLimits()
    {
        const Service s = makeService();
        QSqlDatabase db = m_db->connection();
        // Fill the pool directly to just under the limits; the domain's check is what is under test.
        auto fill = [&](int count, bool reserved, int offset) {
            db.transaction();
            for (int i = 0; i < count; ++i) {
                SqlQuery(db, u"INSERT INTO phone_numbers (sid, account_sid, service_sid, phone_number, is_reserved, "
                             u"date_created, date_updated) VALUES (:sid, :a, :s, :n, :r, 1, 1)"_s)
                    .bind(u":sid"_s, u"PN%1"_s.arg(offset + i, 32, 10, QLatin1Char('0')))
                    .bind(u":a"_s, m_account)
                    .bind(u":s"_s, s.sid)
                    .bind(u":n"_s, u"+1212555%1"_s.arg(offset + i, 4, 10, QLatin1Char('0')))
                    .bind(u":r"_s, int(reserved))
                    .exec();
            }
            db.commit();
        };
        fill(424, false, 0);
        QCOMPARE(eventsWithCode(80624).size(), 0);
        addNumber(s, u"+14155550425"_s); // 425 = 85 % of 500: warning once
        QCOMPARE(eventsWithCode(80624).size(), 1);
        QCOMPARE(eventsWithCode(80624).first().logLevel, u"warning"_s);
        QCOMPARE(eventsWithCode(80624).first().serviceSid, s.sid);
        addNumber(s, u"+14155550426"_s);
        QCOMPARE(eventsWithCode(80624).size(), 1);
        fill(74, false, 1000);
        QCOMPARE(proxy().listPhoneNumbers(m_account, s.sid, {})->items.size(), 50);
        PhoneNumberParams p;
        p.phoneNumber = u"+14155550999"_s;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, p), 80622, 400);
        // Reserved numbers have their own, larger limit.
        p.isReserved = true;
        REQUIRE_OK(reserved, proxy().createPhoneNumber(m_account, s.sid, p));
        // ...and un-reserving one would overflow the unreserved pool.
        EXPECT_CODE(proxy().updatePhoneNumber(m_account, s.sid, reserved->sid, false), 80622, 400);
        fill(4999, true, 5000); // with the one above: 5000 reserved, the limit
        p.phoneNumber = u"+14155550998"_s;
        EXPECT_CODE(proxy().createPhoneNumber(m_account, s.sid, p), 80622, 400);
    }

    void numberInUseCannotBeRemoved()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        const Session session = makeSession(s, {u"+14155550100"_s, u"+14155550200"_s});
        // Both participants hold the same number in one session: in_use counts sessions, not participants.
        QCOMPARE(inUse(s, n), 1);
        EXPECT_CODE(proxy().deletePhoneNumber(m_account, s.sid, n.sid), 80611, 400);
        // The documented drain: reserve, wait for in_use 0, remove.
        REQUIRE_OK(reserved, proxy().updatePhoneNumber(m_account, s.sid, n.sid, true));
        QVERIFY(reserved->isReserved);
        QVERIFY(proxy().updateSession(m_account, s.sid, session.sid, closeParams()).ok());
        QCOMPARE(inUse(s, n), 0);
        QVERIFY(proxy().deletePhoneNumber(m_account, s.sid, n.sid).ok());
        EXPECT_CODE(proxy().fetchPhoneNumber(m_account, s.sid, n.sid), 20404, 404);
    }

    void inUseBookkeeping()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        const Session a = makeSession(s, {u"+14155550100"_s});
        const Session b = makeSession(s, {u"+14155550200"_s, u"+14155550300"_s});
        QCOMPARE(inUse(s, n), 2);
        QVERIFY(proxy().updateSession(m_account, s.sid, a.sid, closeParams()).ok());
        QCOMPARE(inUse(s, n), 1);
        QVERIFY(proxy().updateSession(m_account, s.sid, a.sid, reopenParams()).ok());
        QCOMPARE(inUse(s, n), 2);
        const QList<Participant> bp = participantsOf(s, b);
        QVERIFY(proxy().deleteParticipant(m_account, s.sid, b.sid, bp[0].sid).ok());
        QCOMPARE(inUse(s, n), 2); // the other participant still holds it
        QVERIFY(proxy().deleteParticipant(m_account, s.sid, b.sid, bp[1].sid).ok());
        QCOMPARE(inUse(s, n), 1);
        QVERIFY(proxy().deleteSession(m_account, s.sid, a.sid).ok());
        QCOMPARE(inUse(s, n), 0);
    }

    // in_use is kept by deltas, never recounted on the way: after every kind of change it must equal a full recount
    // (recountInUse() finds nothing to correct), across two numbers and sessions that hold one or both.
    void inUseMatchesARecountAfterEveryChange()
    {
        const Service s = makeService();
        const PhoneNumber n1 = addNumber(s, u"+14155550001"_s);
        const PhoneNumber n2 = addNumber(s, u"+14155550002"_s);
        const auto exact = [this]() {
            const auto corrected = proxy().recountInUse();
            return corrected.ok() && *corrected == 0;
        };
        const Session a = makeSession(s, {u"+14155550100"_s, u"+14155550200"_s});
        QVERIFY(exact());
        const Session b = makeSession(s, {u"+14155550100"_s, u"+14155550300"_s}); // +…100 needs the other number
        QVERIFY(exact());
        // Each session counts once on each number it holds, however many of its participants use that number.
        QSet<QString> held;
        for (const Session &session : {a, b}) {
            for (const Participant &p : participantsOf(s, session)) {
                held.insert(session.sid + p.proxyIdentifierSid);
            }
        }
        QCOMPARE(inUse(s, n1) + inUse(s, n2), int(held.size()));
        QVERIFY(held.size() >= 2);
        const QList<Participant> bp = participantsOf(s, b);
        QVERIFY(proxy().deleteParticipant(m_account, s.sid, b.sid, bp[0].sid).ok());
        QVERIFY(exact());
        QVERIFY(proxy().updateSession(m_account, s.sid, a.sid, closeParams()).ok());
        QVERIFY(exact());
        QVERIFY(proxy().updateSession(m_account, s.sid, a.sid, reopenParams()).ok());
        QVERIFY(exact());
        QVERIFY(proxy().closeSession(b.sid, u"ttl"_s).ok());
        QVERIFY(exact());
        QVERIFY(proxy().deleteSession(m_account, s.sid, a.sid).ok());
        QVERIFY(exact());
        QCOMPARE(inUse(s, n1) + inUse(s, n2), 0);
    }

    // A store whose in_use drifted (edited by hand, or written by an older build) is corrected at start-up.
    void recountCorrectsADriftedInUse()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        makeSession(s, {u"+14155550100"_s});
        QCOMPARE(inUse(s, n), 1);
        execSql(m_db->connection(), u"UPDATE phone_numbers SET in_use = 7"_s);
        QCOMPARE(inUse(s, n), 7);
        REQUIRE_OK(corrected, proxy().recountInUse());
        QCOMPARE(*corrected, 1);
        QCOMPARE(inUse(s, n), 1);
        REQUIRE_OK(again, proxy().recountInUse());
        QCOMPARE(*again, 0);
    }

    // The start-up check in two halves (the engine measures on another thread while it serves): a drift measured on
    // a snapshot is corrected by its difference, so commits made after the snapshot are neither lost nor counted
    // twice.
    void driftMeasuredOnASnapshotIsCorrectedByItsDifference()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        makeSession(s, {u"+14155550100"_s});
        execSql(m_db->connection(), u"UPDATE phone_numbers SET in_use = 7"_s);
        REQUIRE_OK(drift, Proxy::measureInUseDrift(m_db->connection()));
        QCOMPARE(drift->size(), 1);
        QCOMPARE(drift->constFirst().stored, 7);
        QCOMPARE(drift->constFirst().counted, 1);
        QCOMPARE(inUse(s, n), 7); // measuring changes nothing
        // Traffic after the snapshot moves in_use by its own deltas.
        makeSession(s, {u"+14155550200"_s});
        QCOMPARE(inUse(s, n), 8);
        REQUIRE_OK(corrected, proxy().correctInUseDrift(*drift));
        QCOMPARE(*corrected, 1);
        QCOMPARE(inUse(s, n), 2);
        REQUIRE_OK(again, proxy().recountInUse());
        QCOMPARE(*again, 0);
        REQUIRE_OK(none, Proxy::measureInUseDrift(m_db->connection()));
        QVERIFY(none->isEmpty());
    }

    // The measure reads a few numbers per read transaction: every number is still checked, each exactly once.
    void driftIsMeasuredAcrossSnapshots()
    {
        const Service s = makeService();
        QList<PhoneNumber> numbers;
        for (int i = 0; i < 5; ++i) {
            numbers.append(addNumber(s, u"+1415555001%1"_s.arg(i)));
        }
        for (int i = 0; i < 7; ++i) {
            makeSession(s, {u"+1415555020%1"_s.arg(i)});
        }
        qint64 counted = 0;
        for (const PhoneNumber &n : std::as_const(numbers)) {
            counted += inUse(s, n);
        }
        QCOMPARE(counted, 7);
        execSql(m_db->connection(), u"UPDATE phone_numbers SET in_use = in_use + 3"_s);
        for (const int perSnapshot : {1, 2, 16}) {
            REQUIRE_OK(drift, Proxy::measureInUseDrift(m_db->connection(), perSnapshot));
            QSet<QString> seen;
            for (const Proxy::InUseDrift &d : std::as_const(*drift)) {
                QCOMPARE(d.stored, d.counted + 3);
                seen.insert(d.numberSid);
            }
            QCOMPARE(drift->size(), numbers.size());
            QCOMPARE(seen.size(), numbers.size());
        }
        REQUIRE_OK(drift, Proxy::measureInUseDrift(m_db->connection(), 2));
        REQUIRE_OK(corrected, proxy().correctInUseDrift(*drift));
        QCOMPARE(*corrected, 5);
        REQUIRE_OK(none, Proxy::measureInUseDrift(m_db->connection(), 2));
        QVERIFY(none->isEmpty());
        REQUIRE_OK(again, proxy().recountInUse());
        QCOMPARE(*again, 0);
    }

    // --- sessions -----------------------------------------------------------------------------------------------

    void sessionDefaults()
    {
        ServiceParams sp;
        sp.defaultTtl = 600;
        const Service s = makeService({}, sp);
        const Session session = makeSession(s);
        QVERIFY(session.sid.startsWith(u"KC"_s));
        QCOMPARE(session.status, SessionStatus::OPEN);
        QCOMPARE(session.mode, SessionMode::VOICE_AND_MESSAGE);
        QCOMPARE(session.ttl, 600); // inherited from the service
        QVERIFY(!session.dateStarted.isValid());
        QVERIFY(!session.dateExpiry.isValid());
        QCOMPARE(session.expiresAt, m_clock->now().addSecs(600));
    }

    void sessionValidation()
    {
        const Service s = makeService();
        SessionParams p;
        p.mode = u"telepathy"_s;
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80701, 400);
        p = {};
        p.ttl = -5;
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80701, 400);
        p = {};
        p.dateExpiry = m_clock->now().addSecs(-1);
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80701, 400);
        p = {};
        p.status = SessionStatus::CLOSED;
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80608, 400);
        p = {};
        p.status = u"bogus"_s;
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80701, 400);
        p = {};
        p.uniqueName = QString(192, u'n');
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80701, 400);
        p = {};
        for (int i = 0; i < 3; ++i) {
            p.participants.append(ParticipantParams{u"+1415555010%1"_s.arg(i), {}, {}, {}, false});
        }
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80609, 400);
        QCOMPARE(proxy().listSessions(m_account, s.sid, {})->items.size(), 0);
    }

    void sessionCreateRollsBackWhenAParticipantFails()
    {
        const Service s = makeService(); // empty pool
        SessionParams p;
        p.uniqueName = u"atomic"_s;
        p.participants.append(ParticipantParams{u"+14155550100"_s, {}, {}, {}, false});
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80205, 400);
        QCOMPARE(proxy().listSessions(m_account, s.sid, {})->items.size(), 0);
        // The name was not taken by the failed attempt.
        addNumber(s, u"+14155550001"_s);
        QVERIFY(proxy().createSession(m_account, s.sid, p).ok());
    }

    void sessionUniqueNames()
    {
        const Service s = makeService();
        SessionParams p;
        p.uniqueName = u"ride-42"_s;
        REQUIRE_OK(first, proxy().createSession(m_account, s.sid, p));
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80603, 400);
        QCOMPARE(proxy().fetchSession(m_account, s.sid, u"ride-42"_s)->sid, first->sid);
        EXPECT_CODE(proxy().fetchSession(m_account, s.sid, u"ride-43"_s), 80308, 404);
        EXPECT_CODE(proxy().fetchSession(m_account, s.sid, u"KC0123456789abcdef0123456789abcdef"_s), 20404, 404);
        // A closed session keeps its name...
        QVERIFY(proxy().updateSession(m_account, s.sid, first->sid, closeParams()).ok());
        EXPECT_CODE(proxy().createSession(m_account, s.sid, p), 80603, 400);
        // ...until it is deleted; then the name is free at once.
        QVERIFY(proxy().deleteSession(m_account, s.sid, first->sid).ok());
        QVERIFY(proxy().createSession(m_account, s.sid, p).ok());
        // Names are per service.
        const Service other = makeService();
        QVERIFY(proxy().createSession(m_account, other.sid, p).ok());
    }

    void lifecycle()
    {
        const Service s = makeService();
        addNumber(s, u"+14155550001"_s);
        SessionParams p;
        p.ttl = 3600;
        const Session session = makeSession(s, {u"+14155550100"_s, u"+14155550200"_s}, p);
        QCOMPARE(session.status, SessionStatus::OPEN);

        // open -> open is a no-op; open -> in-progress is not a supported change.
        SessionParams toOpen;
        toOpen.status = SessionStatus::OPEN;
        QVERIFY(proxy().updateSession(m_account, s.sid, session.sid, toOpen).ok());
        EXPECT_CODE(proxy().updateSession(m_account, s.sid, session.sid, reopenParams()), 80608, 400);
        SessionParams toFailed;
        toFailed.status = SessionStatus::FAILED;
        EXPECT_CODE(proxy().updateSession(m_account, s.sid, session.sid, toFailed), 80608, 400);

        m_clock->advance(10);
        REQUIRE_OK(closed, proxy().updateSession(m_account, s.sid, session.sid, closeParams()));
        QCOMPARE(closed->status, SessionStatus::CLOSED);
        QCOMPARE(closed->closedReason, u"api"_s);
        QCOMPARE(closed->dateEnded, m_clock->now());
        for (const Participant &part : participantsOf(s, session)) {
            QVERIFY(!part.routable);
        }

        EXPECT_CODE(proxy().updateSession(m_account, s.sid, session.sid, toOpen), 80608, 400);
        SessionParams ttlOnly;
        ttlOnly.ttl = 5;
        EXPECT_CODE(proxy().updateSession(m_account, s.sid, session.sid, ttlOnly), 80607, 400);
        EXPECT_CODE(proxy().updateSession(m_account, s.sid, session.sid, closeParams()), 80607, 400);
        ParticipantParams late{u"+14155550300"_s, {}, {}, {}, false};
        EXPECT_CODE(proxy().createParticipant(m_account, s.sid, session.sid, late), 80607, 400);

        // Re-open with a DateExpiry in the same request: both apply (bug fixed 2019-01-24).
        m_clock->advance(10);
        SessionParams reopen = reopenParams();
        reopen.dateExpiry = m_clock->now().addDays(1);
        REQUIRE_OK(reopened, proxy().updateSession(m_account, s.sid, session.sid, reopen));
        QCOMPARE(reopened->status, SessionStatus::IN_PROGRESS);
        QVERIFY(reopened->closedReason.isEmpty());
        QVERIFY(!reopened->dateEnded.isValid());
        QCOMPARE(reopened->dateExpiry, m_clock->now().addDays(1));
        QCOMPARE(reopened->expiresAt, reopened->dateExpiry); // date_expiry overrides ttl
        QVERIFY(reopened->dateStarted.isValid());
        for (const Participant &part : participantsOf(s, session)) {
            QVERIFY(part.routable);
        }
        SessionParams pastExpiry;
        pastExpiry.dateExpiry = m_clock->now().addSecs(-60);
        EXPECT_CODE(proxy().updateSession(m_account, s.sid, session.sid, pastExpiry), 80701, 400);
    }

    void interactionsMoveSessionForward()
    {
        const Service s = makeService();
        addNumber(s, u"+14155550001"_s);
        SessionParams p;
        p.ttl = 60;
        const Session session = makeSession(s, {u"+14155550100"_s, u"+14155550200"_s}, p);
        const QList<Participant> parts = participantsOf(s, session);
        m_clock->advance(30);
        Interaction i;
        i.sessionSid = session.sid;
        i.type = u"message"_s;
        i.data = u"{\"body\":\"hi\"}"_s;
        i.inbound = {parts[1].sid, u"SM0123456789abcdef0123456789abcdef"_s, u"received"_s, u"Message"_s, {}};
        i.outbound = {parts[0].sid, {}, u"queued"_s, u"Message"_s, {}};
        REQUIRE_OK(stored, proxy().recordInteraction(i));
        QVERIFY(stored->sid.startsWith(u"KI"_s));
        REQUIRE_OK(after, proxy().fetchSession(m_account, s.sid, session.sid));
        QCOMPARE(after->status, SessionStatus::IN_PROGRESS);
        QCOMPARE(after->dateStarted, m_clock->now());
        QCOMPARE(after->dateLastInteraction, m_clock->now());
        QCOMPARE(after->expiresAt, m_clock->now().addSecs(60)); // sliding TTL
        REQUIRE_OK(updated, proxy().updateInteractionLegStatus(stored->sid, true, u"delivered"_s,
                                                               u"SMffffffffffffffffffffffffffffffff"_s));
        QCOMPARE(updated->outbound.resourceStatus, u"delivered"_s);
        QCOMPARE(updated->outbound.resourceSid, u"SMffffffffffffffffffffffffffffffff"_s);
        QCOMPARE(updated->inbound.resourceStatus, u"received"_s);
        QCOMPARE(proxy().listInteractions(m_account, s.sid, session.sid, {})->items.size(), 1);
        QVERIFY(proxy().deleteInteraction(m_account, s.sid, session.sid, stored->sid).ok());
        EXPECT_CODE(proxy().fetchInteraction(m_account, s.sid, session.sid, stored->sid), 20404, 404);
    }

    // recordInteraction answers with the interaction as it is stored without reading it back: every field it
    // answers must be what a read of the row gives.
    void recordedInteractionIsWhatTheStoreHolds()
    {
        const Service s = makeService();
        addNumber(s, u"+14155550001"_s);
        const Session session = makeSession(s, {u"+14155550100"_s, u"+14155550200"_s});
        const QList<Participant> parts = participantsOf(s, session);
        m_clock->set(m_clock->now().addMSecs(1234));
        Interaction plain; // no type, no data, legs partly set
        plain.sessionSid = session.sid;
        plain.inbound = {parts[1].sid, u"CA0123456789abcdef0123456789abcdef"_s, {}, u"Call"_s, {}};
        Interaction message;
        message.sessionSid = session.sid;
        message.type = u"message"_s;
        message.data = u"{\"body\":\"caf\u00e9\"}"_s;
        message.participantSid = parts[0].sid;
        message.outbound = {parts[0].sid, u"SM0123456789abcdef0123456789abcdef"_s, u"queued"_s, u"Message"_s,
                            u"https://api.example/Messages/SM0123456789abcdef0123456789abcdef.json"_s};
        for (const Interaction &given : {plain, message}) {
            REQUIRE_OK(answered, proxy().recordInteraction(given));
            REQUIRE_OK(read, proxy().fetchInteraction(m_account, s.sid, session.sid, answered->sid));
            QCOMPARE(answered->sid, read->sid);
            QCOMPARE(answered->accountSid, read->accountSid);
            QCOMPARE(answered->serviceSid, read->serviceSid);
            QCOMPARE(answered->sessionSid, read->sessionSid);
            QCOMPARE(answered->participantSid, read->participantSid);
            QCOMPARE(answered->type, read->type);
            QCOMPARE(answered->data, read->data);
            for (const auto &[a, b] :
                 {std::pair{answered->inbound, read->inbound}, std::pair{answered->outbound, read->outbound}}) {
                QCOMPARE(a.participantSid, b.participantSid);
                QCOMPARE(a.resourceSid, b.resourceSid);
                QCOMPARE(a.resourceStatus, b.resourceStatus);
                QCOMPARE(a.resourceType, b.resourceType);
                QCOMPARE(a.resourceUrl, b.resourceUrl);
            }
            QCOMPARE(answered->dateCreated, read->dateCreated);
            QCOMPARE(answered->dateUpdated, read->dateUpdated);
            QCOMPARE(answered->dateCreated.timeSpec(), read->dateCreated.timeSpec());
            if (given.type.isEmpty()) {
                QCOMPARE(answered->type, u"unknown"_s);
            }
        }
    }

    // Reference §4.3: ttl counts inactivity from creation or the last interaction, whichever is later. Changing Ttl
    // moves the deadline from there (an update is not activity); DateExpiry overrides it; clearing it falls back.
    void ttlCountsFromLastActivityNotFromUpdates()
    {
        const Service s = makeService();
        addNumber(s, u"+14155550001"_s);
        SessionParams p;
        p.ttl = 600;
        const Session session = makeSession(s, {u"+14155550100"_s, u"+14155550200"_s}, p);
        const QDateTime created = session.dateCreated;
        QCOMPARE(session.expiresAt, created.addSecs(600));
        m_clock->advance(300);
        SessionParams longer;
        longer.ttl = 900;
        REQUIRE_OK(updated, proxy().updateSession(m_account, s.sid, session.sid, longer));
        QCOMPARE(updated->expiresAt, created.addSecs(900));
        QVERIFY(!updated->dateExpiry.isValid()); // only the internal deadline: date_expiry stays as given (null)

        m_clock->advance(100);
        const QList<Participant> parts = participantsOf(s, session);
        Interaction i;
        i.sessionSid = session.sid;
        i.type = u"message"_s;
        i.inbound = {parts[1].sid, u"SM0123456789abcdef0123456789abcdef"_s, u"received"_s, u"Message"_s, {}};
        i.outbound = {parts[0].sid, {}, u"queued"_s, u"Message"_s, {}};
        QVERIFY(proxy().recordInteraction(i).ok());
        const QDateTime last = m_clock->now();
        m_clock->advance(50);
        SessionParams shorter;
        shorter.ttl = 120;
        REQUIRE_OK(again, proxy().updateSession(m_account, s.sid, session.sid, shorter));
        QCOMPARE(again->expiresAt, last.addSecs(120));

        SessionParams absolute;
        absolute.dateExpiry = m_clock->now().addDays(1);
        REQUIRE_OK(fixed, proxy().updateSession(m_account, s.sid, session.sid, absolute));
        QCOMPARE(fixed->expiresAt, *absolute.dateExpiry);
        QCOMPARE(fixed->ttl, 120); // both are kept and shown
        SessionParams cleared;
        cleared.dateExpiry = QDateTime();
        REQUIRE_OK(back, proxy().updateSession(m_account, s.sid, session.sid, cleared));
        QVERIFY(!back->dateExpiry.isValid());
        QCOMPARE(back->expiresAt, last.addSecs(120));
    }

    // --- participants -------------------------------------------------------------------------------------------

    void participantRefusals()
    {
        const Service s = makeService();
        addNumber(s, u"+14155550001"_s);
        const Session session = makeSession(s, {u"+14155550100"_s});
        auto add = [&](const QString &id) {
            return proxy().createParticipant(m_account, s.sid, session.sid, ParticipantParams{id, {}, {}, {}, false});
        };
        EXPECT_CODE(add(u"+14155550100"_s), 80103, 400);
        EXPECT_CODE(add(u"not a number"_s), 80404, 400);
        EXPECT_CODE(add(QString()), 80701, 400);
        ParticipantParams longName{u"+14155550300"_s, QString(256, u'f'), {}, {}, false};
        EXPECT_CODE(proxy().createParticipant(m_account, s.sid, session.sid, longName), 80701, 400);
        REQUIRE_OK(second, add(u"+14155550200"_s));
        EXPECT_CODE(add(u"+14155550300"_s), 80609, 400);
        // Soft delete: the row stays, the identifier can never come back to this session.
        REQUIRE_OK(deleted, proxy().deleteParticipant(m_account, s.sid, session.sid, second->sid));
        QVERIFY(deleted->dateDeleted.isValid());
        QCOMPARE(proxy().fetchParticipant(m_account, s.sid, session.sid, second->sid)->sid, second->sid);
        EXPECT_CODE(add(u"+14155550200"_s), 80612, 400);
        // The freed slot can take someone else.
        QVERIFY(add(u"+14155550300"_s).ok());
        EXPECT_CODE(proxy().createParticipant(m_account, s.sid, u"KC0123456789abcdef0123456789abcdef"_s,
                                              ParticipantParams{u"+14155550400"_s, {}, {}, {}, false}),
                    20404, 404);
    }

    void explicitProxyIdentifier()
    {
        const Service s = makeService();
        const PhoneNumber a = addNumber(s, u"+14155550001"_s);
        const PhoneNumber reserved = addNumber(s, u"+14155550002"_s, true);
        const Service other = makeService();
        const PhoneNumber elsewhere = addNumber(other, u"+14155550003"_s);
        const Session session = makeSession(s);
        auto add = [&](const QString &id, std::optional<QString> proxyId, std::optional<QString> proxySid = {}) {
            return proxy().createParticipant(m_account, s.sid, session.sid,
                                             ParticipantParams{id, {}, proxyId, proxySid, false});
        };
        EXPECT_CODE(add(u"+14155550100"_s, u"+14155559999"_s), 80304, 400);
        EXPECT_CODE(add(u"+14155550100"_s, elsewhere.phoneNumber), 80605, 400);
        EXPECT_CODE(add(u"+14155550100"_s, std::nullopt, u"PNbad"_s), 80407, 400);
        EXPECT_CODE(add(u"+14155550100"_s, std::nullopt, u"PN0123456789abcdef0123456789abcdef"_s), 80301, 400);
        EXPECT_CODE(add(u"+14155550100"_s, a.phoneNumber, reserved.sid), 80701, 400);
        // Reserved numbers can be assigned explicitly.
        REQUIRE_OK(p1, add(u"+14155550100"_s, std::nullopt, reserved.sid));
        QCOMPARE(p1->proxyIdentifier, reserved.phoneNumber);
        QCOMPARE(p1->proxyIdentifierSid, reserved.sid);
        REQUIRE_OK(p2, add(u"+14155550200"_s, a.phoneNumber));
        QCOMPARE(p2->proxyIdentifierSid, a.sid);
    }

    void conflictRefusedByDefault()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        makeSession(s, {u"+14155550100"_s});
        const Session second = makeSession(s);
        ParticipantParams pinned{u"+14155550100"_s, {}, n.phoneNumber, {}, false};
        EXPECT_CODE(proxy().createParticipant(m_account, s.sid, second.sid, pinned), 80623, 409);
        QCOMPARE(eventsWithCode(80802).size(), 0);
        // Without a pinned number, selection simply finds that nothing is free for this identifier.
        EXPECT_CODE(proxy().createParticipant(m_account, s.sid, second.sid,
                                              ParticipantParams{u"+14155550100"_s, {}, {}, {}, false}),
                    80208, 400);
    }

    void conflictAllowedByAccountFlagWarns()
    {
        AccountSettings settings;
        settings.allowParticipantConflict = true;
        QVERIFY(proxy().updateAccountSettings(m_account, settings).ok());
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        const Session first = makeSession(s, {u"+14155550100"_s});
        const Session second = makeSession(s);
        ParticipantParams pinned{u"+14155550100"_s, {}, n.phoneNumber, {}, false};
        // FailOnParticipantConflict always refuses.
        ParticipantParams strict = pinned;
        strict.failOnParticipantConflict = true;
        EXPECT_CODE(proxy().createParticipant(m_account, s.sid, second.sid, strict), 80623, 409);

        REQUIRE_OK(p, proxy().createParticipant(m_account, s.sid, second.sid, pinned));
        QVERIFY(p->routable);
        QVERIFY(!participantsOf(s, first).first().routable); // the route moved to the newest
        const auto events = eventsWithCode(80802);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().logLevel, u"error"_s);
        QCOMPARE(events.first().sessionSid, second.sid);
        QVERIFY(events.first().message.contains(first.sid));
        // When the newer session closes, the older one gets its route back.
        QVERIFY(proxy().updateSession(m_account, s.sid, second.sid, closeParams()).ok());
        QVERIFY(participantsOf(s, first).first().routable);
        QCOMPARE(inUse(s, n), 1);
    }

    void reopenConflict()
    {
        const Service s = makeService();
        const PhoneNumber n = addNumber(s, u"+14155550001"_s);
        const Session first = makeSession(s, {u"+14155550100"_s});
        QVERIFY(proxy().updateSession(m_account, s.sid, first.sid, closeParams()).ok());
        const Session second = makeSession(s);
        ParticipantParams pinned{u"+14155550100"_s, {}, n.phoneNumber, {}, false};
        QVERIFY(proxy().createParticipant(m_account, s.sid, second.sid, pinned).ok());
        EXPECT_CODE(proxy().updateSession(m_account, s.sid, first.sid, reopenParams()), 80604, 400);
        QCOMPARE(proxy().fetchSession(m_account, s.sid, first.sid)->status, SessionStatus::CLOSED);

        AccountSettings settings;
        settings.allowParticipantConflict = true;
        QVERIFY(proxy().updateAccountSettings(m_account, settings).ok());
        EXPECT_CODE(proxy().updateSession(m_account, s.sid, first.sid, reopenParams(true)), 80604, 400);
        REQUIRE_OK(reopened, proxy().updateSession(m_account, s.sid, first.sid, reopenParams()));
        QCOMPARE(reopened->status, SessionStatus::IN_PROGRESS);
        const auto events = eventsWithCode(80801);
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.first().sessionSid, first.sid);
        QVERIFY(participantsOf(s, first).first().routable);
        QVERIFY(!participantsOf(s, second).first().routable);
    }

    // --- number selection through the store ---------------------------------------------------------------------

    void selectionExhaustsPerIdentifier()
    {
        const Service s = makeService();
        const PhoneNumber a = addNumber(s, u"+14155550001"_s);
        const PhoneNumber b = addNumber(s, u"+14155550002"_s);
        const QString rider = u"+14155550100"_s;
        QSet<QString> used;
        for (int i = 0; i < 2; ++i) {
            const Session session = makeSession(s, {rider});
            used.insert(participantsOf(s, session).first().proxyIdentifierSid);
        }
        QCOMPARE(used, (QSet<QString>{a.sid, b.sid}));
        const Session third = makeSession(s);
        EXPECT_CODE(proxy().createParticipant(m_account, s.sid, third.sid, ParticipantParams{rider, {}, {}, {}, false}),
                    80208, 400);
        // Other identifiers still fit on the same numbers.
        QVERIFY(
            proxy()
                .createParticipant(m_account, s.sid, third.sid, ParticipantParams{u"+14155550200"_s, {}, {}, {}, false})
                .ok());
    }

    // Automatic selection asks the index for the least-loaded number that fits (Proxy::addParticipant's
    // selectByIndex). Over random pools, histories and requests it must choose exactly what the selector chooses from
    // the whole pool, and refuse with the same code when that refuses.
    void selectionByIndexMatchesWholePool()
    {
        const quint32 seed = QRandomGenerator::global()->generate();
        qInfo("seed %u", seed);
        QRandomGenerator random(seed);
        // Area 415 with its overlay 628, 212 with 646, Bermuda (served by US numbers too), GB with Jersey, France.
        const QStringList prefixes = {u"+141555501"_s, u"+162855501"_s,  u"+121255501"_s,  u"+164655501"_s,
                                      u"+144123456"_s, u"+4477009001"_s, u"+4477971234"_s, u"+336123456"_s};
        const QStringList identifiers = {u"+14155550900"_s,  u"+16285550900"_s,  u"+12125550900"_s, u"+14412345900"_s,
                                         u"+447700900900"_s, u"+447797123900"_s, u"+33612345900"_s, u"+14155550901"_s};
        const QStringList geo = {u"country"_s, u"area-code"_s, u"extended-area-code"_s};
        const QStringList behaviour = {u"prefer-sticky"_s, u"avoid-sticky"_s};
        const QStringList modes = {SessionMode::VOICE_ONLY, SessionMode::MESSAGE_ONLY, SessionMode::VOICE_AND_MESSAGE};
        const QList<Capabilities> capabilities = {Capabilities{true, true, true, false},
                                                  Capabilities{true, false, false, false},
                                                  Capabilities{false, true, true, false}};
        const QSqlDatabase db = m_db->connection();
        int chosen = 0;
        int refused = 0;
        for (int round = 0; round < 6; ++round) {
            ServiceParams params;
            params.geoMatchLevel = geo.at(random.bounded(int(geo.size())));
            params.numberSelectionBehavior = behaviour.at(random.bounded(int(behaviour.size())));
            const Service s = makeService({}, params);
            for (const QString &prefix : prefixes) {
                for (int k = 0; k < 2; ++k) { // numbers belong to one Service: each round has its own
                    if (random.bounded(4) != 0) {
                        addNumber(s, prefix + QString::number(10 + round * 2 + k), random.bounded(8) == 0,
                                  capabilities.at(random.bounded(int(capabilities.size()))));
                    }
                }
            }
            QList<Session> open;
            for (int step = 0; step < 40; ++step) {
                m_clock->advance(1 + random.bounded(5));
                if (!open.isEmpty() && random.bounded(5) == 0) {
                    const Session closing = open.takeAt(random.bounded(int(open.size())));
                    QVERIFY(proxy().updateSession(m_account, s.sid, closing.sid, closeParams()).ok());
                    continue;
                }
                SessionParams sessionParams;
                sessionParams.mode = modes.at(random.bounded(int(modes.size())));
                const Session session = makeSession(s, {}, sessionParams);
                open.append(session);
                const QString identifier = identifiers.at(random.bounded(int(identifiers.size())));

                // The whole pool, as the selector would see it without the index.
                QSet<QString> held;
                QHash<QString, qint64> lastUsed;
                for (const ParticipantsTable::NumberUse &use : ParticipantsTable::numberUseOf(db, s.sid, identifier)) {
                    lastUsed.insert(use.numberSid, use.lastCreatedMs);
                    if (use.routable) {
                        held.insert(use.numberSid);
                    }
                }
                QList<PoolCandidate> pool;
                for (const bool reserved : {false, true}) {
                    for (const NumbersTable::PoolEntry &n : NumbersTable::inPool(db, s.sid, reserved, reserved)) {
                        pool.append(PoolCandidate{n.sid, n.phoneNumber, n.isoCountry, n.voice, n.sms, n.reserved,
                                                  int(n.inUse), held.contains(n.sid), lastUsed.value(n.sid)});
                    }
                    if (!pool.isEmpty()) {
                        break;
                    }
                }
                const SelectionRequest request{identifier, session.mode, s.geoMatchLevel, s.numberSelectionBehavior};
                const Result<PoolCandidate> expected = selectProxyNumber(pool, request);

                const Result<Participant> added = proxy().createParticipant(
                    m_account, s.sid, session.sid, ParticipantParams{identifier, {}, {}, {}, false});
                const QString context =
                    u"seed %1 round %2 step %3: %4 (mode '%5', %6, %7)"_s.arg(seed).arg(round).arg(step).arg(
                        identifier, session.mode, s.geoMatchLevel, s.numberSelectionBehavior);
                QVERIFY2(added.ok() == expected.ok(), qPrintable(context));
                if (expected.ok()) {
                    QVERIFY2(added->proxyIdentifierSid == expected->sid,
                             qPrintable(context + u": chose "_s + added->proxyIdentifier + u", the whole pool "_s +
                                        expected->phoneNumber));
                    ++chosen;
                } else {
                    QVERIFY2(added.error().code == expected.error().code, qPrintable(context));
                    ++refused;
                }
            }
        }
        // The walk went through both outcomes, so both were compared.
        QVERIFY(chosen > 20);
        QVERIFY(refused > 0);
    }

    // Numbers written without their geography (by the importer, a bulk load, an older version) are derived before
    // the index is asked, so they are chosen as any other.
    void selectionDerivesNumbersWrittenWithoutGeography()
    {
        const Service s = makeService();
        const PhoneNumber a = addNumber(s, u"+14155550001"_s);
        const Session first = makeSession(s, {u"+14155550100"_s});
        QCOMPARE(participantsOf(s, first).first().proxyIdentifierSid, a.sid);
        execSql(m_db->connection(), u"UPDATE phone_numbers SET dial_code = NULL, geo_region = NULL"_s);
        const PhoneNumber b = addNumber(s, u"+14155550002"_s);
        execSql(m_db->connection(), u"UPDATE phone_numbers SET dial_code = NULL"_s);
        // b is the least loaded; a is held by the first session's participant.
        const Session second = makeSession(s, {u"+14155550200"_s});
        QCOMPARE(participantsOf(s, second).first().proxyIdentifierSid, b.sid);
        SqlQuery q(m_db->connection(), u"SELECT COUNT(*) FROM phone_numbers WHERE dial_code = 1"_s);
        q.exec();
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 2);
    }

    void selectionErrorsThroughDomain()
    {
        const Service s = makeService();
        const Session session = makeSession(s);
        auto add = [&](const QString &id) {
            return proxy().createParticipant(m_account, s.sid, session.sid, ParticipantParams{id, {}, {}, {}, false});
        };
        EXPECT_CODE(add(u"+14155550100"_s), 80205, 400);
        addNumber(s, u"+14155550001"_s, true);
        EXPECT_CODE(add(u"+14155550100"_s), 80207, 400);
        addNumber(s, u"+14155550002"_s);
        EXPECT_CODE(add(u"+447700900123"_s), 80203, 400);
        SessionParams voiceOnly;
        voiceOnly.mode = SessionMode::VOICE_ONLY;
        const Service smsOnly = makeService();
        addNumber(smsOnly, u"+14155550003"_s, false, Capabilities{false, true, true, false});
        const Session vs = makeSession(smsOnly, {}, voiceOnly);
        EXPECT_CODE(proxy().createParticipant(m_account, smsOnly.sid, vs.sid,
                                              ParticipantParams{u"+14155550100"_s, {}, {}, {}, false}),
                    80201, 400);
    }

    void stickiness()
    {
        ServiceParams prefer;
        prefer.numberSelectionBehavior = u"prefer-sticky"_s;
        const Service s = makeService({}, prefer);
        addNumber(s, u"+14155550001"_s);
        addNumber(s, u"+14155550002"_s);
        addNumber(s, u"+14155550003"_s);
        const QString rider = u"+14155550100"_s;
        const Session first = makeSession(s, {rider});
        const QString firstNumber = participantsOf(s, first).first().proxyIdentifierSid;
        QVERIFY(proxy().updateSession(m_account, s.sid, first.sid, closeParams()).ok());
        // Make the sticky number the busiest, so least-in_use alone would pick another one.
        const Session busy = makeSession(s);
        QVERIFY(proxy()
                    .createParticipant(m_account, s.sid, busy.sid,
                                       ParticipantParams{u"+14155550900"_s, {}, {}, firstNumber, false})
                    .ok());
        m_clock->advance(5);
        const Session again = makeSession(s, {rider});
        QCOMPARE(participantsOf(s, again).first().proxyIdentifierSid, firstNumber);

        ServiceParams avoid;
        avoid.numberSelectionBehavior = u"avoid-sticky"_s;
        QVERIFY(proxy().updateService(m_account, s.sid, avoid).ok());
        QVERIFY(proxy().updateSession(m_account, s.sid, again.sid, closeParams()).ok());
        const Session third = makeSession(s, {rider});
        QVERIFY(participantsOf(s, third).first().proxyIdentifierSid != firstNumber);
    }

    // --- lists and signals --------------------------------------------------------------------------------------

    void pagingIsNewestFirstAndStable()
    {
        for (int i = 0; i < 7; ++i) {
            makeService(u"s%1"_s.arg(i));
        }
        PageRequest page;
        page.pageSize = 3;
        REQUIRE_OK(p1, proxy().listServices(m_account, page));
        QCOMPARE(p1->items.size(), 3);
        QVERIFY(p1->hasMore);
        QCOMPARE(p1->items.first().uniqueName, u"s6"_s);
        // Inserts between pages neither shift nor repeat rows.
        makeService(u"late"_s);
        page.afterId = p1->lastId();
        REQUIRE_OK(p2, proxy().listServices(m_account, page));
        QCOMPARE(p2->items.first().uniqueName, u"s3"_s);
        page.afterId = p2->lastId();
        REQUIRE_OK(p3, proxy().listServices(m_account, page));
        QCOMPARE(p3->items.size(), 1);
        QCOMPARE(p3->items.first().uniqueName, u"s0"_s);
        QVERIFY(!p3->hasMore);
        page = {};
        page.pageSize = 1000;
        QCOMPARE(proxy().listServices(m_account, page)->items.size(), 8);
    }

    void changesAreAnnouncedAfterCommit()
    {
        QSignalSpy spy(m_proxy.get(), &Proxy::changed);
        const Service s = makeService();
        QCOMPARE(spy.count(), 1);
        auto changes = spy.takeFirst().first().value<QList<Change>>();
        QCOMPARE(changes.size(), 1);
        QCOMPARE(changes.first().kind, Change::Kind::Service);
        QCOMPARE(changes.first().op, Change::Op::Added);
        QCOMPARE(changes.first().sid, s.sid);
        // A refused request announces nothing.
        ServiceParams dup;
        dup.uniqueName = s.uniqueName;
        QVERIFY(!proxy().createService(m_account, dup).ok());
        QCOMPARE(spy.count(), 0);
        addNumber(s, u"+14155550001"_s);
        spy.clear();
        makeSession(s, {u"+14155550100"_s});
        QCOMPARE(spy.count(), 1);
        changes = spy.takeFirst().first().value<QList<Change>>();
        QList<Change::Kind> kinds;
        for (const Change &c : changes) {
            kinds.append(c.kind);
        }
        QVERIFY(kinds.contains(Change::Kind::Session));
        QVERIFY(kinds.contains(Change::Kind::Participant));
        QVERIFY(kinds.contains(Change::Kind::PhoneNumber));
    }

    void workUndoneForAConcurrentTransactionRunsAgain()
    {
        // PostgreSQL's deadlock and serialization failures are the only retryable ones; a constraint race is not.
        QVERIFY(StoreError::isRetryableCode(u"40P01"_s));
        QVERIFY(StoreError::isRetryableCode(u"40001"_s));
        QVERIFY(!StoreError::isRetryableCode(u"23505"_s));
        QVERIFY(!StoreError::isRetryableCode(u"5"_s)); // SQLITE_BUSY: the busy timeout's business

        int calls = 0;
        const auto failingTimes = [&calls](int failures, bool retryable) {
            return [&calls, failures, retryable]() -> Result<int> {
                ++calls;
                if (calls <= failures) {
                    throw StoreError(u"ERROR: deadlock detected"_s, false, retryable);
                }
                return calls;
            };
        };
        Result<int> r = guarded(failingTimes(2, true));
        QVERIFY(r.ok());
        QCOMPARE(*r, 3); // undone twice, kept the third time
        calls = 0;
        r = guarded(failingTimes(10, true));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, 80501);
        QCOMPARE(calls, MAX_STORE_ATTEMPTS); // bounded
        calls = 0;
        r = guarded(failingTimes(1, false));
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, 80501);
        QCOMPARE(calls, 1); // anything else is not run again
    }
};

QTEST_GUILESS_MAIN(TestProxy)
#include "tst_proxy.moc"
