// The console an operator can trust (issue 14), driven with the keyboard and mouse (offscreen): settings that cannot
// lock the operator out, a masked auth token in an owner-only file, a New session dialog that names its Service,
// confirmations before destructive actions, menu items enabled exactly like their buttons, and the first-run path.

#include <QAbstractItemModelTester>
#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QPushButton>
#include <QSettings>
#include <QStandardPaths>
#include <QTableView>

#include "enginefixture.h"
#include "enginesimulator.h"
#include "mainwindow.h"
#include "participantdialog.h"
#include "participantmodel.h"
#include "servicemodel.h"
#include "servicespane.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "settingsdialog.h"
#include "uihelpers.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {
const QString GOOD_SID = u"AC0123456789abcdef0123456789abcdef"_s;
constexpr QFile::Permissions OTHERS = QFile::ReadGroup | QFile::WriteGroup | QFile::ExeGroup | QFile::ReadOther |
                                      QFile::WriteOther | QFile::ExeOther | QFile::ExeOwner;
} // namespace

class TestConsoleTrust final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;

    static void retype(QLineEdit *edit, const QString &text)
    {
        edit->setFocus();
        edit->selectAll();
        QTest::keyClick(edit, Qt::Key_Backspace);
        QTest::keyClicks(edit, text);
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    // 1. The dialog refuses what would stop the next start, says why, and shows the webhook URLs for Twilio.
    void settingsDialogValidates()
    {
        ConsoleSettings start;
        start.carrier = u"simulator"_s;
        SettingsDialog dialog(start);
        dialog.show();
        QVERIFY(QTest::qWaitForWindowExposed(&dialog));
        QVERIFY(dialog.saveButton()->isEnabled());
        QVERIFY(!dialog.problemsLabel()->isVisible());

        // Twilio with the SID "hello" and no token: Save is off and each reason is shown.
        dialog.carrierCombo()->setFocus();
        QTest::keyClick(dialog.carrierCombo(), Qt::Key_Down);
        QCOMPARE(dialog.carrierCombo()->currentData().toString(), u"twilio"_s);
        QTest::keyClicks(dialog.twilioSidEdit(), u"hello"_s);
        QVERIFY(!dialog.saveButton()->isEnabled());
        QVERIFY(dialog.problemsLabel()->isVisible());
        const QString problems = dialog.problemsLabel()->text();
        QVERIFY2(problems.contains(u"AC followed by 32 hex digits"_s), qPrintable(problems));
        QVERIFY2(problems.contains(u"auth token is required"_s), qPrintable(problems));
        QVERIFY2(problems.contains(u"public URL is required while signatures are checked"_s), qPrintable(problems));
        // Enter does not save an unusable configuration either.
        QTest::keyClick(&dialog, Qt::Key_Return);
        QVERIFY(dialog.isVisible());
        QCOMPARE(dialog.result(), int(QDialog::Rejected));

        retype(dialog.twilioSidEdit(), GOOD_SID);
        QTest::keyClicks(dialog.twilioTokenEdit(), u"0123456789abcdef0123456789abcdef"_s);
        QVERIFY(!dialog.saveButton()->isEnabled());
        QVERIFY(dialog.webhooksLabel()->text().contains(u"Set the public URL"_s));
        QTest::keyClicks(dialog.publicUrlEdit(), u"https://proxy.example.com/"_s);
        QVERIFY2(dialog.saveButton()->isEnabled(), qPrintable(dialog.problemsLabel()->text()));
        QVERIFY(!dialog.problemsLabel()->isVisible());
        const QString hooks = dialog.webhooksLabel()->text();
        QVERIFY2(hooks.contains(u"https://proxy.example.com/carrier/twilio/sms"_s), qPrintable(hooks));
        QVERIFY(hooks.contains(u"https://proxy.example.com/carrier/twilio/voice"_s));
        QVERIFY(hooks.contains(u"https://proxy.example.com/carrier/twilio/status"_s));

        // Without signature checks the public URL is optional again.
        dialog.publicUrlEdit()->clear();
        QVERIFY(!dialog.saveButton()->isEnabled());
        QTest::mouseClick(dialog.signaturesCheck(), Qt::LeftButton, {},
                          QPoint(8, dialog.signaturesCheck()->height() / 2));
        QVERIFY(!dialog.signaturesCheck()->isChecked());
        QVERIFY(dialog.saveButton()->isEnabled());

        QTest::mouseClick(dialog.saveButton(), Qt::LeftButton);
        QCOMPARE(dialog.result(), int(QDialog::Accepted));
        const ConsoleSettings saved = dialog.settings();
        QCOMPARE(saved.twilioAccountSid, GOOD_SID);
        QVERIFY(saved.validate().isEmpty());
    }

    void validateMatchesTheEngine()
    {
        ConsoleSettings s;
        s.carrier = u"simulator"_s;
        QVERIFY(s.validate().isEmpty());
        s.twilioAccountSid = u"hello"_s; // the engine refuses a malformed SID even with the simulator
        QCOMPARE(s.validate().size(), 1);
        QCOMPARE(s.validate().constFirst().field, SettingsProblem::Field::TwilioAccountSid);
        s.twilioAccountSid.clear();
        s.listen = u"localhost"_s;
        QCOMPARE(s.validate().constFirst().field, SettingsProblem::Field::Listen);
        s.listen = u"[::1]:0"_s;
        QVERIFY(s.validate().isEmpty());
        QCOMPARE(ConsoleSettings::webhookUrls(QString()), QStringList());
    }

    // 1. At start-up, a bad saved configuration asks instead of exiting.
    void startupProblemOffersAWayOut()
    {
        ConsoleSettings bad;
        bad.carrier = u"twilio"_s;
        bad.twilioAccountSid = u"hello"_s;
        {
            StartupProblemDialog dialog(u"--twilio-account-sid expects AC followed by 32 hex digits"_s, bad.validate());
            dialog.show();
            QVERIFY(QTest::qWaitForWindowExposed(&dialog));
            // In words, without the flag the operator never typed.
            QVERIFY(dialog.messageLabel()->text().contains(u"Twilio account SID is AC followed by 32 hex"_s));
            QVERIFY(!dialog.messageLabel()->text().contains(u"--twilio"_s));
            QTest::mouseClick(dialog.simulatorButton(), Qt::LeftButton);
            QCOMPARE(dialog.choice(), StartupProblemDialog::StartWithSimulator);
            QCOMPARE(dialog.result(), int(QDialog::Accepted));
        }
        {
            StartupProblemDialog dialog(u"something"_s, {});
            dialog.show();
            QVERIFY(dialog.messageLabel()->text().contains(u"something"_s));
            QTest::keyClick(&dialog, Qt::Key_Return); // the default button: Fix settings
            QCOMPARE(dialog.choice(), StartupProblemDialog::FixSettings);
        }
    }

    // 2. The token is typed masked, revealed on request, and stored in an owner-only file, never in QSettings.
    void tokenIsMaskedAndStoredPrivately()
    {
        const QString ini = m_dir.filePath(u"conf/maskline.conf"_s);
        const QString token = u"f00dfacef00dfacef00dfacef00dface"_s;
        {
            QSettings legacy(ini, QSettings::IniFormat);
            legacy.setValue(u"engine/twilio_auth_token"_s, token); // as an older version saved it
            legacy.sync();
        }
        QSettings settings(ini, QSettings::IniFormat);
        ConsoleSettings loaded = ConsoleSettings::load(settings);
        QCOMPARE(loaded.twilioAuthToken, token);
        settings.sync();
        const QString tokenFile = ConsoleSettings::tokenFilePath(settings);
        QVERIFY(QFile::exists(tokenFile));
        QCOMPARE(QFile::permissions(tokenFile) & OTHERS, QFile::Permissions()); // 0600: nobody but the owner
        QVERIFY(QFile::permissions(tokenFile) & QFile::ReadOwner);
        QFile conf(ini);
        QVERIFY(conf.open(QIODevice::ReadOnly));
        QVERIFY2(!conf.readAll().contains(token.toUtf8()), "the token is still in the settings file");

        loaded.twilioAuthToken = u"another"_s;
        loaded.save(settings);
        settings.sync();
        QCOMPARE(ConsoleSettings::load(settings).twilioAuthToken, u"another"_s);
        QVERIFY(!settings.contains(u"engine/twilio_auth_token"_s));
        QCOMPARE(QFile::permissions(tokenFile) & OTHERS, QFile::Permissions());

        // Exported for the engine like every other setting, and cleared again on request.
        qunsetenv("MASKLINE_TWILIO_AUTH_TOKEN");
        const QList<QByteArray> set = loaded.applyToEnvironment(settings);
        QVERIFY(set.contains("MASKLINE_TWILIO_AUTH_TOKEN"));
        QCOMPARE(qEnvironmentVariable("MASKLINE_TWILIO_AUTH_TOKEN"), u"another"_s);
        ConsoleSettings::clearEnvironment(set);
        QVERIFY(!qEnvironmentVariableIsSet("MASKLINE_TWILIO_AUTH_TOKEN"));

        // Masked in the dialog, with a reveal toggle.
        loaded.carrier = u"twilio"_s;
        SettingsDialog dialog(loaded);
        dialog.show();
        QCOMPARE(dialog.twilioTokenEdit()->echoMode(), QLineEdit::Password);
        QTest::mouseClick(dialog.revealTokenButton(), Qt::LeftButton);
        QCOMPARE(dialog.twilioTokenEdit()->echoMode(), QLineEdit::Normal);
        QTest::mouseClick(dialog.revealTokenButton(), Qt::LeftButton);
        QCOMPARE(dialog.twilioTokenEdit()->echoMode(), QLineEdit::Password);

        // Masked in Credentials too.
        Account account;
        account.sid = GOOD_SID;
        account.authToken = token;
        CredentialsDialog credentials(account, u"http://127.0.0.1:8080"_s);
        credentials.show();
        auto *tokenEdit = credentials.findChild<QLineEdit *>(u"authToken"_s);
        QVERIFY(tokenEdit);
        QCOMPARE(tokenEdit->echoMode(), QLineEdit::Password);
        auto *reveal = credentials.findChild<QPushButton *>(u"authTokenReveal"_s);
        QVERIFY(reveal);
        QTest::mouseClick(reveal, Qt::LeftButton);
        QCOMPARE(tokenEdit->echoMode(), QLineEdit::Normal);
        QCOMPARE(credentials.findChild<QLineEdit *>(u"accountSid"_s)->echoMode(), QLineEdit::Normal);
    }

    // 3–6 against a live engine.
    void sessionsAgainstALiveEngine()
    {
        EngineFixture engine;
        QVERIFY(engine.start());
        EngineSimulator simulator(engine.client(), engine.reader());
        MainWindow window(engine.client(), engine.reader(), &simulator);
        window.attachEngine(engine.host());
        window.resize(1280, 800);
        window.showTab(MainWindow::SessionsTab);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        SessionsPane *pane = window.sessionsPane();
        QAbstractItemModelTester tester(pane->model(), QAbstractItemModelTester::FailureReportingMode::QtTest);

        // 6. An empty store gets the first-run checklist, not a blank table.
        QTRY_VERIFY(pane->model()->isLoaded() && pane->firstRunGuide()->isVisible());
        QVERIFY(pane->firstRunGuide()->text().contains(u"Create a Service"_s));
        QVERIFY(pane->firstRunGuide()->text().contains(u"Try the Simulator"_s));
        QVERIFY(pane->firstRunGuide()->text().contains(u"open a demo store"_s));

        const Service rides = engine.makeService(u"rides"_s);
        const Service food = engine.makeService(u"food"_s);
        engine.addNumber(rides.sid, u"+14155550700"_s);
        engine.addNumber(rides.sid, u"+14155550701"_s);
        QTRY_COMPARE(window.servicesPane()->view()->model()->rowCount(), 2);

        // 3. The Service field starts at the filtered Service; with "All services", at the first one listed.
        auto *services = window.findChild<ServiceModel *>();
        QVERIFY(services);
        const ConsoleContext ctx{engine.client(), engine.reader(), nullptr, nullptr, services, nullptr};
        {
            NewSessionDialog dialog(ctx, rides.sid);
            dialog.show();
            QCOMPARE(dialog.serviceCombo()->currentSid(), rides.sid);
        }
        {
            NewSessionDialog dialog(ctx, QString());
            dialog.show();
            QVERIFY(!dialog.serviceCombo()->currentSid().isEmpty());
            // "food" has no numbers: the refusal names the Service it came from, and the dialog shows all of it.
            dialog.serviceCombo()->setCurrentSid(food.sid);
            QTest::keyClicks(dialog.firstEdit(), u"+14155550710"_s);
            QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
            QTRY_VERIFY(dialog.banner()->isError());
            const QString error = dialog.banner()->text();
            QVERIFY2(error.startsWith(u"Service food (%1) refused the session — 80"_s.arg(food.sid)),
                     qPrintable(error));
            QVERIFY(dialog.isVisible());
            QVERIFY(dialog.banner()->height() >= dialog.banner()->heightForWidth(dialog.banner()->width()));
            QVERIFY(dialog.geometry().height() >= dialog.minimumSizeHint().height());

            dialog.serviceCombo()->setCurrentSid(rides.sid);
            QVERIFY(!dialog.banner()->isVisible()); // an old banner goes with the next action
            retype(dialog.firstEdit(), u"+14155550711"_s);
            QTest::keyClicks(dialog.secondEdit(), u"+14155550712"_s);
            QTest::keyClicks(dialog.uniqueNameEdit(), u"ride-trust"_s);
            QTest::mouseClick(dialog.createButton(), Qt::LeftButton);
            QTRY_COMPARE(dialog.result(), int(QDialog::Accepted));
            QCOMPARE(dialog.created().serviceSid, rides.sid);
        }
        const Session ride = engine.makeSession(rides.sid, {u"+14155550720"_s, u"+14155550721"_s}, u"ride-2"_s);

        // 6. With sessions, the checklist goes.
        QTRY_VERIFY(!pane->firstRunGuide()->isVisible());

        // 4. Menu items and buttons agree: nothing selected, nothing to close.
        QMenu *menu = nullptr;
        for (QAction *a : window.menuBar()->actions()) {
            if (a->menu() && a->menu()->actions().contains(pane->closeAction())) {
                menu = a->menu();
            }
        }
        QVERIFY2(menu, "the Sessions menu carries the pane's own actions");
        QVERIFY(menu->actions().contains(pane->removeParticipantAction()));
        QVERIFY(!pane->closeAction()->isEnabled());
        QVERIFY(!pane->closeButton()->isEnabled());
        // Ctrl+W closes nothing: no action in the window has it.
        for (QAction *a : window.findChildren<QAction *>()) {
            QVERIFY2(a->shortcut() != QKeySequence(u"Ctrl+W"_s), qPrintable(a->text()));
        }

        pane->selectSession(ride.sid);
        QTRY_COMPARE(pane->selectedSid(), ride.sid);
        QTRY_VERIFY(pane->closeButton()->isEnabled());
        QVERIFY(pane->closeAction()->isEnabled());
        QVERIFY(!pane->removeParticipantAction()->isEnabled()); // no participant chosen yet
        QVERIFY(!pane->removeParticipantButton()->isEnabled());

        // Close asks first; Cancel leaves the session as it was.
        {
            const auto answer = answerNextMessageBox(QMessageBox::Cancel);
            QTest::mouseClick(pane->closeButton(), Qt::LeftButton);
            QVERIFY(answer->answered);
            QVERIFY(answer->text.contains(u"ride-2"_s));
            EngineFixture::settle();
            QCOMPARE(pane->selectedSession()->status, SessionStatus::OPEN);
        }

        // Remove participant asks too, naming who and where.
        QTRY_COMPARE(pane->participants()->rowCount(), 2);
        pane->participantView()->setFocus();
        pane->participantView()->selectRow(0);
        QTRY_VERIFY(pane->removeParticipantButton()->isEnabled());
        QVERIFY(pane->removeParticipantAction()->isEnabled());
        const QString who = pane->participants()->rowAt(0)->identifier;
        {
            const auto answer = answerNextMessageBox(QMessageBox::Cancel);
            QTest::mouseClick(pane->removeParticipantButton(), Qt::LeftButton);
            QVERIFY(answer->answered);
            QVERIFY2(answer->text.contains(who) && answer->text.contains(u"cannot be undone"_s),
                     qPrintable(answer->text));
            EngineFixture::settle();
            QCOMPARE(pane->participants()->rowCount(), 2);
            QVERIFY(!pane->participants()->rowAt(0)->dateDeleted.isValid());
        }
        {
            const auto answer = answerNextMessageBox(QMessageBox::Yes);
            pane->removeParticipantAction()->trigger(); // the menu item does what the button does
            QVERIFY(answer->answered);
            QTRY_VERIFY(pane->participantBanner()->text().startsWith(u"Removed %1"_s.arg(who)));
        }
        {
            const auto answer = answerNextMessageBox(QMessageBox::Yes);
            pane->closeAction()->trigger();
            QVERIFY(answer->answered);
            QTRY_COMPARE(pane->banner()->text(), u"Session %1 closed."_s.arg(ride.sid));
            QTRY_VERIFY(!pane->closeButton()->isEnabled());
            QVERIFY(!pane->closeAction()->isEnabled());
            QVERIFY(pane->reopenAction()->isEnabled());
        }

        // Delete service says how many active sessions it ends (ride-trust is still open).
        ServicesPane *servicesPane = window.servicesPane();
        window.showTab(MainWindow::ServicesTab);
        servicesPane->selectService(rides.sid);
        {
            const auto answer = answerNextMessageBox(QMessageBox::Cancel);
            servicesPane->deleteService();
            QTRY_VERIFY(answer->answered);
            QVERIFY2(answer->text.contains(u"It ends 1 active session(s)"_s), qPrintable(answer->text));
        }
        servicesPane->selectService(food.sid);
        {
            const auto answer = answerNextMessageBox(QMessageBox::Cancel);
            servicesPane->deleteService();
            QTRY_VERIFY(answer->answered);
            QVERIFY2(answer->text.contains(u"It has no active session."_s), qPrintable(answer->text));
        }

        // 6. File > Open demo store writes a demo store to a temporary file and announces it.
        QSignalSpy created(&window, &MainWindow::demoStoreCreated);
        QAction *demo = window.findChild<QAction *>(u"openDemoStore"_s);
        QVERIFY(demo);
        demo->trigger();
        QTRY_COMPARE_WITH_TIMEOUT(created.count(), 1, 60000);
        const QString path = created.at(0).at(0).toString();
        QVERIFY(QFile::exists(path));
        QVERIFY(QFileInfo(path).size() > 0);
        StoreReader demoReader(StoreConfig::fromLocation(path));
        ServiceModel demoServices(&demoReader);
        EngineFixture demoEngine;
        QVERIFY(demoEngine.start(path));
        demoServices.setAccountSid(demoEngine.account());
        QTRY_COMPARE(demoServices.rowCount(), 2);
        demoEngine.stop();
        QDir(QFileInfo(path).absolutePath()).removeRecursively();
    }
};

QTEST_MAIN(TestConsoleTrust)
#include "tst_consoletrust.moc"
