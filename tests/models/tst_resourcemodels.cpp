// ServiceModel, NumberModel, ParticipantModel and InteractionModel over a live engine, each wrapped in
// QAbstractItemModelTester, with exact signal counts after each engine action.

#include <QAbstractItemModelTester>

#include "enginefixture.h"
#include "interactionmodel.h"
#include "numbermodel.h"
#include "participantmodel.h"
#include "servicemodel.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {
struct Spies
{
    explicit Spies(QAbstractItemModel *m)
        : inserted(m, &QAbstractItemModel::rowsInserted)
        , removed(m, &QAbstractItemModel::rowsRemoved)
        , changed(m, &QAbstractItemModel::dataChanged)
        , reset(m, &QAbstractItemModel::modelReset)
    {}
    void clear()
    {
        inserted.clear();
        removed.clear();
        changed.clear();
        reset.clear();
    }
    QSignalSpy inserted;
    QSignalSpy removed;
    QSignalSpy changed;
    QSignalSpy reset;
};
} // namespace

#define COUNTS(spies, ins, rem, chg)                                                                                   \
    do {                                                                                                               \
        EngineFixture::settle();                                                                                       \
        QCOMPARE((spies).inserted.count(), ins);                                                                       \
        QCOMPARE((spies).removed.count(), rem);                                                                        \
        QCOMPARE((spies).changed.count(), chg);                                                                        \
        QCOMPARE((spies).reset.count(), 0);                                                                            \
        (spies).clear();                                                                                               \
    } while (false)

class TestResourceModels final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_engine.start()); }
    void cleanupTestCase() { m_engine.stop(); }

    void services()
    {
        ServiceModel model(m_engine.reader());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::changed, &model, &ServiceModel::handleChanges);
        model.setAccountSid(m_engine.account());
        QTRY_VERIFY(model.isLoaded());
        QCOMPARE(model.rowCount(), 0);
        Spies spies(&model);

        const Service s = m_engine.makeService(u"svc-a"_s);
        QTRY_COMPARE(spies.inserted.count(), 1);
        COUNTS(spies, 1, 0, 0);
        QCOMPARE(model.index(0, ServiceModel::UniqueNameColumn).data().toString(), u"svc-a"_s);

        QVERIFY(m_engine.call([sid = s.sid](Proxy &p, const QString &a) {
            ServiceParams sp;
            sp.defaultTtl = 600;
            sp.callbackUrl = u"https://example.com/cb"_s;
            return p.updateService(a, sid, sp);
        }));
        QTRY_COMPARE(spies.changed.count(), 1);
        COUNTS(spies, 0, 0, 1);
        QCOMPARE(model.index(0, ServiceModel::DefaultTtlColumn).data(UnderlyingDataRole).toLongLong(), 600);
        QCOMPARE(model.index(0, ServiceModel::DefaultTtlColumn).data().toString(), u"10m"_s);
        QCOMPARE(model.index(0, ServiceModel::CallbackColumn).data().toString(), u"https://example.com/cb"_s);

        QVERIFY(m_engine.call([sid = s.sid](Proxy &p, const QString &a) { return p.deleteService(a, sid); }));
        QTRY_COMPARE(spies.removed.count(), 1);
        COUNTS(spies, 0, 1, 0);
        QCOMPARE(model.rowCount(), 0);
    }

    void numbers()
    {
        const Service s = m_engine.makeService(u"pool"_s);
        NumberModel model(m_engine.reader());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::changed, &model, &NumberModel::handleChanges);
        model.setServiceSid(s.sid);
        QTRY_VERIFY(model.isLoaded());
        Spies spies(&model);

        const PhoneNumber n = m_engine.addNumber(s.sid, u"+14155550100"_s);
        QTRY_COMPARE(spies.inserted.count(), 1);
        COUNTS(spies, 1, 0, 0);
        QCOMPARE(model.index(0, NumberModel::NumberColumn).data().toString(), u"+14155550100"_s);
        QCOMPARE(model.index(0, NumberModel::CountryColumn).data().toString(), u"US"_s);
        QCOMPARE(model.index(0, NumberModel::CapabilitiesColumn).data().toString(), u"voice, SMS, MMS"_s);
        QCOMPARE(model.index(0, NumberModel::InUseColumn).data().toInt(), 0);

        // A session holding it: in_use rises (one change for the number, one row updated).
        const Session session = m_engine.makeSession(s.sid, {u"+14155550150"_s});
        Q_UNUSED(session)
        QTRY_COMPARE(spies.changed.count(), 1);
        COUNTS(spies, 0, 0, 1);
        QCOMPARE(model.index(0, NumberModel::InUseColumn).data().toInt(), 1);

        QVERIFY(m_engine.call(
            [svc = s.sid, sid = n.sid](Proxy &p, const QString &a) { return p.updatePhoneNumber(a, svc, sid, true); }));
        QTRY_COMPARE(spies.changed.count(), 1);
        COUNTS(spies, 0, 0, 1);
        QCOMPARE(model.index(0, NumberModel::ReservedColumn).data(Qt::CheckStateRole).toInt(), int(Qt::Checked));

        // Removing it is refused while in use, with the engine's reason; nothing changes.
        auto refused = m_engine.call(
            [svc = s.sid, sid = n.sid](Proxy &p, const QString &a) { return p.deletePhoneNumber(a, svc, sid); });
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, 80611);
        QVERIFY(EngineClient::describe(refused.error()).startsWith(u"80611: "_s));
        COUNTS(spies, 0, 0, 0);

        const PhoneNumber free = m_engine.addNumber(s.sid, u"+14155550101"_s);
        QTRY_COMPARE(spies.inserted.count(), 1);
        COUNTS(spies, 1, 0, 0);
        QVERIFY(m_engine.call(
            [svc = s.sid, sid = free.sid](Proxy &p, const QString &a) { return p.deletePhoneNumber(a, svc, sid); }));
        QTRY_COMPARE(spies.removed.count(), 1);
        COUNTS(spies, 0, 1, 0);
        QCOMPARE(model.rowCount(), 1);
    }

    void participants()
    {
        const Service s = m_engine.makeService(u"people"_s);
        const PhoneNumber n1 = m_engine.addNumber(s.sid, u"+14155550200"_s);
        m_engine.addNumber(s.sid, u"+14155550201"_s);
        const Session session = m_engine.makeSession(s.sid, {}, u"trip"_s);
        ParticipantModel model(m_engine.reader());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::changed, &model, &ParticipantModel::handleChanges);
        model.setSessionSid(session.sid);
        QTRY_VERIFY(model.isLoaded());
        QCOMPARE(model.rowCount(), 0);
        Spies spies(&model);

        auto add = [&](const QString &identifier, const QString &pinned) {
            return m_engine.call([svc = s.sid, sid = session.sid, identifier, pinned](Proxy &p, const QString &a) {
                ParticipantParams pp;
                pp.identifier = identifier;
                if (!pinned.isEmpty()) {
                    pp.proxyIdentifierSid = pinned;
                }
                return p.createParticipant(a, svc, sid, pp);
            });
        };
        const auto first = add(u"+14155550210"_s, {});
        QVERIFY(first);
        QTRY_COMPARE(spies.inserted.count(), 1);
        COUNTS(spies, 1, 0, 0);
        const auto second = add(u"+14155550211"_s, n1.sid);
        QVERIFY(second);
        QTRY_COMPARE(spies.inserted.count(), 1);
        COUNTS(spies, 1, 0, 0);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(model.index(0, ParticipantModel::ProxyNumberColumn).data().toString(), u"+14155550200"_s);
        QCOMPARE(model.index(0, ParticipantModel::StateColumn).data().toString(), u"active"_s);

        // A third is refused by the engine with its code; the model does not move.
        const auto third = add(u"+14155550212"_s, {});
        QVERIFY(!third);
        QCOMPARE(third.error().code, 80609);
        QCOMPARE(EngineClient::describe(third.error()),
                 u"80609: A Session may have at most 2 participants; Session %1 already has 2"_s.arg(session.sid));
        COUNTS(spies, 0, 0, 0);

        // Remove is soft: the row stays, greyed as removed.
        QVERIFY(m_engine.call([svc = s.sid, sid = session.sid, p = second->sid](Proxy &px, const QString &a) {
            return px.deleteParticipant(a, svc, sid, p);
        }));
        QTRY_COMPARE(spies.changed.count(), 1);
        COUNTS(spies, 0, 0, 1);
        QCOMPARE(model.index(0, ParticipantModel::StateColumn).data(UnderlyingDataRole).toString(), u"removed"_s);

        // Closing the session flips routability of every participant: one re-read, a row update each.
        QVERIFY(m_engine.call([svc = s.sid, sid = session.sid](Proxy &p, const QString &a) {
            SessionParams sp;
            sp.status = SessionStatus::CLOSED;
            return p.updateSession(a, svc, sid, sp);
        }));
        QTRY_COMPARE(spies.changed.count(), 2);
        COUNTS(spies, 0, 0, 2);
        QCOMPARE(model.index(1, ParticipantModel::StateColumn).data(UnderlyingDataRole).toString(), u"inactive"_s);
    }

    void interactions()
    {
        const Service s = m_engine.makeService(u"talk"_s);
        m_engine.addNumber(s.sid, u"+14155550300"_s);
        m_engine.addNumber(s.sid, u"+14155550301"_s);
        const Session session = m_engine.makeSession(s.sid, {u"+14155550310"_s, u"+14155550311"_s});
        auto people = m_engine.call([svc = s.sid, sid = session.sid](Proxy &p, const QString &a) {
            return p.listParticipants(a, svc, sid, {});
        });
        QVERIFY(people && people->items.size() == 2);
        const Participant b = people->items.at(0);
        const Participant a = people->items.at(1);

        InteractionModel model(m_engine.reader());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::changed, &model, &InteractionModel::handleChanges);
        model.setSessionSid(session.sid);
        model.setParticipantNames({{a.sid, a.identifier}, {b.sid, b.identifier}});
        QTRY_VERIFY(model.isLoaded());
        Spies spies(&model);

        auto recorded = m_engine.call([sid = session.sid, a, b](Proxy &p, const QString &) {
            Interaction i;
            i.sessionSid = sid;
            i.type = u"message"_s;
            i.data = u"{\"body\":\"On my way\"}"_s;
            i.inbound = {a.sid, u"SM00000000000000000000000000000001"_s, u"received"_s, u"Message"_s, {}};
            i.outbound = {b.sid, u"SM00000000000000000000000000000002"_s, u"queued"_s, u"Message"_s, {}};
            return p.recordInteraction(i);
        });
        QVERIFY(recorded);
        QTRY_COMPARE(spies.inserted.count(), 1);
        COUNTS(spies, 1, 0, 0);
        QCOMPARE(model.index(0, InteractionModel::TypeColumn).data().toString(), u"Message"_s);
        QCOMPARE(model.index(0, InteractionModel::ContentColumn).data().toString(), u"On my way"_s);
        QCOMPARE(model.index(0, InteractionModel::DirectionColumn).data().toString(),
                 u"%1 → %2"_s.arg(a.identifier, b.identifier));
        QCOMPARE(model.index(0, InteractionModel::OutboundStatusColumn).data().toString(), u"queued"_s);

        // The outbound leg's status moves live.
        QVERIFY(m_engine.call([sid = recorded->sid](Proxy &p, const QString &) {
            return p.updateInteractionLegStatus(sid, true, u"delivered"_s);
        }));
        QTRY_COMPARE(spies.changed.count(), 1);
        COUNTS(spies, 0, 0, 1);
        QCOMPARE(model.index(0, InteractionModel::OutboundStatusColumn).data().toString(), u"delivered"_s);

        auto call = m_engine.call([sid = session.sid, a, b](Proxy &p, const QString &) {
            Interaction i;
            i.sessionSid = sid;
            i.type = u"voice"_s;
            i.data = u"{\"duration\":95}"_s;
            i.inbound = {b.sid, u"CA00000000000000000000000000000001"_s, u"in-progress"_s, u"Call"_s, {}};
            i.outbound = {a.sid, u"CA00000000000000000000000000000002"_s, u"completed"_s, u"Call"_s, {}};
            return p.recordInteraction(i);
        });
        QVERIFY(call);
        QTRY_COMPARE(spies.inserted.count(), 1);
        COUNTS(spies, 1, 0, 0);
        QCOMPARE(model.index(0, InteractionModel::ContentColumn).data().toString(), u"1m 35s call"_s);

        QVERIFY(m_engine.call([svc = s.sid, ks = session.sid, sid = call->sid](Proxy &p, const QString &acc) {
            return p.deleteInteraction(acc, svc, ks, sid);
        }));
        QTRY_COMPARE(spies.removed.count(), 1);
        COUNTS(spies, 0, 1, 0);
        QCOMPARE(model.rowCount(), 1);
    }
};

QTEST_MAIN(TestResourceModels)
#include "tst_resourcemodels.moc"
