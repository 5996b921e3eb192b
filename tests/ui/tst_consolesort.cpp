// Sortable columns: a header click sorts the Sessions, Numbers, Services and Debugger tables (ascending, descending,
// back to newest first) with the indicator shown; a computed column does not sort and says why. The lazy models page
// each sort key with a keyset cursor on (value, id): across batch boundaries, in both directions, with ties and NULLs,
// every row comes exactly once and in order. Changes arriving while sorted land in their place.

#include <algorithm>

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QHeaderView>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>

#include "debuggerlogmodel.h"
#include "debuggerpane.h"
#include "enginefixture.h"
#include "numbermodel.h"
#include "numberspane.h"
#include "servicemodel.h"
#include "servicespane.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

// The test's own statement of the order (not the store's): NULL times as -1 and empty text first ascending, ties by
// id in the same direction.
QVariant expectedValue(const Session &s, int column)
{
    auto ms = [](const QDateTime &t) {
        return t.isValid() ? t.toMSecsSinceEpoch() : qint64(-1);
    };
    switch (column) {
    case SessionModel::StatusColumn:
        return s.status;
    case SessionModel::UniqueNameColumn:
        return s.uniqueName;
    case SessionModel::SidColumn:
        return s.sid;
    case SessionModel::ModeColumn:
        return s.mode;
    case SessionModel::ExpiresInColumn:
        return ms(s.expiresAt);
    case SessionModel::DateExpiryColumn:
        return ms(s.dateExpiry);
    case SessionModel::TtlColumn:
        return s.ttl;
    case SessionModel::LastInteractionColumn:
        return ms(s.dateLastInteraction);
    case SessionModel::CreatedColumn:
        return ms(s.dateCreated);
    default:
        return {};
    }
}

QVariant expectedValue(const PhoneNumber &n, int column)
{
    switch (column) {
    case NumberModel::NumberColumn:
        return n.phoneNumber;
    case NumberModel::CountryColumn:
        return n.isoCountry;
    case NumberModel::ReservedColumn:
        return qint64(n.isReserved ? 1 : 0);
    case NumberModel::InUseColumn:
        return qint64(n.inUse);
    case NumberModel::FriendlyNameColumn:
        return n.friendlyName;
    case NumberModel::SidColumn:
        return n.sid;
    default:
        return {};
    }
}

template<typename T>
QStringList expectedOrder(QList<T> rows, int column, Qt::SortOrder order)
{
    std::sort(rows.begin(), rows.end(), [column, order](const T &a, const T &b) {
        const QVariant x = expectedValue(a, column);
        const QVariant y = expectedValue(b, column);
        int c = 0;
        if (x.typeId() == QMetaType::QString) {
            c = QString::compare(x.toString(), y.toString(), Qt::CaseSensitive);
        } else {
            c = x.toLongLong() < y.toLongLong() ? -1 : (y.toLongLong() < x.toLongLong() ? 1 : 0);
        }
        if (c == 0) {
            c = a.id < b.id ? -1 : (b.id < a.id ? 1 : 0);
        }
        return order == Qt::AscendingOrder ? c < 0 : c > 0;
    });
    QStringList sids;
    for (const T &r : rows) {
        sids.append(r.sid);
    }
    return sids;
}

template<typename T>
QStringList sidsOf(const QList<T> &rows)
{
    QStringList sids;
    for (const T &r : rows) {
        sids.append(r.sid);
    }
    return sids;
}

QPoint sectionCentre(QHeaderView *header, int section)
{
    return {header->sectionViewportPosition(section) + header->sectionSize(section) / 2, header->height() / 2};
}

void clickHeader(QTableView *view, int section)
{
    QHeaderView *header = view->horizontalHeader();
    QTest::mouseClick(header->viewport(), Qt::LeftButton, {}, sectionCentre(header, section));
}

} // namespace

class TestConsoleSort final : public QObject
{
    Q_OBJECT

private:
    static constexpr int SESSIONS = 2 * PagedSqlModelBase::BATCH_SIZE + 57;
    static constexpr int NUMBERS = PagedSqlModelBase::BATCH_SIZE + 31;

    EngineFixture m_engine;
    std::unique_ptr<ServiceModel> m_services;
    ConsoleContext m_ctx;
    Service m_service;
    Service m_numbersService;

    // Loads every page; fails the test if a page does not come.
    void fetchAll(PagedSqlModelBase &model)
    {
        QTRY_VERIFY(model.isLoaded());
        while (model.canFetchMore({})) {
            model.fetchMore({});
            QTRY_VERIFY(!model.isLoading());
        }
        QVERIFY(!model.hasMore());
    }

    SessionFilter accountFilter() const
    {
        SessionFilter f;
        f.accountSid = m_engine.account();
        f.serviceSid = m_service.sid;
        return f;
    }

    Result<Session> setTtl(const QString &sid, qint64 ttl)
    {
        return m_engine.call([service = m_service.sid, sid, ttl](Proxy &p, const QString &a) {
            SessionParams sp;
            sp.ttl = ttl;
            return p.updateSession(a, service, sid, sp);
        });
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QVERIFY(m_engine.start());
        m_services = std::make_unique<ServiceModel>(m_engine.reader());
        connect(m_engine.host(), &EngineHost::changed, m_services.get(), &ServiceModel::handleChanges);
        m_services->setAccountSid(m_engine.account());
        m_ctx = ConsoleContext{m_engine.client(), m_engine.reader(), nullptr, nullptr, m_services.get(), nullptr};
        m_service = m_engine.makeService(u"rides"_s);
        m_numbersService = m_engine.makeService(u"deliveries"_s);
        m_engine.makeService(u"archive"_s);
        // Sessions with many ties (three TTLs, three modes, a third closed) and NULLs (no name, no date_expiry).
        const Status made = m_engine.call([service = m_service.sid](Proxy &p, const QString &a) -> Status {
            const QString modes[] = {u"message-only"_s, u"voice-only"_s, u"voice-and-message"_s};
            const qint64 ttls[] = {0, 60, 3600};
            for (int i = 0; i < SESSIONS; ++i) {
                SessionParams sp;
                if (i % 10 != 0) {
                    sp.uniqueName = u"ride-%1"_s.arg((i * 37) % 1000, 3, 10, QChar(u'0'));
                }
                sp.mode = modes[i % 3];
                sp.ttl = ttls[(i / 2) % 3];
                if (i % 7 == 0) {
                    sp.dateExpiry = QDateTime::currentDateTimeUtc().addDays(1 + i % 4);
                }
                const Result<Session> created = p.createSession(a, service, sp);
                if (!created) {
                    return created.error();
                }
                if (i % 3 == 1) {
                    if (const Result<Session> closed = p.closeSession(created->sid, u"test"_s); !closed) {
                        return closed.error();
                    }
                }
            }
            return Ok{};
        });
        QVERIFY2(made, made ? "" : qPrintable(made.error().message));
        const Status numbered = m_engine.call([service = m_numbersService.sid](Proxy &p, const QString &a) -> Status {
            for (int i = 0; i < NUMBERS; ++i) {
                PhoneNumberParams np;
                np.phoneNumber = u"+1415556%1"_s.arg((i * 7919) % 10000, 4, 10, QChar(u'0'));
                np.isReserved = i % 4 == 0;
                if (i % 5 != 0) {
                    np.friendlyName = u"line %1"_s.arg(i % 9);
                }
                if (const Result<PhoneNumber> n = p.createPhoneNumber(a, service, np); !n) {
                    return n.error();
                }
            }
            return Ok{};
        });
        QVERIFY2(numbered, numbered ? "" : qPrintable(numbered.error().message));
        QTRY_COMPARE(m_services->rowCount(), 3);
    }

    void cleanupTestCase()
    {
        m_services.reset();
        m_engine.stop();
    }

    void sessionsPageEverySortKey_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<Qt::SortOrder>("order");
        for (int c = 0; c < SessionModel::COLUMN_COUNT; ++c) {
            const QByteArray name = SessionModel(nullptr).headerData(c, Qt::Horizontal).toString().toUtf8();
            QTest::addRow("%s ascending", name.constData()) << c << Qt::AscendingOrder;
            QTest::addRow("%s descending", name.constData()) << c << Qt::DescendingOrder;
        }
    }

    void sessionsPageEverySortKey()
    {
        QFETCH(int, column);
        QFETCH(Qt::SortOrder, order);
        SessionModel model(m_engine.reader());
        model.setCountdownInterval(0);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setFilter(accountFilter());
        fetchAll(model);
        QCOMPARE(model.rowCount(), SESSIONS);
        const QList<Session> all = model.rows();

        QVERIFY(model.isSortable(column));
        QSignalSpy pages(&model, &PagedSqlModelBase::pageLoaded);
        model.sort(column, order);
        QCOMPARE(model.sortColumn(), column);
        QCOMPARE(model.sortOrder(), order);
        fetchAll(model);
        // Three batches at least: the cursor crossed two boundaries, inside runs of equal values.
        QVERIFY(pages.count() >= 3);
        const QStringList got = sidsOf(model.rows());
        QCOMPARE(QSet<QString>(got.cbegin(), got.cend()).size(), SESSIONS);
        QCOMPARE(got, expectedOrder(all, column, order));

        // Back to newest first.
        model.sort(-1, Qt::AscendingOrder);
        fetchAll(model);
        QCOMPARE(sidsOf(model.rows()), sidsOf(all));
    }

    void numbersPageEverySortKey_data()
    {
        QTest::addColumn<int>("column");
        QTest::addColumn<Qt::SortOrder>("order");
        for (int c :
             {int(NumberModel::NumberColumn), int(NumberModel::CountryColumn), int(NumberModel::ReservedColumn),
              int(NumberModel::InUseColumn), int(NumberModel::FriendlyNameColumn), int(NumberModel::SidColumn)}) {
            QTest::addRow("column %d ascending", c) << c << Qt::AscendingOrder;
            QTest::addRow("column %d descending", c) << c << Qt::DescendingOrder;
        }
    }

    void numbersPageEverySortKey()
    {
        QFETCH(int, column);
        QFETCH(Qt::SortOrder, order);
        NumberModel model(m_engine.reader());
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setServiceSid(m_numbersService.sid);
        fetchAll(model);
        QCOMPARE(model.rowCount(), NUMBERS);
        const QList<PhoneNumber> all = model.rows();
        model.sort(column, order);
        fetchAll(model);
        QCOMPARE(sidsOf(model.rows()), expectedOrder(all, column, order));
    }

    void computedColumnDoesNotSort()
    {
        NumberModel model(m_engine.reader());
        QVERIFY(!model.isSortable(NumberModel::CapabilitiesColumn));
        QVERIFY(!model.headerData(NumberModel::CapabilitiesColumn, Qt::Horizontal, SortableRole).toBool());
        QVERIFY(
            !model.headerData(NumberModel::CapabilitiesColumn, Qt::Horizontal, Qt::ToolTipRole).toString().isEmpty());
        QVERIFY(model.headerData(NumberModel::NumberColumn, Qt::Horizontal, SortableRole).toBool());
        model.sort(NumberModel::CapabilitiesColumn, Qt::AscendingOrder);
        QCOMPARE(model.sortColumn(), -1);
    }

    void sessionsHeaderClicks()
    {
        SessionsPane pane(m_ctx);
        pane.resize(1400, 800);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.setAccountSid(m_engine.account());
        SessionModel *model = pane.model();
        model->setCountdownInterval(0);
        QAbstractItemModelTester tester(model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(model->isLoaded() && model->rowCount() > 0);
        QTableView *view = pane.view();
        QHeaderView *header = view->horizontalHeader();
        QVERIFY(header->isSortIndicatorShown());
        QCOMPARE(header->sortIndicatorSection(), -1);

        // Select a session with TTL 0 near the top: sorted by TTL ascending it is on the first page.
        int chosen = -1;
        for (int r = 0; r < model->rowCount() && chosen < 0; ++r) {
            if (model->rowAt(r)->ttl == 0) {
                chosen = r;
            }
        }
        QVERIFY(chosen >= 0);
        const QString sid = model->rowAt(chosen)->sid;
        view->selectRow(chosen);
        QCOMPARE(currentSid(view), sid);

        clickHeader(view, SessionModel::TtlColumn);
        QCOMPARE(header->sortIndicatorSection(), int(SessionModel::TtlColumn));
        QCOMPARE(header->sortIndicatorOrder(), Qt::AscendingOrder);
        QCOMPARE(model->sortColumn(), int(SessionModel::TtlColumn));
        QCOMPARE(model->sortOrder(), Qt::AscendingOrder);
        QTRY_VERIFY(model->isLoaded());
        QCOMPARE(model->rowAt(0)->ttl, qint64(0));
        // The selection follows the session into the new order.
        QTRY_COMPARE(currentSid(view), sid);

        clickHeader(view, SessionModel::TtlColumn);
        QCOMPARE(model->sortOrder(), Qt::DescendingOrder);
        QCOMPARE(header->sortIndicatorOrder(), Qt::DescendingOrder);
        QTRY_VERIFY(model->isLoaded() && model->rowCount() > 0);
        QCOMPARE(model->rowAt(0)->ttl, qint64(3600));

        // A third click goes back to newest first.
        clickHeader(view, SessionModel::TtlColumn);
        QCOMPARE(header->sortIndicatorSection(), -1);
        QCOMPARE(model->sortColumn(), -1);
        QTRY_VERIFY(model->isLoaded() && model->rowCount() > 1);
        QVERIFY(model->rowAt(0)->id > model->rowAt(1)->id);
    }

    void numbersHeaderRefusesComputedColumn()
    {
        NumbersPane pane(m_ctx);
        pane.resize(1200, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.model()->setServiceSid(m_numbersService.sid);
        QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_VERIFY(pane.model()->isLoaded());
        QTableView *view = pane.view();
        clickHeader(view, NumberModel::NumberColumn);
        QCOMPARE(pane.model()->sortColumn(), int(NumberModel::NumberColumn));
        QTRY_VERIFY(pane.model()->isLoaded());
        const QStringList before = sidsOf(pane.model()->rows());
        QSignalSpy resets(pane.model(), &QAbstractItemModel::modelReset);
        clickHeader(view, NumberModel::CapabilitiesColumn);
        // Nothing happened: the order and the indicator stay on the Number column.
        QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(NumberModel::NumberColumn));
        QCOMPARE(view->horizontalHeader()->sortIndicatorOrder(), Qt::AscendingOrder);
        QCOMPARE(pane.model()->sortColumn(), int(NumberModel::NumberColumn));
        QCOMPARE(resets.count(), 0);
        QCOMPARE(sidsOf(pane.model()->rows()), before);
    }

    void servicesHeaderClicks()
    {
        ServicesPane pane(m_ctx);
        pane.resize(1200, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QTableView *view = pane.view();
        clickHeader(view, ServiceModel::UniqueNameColumn);
        QCOMPARE(m_services->sortColumn(), int(ServiceModel::UniqueNameColumn));
        QTRY_COMPARE(m_services->rowCount(), 3);
        QStringList names;
        for (const Service &s : m_services->rows()) {
            names.append(s.uniqueName);
        }
        QCOMPARE(names, QStringList({u"archive"_s, u"deliveries"_s, u"rides"_s}));
        clickHeader(view, ServiceModel::UniqueNameColumn);
        QTRY_COMPARE(m_services->rowCount(), 3);
        QCOMPARE(m_services->rowAt(0)->uniqueName, u"rides"_s);
        clickHeader(view, ServiceModel::UniqueNameColumn);
        QCOMPARE(m_services->sortColumn(), -1);
        QTRY_COMPARE(m_services->rowCount(), 3);
        QCOMPARE(m_services->rowAt(0)->uniqueName, u"archive"_s); // the newest
    }

    void debuggerHeaderClicks()
    {
        DebuggerPane pane(m_ctx);
        pane.resize(1200, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        connect(m_engine.host(), &EngineHost::debuggerEventRecorded, pane.log(),
                &DebuggerLogModel::handleEventRecorded);
        pane.log()->replay();
        QTRY_VERIFY(pane.log()->isLoaded());
        QVERIFY(m_engine.run([](EngineHost &host) {
            for (int code : {80905, 80614, 80901}) {
                DebuggerEvent e;
                e.code = code;
                e.message = u"sort me"_s;
                host.debugger()->record(e);
            }
            return true;
        }));
        QTRY_COMPARE(pane.log()->rowCount(), 3);
        QTableView *view = pane.view();
        QAbstractItemModel *shown = view->model();
        auto codes = [shown]() {
            QList<int> list;
            for (int r = 0; r < shown->rowCount(); ++r) {
                list.append(shown->index(r, DebuggerLogModel::CodeColumn).data(UnderlyingDataRole).toInt());
            }
            return list;
        };
        QCOMPARE(codes(), QList<int>({80905, 80614, 80901})); // the log's order: oldest first
        clickHeader(view, DebuggerLogModel::CodeColumn);
        QCOMPARE(view->horizontalHeader()->sortIndicatorSection(), int(DebuggerLogModel::CodeColumn));
        QCOMPARE(codes(), QList<int>({80614, 80901, 80905}));
        clickHeader(view, DebuggerLogModel::CodeColumn);
        QCOMPARE(codes(), QList<int>({80905, 80901, 80614}));
        clickHeader(view, DebuggerLogModel::CodeColumn);
        QCOMPARE(codes(), QList<int>({80905, 80614, 80901}));
    }

    void changesLandInPlaceWhileSorted()
    {
        SessionModel model(m_engine.reader());
        model.setCountdownInterval(0);
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::changed, &model, &SessionModel::handleChanges);
        model.setFilter(accountFilter());
        model.sort(SessionModel::TtlColumn, Qt::AscendingOrder);
        fetchAll(model);
        QCOMPARE(model.rowCount(), SESSIONS);

        // A TTL 0 session becomes TTL 60: it moves (one rowsMoved, no reset), and the whole order still holds.
        Session moving;
        for (const Session &s : model.rows()) {
            if (s.ttl == 0 && s.isActive() && moving.sid.isEmpty()) {
                moving = s;
            }
        }
        QVERIFY(!moving.sid.isEmpty());
        QSignalSpy moved(&model, &QAbstractItemModel::rowsMoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy resets(&model, &QAbstractItemModel::modelReset);
        QVERIFY(setTtl(moving.sid, 60));
        QTRY_COMPARE(moved.count(), 1);
        EngineFixture::settle();
        QCOMPARE(inserted.count(), 0);
        QCOMPARE(removed.count(), 0);
        QCOMPARE(resets.count(), 0);
        QCOMPARE(model.rowAt(model.rowOfSid(moving.sid))->ttl, qint64(60));
        QCOMPARE(sidsOf(model.rows()), expectedOrder(model.rows(), SessionModel::TtlColumn, Qt::AscendingOrder));

        // A new session lands in its place among the TTL 60 ones (the newest of them, so after them all).
        const Session fresh = m_engine
                                  .call([service = m_service.sid](Proxy &p, const QString &a) {
                                      SessionParams sp;
                                      sp.ttl = 60;
                                      return p.createSession(a, service, sp);
                                  })
                                  .value();
        QTRY_COMPARE(inserted.count(), 1);
        const int at = model.rowOfSid(fresh.sid);
        QVERIFY(at > 0);
        QCOMPARE(model.rowAt(at - 1)->ttl, qint64(60));
        QVERIFY(at == model.rowCount() - 1 || model.rowAt(at + 1)->ttl == 3600);
        QCOMPARE(sidsOf(model.rows()), expectedOrder(model.rows(), SessionModel::TtlColumn, Qt::AscendingOrder));
        QCOMPARE(resets.count(), 0);
        QVERIFY(setTtl(moving.sid, 0));
        QVERIFY(m_engine.call([service = m_service.sid, sid = fresh.sid](Proxy &p, const QString &a) {
            return p.deleteSession(a, service, sid);
        }));
        QTRY_COMPARE(model.rowCount(), SESSIONS);
    }

    void changesBeyondTheLoadedPage()
    {
        SessionModel model(m_engine.reader());
        model.setCountdownInterval(0);
        // No QAbstractItemModelTester here: it fetches more on every change it checks, and this test needs exactly one
        // page loaded (the other tests run it on sorted models).
        connect(m_engine.host(), &EngineHost::changed, &model, &SessionModel::handleChanges);
        model.setFilter(accountFilter());
        model.sort(SessionModel::TtlColumn, Qt::DescendingOrder);
        QTRY_VERIFY(model.isLoaded());
        QVERIFY(model.hasMore());
        QCOMPARE(model.rowCount(), PagedSqlModelBase::BATCH_SIZE);
        const qint64 lastTtl = model.rows().constLast().ttl;

        // A loaded TTL 3600 session drops to TTL 0, past the loaded page: it leaves, and comes back with a later page.
        Session leaving;
        for (const Session &s : model.rows()) {
            if (s.isActive() && leaving.sid.isEmpty()) {
                leaving = s;
            }
        }
        QCOMPARE(leaving.ttl, qint64(3600));
        QSignalSpy removed(&model, &QAbstractItemModel::rowsRemoved);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(setTtl(leaving.sid, 0));
        QTRY_COMPARE(removed.count(), 1);
        QCOMPARE(model.rowOfSid(leaving.sid), -1);

        // A TTL 0 session (not loaded) rises to 3600: it belongs in the loaded page and is inserted there.
        QString rising;
        {
            SessionModel all(m_engine.reader());
            all.setCountdownInterval(0);
            all.setFilter(accountFilter());
            fetchAll(all);
            for (const Session &s : all.rows()) {
                if (s.ttl == 0 && s.isActive() && s.sid != leaving.sid) {
                    rising = s.sid;
                    break;
                }
            }
        }
        QVERIFY(!rising.isEmpty());
        QCOMPARE(model.rowOfSid(rising), -1);
        QVERIFY(setTtl(rising, 3600));
        QTRY_COMPARE(inserted.count(), 1);
        QVERIFY(model.rowOfSid(rising) >= 0);
        QCOMPARE(model.rows().constLast().ttl, lastTtl);

        fetchAll(model);
        const QStringList got = sidsOf(model.rows());
        QCOMPARE(got.size(), SESSIONS);
        QCOMPARE(QSet<QString>(got.cbegin(), got.cend()).size(), SESSIONS);
        QVERIFY(got.contains(leaving.sid));
        QCOMPARE(got, expectedOrder(model.rows(), SessionModel::TtlColumn, Qt::DescendingOrder));
        QVERIFY(setTtl(leaving.sid, 3600));
        QVERIFY(setTtl(rising, 0));
    }
};

QTEST_MAIN(TestConsoleSort)
#include "tst_consolesort.moc"
