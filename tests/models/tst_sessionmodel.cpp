// SessionModel over a live engine: lazy batches with the keyset cursor, SQL filters, and engine changes applied
// incrementally with exact signal counts (one coalesced insertion per tick, in-place updates, removals).

#include <QAbstractItemModelTester>

#include "enginefixture.h"
#include "sessionmodel.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

class TestSessionModel final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;
    Service m_service;

    std::unique_ptr<SessionModel> makeModel(const SessionFilter &extra = {})
    {
        auto model = std::make_unique<SessionModel>(m_engine.reader());
        model->setCountdownInterval(0);
        connect(m_engine.host(), &EngineHost::changed, model.get(), &SessionModel::handleChanges);
        SessionFilter f = extra;
        f.accountSid = m_engine.account();
        f.serviceSid = m_service.sid;
        model->setFilter(f);
        return model;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_engine.start());
        m_service = m_engine.makeService(u"sessions"_s);
        for (int i = 0; i < 4; ++i) {
            m_engine.addNumber(m_service.sid, u"+14155550%1"_s.arg(100 + i));
        }
    }

    void cleanupTestCase() { m_engine.stop(); }

    void pagesLazily()
    {
        const QString service = m_engine.makeService(u"paging"_s).sid;
        // 450 sessions in one engine job.
        auto created = m_engine.call([service](Proxy &p, const QString &a) -> Result<int> {
            for (int i = 0; i < 450; ++i) {
                SessionParams sp;
                sp.uniqueName = u"page-%1"_s.arg(i, 3, 10, QChar(u'0'));
                if (auto s = p.createSession(a, service, sp); !s) {
                    return s.error();
                }
            }
            return 450;
        });
        QVERIFY(created);
        SessionModel model(m_engine.reader());
        model.setCountdownInterval(0);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        SessionFilter f;
        f.accountSid = m_engine.account();
        f.serviceSid = service;
        model.setFilter(f);
        QTRY_VERIFY(model.isLoaded());
        QCOMPARE(model.rowCount(), SessionModel::BATCH_SIZE);
        QVERIFY(model.canFetchMore({}));
        // Newest first.
        QCOMPARE(model.index(0, SessionModel::UniqueNameColumn).data().toString(), u"page-449"_s);
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 400);
        model.fetchMore({});
        QTRY_COMPARE(model.rowCount(), 450);
        QVERIFY(!model.canFetchMore({}));
        QCOMPARE(model.index(449, SessionModel::UniqueNameColumn).data().toString(), u"page-000"_s);
        for (int r = 1; r < model.rowCount(); ++r) {
            QVERIFY(model.index(r - 1, 0).data(IdRole).toLongLong() > model.index(r, 0).data(IdRole).toLongLong());
        }
    }

    void appliesChangesIncrementally()
    {
        auto model = makeModel();
        QAbstractItemModelTester tester(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(model->isLoaded());
        const int before = model->rowCount();
        QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(model.get(), &QAbstractItemModel::rowsRemoved);
        QSignalSpy changed(model.get(), &QAbstractItemModel::dataChanged);
        QSignalSpy reset(model.get(), &QAbstractItemModel::modelReset);

        const Session s = m_engine.makeSession(m_service.sid, {u"+14155550111"_s, u"+14155550112"_s}, u"ride-1"_s);
        QTRY_COMPARE(inserted.count(), 1);
        EngineFixture::settle();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(changed.count(), 0);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model->rowCount(), before + 1);
        QCOMPARE(model->index(0, 0).data(SidRole).toString(), s.sid);
        QCOMPARE(model->index(0, SessionModel::StatusColumn).data(StatusRole).toString(), u"open"_s);

        // Close: the row is updated in place.
        auto closed = m_engine.call([svc = m_service.sid, sid = s.sid](Proxy &p, const QString &a) {
            SessionParams sp;
            sp.status = SessionStatus::CLOSED;
            return p.updateSession(a, svc, sid, sp);
        });
        QVERIFY(closed);
        QTRY_COMPARE(changed.count(), 1);
        EngineFixture::settle();
        QCOMPARE(changed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(model->index(0, 0).data(StatusRole).toString(), u"closed"_s);
        QCOMPARE(model->index(0, SessionModel::StatusColumn).data().toString(), u"Closed"_s);

        // Delete: removed.
        QVERIFY(m_engine.call(
            [svc = m_service.sid, sid = s.sid](Proxy &p, const QString &a) { return p.deleteSession(a, svc, sid); }));
        QTRY_COMPARE(removed.count(), 1);
        EngineFixture::settle();
        QCOMPARE(removed.count(), 1);
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(model->rowCount(), before);
    }

    void coalescesInsertsOfOneTick()
    {
        auto model = makeModel();
        QAbstractItemModelTester tester(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(model->isLoaded());
        const int before = model->rowCount();
        QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
        QSignalSpy changed(model.get(), &QAbstractItemModel::dataChanged);
        // Five commits in one engine job: five change lists reach the GUI thread together.
        QVERIFY(m_engine.call([svc = m_service.sid](Proxy &p, const QString &a) -> Result<int> {
            for (int i = 0; i < 5; ++i) {
                if (auto s = p.createSession(a, svc, {}); !s) {
                    return s.error();
                }
            }
            return 5;
        }));
        QTRY_COMPARE(model->rowCount(), before + 5);
        EngineFixture::settle();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(inserted.at(0).at(1).toInt(), 0);
        QCOMPARE(inserted.at(0).at(2).toInt(), 4);
        QCOMPARE(changed.count(), 0);
    }

    void filtersInSql()
    {
        const Session a = m_engine.makeSession(m_service.sid, {u"+14155550121"_s, u"+14155550122"_s}, u"alpha-1"_s);
        const Session b = m_engine.makeSession(m_service.sid, {u"+14155550131"_s}, u"alpha-2"_s);
        m_engine.makeSession(m_service.sid, {}, u"beta-1"_s);

        SessionFilter byName;
        byName.text = u"alpha"_s;
        auto model = makeModel(byName);
        QAbstractItemModelTester tester(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(model->isLoaded());
        QCOMPARE(model->rowCount(), 2);

        SessionFilter f = model->sessionFilter();
        f.text.clear();
        f.identifier = u"+1 (415) 555-0122"_s;
        model->setFilter(f);
        QTRY_VERIFY(model->isLoaded());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0, 0).data(SidRole).toString(), a.sid);

        f.identifier.clear();
        f.text = b.sid;
        model->setFilter(f);
        QTRY_VERIFY(model->isLoaded());
        QCOMPARE(model->rowCount(), 1);
        QCOMPARE(model->index(0, 0).data(SidRole).toString(), b.sid);

        // By proxy number: the sessions whose participants talk through it.
        auto participants = m_engine.call([svc = m_service.sid, sid = a.sid](Proxy &p, const QString &acc) {
            return p.listParticipants(acc, svc, sid, {});
        });
        QVERIFY(participants);
        const QString number = participants->items.constFirst().proxyIdentifier;
        f.text.clear();
        f.proxyNumber = number;
        model->setFilter(f);
        QTRY_VERIFY(model->isLoaded());
        QVERIFY(model->rowCount() >= 1);
        QVERIFY(model->rowOfSid(a.sid) >= 0);

        // A status filter drops a row that stops matching: closing it removes it from "active".
        f.proxyNumber.clear();
        f.text = u"alpha"_s;
        f.status = u"active"_s;
        model->setFilter(f);
        QTRY_VERIFY(model->isLoaded());
        QCOMPARE(model->rowCount(), 2);
        QSignalSpy removed(model.get(), &QAbstractItemModel::rowsRemoved);
        QVERIFY(m_engine.call([svc = m_service.sid, sid = a.sid](Proxy &p, const QString &acc) {
            SessionParams sp;
            sp.status = SessionStatus::CLOSED;
            return p.updateSession(acc, svc, sid, sp);
        }));
        QTRY_COMPARE(removed.count(), 1);
        EngineFixture::settle();
        QCOMPARE(removed.count(), 1);
        QCOMPARE(model->rowCount(), 1);

        // A date range that excludes everything.
        f = model->sessionFilter();
        f.status.clear();
        f.createdTo = QDateTime::currentDateTimeUtc().addDays(-1);
        model->setFilter(f);
        QTRY_VERIFY(model->isLoaded());
        QCOMPARE(model->rowCount(), 0);
    }

    void identifierFilterFollowsParticipants()
    {
        const Session s = m_engine.makeSession(m_service.sid, {}, u"late-joiner"_s);
        SessionFilter f;
        f.identifier = u"+14155550141"_s;
        auto model = makeModel(f);
        QAbstractItemModelTester tester(model.get(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(model->isLoaded());
        QCOMPARE(model->rowCount(), 0);
        QSignalSpy inserted(model.get(), &QAbstractItemModel::rowsInserted);
        QVERIFY(m_engine.call([svc = m_service.sid, sid = s.sid](Proxy &p, const QString &a) {
            ParticipantParams pp;
            pp.identifier = u"+14155550141"_s;
            return p.createParticipant(a, svc, sid, pp);
        }));
        QTRY_COMPARE(inserted.count(), 1);
        EngineFixture::settle();
        QCOMPARE(inserted.count(), 1);
        QCOMPARE(model->index(0, 0).data(SidRole).toString(), s.sid);
    }
};

QTEST_MAIN(TestSessionModel)
#include "tst_sessionmodel.moc"
