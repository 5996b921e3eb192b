// The store: migrations (fresh, upgrade, refuse newer, roll back on error), connection settings, the routing-key
// constraint, RAII transactions, the single-engine lock, SIDs and time formatting.

#include <algorithm>

#include <QDateTime>
#include <QFile>
#include <QMutex>
#include <QSet>
#include <QSqlError>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include "core/clock.h"
#include "core/sid.h"
#include "store/database.h"
#include "store/readerpool.h"
#include "store/sqlquery.h"
#include "store/storelock.h"
#include "store/transaction.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

class TestStore final : public QObject
{
    Q_OBJECT

private:
    QString freshPath() { return m_dir.filePath(u"store-%1.db"_s.arg(++m_counter)); }
    static int count(const QSqlDatabase &db, const QString &sql)
    {
        SqlQuery q(db, sql);
        q.exec();
        return q.next() ? q.value(0).toInt() : -1;
    }

    QTemporaryDir m_dir;
    int m_counter = 0;

private Q_SLOTS:
    void freshStoreGetsLatestSchema()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QCOMPARE(db.schemaVersion(), 0);
        QVERIFY(db.migrate().ok());
        QCOMPARE(db.schemaVersion(), Migrations::latestVersion());
        const QStringList tables = db.connection().tables();
        for (const QString &t : {u"accounts"_s, u"services"_s, u"phone_numbers"_s, u"sessions"_s, u"participants"_s,
                                 u"interactions"_s, u"debugger_events"_s, u"outbox"_s, u"schema_version"_s}) {
            QVERIFY2(tables.contains(t), qPrintable(t));
        }
        // Migrating again is a no-op.
        QVERIFY(db.migrate().ok());
        QCOMPARE(count(db.connection(), u"SELECT COUNT(*) FROM schema_version"_s), 1);
    }

    void connectionSettings()
    {
        const QString path = freshPath();
        Database db(StoreConfig::fromLocation(path));
        QVERIFY(db.migrate().ok());
        SqlQuery wal(db.connection(), u"PRAGMA journal_mode"_s);
        wal.exec();
        QVERIFY(wal.next());
        QCOMPARE(wal.value(0).toString(), u"wal"_s);
        QCOMPARE(count(db.connection(), u"PRAGMA foreign_keys"_s), 1);
        // Owner-only: the file holds auth tokens and callers' numbers.
        const QFile::Permissions perms = QFile::permissions(path);
        QVERIFY(perms & QFile::ReadOwner);
        QVERIFY(!(perms & QFile::ReadGroup));
        QVERIFY(!(perms & QFile::ReadOther));
    }

    // The participant look-ups each create, close and route makes are answered by an index on the latest schema
    // (none scans the table), with the indexes migration 11 dropped gone: a later index change that leaves one of
    // them scanning fails here rather than on a customer's million-row store.
    void participantLookUpsAreIndexedOnTheLatestSchema()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate().ok());
        const QSqlDatabase c = db.connection();
        QCOMPARE(count(c, u"SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name IN "
                          u"('participants_session', 'participants_identifier')"_s),
                 0);
        const QStringList lookUps = {
            u"SELECT sid FROM participants WHERE session_sid = 'KC1' ORDER BY id"_s,
            u"SELECT p.sid FROM participants p JOIN sessions s ON s.sid = p.session_sid WHERE p.service_sid = 'KS1' "
            u"AND p.identifier = '+1' AND p.proxy_identifier = '+2' AND p.routable = 0 AND p.date_deleted IS NULL "
            u"AND s.status IN ('open', 'in-progress') ORDER BY p.id DESC LIMIT 1"_s,
            u"SELECT proxy_identifier_sid, MAX(date_created), MAX(routable) FROM participants WHERE "
            u"service_sid = 'KS1' AND identifier = '+1' GROUP BY proxy_identifier_sid"_s,
            u"SELECT sid FROM participants WHERE service_sid = 'KS1' AND identifier = '+1' AND "
            u"proxy_identifier = '+2' ORDER BY id DESC LIMIT 1"_s,
            u"SELECT 1 FROM participants WHERE service_sid = 'KS1' AND identifier = '+1' AND proxy_identifier = '+2' "
            u"AND routable = 1"_s,
            u"SELECT DISTINCT p.proxy_identifier_sid FROM participants p JOIN sessions s ON s.sid = p.session_sid "
            u"WHERE p.session_sid = 'KC1' AND p.date_deleted IS NULL AND p.proxy_identifier_sid IS NOT NULL AND "
            u"s.status IN ('open', 'in-progress')"_s,
        };
        for (const QString &sql : lookUps) {
            SqlQuery plan(c, u"EXPLAIN QUERY PLAN "_s + sql);
            plan.exec();
            QStringList steps;
            while (plan.next()) {
                steps.append(plan.value(3).toString());
            }
            QVERIFY2(!steps.isEmpty(), qPrintable(sql));
            for (const QString &step : std::as_const(steps)) {
                QVERIFY2(!step.startsWith(u"SCAN "_s), qPrintable(sql + u" -> "_s + steps.join(u"; "_s)));
            }
        }
    }

    void upgradeKeepsData()
    {
        const QString path = freshPath();
        {
            Database db(StoreConfig::fromLocation(path));
            QVERIFY(db.migrate(Migrations::all().mid(0, 1)).ok());
            QCOMPARE(db.schemaVersion(), 1);
            QVERIFY(!db.connection().tables().contains(u"debugger_events"_s));
            execSql(db.connection(), u"INSERT INTO accounts (sid, auth_token, date_created, date_updated) VALUES "
                                     u"('AC00000000000000000000000000000001', 'secret-token-123456', 1, 1)"_s);
        }
        Database db(StoreConfig::fromLocation(path));
        QVERIFY(db.migrate().ok());
        QCOMPARE(db.schemaVersion(), Migrations::latestVersion());
        QVERIFY(db.connection().tables().contains(u"debugger_events"_s));
        QCOMPARE(count(db.connection(), u"SELECT COUNT(*) FROM accounts"_s), 1);
    }

    void newerStoreIsRefusedAndUntouched()
    {
        const QString path = freshPath();
        {
            Database db(StoreConfig::fromLocation(path));
            QVERIFY(db.migrate().ok());
            execSql(db.connection(), u"UPDATE schema_version SET version = 999"_s);
        }
        const QByteArray before = [&] {
            QFile f(path);
            f.open(QIODevice::ReadOnly);
            return f.readAll();
        }();
        Database db(StoreConfig::fromLocation(path));
        const Status st = db.migrate();
        QVERIFY(!st.ok());
        QVERIFY2(st.error().message.contains(u"newer Maskline"_s), qPrintable(st.error().message));
        QVERIFY(st.error().message.contains(u"999"_s));
        QCOMPARE(db.schemaVersion(), 999);
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), before);
    }

    void failingMigrationRollsBack()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate(Migrations::all().mid(0, 1)).ok());
        QList<Migration> broken = Migrations::all().mid(0, 1);
        broken.append(Migration{2, u"broken"_s, {u"CREATE TABLE half_done (x INTEGER)"_s, u"THIS IS NOT SQL"_s}});
        const Status st = db.migrate(broken);
        QVERIFY(!st.ok());
        QCOMPARE(st.error().code, 80501);
        QCOMPARE(db.schemaVersion(), 1);
        QVERIFY(!db.connection().tables().contains(u"half_done"_s));
    }

    void routingKeyIsUniqueInTheDatabase()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate().ok());
        QSqlDatabase c = db.connection();
        execSql(c, u"INSERT INTO accounts (sid, auth_token, date_created, date_updated) VALUES ('AC1', 't', 1, 1)"_s);
        execSql(c, u"INSERT INTO services (sid, account_sid, unique_name, geo_match_level, number_selection_behavior, "
                   u"date_created, date_updated) VALUES ('KS1', 'AC1', 's', 'country', 'prefer-sticky', 1, 1)"_s);
        for (const QString &sid : {u"KC1"_s, u"KC2"_s}) {
            execSql(c, u"INSERT INTO sessions (sid, account_sid, service_sid, status, mode, date_created, "
                       u"date_updated) VALUES ('%1', 'AC1', 'KS1', 'open', 'voice-and-message', 1, 1)"_s.arg(sid));
        }
        auto insert = [&](const QString &sid, const QString &session, int routable) {
            SqlQuery(c, u"INSERT INTO participants (sid, account_sid, service_sid, session_sid, identifier, "
                        u"proxy_identifier, routable, date_created, date_updated) VALUES (:sid, 'AC1', 'KS1', :ks, "
                        u"'+14155550100', '+14155550999', :r, 1, 1)"_s)
                .bind(u":sid"_s, sid)
                .bind(u":ks"_s, session)
                .bind(u":r"_s, routable)
                .exec();
        };
        insert(u"KP1"_s, u"KC1"_s, 1);
        bool refused = false;
        try {
            insert(u"KP2"_s, u"KC2"_s, 1);
        } catch (const StoreError &e) {
            refused = e.isConstraintViolation();
        }
        QVERIFY2(refused, "a second routable participant on the same key must violate the index");
        // The same pair is fine while it does not hold the route (closed session, deleted participant).
        insert(u"KP3"_s, u"KC2"_s, 0);
        QCOMPARE(count(c, u"SELECT COUNT(*) FROM participants"_s), 2);
    }

    void foreignKeysCascade()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate().ok());
        QSqlDatabase c = db.connection();
        execSql(c, u"INSERT INTO accounts (sid, auth_token, date_created, date_updated) VALUES ('AC1', 't', 1, 1)"_s);
        execSql(c, u"INSERT INTO services (sid, account_sid, unique_name, geo_match_level, number_selection_behavior, "
                   u"date_created, date_updated) VALUES ('KS1', 'AC1', 's', 'country', 'prefer-sticky', 1, 1)"_s);
        execSql(c, u"INSERT INTO sessions (sid, account_sid, service_sid, status, mode, date_created, date_updated) "
                   u"VALUES ('KC1', 'AC1', 'KS1', 'open', 'voice-and-message', 1, 1)"_s);
        execSql(c, u"DELETE FROM services WHERE sid = 'KS1'"_s);
        QCOMPARE(count(c, u"SELECT COUNT(*) FROM sessions"_s), 0);
    }

    void transactionRollsBackUnlessCommitted()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate().ok());
        QSqlDatabase c = db.connection();
        {
            Transaction tx(c);
            execSql(c, u"INSERT INTO accounts (sid, auth_token, date_created, date_updated) VALUES ('AC1','t',1,1)"_s);
        }
        QCOMPARE(count(c, u"SELECT COUNT(*) FROM accounts"_s), 0);
        {
            Transaction tx(c);
            execSql(c, u"INSERT INTO accounts (sid, auth_token, date_created, date_updated) VALUES ('AC1','t',1,1)"_s);
            tx.commit();
        }
        QCOMPARE(count(c, u"SELECT COUNT(*) FROM accounts"_s), 1);
    }

    void failedStatementThrowsStoreError()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate().ok());
        QVERIFY_THROWS_EXCEPTION(StoreError, SqlQuery(db.connection(), u"SELECT * FROM no_such_table"_s));
    }

    // What SqlQuery gives back and binds, as Qt SQL did before statements ran through SQLite's API: types, NULLs,
    // a statement bound again mid-result, re-run, nested copies of one statement, a constraint failure.
    // The REST lists' reader threads: every job posted runs, on the pool's threads (never the poster's), each on a
    // connection of its own thread that reads what the writer committed; the destructor runs what is still queued.
    void readerPoolRunsEveryJobOnItsThreads()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate().ok());
        execSql(db.connection(), u"CREATE TABLE numbers (n INTEGER)"_s);
        execSql(db.connection(), u"INSERT INTO numbers (n) VALUES (1), (2), (3)"_s);
        QMutex mutex;
        QSet<QThread *> threads;
        QSet<QString> connections;
        QList<int> sums;
        {
            ReaderPool pool(db, 2);
            QCOMPARE(pool.threads(), 2);
            for (int i = 0; i < 200; ++i) {
                pool.post([&] {
                    const QSqlDatabase connection = db.connection();
                    SqlQuery q(connection, u"SELECT SUM(n) FROM numbers"_s);
                    q.exec();
                    const int sum = q.next() ? q.value(0).toInt() : -1;
                    const QMutexLocker locker(&mutex);
                    threads.insert(QThread::currentThread());
                    connections.insert(connection.connectionName());
                    sums.append(sum);
                });
            }
        } // jobs still queued run before the threads are joined
        QCOMPARE(sums.size(), 200);
        QVERIFY(std::all_of(sums.cbegin(), sums.cend(), [](int sum) { return sum == 6; }));
        QVERIFY(!threads.contains(QThread::currentThread()));
        QVERIFY(threads.size() >= 1 && threads.size() <= 2);
        QCOMPARE(connections.size(), threads.size()); // one connection per reader thread
        QVERIFY(!connections.contains(db.connection().connectionName()));
    }

    void statementSemantics()
    {
        Database db(StoreConfig::fromLocation(freshPath()));
        QVERIFY(db.migrate().ok());
        const QSqlDatabase c = db.connection();
        execSql(c, u"CREATE TABLE t (k INTEGER PRIMARY KEY, s TEXT, r REAL, b BLOB, u TEXT UNIQUE)"_s);
        SqlQuery insert(c, u"INSERT INTO t (k, s, r, b, u) VALUES (:k, :s, :r, :b, :u)"_s);
        insert.bind(u":k"_s, 1).bind(u":s"_s, u"h\u00e9llo"_s).bind(u":r"_s, 1.5).bind(u":b"_s, QByteArray("\0x", 2));
        insert.bind(u":u"_s, u""_s).exec();
        QCOMPARE(insert.numRowsAffected(), 1);
        // Run again with new values; a null QString and an empty QVariant bind NULL, a bool binds 0/1.
        insert.bind(u":k"_s, 2).bind(u":s"_s, QString()).bind(u":r"_s, QVariant()).bind(u":b"_s, true);
        insert.bind(u":u"_s, u"x"_s).exec();
        insert.bind(u":k"_s, 3).bind(u":u"_s, u"x"_s);
        try {
            insert.exec();
            QFAIL("a UNIQUE violation must throw");
        } catch (const StoreError &e) {
            QVERIFY(e.isConstraintViolation());
        }

        SqlQuery q(c, u"SELECT k, s, r, b, u FROM t WHERE k >= :k ORDER BY k"_s);
        q.bind(u":k"_s, 1).exec();
        QVERIFY(q.next());
        QCOMPARE(q.value(0).typeId(), QMetaType::LongLong);
        QCOMPARE(q.value(1).toString(), u"h\u00e9llo"_s);
        QCOMPARE(q.value(u"R"_s).toDouble(), 1.5);
        QCOMPARE(q.value(3).toByteArray(), QByteArray("\0x", 2));
        QVERIFY(!q.value(4).isNull());
        QCOMPARE(q.value(4).toString(), u""_s);
        {
            // The same statement open twice on one connection: the second is its own copy.
            SqlQuery inner(c, u"SELECT k, s, r, b, u FROM t WHERE k >= :k ORDER BY k"_s);
            inner.bind(u":k"_s, 2).exec();
            QVERIFY(inner.next());
            QCOMPARE(inner.value(0).toInt(), 2);
        }
        QVERIFY(q.next());
        QVERIFY(q.value(1).isNull());
        QVERIFY(q.value(2).isNull());
        QCOMPARE(q.value(3).toInt(), 1);
        QVERIFY(!q.next());
        QVERIFY(!q.value(0).isValid());
        // Bound again while a result was open: runs from the start with the new value.
        q.exec();
        QVERIFY(q.next());
        q.bind(u":k"_s, 2).exec();
        QVERIFY(q.next());
        QCOMPARE(q.value(0).toInt(), 2);
        QVERIFY(!q.next());
    }

    void secondEngineLockIsRefusedWithHolder()
    {
        const QString path = freshPath();
        StoreLock first(path);
        QVERIFY(first.tryLock());
        // A lock held by a live process (this one) is not taken over, and the refusal names the holder.
        StoreLock second(path);
        QVERIFY(!second.tryLock());
        QVERIFY2(second.errorString().contains(u"pid %1"_s.arg(QCoreApplication::applicationPid())),
                 qPrintable(second.errorString()));
        QVERIFY(second.errorString().contains(path));
    }

    void lockIsFreedWithItsHolder()
    {
        const QString path = freshPath();
        {
            StoreLock first(path);
            QVERIFY(first.tryLock());
        }
        StoreLock again(path);
        QVERIFY(again.tryLock());
    }

    void sidsAreTypedRandomHex()
    {
        QSet<QString> seen;
        for (int i = 0; i < 1000; ++i) {
            const QString sid = Sid::generate(Sid::SESSION);
            QCOMPARE(sid.size(), 34);
            QVERIFY(sid.startsWith(u"KC"_s));
            QCOMPARE(sid.mid(2), sid.mid(2).toLower());
            QVERIFY(Sid::isValid(sid, Sid::SESSION));
            seen.insert(sid);
        }
        QCOMPARE(seen.size(), 1000);
        QVERIFY(!Sid::isValid(u"KC123"_s, Sid::SESSION));
        QVERIFY(!Sid::isValid(u"KS0123456789abcdef0123456789abcdef"_s, Sid::SESSION));
        QVERIFY(!Sid::isValid(u"KC0123456789abcdef0123456789abcdeg"_s, Sid::SESSION));
        QVERIFY(Sid::isValid(u"KC0123456789ABCDEF0123456789abcdef"_s, Sid::SESSION));
    }

    // A SID begins with its creation time, so a later one sorts after an earlier one (new rows go to the end of an
    // index on sid); the rest is random.
    void sidsSortByCreationTime()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QString first = Sid::generate(Sid::SESSION);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        QTRY_VERIFY(QDateTime::currentMSecsSinceEpoch() > after);
        const QString second = Sid::generate(Sid::SESSION);
        QVERIFY2(first < second, qPrintable(first + u" >= "_s + second));
        const qint64 stamped = first.mid(2, 12).toLongLong(nullptr, 16);
        QVERIFY(stamped >= before && stamped <= after);
        QSet<QString> tails;
        for (int i = 0; i < 100; ++i) {
            tails.insert(Sid::generate(Sid::SESSION).mid(14));
        }
        QCOMPARE(tails.size(), 100);
    }

    void isoDates_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected"); // empty: invalid
        QTest::newRow("zulu") << u"2030-07-30T20:00:00Z"_s << u"2030-07-30T20:00:00Z"_s;
        QTest::newRow("fraction dropped") << u"2030-07-30T20:00:00.123Z"_s << u"2030-07-30T20:00:00Z"_s;
        QTest::newRow("offset") << u"2030-07-30T22:00:00+02:00"_s << u"2030-07-30T20:00:00Z"_s;
        QTest::newRow("no zone is UTC") << u"2030-07-30T20:00:00"_s << u"2030-07-30T20:00:00Z"_s;
        QTest::newRow("garbage") << u"next tuesday"_s << QString();
        QTest::newRow("bad month") << u"2030-13-01T00:00:00Z"_s << QString();
        QTest::newRow("empty") << QString() << QString();
    }

    void isoDates()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        const QDateTime t = Time::parseIso(input);
        QCOMPARE(Time::toIso(t), expected);
    }

    void manualClockMoves()
    {
        ManualClock clock(QDateTime(QDate(2030, 1, 1), QTime(0, 0), Qt::UTC));
        clock.advance(90);
        QCOMPARE(Time::toIso(clock.now()), u"2030-01-01T00:01:30Z"_s);
    }
};

QTEST_GUILESS_MAIN(TestStore)
#include "tst_store.moc"
