// The Sessions pane and its dialogs, driven as a user would (offscreen): add a participant with an automatic and a
// pinned proxy number, see a refusal in words, close and re-open, and filter.

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QComboBox>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRadioButton>
#include <QStandardPaths>
#include <QTableView>

#include "enginefixture.h"
#include "interactionmodel.h"
#include "participantdialog.h"
#include "participantmodel.h"
#include "servicemodel.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "uihelpers.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

class TestSessionsPane final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;
    std::unique_ptr<ServiceModel> m_services;
    ConsoleContext m_ctx;
    Service m_service;
    PhoneNumber m_pinned;

    QString cell(QTableView *view, int row, int column) const
    {
        return view->model()->index(row, column).data().toString();
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
        m_engine.addNumber(m_service.sid, u"+14155550100"_s);
        m_engine.addNumber(m_service.sid, u"+14155550101"_s);
        m_pinned = m_engine.addNumber(m_service.sid, u"+14155550102"_s, true);
        QTRY_COMPARE(m_services->rowCount(), 1);
    }

    void cleanupTestCase()
    {
        m_services.reset();
        m_engine.stop();
    }

    void addParticipantAutomaticAndPinned()
    {
        const Session session = m_engine.makeSession(m_service.sid, {}, u"ride-auto"_s);
        {
            AddParticipantDialog dialog(m_ctx, m_service.sid, session.sid);
            dialog.show();
            QTest::keyClicks(dialog.identifierEdit(), u"+1 (415) 555-0150"_s);
            QVERIFY(dialog.automaticButton()->isChecked());
            QVERIFY(!dialog.numberCombo()->isEnabled());
            dialog.accept();
            QTRY_COMPARE(dialog.result(), int(QDialog::Accepted));
            QCOMPARE(dialog.added().identifier, u"+14155550150"_s);
            // Automatic selection never hands out a reserved number.
            QVERIFY(dialog.added().proxyIdentifier == u"+14155550100"_s ||
                    dialog.added().proxyIdentifier == u"+14155550101"_s);
        }
        {
            AddParticipantDialog dialog(m_ctx, m_service.sid, session.sid);
            dialog.show();
            QTest::keyClicks(dialog.identifierEdit(), u"+14155550151"_s);
            dialog.pinnedButton()->setChecked(true);
            QVERIFY(dialog.numberCombo()->isEnabled());
            QTRY_COMPARE(dialog.numberCombo()->count(), 3);
            dialog.numberCombo()->setCurrentIndex(dialog.numberCombo()->findText(u"+14155550102"_s));
            dialog.accept();
            QTRY_COMPARE(dialog.result(), int(QDialog::Accepted));
            QCOMPARE(dialog.added().proxyIdentifier, u"+14155550102"_s);
        }
        {
            // A third participant: the engine refuses, the dialog stays open and says why, with the code.
            AddParticipantDialog dialog(m_ctx, m_service.sid, session.sid);
            dialog.show();
            QTest::keyClicks(dialog.identifierEdit(), u"+14155550152"_s);
            dialog.accept();
            QTRY_VERIFY(dialog.banner()->isError());
            QCOMPARE(dialog.banner()->text(),
                     u"80609: A Session may have at most 2 participants; Session %1 already has 2"_s.arg(session.sid));
            QVERIFY(dialog.isVisible());
            QCOMPARE(dialog.result(), int(QDialog::Rejected));
        }

        // The pane shows both, with the mapping in plain words.
        SessionsPane pane(m_ctx);
        connect(m_engine.host(), &EngineHost::changed, pane.participants(), &ParticipantModel::handleChanges);
        pane.resize(1200, 800);
        pane.show();
        pane.setAccountSid(m_engine.account());
        pane.jumpToSession(session.sid);
        QTRY_COMPARE(pane.selectedSid(), session.sid);
        QTRY_COMPARE(pane.participantView()->model()->rowCount(), 2);
        QTRY_VERIFY(pane.mapping()->text().contains(u"+14155550151 ↔ +14155550102"_s));
        QVERIFY(pane.mapping()->text().contains(u"+14155550150 ↔ "_s));
        QVERIFY(pane.details()->text().contains(u"ride-auto"_s));
    }

    void closeAndReopen()
    {
        const Session session = m_engine.makeSession(m_service.sid, {u"+14155550160"_s}, u"ride-close"_s);
        SessionsPane pane(m_ctx);
        connect(m_engine.host(), &EngineHost::changed, pane.model(), &SessionModel::handleChanges);
        connect(m_engine.host(), &EngineHost::changed, pane.participants(), &ParticipantModel::handleChanges);
        pane.model()->setCountdownInterval(0);
        QAbstractItemModelTester tester(pane.model(), QAbstractItemModelTester::FailureReportingMode::QtTest);
        pane.resize(1200, 800);
        pane.show();
        pane.setAccountSid(m_engine.account());
        pane.selectSession(session.sid);
        QTRY_COMPARE(pane.selectedSid(), session.sid);
        const int row = pane.model()->rowOfSid(session.sid);
        QCOMPARE(cell(pane.view(), row, SessionModel::StatusColumn), u"Open"_s);

        QSignalSpy changed(pane.model(), &QAbstractItemModel::dataChanged);
        const auto confirm = answerNextMessageBox(QMessageBox::Yes);
        pane.closeSelected();
        QVERIFY(confirm->answered);
        QTRY_COMPARE(cell(pane.view(), pane.model()->rowOfSid(session.sid), SessionModel::StatusColumn), u"Closed"_s);
        EngineFixture::settle();
        QCOMPARE(changed.count(), 1);
        QTRY_COMPARE(pane.banner()->text(), u"Session %1 closed."_s.arg(session.sid));
        QVERIFY(pane.details()->text().contains(u"Closed"_s));
        QTRY_COMPARE(pane.participantView()->model()->index(0, ParticipantModel::StateColumn).data().toString(),
                     u"inactive (session closed)"_s);

        // Closing again is refused by the engine, in words.
        pane.closeSelected();
        QTRY_VERIFY(pane.banner()->isError());
        QVERIFY(pane.banner()->text().startsWith(u"80607: "_s) || pane.banner()->text().startsWith(u"80608: "_s));

        pane.reopenSelected();
        QTRY_COMPARE(cell(pane.view(), pane.model()->rowOfSid(session.sid), SessionModel::StatusColumn),
                     u"In progress"_s);
        QTRY_COMPARE(pane.banner()->text(), u"Session %1 re-opened (in progress)."_s.arg(session.sid));
        QTRY_COMPARE(pane.participantView()->model()->index(0, ParticipantModel::StateColumn).data().toString(),
                     u"active"_s);
    }

    void filters()
    {
        const Session target = m_engine.makeSession(m_service.sid, {u"+14155550170"_s}, u"needle-1"_s);
        m_engine.makeSession(m_service.sid, {u"+14155550171"_s}, u"hay-1"_s);
        SessionsPane pane(m_ctx);
        pane.model()->setCountdownInterval(0);
        pane.resize(1200, 800);
        pane.show();
        pane.setAccountSid(m_engine.account());
        QTRY_VERIFY(pane.model()->isLoaded());
        QVERIFY(pane.model()->rowCount() >= 2);

        QTest::keyClicks(pane.identifierFilter(), u"+1 415 555 0170"_s);
        // Typing pauses, then the filter applies (in SQL).
        QTRY_VERIFY(pane.model()->sessionFilter().identifier == u"+1 415 555 0170"_s && pane.model()->isLoaded());
        QCOMPARE(pane.view()->model()->rowCount(), 1);
        QCOMPARE(cell(pane.view(), 0, SessionModel::UniqueNameColumn), u"needle-1"_s);
        QTRY_COMPARE(pane.summary()->text(), u"1 session(s)"_s);

        pane.identifierFilter()->clear();
        QTest::keyClicks(pane.textFilter(), u"hay"_s);
        pane.applyFilters();
        QTRY_VERIFY(pane.model()->isLoaded());
        QCOMPARE(pane.view()->model()->rowCount(), 1);
        QCOMPARE(cell(pane.view(), 0, SessionModel::UniqueNameColumn), u"hay-1"_s);

        pane.textFilter()->clear();
        pane.statusCombo()->setCurrentIndex(pane.statusCombo()->findData(u"closed"_s));
        QTRY_VERIFY(pane.model()->isLoaded() && pane.model()->sessionFilter().status == u"closed"_s);
        for (int r = 0; r < pane.view()->model()->rowCount(); ++r) {
            QCOMPARE(cell(pane.view(), r, SessionModel::StatusColumn), u"Closed"_s);
        }
        QCOMPARE(pane.model()->rowOfSid(target.sid), -1);

        // "Who holds this number": active sessions on a proxy number.
        pane.showHolders(m_service.sid, m_pinned.sid, m_pinned.phoneNumber);
        QTRY_VERIFY(pane.model()->isLoaded() && pane.model()->sessionFilter().proxyNumber == m_pinned.phoneNumber);
        QCOMPARE(pane.proxyNumberFilter()->text(), m_pinned.phoneNumber);
        QVERIFY(pane.view()->model()->rowCount() >= 1);
        QCOMPARE(cell(pane.view(), 0, SessionModel::UniqueNameColumn), u"ride-auto"_s);

        pane.clearFilters();
        QTRY_VERIFY(pane.model()->isLoaded());
        QVERIFY(pane.view()->model()->rowCount() >= 4);
    }
};

QTEST_MAIN(TestSessionsPane)
#include "tst_sessionspane.moc"
