// The Services and Numbers panes driven as an operator would (offscreen): a service edited in the form while someone
// else changes it keeps what the operator typed; a pasted list and a CSV file import into the pool, and each line the
// engine refuses is reported with its reason instead of being skipped.

#include <QLineEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>

#include "enginefixture.h"
#include "numbermodel.h"
#include "numberspane.h"
#include "servicemodel.h"
#include "servicespane.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

class TestPoolPanes final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;
    std::unique_ptr<ServiceModel> m_services;
    ConsoleContext m_ctx;

    Result<Service> updateElsewhere(const QString &sid, const QString &callbackUrl)
    {
        return m_engine.call([sid, callbackUrl](Proxy &p, const QString &account) {
            ServiceParams params;
            params.callbackUrl = callbackUrl;
            return p.updateService(account, sid, params);
        });
    }

    QStringList pool(NumbersPane &pane) const
    {
        QStringList numbers;
        for (int r = 0; r < pane.model()->rowCount(); ++r) {
            numbers.append(pane.model()->rowAt(r)->phoneNumber);
        }
        numbers.sort();
        return numbers;
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
    }

    void cleanupTestCase()
    {
        m_services.reset();
        m_engine.stop();
    }

    void serviceFormKeepsAnUnsavedEdit()
    {
        const Service service = m_engine.makeService(u"desk"_s);
        ServicesPane pane(m_ctx);
        pane.show();
        QTRY_VERIFY(m_services->indexOfSid(service.sid).isValid());
        pane.view()->setCurrentIndex(m_services->indexOfSid(service.sid));
        QCOMPARE(pane.uniqueNameEdit()->text(), u"desk"_s);

        // A clean form follows a change made elsewhere (the REST API, another node).
        QVERIFY(updateElsewhere(service.sid, u"https://example.com/one"_s));
        QTRY_COMPARE(pane.callbackUrlEdit()->text(), u"https://example.com/one"_s);

        // The operator starts typing; a change elsewhere must not wipe it, and the banner says what happened.
        pane.callbackUrlEdit()->clear();
        QTest::keyClicks(pane.callbackUrlEdit(), u"https://example.com/mine"_s);
        QVERIFY(updateElsewhere(service.sid, u"https://example.com/two"_s));
        QTRY_VERIFY(pane.banner()->isVisible());
        QVERIFY2(pane.banner()->text().contains(u"changed elsewhere"_s), qPrintable(pane.banner()->text()));
        QCOMPARE(pane.callbackUrlEdit()->text(), u"https://example.com/mine"_s);

        // Both sides changed the callback URL: the first Save names the conflict and writes nothing; the second is
        // the operator's decision and writes their value. The form is clean again and follows the next change.
        QTest::mouseClick(pane.saveButton(), Qt::LeftButton);
        QTRY_VERIFY2(pane.banner()->text().startsWith(u"Not saved"_s), qPrintable(pane.banner()->text()));
        QVERIFY(pane.banner()->text().contains(u"Callback URL: stored https://example.com/two, yours "
                                               u"https://example.com/mine"_s));
        QTest::mouseClick(pane.saveButton(), Qt::LeftButton);
        QTRY_VERIFY(pane.banner()->text().startsWith(u"Saved desk"_s));
        auto stored = m_engine.call(
            [sid = service.sid](Proxy &p, const QString &account) { return p.fetchService(account, sid); });
        QVERIFY(stored);
        QCOMPARE(stored->callbackUrl, u"https://example.com/mine"_s);
        QVERIFY(updateElsewhere(service.sid, u"https://example.com/three"_s));
        QTRY_COMPARE(pane.callbackUrlEdit()->text(), u"https://example.com/three"_s);
    }

    void parseNumberList_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QStringList>("numbers");
        QTest::newRow("pasted, one line") << u"+14155550100, +1 (415) 555-0101; +14155550102"_s
                                          << QStringList{u"+14155550100"_s, u"+14155550101"_s, u"+14155550102"_s};
        QTest::newRow("pasted, spaces before +")
            << u"+14155550100 +14155550101\n\n# a comment\n+14155550102"_s
            << QStringList{u"+14155550100"_s, u"+14155550101"_s, u"+14155550102"_s};
        QTest::newRow("headerless csv keeps numbers, drops labels")
            << u"+14155550100,Main line\n+14155550101,Backup"_s << QStringList{u"+14155550100"_s, u"+14155550101"_s};
        QTest::newRow("csv with a phone_number column")
            << u"friendly_name,phone_number\r\n\"Main, west\",+14155550100\r\nBackup,\"+1 415 555 0101\"\r\nEmpty,\r\n"_s
            << QStringList{u"+14155550100"_s, u"+14155550101"_s};
        QTest::newRow("csv row with no number is reported, not skipped")
            << u"phone_number,name\nnot-a-number,x\n+14155550100,y"_s
            << QStringList{u"not-a-number"_s, u"+14155550100"_s};
        QTest::newRow("quoted quotes") << u"number,note\n\"+14155550100\",\"say \"\"hi\"\", ok\"\n"_s
                                       << QStringList{u"+14155550100"_s};
        QTest::newRow("pool SIDs pass through")
            << u"PN0123456789abcdef0123456789abcdef"_s << QStringList{u"PN0123456789abcdef0123456789abcdef"_s};
    }

    void parseNumberList()
    {
        QFETCH(QString, text);
        QFETCH(QStringList, numbers);
        QCOMPARE(NumbersPane::parseNumberList(text), numbers);
    }

    void importReportsEachRefusal()
    {
        const Service service = m_engine.makeService(u"pool"_s);
        m_engine.addNumber(service.sid, u"+14155550200"_s);
        NumbersPane pane(m_ctx);
        connect(m_engine.host(), &EngineHost::changed, pane.model(), &NumberModel::handleChanges);
        pane.show();
        QTRY_VERIFY(m_services->indexOfSid(service.sid).isValid());
        pane.serviceCombo()->setCurrentSid(service.sid);
        QTRY_COMPARE(pane.model()->rowCount(), 1);

        pane.importNumbers(NumbersPane::parseNumberList(u"phone_number\n+14155550201\nnot-a-number\n+14155550200\n"
                                                        u"+14155550202\n"_s),
                           false);
        QTRY_VERIFY(pane.banner()->isVisible() && pane.banner()->text().startsWith(u"Imported"_s));
        const QString text = pane.banner()->text();
        QVERIFY2(text.startsWith(u"Imported 2 of 4 numbers."_s), qPrintable(text));
        QVERIFY(pane.banner()->isError());
        QVERIFY2(text.contains(u"not-a-number — "_s), qPrintable(text));
        QVERIFY2(text.contains(u"+14155550200 — "_s), qPrintable(text)); // already in the pool
        QTRY_COMPARE(pool(pane), (QStringList{u"+14155550200"_s, u"+14155550201"_s, u"+14155550202"_s}));
    }
};

QTEST_MAIN(TestPoolPanes)
#include "tst_poolpanes.moc"
