// The operator console, issue 14 points 5 (429 refusals), 7, 8, 9 and 10, driven with the keyboard and mouse
// (offscreen) against a live engine: rate-limit refusals in the Debugger, the Traffic chart and the session's list;
// an event's SIDs and numbers as links with names; the Simulator's To list from the pool; a Service save that keeps
// concurrent changes and names the conflicting fields; session TTL/expiry, a message sent as a participant, an
// interaction deleted, the account's flags; Tab out of tables; whole-number chart ticks; plural counts.

#include <cmath>

#include <QAbstractItemModelTester>
#include <QAuthenticator>
#include <QChart>
#include <QChartView>
#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTableView>
#include <QTextBlock>
#include <QTextBrowser>
#include <QTextCursor>
#include <QTextDocument>
#include <QValueAxis>

#include "debuggerlogmodel.h"
#include "debuggerpane.h"
#include "enginefixture.h"
#include "enginesimulator.h"
#include "interactionmodel.h"
#include "participantdialog.h"
#include "participantmodel.h"
#include "servicemodel.h"
#include "servicespane.h"
#include "sessiondialogs.h"
#include "sessionmodel.h"
#include "sessionspane.h"
#include "simulatorpane.h"
#include "trafficmodel.h"
#include "trafficpane.h"
#include "uihelpers.h"
#include "widgets.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

// POSTs `count` form requests to `path` at once and returns their HTTP statuses.
QList<int> flood(EngineFixture &engine, const QString &path, const QByteArray &body, int count)
{
    QNetworkAccessManager nam;
    const QByteArray auth =
        "Basic " + (engine.account() + u':' + engine.client()->account().authToken).toUtf8().toBase64();
    QList<int> statuses;
    QList<QNetworkReply *> replies;
    for (int i = 0; i < count; ++i) {
        QNetworkRequest request(QUrl(engine.client()->listenUrl() + path));
        request.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
        request.setRawHeader("Authorization", auth);
        replies.append(nam.post(request, body));
    }
    for (QNetworkReply *reply : std::as_const(replies)) {
        if (!reply->isFinished()) {
            QSignalSpy done(reply, &QNetworkReply::finished);
            done.wait(20000);
        }
        statuses.append(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt());
        reply->deleteLater();
    }
    return statuses;
}

// Clicks the first anchor whose text starts with `text` in a QTextBrowser, as a user would with the mouse.
bool clickLink(QTextBrowser *browser, const QString &text)
{
    const QTextCursor found = browser->document()->find(text);
    if (found.isNull()) {
        return false;
    }
    QTextCursor at(browser->document());
    at.setPosition(found.selectionStart() + 1);
    if (!at.charFormat().isAnchor()) {
        return false;
    }
    browser->setTextCursor(at);
    browser->ensureCursorVisible();
    QTest::mouseClick(browser->viewport(), Qt::LeftButton, {}, browser->cursorRect(at).center());
    return true;
}

} // namespace

class TestConsoleOps final : public QObject
{
    Q_OBJECT

private:
    EngineFixture m_engine;
    std::unique_ptr<ServiceModel> m_services;

    ConsoleContext context(SimulatorBackend *simulator = nullptr) const
    {
        return ConsoleContext{m_engine.client(), m_engine.reader(), simulator, nullptr, m_services.get(), nullptr};
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        m_engine.setRateLimit(2); // bursts of up to 10 in 5 s (RateLimiter), then 429
        QVERIFY(m_engine.start());
        m_services = std::make_unique<ServiceModel>(m_engine.reader());
        connect(m_engine.host(), &EngineHost::changed, m_services.get(), &ServiceModel::handleChanges);
        m_services->setAccountSid(m_engine.account());
    }

    void cleanupTestCase()
    {
        m_services.reset();
        m_engine.stop();
    }

    // 5. A flood the rate limit refuses shows in the Debugger (one event per scope per second, with the count),
    // in the Traffic chart (every refused request), and in the session's own list when the path names a session.
    void rateLimitRefusalsAreVisible()
    {
        const Service service = m_engine.makeService(u"flood"_s);
        m_engine.addNumber(service.sid, u"+14155550900"_s);
        const Session session = m_engine.makeSession(service.sid, {u"+14155550910"_s}, u"flooded"_s);

        TrafficModel traffic(m_engine.reader());
        QAbstractItemModelTester trafficTester(&traffic, QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::debuggerEventRecorded, &traffic, &TrafficModel::handleEventRecorded);
        traffic.backfill();
        QSignalSpy backfilled(&traffic, &TrafficModel::backfilled);
        QVERIFY(backfilled.wait());
        QCOMPARE(traffic.total(TrafficModel::RefusedColumn), 0);

        QList<DebuggerEvent> events;
        auto record =
            connect(m_engine.host(), &EngineHost::debuggerEventRecorded, this, [&events](const DebuggerEvent &e) {
                if (e.code == TrafficModel::RATE_LIMIT_CODE) {
                    events.append(e);
                }
            });
        const QList<int> sms =
            flood(m_engine, u"/carrier/simulator/sms"_s, "From=%2B14155550910&To=%2B14155550900&Body=hello", 40);
        const int refusedSms = int(sms.count(429));
        QVERIFY2(refusedSms >= 20, qPrintable(u"only %1 of 40 refused"_s.arg(refusedSms)));

        // The first refusal is recorded at once; the rest of that second arrive together as one event.
        auto refusedIn = [](const QList<DebuggerEvent> &list) {
            int n = 0;
            for (const DebuggerEvent &e : list) {
                n += TrafficModel::refusalsIn(e);
            }
            return n;
        };
        QTRY_COMPARE_WITH_TIMEOUT(refusedIn(events), refusedSms, 5000);
        QVERIFY2(events.size() <= 4, qPrintable(u"%1 events for one flood"_s.arg(events.size())));
        QCOMPARE(events.constFirst().logLevel, u"error"_s);
        QVERIFY(
            events.constFirst().message.startsWith(u"Too Many Requests: 1 refused on POST /carrier/simulator/sms"_s));
        QVERIFY(events.constFirst().requestVariables.contains(u"Body=hello"_s));
        QTRY_COMPARE(traffic.total(TrafficModel::RefusedColumn), refusedSms);

        // A flood on a session's own endpoint names the session: its Refused & dropped list shows it.
        events.clear();
        const QString path = u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(service.sid, session.sid);
        const QList<int> adds = flood(m_engine, path, "Identifier=%2B14155550911", 20);
        const int refusedAdds = int(adds.count(429));
        QVERIFY(refusedAdds >= 5);
        QTRY_COMPARE_WITH_TIMEOUT(refusedIn(events), refusedAdds, 5000);
        for (const DebuggerEvent &e : std::as_const(events)) {
            QCOMPARE(e.sessionSid, session.sid);
            QCOMPARE(e.serviceSid, service.sid);
        }

        // The store has them too: a fresh chart (a console started later) backfills the same total.
        TrafficModel later(m_engine.reader());
        QSignalSpy laterBackfilled(&later, &TrafficModel::backfilled);
        later.backfill();
        QVERIFY(laterBackfilled.wait());
        QCOMPARE(later.total(TrafficModel::RefusedColumn), refusedSms + refusedAdds);

        SessionsPane pane(context());
        pane.setAccountSid(m_engine.account());
        pane.resize(1200, 800);
        pane.show();
        pane.jumpToSession(session.sid);
        QTRY_COMPARE(pane.selectedSid(), session.sid);
        QTRY_VERIFY(pane.refusals()->rowCount() >= 1);
        bool shown = false;
        for (int r = 0; r < pane.refusals()->rowCount(); ++r) {
            shown = shown || pane.refusals()->eventAt(r)->code == TrafficModel::RATE_LIMIT_CODE;
        }
        QVERIFY(shown);
    }

    // 7. Every SID and number in an event's details is a link with its name beside it; the body is decoded.
    void debuggerDetailsLinkEverything()
    {
        const Service service = m_engine.makeService(u"ride-links"_s);
        const PhoneNumber proxyNumber = m_engine.addNumber(service.sid, u"+14155550800"_s);
        const Session session = m_engine.makeSession(service.sid, {u"+14155550810"_s}, u"ride-1"_s);
        auto people = m_engine.call([svc = service.sid, sid = session.sid](Proxy &p, const QString &a) {
            return p.listParticipants(a, svc, sid, {});
        });
        QVERIFY(people && people->items.size() == 1);
        const Participant participant = people->items.constFirst();
        QVERIFY(m_engine.run([&](EngineHost &host) {
            DebuggerEvent e;
            e.code = 80902;
            e.serviceSid = service.sid;
            e.sessionSid = session.sid;
            e.participantSid = participant.sid;
            e.message = u"No active session for +14155550810 on +14155550800"_s;
            e.requestMethod = u"POST"_s;
            e.requestUrl = u"http://127.0.0.1/carrier/twilio/sms"_s;
            e.requestVariables = u"From=%2B14155550810&To=%2B14155550800&Body=Where+are+you%3F+%C3%A9"_s;
            e.responseBody = u"<Response/>"_s;
            host.debugger()->record(e);
            return true;
        }));

        DebuggerPane pane(context());
        pane.resize(1024, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        pane.log()->replay();
        QTRY_VERIFY(pane.view()->model()->rowCount() >= 1);
        int row = -1;
        for (int r = 0; r < pane.view()->model()->rowCount(); ++r) {
            if (pane.view()->model()->index(r, DebuggerLogModel::CodeColumn).data().toInt() == 80902) {
                row = r;
            }
        }
        QVERIFY(row >= 0);
        pane.view()->setFocus();
        const QRect cell = pane.view()->visualRect(pane.view()->model()->index(row, DebuggerLogModel::MessageColumn));
        QTest::mouseClick(pane.view()->viewport(), Qt::LeftButton, {}, cell.center());

        // Names arrive from the reader: "ride-1 · KC…" beside the SIDs.
        QTRY_VERIFY(pane.detailsView()->toPlainText().contains(u"ride-1 · "_s + session.sid));
        const QString text = pane.detailsView()->toPlainText();
        QVERIFY(text.contains(u"ride-links · "_s + service.sid));
        QVERIFY(text.contains(u"+14155550810 · "_s + participant.sid));
        QVERIFY2(text.contains(u"Body: Where are you? é"_s), qPrintable(text));
        QVERIFY(text.contains(u"To: +14155550800"_s));
        const QString html = pane.detailsView()->toHtml();
        QVERIFY(html.contains(u"maskline:service/"_s + service.sid));
        QVERIFY(html.contains(u"maskline:participant/%1/%2"_s.arg(session.sid, participant.sid)));
        QVERIFY2(html.contains(u"maskline:holders/"_s + service.sid + u'/' + proxyNumber.sid + u"/%2B14155550800"_s),
                 qPrintable(html));
        QVERIFY(html.contains(u"maskline:identifier/%2B14155550810"_s));

        QSignalSpy sessions(&pane, &DebuggerPane::sessionRequested);
        QSignalSpy holders(&pane, &DebuggerPane::holdersRequested);
        QSignalSpy servicesAsked(&pane, &DebuggerPane::serviceRequested);
        QVERIFY(clickLink(pane.detailsView(), u"ride-1 · "_s + session.sid));
        QTRY_COMPARE(sessions.size(), 1);
        QCOMPARE(sessions.constFirst().constFirst().toString(), session.sid);
        QVERIFY(clickLink(pane.detailsView(), u"ride-links · "_s + service.sid));
        QTRY_COMPARE(servicesAsked.size(), 1);
        QVERIFY(clickLink(pane.detailsView(), u"+14155550800"_s));
        QTRY_COMPARE(holders.size(), 1);
        QCOMPARE(holders.constFirst().at(0).toString(), service.sid);
        QCOMPARE(holders.constFirst().at(2).toString(), u"+14155550800"_s);
    }

    // 7. The Simulator's To list is the pool, each number with its Service; the number decides the routing.
    void simulatorToListIsThePool()
    {
        const Service a = m_engine.makeService(u"sim-a"_s);
        const Service b = m_engine.makeService(u"sim-b"_s);
        m_engine.addNumber(a.sid, u"+14155550600"_s);
        m_engine.addNumber(b.sid, u"+14155550601"_s);
        const Session session = m_engine.makeSession(b.sid, {u"+14155550610"_s, u"+14155550611"_s});
        EngineSimulator simulator(m_engine.client(), m_engine.reader());
        QTRY_VERIFY(simulator.isAvailable());
        SimulatorPane pane(context(&simulator));
        connect(m_engine.host(), &EngineHost::changed, &pane, &SimulatorPane::handleChanges);
        pane.resize(1024, 700);
        pane.show();
        QTRY_VERIFY(pane.toCombo()->findData(u"+14155550600"_s) >= 0);
        QVERIFY(pane.toCombo()->findData(u"+14155550601"_s) >= 0);
        QVERIFY(pane.toCombo()->itemText(pane.toCombo()->findData(u"+14155550601"_s)).contains(u"sim-b"_s));
        QVERIFY(pane.findChildren<ServiceCombo *>().isEmpty()); // no Service box to contradict the number

        // A number added elsewhere appears without a restart.
        m_engine.addNumber(a.sid, u"+14155550602"_s);
        QTRY_VERIFY(pane.toCombo()->findData(u"+14155550602"_s) >= 0);

        auto people = m_engine.call([svc = b.sid, sid = session.sid](Proxy &p, const QString &acc) {
            return p.listParticipants(acc, svc, sid, {});
        });
        QVERIFY(people && people->items.size() == 2);
        const Participant sender = people->items.at(1);
        QTest::keyClicks(pane.fromEdit(), sender.identifier);
        pane.toCombo()->setFocus();
        pane.toCombo()->setCurrentIndex(pane.toCombo()->findData(sender.proxyIdentifier));
        QCOMPARE(pane.toNumber(), sender.proxyIdentifier);
        QTest::keyClicks(pane.bodyEdit(), u"picked from the list"_s);
        QTest::keyClick(pane.bodyEdit(), Qt::Key_Return);
        QTRY_VERIFY2(pane.banner()->text().contains(u"routed"_s), qPrintable(pane.banner()->text()));
    }

    // 9. Save sends only what the operator changed: a change made elsewhere meanwhile stays, and a field changed on
    // both sides is named, in the warning colour, instead of being overwritten.
    void serviceSaveKeepsConcurrentChanges()
    {
        const Service service = m_engine.makeService(u"concurrent"_s);
        ServicesPane pane(context());
        pane.resize(1024, 700);
        pane.show();
        pane.selectService(service.sid);
        QTRY_COMPARE(pane.uniqueNameEdit()->text(), u"concurrent"_s);

        // The operator types a callback URL; meanwhile the REST API changes the default TTL.
        pane.callbackUrlEdit()->setFocus();
        QTest::keyClicks(pane.callbackUrlEdit(), u"https://example.com/status"_s);
        auto elsewhere = [&](qint64 ttl) {
            auto r = m_engine.call([sid = service.sid, ttl](Proxy &p, const QString &a) {
                ServiceParams sp;
                sp.defaultTtl = ttl;
                return p.updateService(a, sid, sp);
            });
            QVERIFY(r);
        };
        elsewhere(600);
        QTRY_VERIFY(pane.banner()->text().contains(u"changed elsewhere"_s));
        // The untouched field follows the store at once; the typed one is left alone.
        QTRY_COMPARE(pane.defaultTtlBox()->value(), 600);
        QCOMPARE(pane.callbackUrlEdit()->text(), u"https://example.com/status"_s);
        QTest::mouseClick(pane.saveButton(), Qt::LeftButton);
        QTRY_VERIFY2(pane.banner()->text().startsWith(u"Saved concurrent"_s), qPrintable(pane.banner()->text()));
        auto stored = m_engine.call([sid = service.sid](Proxy &p, const QString &a) { return p.fetchService(a, sid); });
        QVERIFY(stored);
        QCOMPARE(stored->defaultTtl, qint64(600)); // kept, not written back as 0
        QCOMPARE(stored->callbackUrl, u"https://example.com/status"_s);
        QCOMPARE(pane.defaultTtlBox()->value(), 600);

        // Both sides change the TTL: not saved, the TTL field is marked and the banner says what is stored.
        pane.defaultTtlBox()->setFocus();
        pane.defaultTtlBox()->selectAll();
        QTest::keyClicks(pane.defaultTtlBox(), u"300"_s);
        QCOMPARE(pane.defaultTtlBox()->value(), 300);
        elsewhere(900);
        QTest::mouseClick(pane.saveButton(), Qt::LeftButton);
        QTRY_VERIFY2(pane.banner()->text().startsWith(u"Not saved"_s), qPrintable(pane.banner()->text()));
        QVERIFY(pane.banner()->kind() == MessageBanner::Kind::Warning);
        QVERIFY(pane.banner()->text().contains(u"Default TTL: stored 900, yours 300"_s));
        QCOMPARE(pane.conflictingFields(), QList<int>{1});
        QVERIFY(!pane.defaultTtlBox()->styleSheet().isEmpty());
        QVERIFY(pane.callbackUrlEdit()->styleSheet().isEmpty());
        stored = m_engine.call([sid = service.sid](Proxy &p, const QString &a) { return p.fetchService(a, sid); });
        QCOMPARE(stored->defaultTtl, qint64(900));

        // A second Save is the operator's decision: their value goes in, and the marks go.
        QTest::mouseClick(pane.saveButton(), Qt::LeftButton);
        QTRY_VERIFY(pane.banner()->text().startsWith(u"Saved"_s));
        stored = m_engine.call([sid = service.sid](Proxy &p, const QString &a) { return p.fetchService(a, sid); });
        QCOMPARE(stored->defaultTtl, qint64(300));
        QVERIFY(pane.conflictingFields().isEmpty());
        QVERIFY(pane.defaultTtlBox()->styleSheet().isEmpty());
    }

    // 8. TTL and expiry edited, a session created with an expiry, a message sent as a participant, an interaction
    // deleted — each through its dialog, with the keyboard and mouse.
    void sessionOperatorActions()
    {
        const Service service = m_engine.makeService(u"actions"_s);
        m_engine.addNumber(service.sid, u"+14155550400"_s);
        m_engine.addNumber(service.sid, u"+14155550401"_s);
        const ConsoleContext ctx = context();

        // Create with a date_expiry.
        QTRY_VERIFY(m_services->rowOfSid(service.sid) >= 0);
        NewSessionDialog create(ctx, service.sid);
        create.show();
        QTRY_COMPARE(create.serviceCombo()->currentSid(), service.sid);
        QTest::keyClicks(create.uniqueNameEdit(), u"expiring"_s);
        create.expiryEdit()->enabledBox()->setFocus();
        QTest::keyClick(create.expiryEdit()->enabledBox(), Qt::Key_Space);
        const QDateTime wanted = QDateTime::currentDateTimeUtc().addDays(2);
        create.expiryEdit()->dateTimeEdit()->setDateTime(wanted.toLocalTime());
        QTest::keyClicks(create.firstEdit(), u"+14155550410"_s);
        QTest::keyClicks(create.secondEdit(), u"+14155550411"_s);
        QTest::mouseClick(create.createButton(), Qt::LeftButton);
        QTRY_VERIFY2(create.result() == QDialog::Accepted, qPrintable(create.banner()->text()));
        const Session session = create.created();
        QVERIFY(session.dateExpiry.isValid());
        QCOMPARE(session.dateExpiry.toSecsSinceEpoch() / 60, wanted.toSecsSinceEpoch() / 60);

        SessionsPane pane(ctx);
        QAbstractItemModelTester interactionsTester(pane.interactions(),
                                                    QAbstractItemModelTester::FailureReportingMode::QtTest);
        connect(m_engine.host(), &EngineHost::changed, pane.model(), &SessionModel::handleChanges);
        connect(m_engine.host(), &EngineHost::changed, pane.participants(), &ParticipantModel::handleChanges);
        connect(m_engine.host(), &EngineHost::changed, pane.interactions(), &InteractionModel::handleChanges);
        pane.setAccountSid(m_engine.account());
        pane.resize(1024, 700);
        pane.show();
        pane.jumpToSession(session.sid);
        QTRY_COMPARE(pane.selectedSid(), session.sid);
        QTRY_COMPARE(pane.participants()->rowCount(), 2);
        QTRY_VERIFY(pane.editAction()->isEnabled());
        QTRY_VERIFY(pane.sendMessageAction()->isEnabled());
        QVERIFY(!pane.deleteInteractionAction()->isEnabled());

        // TTL and expiry: set a TTL, clear the expiry.
        {
            EditSessionDialog edit(ctx, *pane.selectedSession());
            edit.show();
            QVERIFY(edit.expiryEdit()->enabledBox()->isChecked());
            edit.ttlBox()->setFocus();
            edit.ttlBox()->selectAll();
            QTest::keyClicks(edit.ttlBox(), u"3600"_s);
            edit.expiryEdit()->enabledBox()->setFocus();
            QTest::keyClick(edit.expiryEdit()->enabledBox(), Qt::Key_Space);
            QTest::mouseClick(edit.saveButton(), Qt::LeftButton);
            QTRY_COMPARE(edit.result(), int(QDialog::Accepted));
            QCOMPARE(edit.updated().ttl, qint64(3600));
            QVERIFY(!edit.updated().dateExpiry.isValid());
        }
        QTRY_COMPARE(pane.selectedSession()->ttl, qint64(3600));

        // Send as a participant: the interaction appears in the timeline.
        const Participant first = pane.participants()->rows().constLast();
        {
            SendMessageDialog send(ctx, *pane.selectedSession(), pane.participants()->rows(), first.sid);
            send.show();
            QCOMPARE(send.participantCombo()->currentData().toString(), first.sid);
            QTest::mouseClick(send.sendButton(), Qt::LeftButton);
            QTRY_VERIFY(send.banner()->isError()); // an empty body is refused before it reaches the engine
            send.bodyEdit()->setFocus();
            QTest::keyClicks(send.bodyEdit(), u"Your driver is here"_s);
            QTest::mouseClick(send.sendButton(), Qt::LeftButton);
            QTRY_COMPARE(send.result(), int(QDialog::Accepted));
            QVERIFY(send.sent().sid.startsWith(u"KI"_s));
        }
        QTRY_COMPARE(pane.interactions()->rowCount(), 1);
        QCOMPARE(pane.interactions()->index(0, InteractionModel::ContentColumn).data().toString(),
                 u"Your driver is here"_s);

        // Delete it with the Delete key: asked first, then gone from the timeline.
        pane.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&pane));
        pane.detailTabs()->setCurrentWidget(pane.interactionView()->parentWidget());
        pane.interactionView()->setFocus();
        pane.interactionView()->setCurrentIndex(pane.interactions()->index(0, 0));
        QTRY_VERIFY(pane.deleteInteractionAction()->isEnabled());
        QSignalSpy removed(pane.interactions(), &QAbstractItemModel::rowsRemoved);
        auto answer = answerNextMessageBox(QMessageBox::Yes);
        QTest::keyClick(pane.interactionView(), Qt::Key_Delete);
        QTRY_VERIFY(answer->answered);
        QVERIFY(answer->text.contains(u"Your driver is here"_s));
        QTRY_COMPARE(pane.interactions()->rowCount(), 0);
        QCOMPARE(removed.size(), 1);
    }

    // 8. The account's flags, with what FailOnParticipantConflict does under each.
    void accountSettings()
    {
        AccountSettingsDialog dialog(context());
        dialog.show();
        QTRY_VERIFY(dialog.isLoaded());
        QVERIFY(!dialog.allowConflictBox()->isChecked());
        QVERIFY(dialog.conflictExplanation()->text().contains(u"changes nothing"_s));
        QVERIFY(!dialog.stopFilteringBox()->isEnabled());
        dialog.allowConflictBox()->setFocus();
        QTest::keyClick(dialog.allowConflictBox(), Qt::Key_Space);
        QVERIFY(dialog.conflictExplanation()->text().contains(u"refuses it instead"_s));
        QTest::keyClick(dialog.allowConflictBox(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), dialog.respectStopBox());
        QTest::keyClick(dialog.respectStopBox(), Qt::Key_Space);
        QVERIFY(dialog.stopFilteringBox()->isEnabled());
        QVERIFY(dialog.stopExplanation()->text().startsWith(u"On, filtering on"_s));
        QTest::mouseClick(dialog.saveButton(), Qt::LeftButton);
        QTRY_COMPARE(dialog.result(), int(QDialog::Accepted));
        auto account = m_engine.call([](Proxy &p, const QString &a) { return p.fetchAccount(a); });
        QVERIFY(account);
        QVERIFY(account->allowParticipantConflict);
        QVERIFY(account->respectSmsStopFilter);
        QVERIFY(account->smsStopFiltering);
    }

    // 10. Tab leaves a table; the arrow keys move within it.
    void tabLeavesTables()
    {
        SessionsPane pane(context());
        pane.setAccountSid(m_engine.account());
        pane.resize(1024, 700);
        pane.show();
        QVERIFY(QTest::qWaitForWindowExposed(&pane));
        QTRY_VERIFY(pane.model()->rowCount() >= 2);
        pane.view()->setFocus();
        pane.view()->setCurrentIndex(pane.model()->index(0, 0));
        QTest::keyClick(pane.view(), Qt::Key_Down);
        QCOMPARE(pane.view()->currentIndex().row(), 1);
        QCOMPARE(QApplication::focusWidget(), pane.view());
        QTest::keyClick(pane.view(), Qt::Key_Tab);
        QVERIFY(QApplication::focusWidget() != pane.view());
        QCOMPARE(pane.view()->currentIndex().row(), 1);

        // The filter row reads left to right: Service, Status, text, then the second row.
        pane.serviceCombo()->setFocus();
        QTest::keyClick(pane.serviceCombo(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), pane.statusCombo());
        QTest::keyClick(pane.statusCombo(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), pane.textFilter());
        QTest::keyClick(pane.textFilter(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), pane.identifierFilter());
        QTest::keyClick(pane.identifierFilter(), Qt::Key_Tab);
        QCOMPARE(QApplication::focusWidget(), pane.proxyNumberFilter());
        QVERIFY(!pane.view()->accessibleName().isEmpty());
    }

    // 10. The chart's y axis has whole-number ticks, and each minute is drawn as a flat step.
    void trafficChartIsHonest()
    {
        QCOMPARE(TrafficPane::tickStep(0), 1);
        QCOMPARE(TrafficPane::tickStep(3), 1);
        QCOMPARE(TrafficPane::tickStep(7), 2);
        QCOMPARE(TrafficPane::tickStep(25), 5);
        QCOMPARE(TrafficPane::tickStep(450), 100);
        TrafficPane pane(context());
        pane.resize(1024, 700);
        pane.show();
        pane.model()->backfill();
        auto *y = qobject_cast<QValueAxis *>(pane.chart()->axes(Qt::Vertical).constFirst());
        QVERIFY(y);
        QTRY_VERIFY(pane.model()->total(TrafficModel::RefusedColumn) > 0); // the refusals of the first test
        const int peak = pane.model()->peak();
        QTRY_VERIFY(y->max() >= peak);
        QCOMPARE(y->tickType(), QValueAxis::TicksDynamic);
        QCOMPARE(y->tickInterval(), double(TrafficPane::tickStep(peak)));
        QCOMPARE(std::fmod(y->max(), y->tickInterval()), 0.0);
        auto *view = pane.findChild<QChartView *>();
        QVERIFY(view);
        QCOMPARE(view->accessibleName(), u"Traffic chart"_s);
    }
};

QTEST_MAIN(TestConsoleOps)
#include "tst_consoleops.moc"
