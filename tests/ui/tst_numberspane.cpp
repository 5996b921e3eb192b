// The Numbers pane's import and capabilities, driven as an operator would (offscreen, mouse and keyboard): numbers
// written nationally ("(415) 555-9004") are read in the pool's country, lines that are not numbers are reported by
// line number, a CSV's friendly_name names the numbers; a number's capabilities are edited in a dialog and the
// table shows the change. The GUI thread never waits on the engine: every step is waited for on its result.

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QStandardPaths>
#include <QTableView>

#include "enginefixture.h"
#include "numbermodel.h"
#include "numberspane.h"
#include "servicemodel.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

QPushButton *buttonNamed(QWidget *parent, const QString &text)
{
    const QList<QPushButton *> buttons = parent->findChildren<QPushButton *>();
    for (QPushButton *b : buttons) {
        if (b->text().remove(u'&') == text) {
            return b;
        }
    }
    return nullptr;
}

// With the keyboard, as an operator tabbing through the dialog would: Space toggles the focused box.
void toggle(QCheckBox *box)
{
    box->setFocus();
    QTest::keyClick(box, Qt::Key_Space);
}

template<typename Dialog>
Dialog *openDialog(QWidget *parent)
{
    Dialog *found = nullptr;
    (void)QTest::qWaitFor(
        [&]() {
            found = parent->findChild<Dialog *>();
            return found && found->isVisible();
        },
        5000);
    return found;
}

} // namespace

class TestNumbersPane final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;
    std::unique_ptr<ServiceModel> m_services;
    ConsoleContext m_ctx;

    const PhoneNumber *row(NumbersPane &pane, const QString &e164) const
    {
        for (int r = 0; r < pane.model()->rowCount(); ++r) {
            if (pane.model()->rowAt(r)->phoneNumber == e164) {
                return pane.model()->rowAt(r);
            }
        }
        return nullptr;
    }

    std::unique_ptr<NumbersPane> paneFor(const Service &service)
    {
        auto pane = std::make_unique<NumbersPane>(m_ctx);
        connect(m_engine.host(), &EngineHost::changed, pane->model(), &NumberModel::handleChanges);
        pane->resize(1024, 700);
        pane->show();
        [&]() {
            QTRY_VERIFY(m_services->indexOfSid(service.sid).isValid());
        }();
        pane->serviceCombo()->setCurrentSid(service.sid);
        return pane;
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

    void parseImport_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("region");
        QTest::addColumn<QStringList>("numbers"); // "line:number:friendly name"
        QTest::addColumn<QStringList>("skipped");
        QTest::newRow("national US") << u"(415) 555-9004\n415.555.9005, 415-555-9006"_s << u"US"_s
                                     << QStringList{u"1:+14155559004:"_s, u"2:+14155559005:"_s, u"2:+14155559006:"_s}
                                     << QStringList{};
        QTest::newRow("national GB") << u"020 7946 0000\n+1 415 555 9004"_s << u"GB"_s
                                     << QStringList{u"1:+442079460000:"_s, u"2:+14155559004:"_s} << QStringList{};
        QTest::newRow("bad lines by number")
            << u"+14155559004\n\n(415) 555\n# comment\n+1 555 123 4567"_s << u"US"_s
            << QStringList{u"1:+14155559004:"_s}
            << QStringList{u"line 3: \u201c(415) 555\u201d is not a valid phone number for US"_s,
                           u"line 5: \u201c+1 555 123 4567\u201d is not a valid phone number for US"_s};
        QTest::newRow("csv friendly_name")
            << u"friendly_name,phone_number\r\n\"Main, west\",(415) 555-9004\r\nBackup,\"+1 415 555 9005\"\r\n"
               u"Empty,\r\nJunk,hello\r\n"_s
            << u"US"_s << QStringList{u"2:+14155559004:Main, west"_s, u"3:+14155559005:Backup"_s}
            << QStringList{u"line 4: no phone number"_s,
                           u"line 5: \u201chello\u201d is not a valid phone number for US"_s};
        QTest::newRow("headerless csv labels are not numbers")
            << u"+14155559004,Main line\n(415) 555-9005,Backup"_s << u"US"_s
            << QStringList{u"1:+14155559004:"_s, u"2:+14155559005:"_s} << QStringList{};
    }

    void parseImport()
    {
        QFETCH(QString, text);
        QFETCH(QString, region);
        QFETCH(QStringList, numbers);
        QFETCH(QStringList, skipped);
        const NumbersPane::ImportPlan plan = NumbersPane::parseImport(text, region);
        QStringList got;
        for (const NumbersPane::ImportLine &l : plan.lines) {
            got.append(u"%1:%2:%3"_s.arg(l.line).arg(l.number, l.friendlyName));
        }
        QCOMPARE(got, numbers);
        QCOMPARE(plan.skipped, skipped);
    }

    void importDialogReadsNationalNumbersAndReportsLines()
    {
        const Service service = m_engine.makeService(u"import"_s);
        m_engine.addNumber(service.sid, u"+14155550200"_s); // the pool's country: US
        auto pane = paneFor(service);
        QAbstractItemModelTester tester(pane->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(pane->model()->rowCount(), 1);
        QCOMPARE(pane->serviceCountry(), u"US"_s);

        QTest::mouseClick(buttonNamed(pane.get(), u"Import list / CSV…"_s), Qt::LeftButton);
        auto *dialog = openDialog<ImportNumbersDialog>(pane.get());
        QVERIFY(dialog);
        dialog->editor()->setFocus();
        QTest::keyClicks(dialog->editor(), u"friendly_name,phone_number"_s);
        QTest::keyClick(dialog->editor(), Qt::Key_Return);
        QTest::keyClicks(dialog->editor(), u"Front desk,(415) 555-9004"_s);
        QTest::keyClick(dialog->editor(), Qt::Key_Return);
        QTest::keyClicks(dialog->editor(), u"Typo,(415) 555"_s);
        QTest::keyClick(dialog->editor(), Qt::Key_Return);
        QTest::keyClicks(dialog->editor(), u"Again,+14155550200"_s);
        QTest::mouseClick(buttonNamed(dialog, u"Import"_s), Qt::LeftButton);

        QTRY_VERIFY(pane->banner()->isVisible() && pane->banner()->text().startsWith(u"Imported"_s));
        const QString text = pane->banner()->text();
        QVERIFY2(text.startsWith(u"Imported 1 of 2 numbers. 1 line(s) skipped."_s), qPrintable(text));
        QVERIFY(pane->banner()->isError());
        QVERIFY2(text.contains(u"line 3: \u201c(415) 555\u201d is not a valid phone number for US"_s),
                 qPrintable(text));
        QVERIFY2(text.contains(u"line 4: +14155550200 — "_s), qPrintable(text)); // already in the pool
        QTRY_VERIFY(row(*pane, u"+14155559004"_s));
        QCOMPARE(row(*pane, u"+14155559004"_s)->friendlyName, u"Front desk"_s);
        QCOMPARE(pane->model()->rowCount(), 2);

        // The Add field reads a national number the same way.
        QLineEdit *field = pane->numberEdit();
        QVERIFY(field);
        field->setFocus();
        QTest::keyClicks(field, u"(415) 555-9007"_s);
        QTest::keyClick(field, Qt::Key_Return);
        QTRY_VERIFY(row(*pane, u"+14155559007"_s));
    }

    void capabilitiesAreEditedInADialog()
    {
        const Service service = m_engine.makeService(u"caps"_s);
        m_engine.addNumber(service.sid, u"+14155550300"_s);
        auto pane = paneFor(service);
        QAbstractItemModelTester tester(pane->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        QTRY_COMPARE(pane->model()->rowCount(), 1);
        const QModelIndex caps = pane->model()->index(0, NumberModel::CapabilitiesColumn);
        QCOMPARE(caps.data().toString(), u"voice, SMS, MMS"_s);
        QCOMPARE(pane->model()->headerData(NumberModel::CapabilitiesColumn, Qt::Horizontal).toString(),
                 u"Capabilities"_s);

        // Select the row with the mouse, open the dialog with the button.
        QTableView *view = pane->view();
        QTest::mouseClick(view->viewport(), Qt::LeftButton, {}, view->visualRect(pane->model()->index(0, 0)).center());
        QCOMPARE(view->currentIndex().row(), 0);
        QTest::mouseClick(buttonNamed(pane.get(), u"Capabilities…"_s), Qt::LeftButton);
        auto *dialog = openDialog<CapabilitiesDialog>(pane.get());
        QVERIFY(dialog);
        QVERIFY(dialog->box(0)->isChecked() && dialog->box(1)->isChecked() && !dialog->box(3)->isChecked());

        // Nothing checked: OK is off (a number needs a capability).
        for (int i = 0; i < 3; ++i) {
            toggle(dialog->box(i));
        }
        QVERIFY(!dialog->okButton()->isEnabled());
        toggle(dialog->box(1)); // SMS only
        QVERIFY(dialog->okButton()->isEnabled());
        QTest::mouseClick(dialog->okButton(), Qt::LeftButton);

        QTRY_COMPARE(pane->model()->index(0, NumberModel::CapabilitiesColumn).data().toString(), u"SMS"_s);
        QVERIFY2(pane->banner()->text().contains(u"now has: SMS"_s), qPrintable(pane->banner()->text()));
        const auto stored = m_engine.call([service, sid = pane->model()->rowAt(0)->sid](Proxy &p, const QString &a) {
            return p.fetchPhoneNumber(a, service.sid, sid);
        });
        QVERIFY(stored);
        QCOMPARE(stored->capabilities.voice, false);
        QCOMPARE(stored->capabilities.sms, true);
        QCOMPARE(stored->capabilities.mms, false);

        // Cancel changes nothing.
        QTest::mouseClick(buttonNamed(pane.get(), u"Capabilities…"_s), Qt::LeftButton);
        QTRY_VERIFY(pane->findChildren<CapabilitiesDialog *>().size() == 1 &&
                    pane->findChild<CapabilitiesDialog *>()->isVisible());
        auto *second = pane->findChild<CapabilitiesDialog *>();
        QVERIFY(!second->box(0)->isChecked() && second->box(1)->isChecked());
        toggle(second->box(0));
        QTest::keyClick(second, Qt::Key_Escape);
        QTRY_VERIFY(pane->findChildren<CapabilitiesDialog *>().isEmpty());
        QCOMPARE(pane->model()->index(0, NumberModel::CapabilitiesColumn).data().toString(), u"SMS"_s);
    }
};

QTEST_MAIN(TestNumbersPane)
#include "tst_numberspane.moc"
