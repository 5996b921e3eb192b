// Crash safety: a real maskline-server under a mix of REST writes (session creates with participants) and inbound
// simulator messages is killed with SIGKILL at a random moment and started again on the same SQLite file, several
// times. After every kill: PRAGMA integrity_check is ok, every request answered 2xx before the kill is in the store,
// no interaction and no carrier send is there twice; after every restart the outbox sends what was waiting, and the
// messages that were in flight when the server died, sent again with the same MessageSid, are not recorded twice.
//
// The server answers a write only after the commit of the batch it was part of (group commit), so "2xx before the
// kill" must mean "on disk": this test is the proof.
//
// MASKLINE_CRASH_CYCLES (default 5) sets the number of kills; MASKLINE_SOAK_SECONDS (default 0) adds a mixed load of
// that many seconds without kills at the end (`make soak` runs 50 cycles and 600 seconds); both print their figures.

#include <QElapsedTimer>
#include <QEventLoop>
#include <QFile>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSet>
#include <QSqlDatabase>
#include <QSqlQuery>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>
#include <QUrlQuery>

using namespace Qt::Literals::StringLiterals;

namespace {

const QString ACCOUNT_SID = u"AC"_s + u"0123456789abcdef"_s.repeated(2);
const QString AUTH_TOKEN = u"crash-safety-token"_s;
constexpr int POOL_NUMBERS = 20;
constexpr int IN_FLIGHT = 16;
constexpr int START_TIMEOUT_MS = 30000;
constexpr int REQUEST_TIMEOUT_MS = 30000;

int envInt(const char *name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok ? v : fallback;
}

// A valid North American number of its own for each k (exchange 200-999 of area code 212).
QString identifier(quint64 k)
{
    return u"+1212%1%2"_s.arg(200 + (k / 10000) % 800).arg(k % 10000, 4, 10, QChar(u'0'));
}

QString hex32(quint64 n)
{
    return u"%1"_s.arg(n, 32, 16, QChar(u'0'));
}

// Work a request stands for, kept until its answer comes, so what was acknowledged can be checked later.
struct Pending
{
    enum class Kind
    {
        Session,
        Message,
    };
    Kind kind = Kind::Session;
    QString messageSid; // Message: sent again after a restart when unanswered
    QString from;
    QString to;
};

struct Pair
{
    QString identifier;
    QString proxyIdentifier;
};

} // namespace

class TestCrashSafety final : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void crashCycles();
    void soak();
    void cleanupTestCase();

private:
    bool startServer();
    void killServer();
    QNetworkRequest request(const QString &path) const;
    QNetworkReply *post(const QString &path, const QUrlQuery &form);
    // One request, waited for; the parsed JSON body (empty on failure) and the status.
    QJsonObject postAndWait(const QString &path, const QUrlQuery &form, int *status = nullptr);
    void sendOne();
    void handleFinished(QNetworkReply *reply);
    // Keeps IN_FLIGHT requests going until `stop` says so or the deadline passes.
    void runLoad(const std::function<bool()> &stop, qint64 deadlineMs, bool topUp = true);
    void refreshPairs();
    void verifyStore(const QString &when);
    // Without claims: nothing queued is left. With them: attempts cut short by a kill are redone too, once their
    // claim lapses (OutboxConfig::claimMs, 120 s), and every recorded Interaction has its carrier send.
    bool outboxDrained(bool includingClaims);
    QSqlDatabase openStore();

    QTemporaryDir m_dir;
    QString m_dbPath;
    QString m_server;
    QProcess *m_process = nullptr;
    QString m_base;
    QString m_serviceSid;
    std::unique_ptr<QNetworkAccessManager> m_nam;
    QHash<QNetworkReply *, Pending> m_pending;
    QList<Pair> m_pairs;
    QSet<QString> m_ackedSessions;
    QSet<QString> m_ackedInteractions;
    QList<Pending> m_unanswered;
    quint64 m_counter = 0;
    qint64 m_acks = 0;
    qint64 m_failures = 0;
    qint64 m_latencyTotalMs = 0;
    qint64 m_latencyMaxMs = 0;
    QHash<QNetworkReply *, qint64> m_started;
    QElapsedTimer m_clock;
    QRandomGenerator m_random{quint32(QDateTime::currentMSecsSinceEpoch())};
    int m_cycles = 0;
};

QNetworkRequest TestCrashSafety::request(const QString &path) const
{
    QNetworkRequest req(QUrl(m_base + path));
    req.setHeader(QNetworkRequest::ContentTypeHeader, u"application/x-www-form-urlencoded"_s);
    req.setRawHeader("Authorization", "Basic " + (ACCOUNT_SID + u':' + AUTH_TOKEN).toUtf8().toBase64());
    req.setTransferTimeout(REQUEST_TIMEOUT_MS);
    return req;
}

QNetworkReply *TestCrashSafety::post(const QString &path, const QUrlQuery &form)
{
    // QUrlQuery leaves '+' alone, which a form decoder reads as a space: encode it.
    QByteArray body = form.query(QUrl::FullyEncoded).toUtf8();
    body.replace("+", "%2B");
    return m_nam->post(request(path), body);
}

QJsonObject TestCrashSafety::postAndWait(const QString &path, const QUrlQuery &form, int *status)
{
    QNetworkReply *reply = post(path, form);
    QEventLoop loop;
    connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
    if (!reply->isFinished()) {
        loop.exec();
    }
    const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status) {
        *status = code;
    }
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    reply->deleteLater();
    return json;
}

bool TestCrashSafety::startServer()
{
    m_process = new QProcess(this);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(u"MASKLINE_ACCOUNT_SID"_s, ACCOUNT_SID);
    env.insert(u"MASKLINE_AUTH_TOKEN"_s, AUTH_TOKEN);
    m_process->setProcessEnvironment(env);
    m_process->start(m_server, {u"--db"_s, m_dbPath, u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s, u"off"_s,
                                u"--carrier"_s, u"simulator"_s});
    static const QRegularExpression listening(u"listening on (http://127\\.0\\.0\\.1:\\d+)"_s);
    QByteArray output;
    QElapsedTimer timer;
    timer.start();
    while (timer.elapsed() < START_TIMEOUT_MS && m_process->state() != QProcess::NotRunning) {
        m_process->waitForReadyRead(1000);
        output += m_process->readAll();
        const QRegularExpressionMatch m = listening.match(QString::fromUtf8(output));
        if (m.hasMatch()) {
            m_base = m.captured(1);
            // The rest of its log is not needed; reading it keeps the pipe from filling.
            connect(m_process, &QProcess::readyRead, m_process, [p = m_process] { p->readAll(); });
            m_nam = std::make_unique<QNetworkAccessManager>();
            return true;
        }
    }
    qWarning().noquote() << "maskline-server did not start:" << output.right(4000);
    return false;
}

void TestCrashSafety::killServer()
{
    m_process->kill(); // SIGKILL: no shutdown code runs
    m_process->waitForFinished(START_TIMEOUT_MS);
    QCOMPARE(m_process->exitStatus(), QProcess::CrashExit);
    // The replies still open fail now; what they stood for was never acknowledged.
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (it->kind == Pending::Kind::Message) {
            m_unanswered.append(*it);
        }
    }
    const QList<QNetworkReply *> open = m_pending.keys();
    m_pending.clear();
    m_started.clear();
    for (QNetworkReply *reply : open) {
        reply->disconnect(this);
        reply->abort();
        reply->deleteLater();
    }
    m_nam.reset();
    m_process->deleteLater();
    m_process = nullptr;
}

void TestCrashSafety::sendOne()
{
    Pending p;
    QNetworkReply *reply = nullptr;
    const quint64 n = ++m_counter;
    if (m_pairs.isEmpty() || m_random.bounded(2) == 0) {
        p.kind = Pending::Kind::Session;
        QUrlQuery form;
        form.addQueryItem(u"UniqueName"_s, u"crash-%1-%2"_s.arg(m_cycles).arg(n));
        // Identifiers unique per participant, so any pool number can serve them.
        form.addQueryItem(u"Participants"_s, uR"({"Identifier":"%1"})"_s.arg(identifier(2 * n)));
        form.addQueryItem(u"Participants"_s, uR"({"Identifier":"%1"})"_s.arg(identifier(2 * n + 1)));
        reply = post(u"/v1/Services/%1/Sessions"_s.arg(m_serviceSid), form);
    } else {
        const Pair &pair = m_pairs.at(m_random.bounded(int(m_pairs.size())));
        p.kind = Pending::Kind::Message;
        p.messageSid = u"SM"_s + hex32(n);
        p.from = pair.identifier;
        p.to = pair.proxyIdentifier;
        QUrlQuery form;
        form.addQueryItem(u"From"_s, p.from);
        form.addQueryItem(u"To"_s, p.to);
        form.addQueryItem(u"Body"_s, u"crash test %1"_s.arg(n));
        form.addQueryItem(u"MessageSid"_s, p.messageSid);
        reply = post(u"/carrier/simulator/sms"_s, form);
    }
    m_pending.insert(reply, p);
    m_started.insert(reply, m_clock.elapsed());
    connect(reply, &QNetworkReply::finished, this, [this, reply] { handleFinished(reply); });
}

void TestCrashSafety::handleFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    const auto it = m_pending.constFind(reply);
    if (it == m_pending.cend()) {
        return;
    }
    const Pending p = *it;
    m_pending.erase(it);
    const qint64 latency = m_clock.elapsed() - m_started.take(reply);
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
    if (status < 200 || status > 299) {
        if (m_failures++ < 5 && m_process) {
            qWarning().noquote() << "request failed:" << status << reply->errorString() << QJsonDocument(json).toJson();
        }
        if (p.kind == Pending::Kind::Message) {
            m_unanswered.append(p);
        }
        return;
    }
    ++m_acks;
    m_latencyTotalMs += latency;
    m_latencyMaxMs = std::max(m_latencyMaxMs, latency);
    if (p.kind == Pending::Kind::Session) {
        m_ackedSessions.insert(json.value(u"sid"_s).toString());
    } else if (const QString sid = json.value(u"interaction_sid"_s).toString(); !sid.isEmpty()) {
        m_ackedInteractions.insert(sid);
    }
}

void TestCrashSafety::runLoad(const std::function<bool()> &stop, qint64 deadlineMs, bool topUp)
{
    QElapsedTimer timer;
    timer.start();
    while (!stop() && timer.elapsed() < deadlineMs) {
        while (topUp && m_pending.size() < IN_FLIGHT) {
            sendOne();
        }
        QEventLoop loop;
        QTimer tick;
        tick.setSingleShot(true);
        connect(&tick, &QTimer::timeout, &loop, &QEventLoop::quit);
        tick.start(50); // a bound on one turn, not a wait for a condition: any answer also ends it
        for (QNetworkReply *reply : m_pending.keys()) {
            connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit, Qt::QueuedConnection);
        }
        loop.exec();
    }
}

QSqlDatabase TestCrashSafety::openStore()
{
    const QString name = u"crash-check"_s;
    QSqlDatabase db = QSqlDatabase::contains(name) ? QSqlDatabase::database(name, false)
                                                   : QSqlDatabase::addDatabase(u"QSQLITE"_s, name);
    db.setDatabaseName(m_dbPath);
    db.setConnectOptions(u"QSQLITE_BUSY_TIMEOUT=10000"_s);
    if (!db.isOpen()) {
        db.open();
    }
    return db;
}

void TestCrashSafety::refreshPairs()
{
    QSqlDatabase db = openStore();
    QSqlQuery q(db);
    QVERIFY(q.exec(u"SELECT p.identifier, p.proxy_identifier FROM participants p JOIN sessions s ON s.sid = "
                   u"p.session_sid WHERE s.status IN ('open', 'in-progress') AND p.routable = 1 ORDER BY p.id DESC "
                   u"LIMIT 200"_s));
    m_pairs.clear();
    while (q.next()) {
        m_pairs.append({q.value(0).toString(), q.value(1).toString()});
    }
}

void TestCrashSafety::verifyStore(const QString &when)
{
    QSqlDatabase db = openStore();
    QVERIFY2(db.isOpen(), qPrintable(when));
    QSqlQuery q(db);
    QVERIFY(q.exec(u"PRAGMA integrity_check"_s));
    QVERIFY(q.next());
    QCOMPARE(q.value(0).toString(), u"ok"_s);

    QSet<QString> sessions;
    QVERIFY(q.exec(u"SELECT s.sid, (SELECT COUNT(*) FROM participants p WHERE p.session_sid = s.sid) FROM "
                   u"sessions s"_s));
    while (q.next()) {
        sessions.insert(q.value(0).toString());
        QVERIFY2(q.value(1).toInt() == 2, qPrintable(when + u": a session without both of its participants"_s));
    }
    QSet<QString> interactions;
    QVERIFY(q.exec(u"SELECT sid FROM interactions"_s));
    while (q.next()) {
        interactions.insert(q.value(0).toString());
    }
    const QSet<QString> lostSessions = m_ackedSessions - sessions;
    const QSet<QString> lostInteractions = m_ackedInteractions - interactions;
    QVERIFY2(lostSessions.isEmpty(), qPrintable(u"%1: %2 acknowledged sessions missing, e.g. %3"_s.arg(when)
                                                    .arg(lostSessions.size())
                                                    .arg(lostSessions.isEmpty() ? QString() : *lostSessions.cbegin())));
    QVERIFY2(lostInteractions.isEmpty(),
             qPrintable(u"%1: %2 acknowledged interactions missing"_s.arg(when).arg(lostInteractions.size())));

    QVERIFY(q.exec(u"SELECT COUNT(*) FROM (SELECT inbound_resource_sid FROM interactions WHERE inbound_resource_sid "
                   u"IS NOT NULL GROUP BY inbound_resource_sid HAVING COUNT(*) > 1)"_s));
    QVERIFY(q.next());
    QVERIFY2(q.value(0).toInt() == 0, qPrintable(when + u": an inbound message recorded twice"_s));
    QVERIFY(q.exec(u"SELECT COUNT(*) FROM (SELECT interaction_sid FROM simulator_traffic WHERE direction = "
                   u"'outbound' AND interaction_sid IS NOT NULL GROUP BY interaction_sid HAVING COUNT(*) > 1)"_s));
    QVERIFY(q.next());
    QVERIFY2(q.value(0).toInt() == 0, qPrintable(when + u": a carrier send made twice"_s));
}

bool TestCrashSafety::outboxDrained(bool includingClaims)
{
    QSqlDatabase db = openStore();
    QSqlQuery q(db);
    if (!includingClaims) {
        // What was queued but not yet claimed when the server died goes out after the restart.
        return q.exec(u"SELECT COUNT(*) FROM outbox WHERE state = 'pending'"_s) && q.next() && q.value(0).toInt() == 0;
    }
    if (!q.exec(u"SELECT (SELECT COUNT(*) FROM outbox WHERE state IN ('pending', 'sending')), (SELECT COUNT(*) FROM "
                u"interactions i WHERE i.inbound_resource_sid IS NOT NULL AND NOT EXISTS (SELECT 1 FROM "
                u"simulator_traffic t WHERE t.interaction_sid = i.sid AND t.direction = 'outbound'))"_s) ||
        !q.next()) {
        return false;
    }
    return q.value(0).toInt() == 0 && q.value(1).toInt() == 0;
}

void TestCrashSafety::initTestCase()
{
    m_server = QString::fromUtf8(MASKLINE_SERVER_BINARY);
    QVERIFY(QFile::exists(m_server));
    QVERIFY(m_dir.isValid());
    m_dbPath = m_dir.filePath(u"maskline.db"_s);
    m_clock.start();
    QVERIFY(startServer());
    int status = 0;
    QUrlQuery service;
    service.addQueryItem(u"UniqueName"_s, u"crash-safety"_s);
    m_serviceSid = postAndWait(u"/v1/Services"_s, service, &status).value(u"sid"_s).toString();
    QCOMPARE(status, 201);
    for (int i = 0; i < POOL_NUMBERS; ++i) {
        QUrlQuery number;
        number.addQueryItem(u"PhoneNumber"_s, u"+1415555%1"_s.arg(100 + i, 4, 10, QChar(u'0')));
        postAndWait(u"/v1/Services/%1/PhoneNumbers"_s.arg(m_serviceSid), number, &status);
        QCOMPARE(status, 201);
    }
    // A first set of sessions, so messages have somewhere to go from the first cycle on.
    runLoad([this] { return m_acks >= 20; }, 60000);
    QVERIFY(m_acks >= 20);
    runLoad([this] { return m_pending.isEmpty(); }, REQUEST_TIMEOUT_MS, false);
    QVERIFY(m_pending.isEmpty());
}

void TestCrashSafety::crashCycles()
{
    const int cycles = envInt("MASKLINE_CRASH_CYCLES", 5);
    qint64 killedInFlight = 0;
    qint64 resent = 0;
    QElapsedTimer total;
    total.start();
    for (m_cycles = 1; m_cycles <= cycles; ++m_cycles) {
        refreshPairs();
        QVERIFY(!m_pairs.isEmpty());
        // A random moment: after a random number of acknowledged requests, with IN_FLIGHT more on the wire.
        const qint64 target = m_acks + 30 + m_random.bounded(250);
        runLoad([&] { return m_acks >= target; }, 120000);
        QVERIFY2(m_acks >= target, "the load made no progress");
        killedInFlight += m_pending.size();
        killServer();
        verifyStore(u"after kill %1"_s.arg(m_cycles));
        if (QTest::currentTestFailed()) {
            return;
        }
        QVERIFY(startServer());
        // What was in flight is sent again, as a carrier retries: it must not be recorded twice.
        const QList<Pending> again = std::exchange(m_unanswered, {});
        for (const Pending &p : again) {
            QUrlQuery form;
            form.addQueryItem(u"From"_s, p.from);
            form.addQueryItem(u"To"_s, p.to);
            form.addQueryItem(u"Body"_s, u"retry"_s);
            form.addQueryItem(u"MessageSid"_s, p.messageSid);
            int status = 0;
            const QJsonObject json = postAndWait(u"/carrier/simulator/sms"_s, form, &status);
            QCOMPARE(status, 200);
            if (const QString sid = json.value(u"interaction_sid"_s).toString(); !sid.isEmpty()) {
                m_ackedInteractions.insert(sid);
            }
            ++resent;
        }
        // The outbox resumes: every carrier send queued before the kill goes out.
        QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(false), 60000);
        verifyStore(u"after restart %1"_s.arg(m_cycles));
        if (QTest::currentTestFailed()) {
            return;
        }
    }
    // And the attempts the kills cut short are redone once their claims lapse: every Interaction gets its send, once.
    QElapsedTimer drain;
    drain.start();
    QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(true), 180000);
    const qint64 drainMs = drain.elapsed();
    verifyStore(u"after the last claims lapsed"_s);
    if (QTest::currentTestFailed()) {
        return;
    }
    qInfo().noquote() << u"crash-safety: outbox fully drained %1 s after the last restart"_s.arg(drainMs / 1000.0, 0,
                                                                                                 'f', 1);
    qInfo().noquote() << u"crash-safety: %1 SIGKILL cycles in %2 s; %3 requests acknowledged (%4 sessions, %5 "
                         u"interactions, the resent included), all found after restart; %6 in flight at the kills, %7 "
                         u"messages sent again, "
                         u"none recorded or sent twice; integrity_check ok every time"_s.arg(cycles)
                             .arg(total.elapsed() / 1000.0, 0, 'f', 1)
                             .arg(m_acks)
                             .arg(m_ackedSessions.size())
                             .arg(m_ackedInteractions.size())
                             .arg(killedInFlight)
                             .arg(resent);
}

void TestCrashSafety::soak()
{
    const int seconds = envInt("MASKLINE_SOAK_SECONDS", 0);
    if (seconds <= 0) {
        return; // only `make soak` asks for it
    }
    refreshPairs();
    const qint64 acksBefore = m_acks;
    const qint64 failuresBefore = m_failures;
    m_latencyTotalMs = 0;
    m_latencyMaxMs = 0;
    QElapsedTimer timer;
    timer.start();
    qint64 nextRefresh = 10000;
    while (timer.elapsed() < seconds * 1000LL) {
        runLoad([&] { return timer.elapsed() >= nextRefresh; }, seconds * 1000LL - timer.elapsed());
        refreshPairs();
        nextRefresh += 10000;
    }
    runLoad([this] { return m_pending.isEmpty(); }, REQUEST_TIMEOUT_MS, false);
    const qint64 acks = m_acks - acksBefore;
    QFile status(u"/proc/%1/status"_s.arg(m_process->processId()));
    QByteArray rss = "?";
    if (status.open(QIODevice::ReadOnly)) {
        for (const QByteArray &line : status.readAll().split('\n')) {
            if (line.startsWith("VmHWM:")) {
                rss = line.mid(6).trimmed();
            }
        }
    }
    QTRY_VERIFY_WITH_TIMEOUT(outboxDrained(true), 180000);
    verifyStore(u"after the soak"_s);
    qInfo().noquote() << u"soak: %1 s of mixed load, %2 requests acknowledged (%3/s), %4 failed, mean latency %5 ms, "
                         u"max %6 ms, server peak RSS %7; outbox drained, store verified"_s.arg(seconds)
                             .arg(acks)
                             .arg(acks / double(seconds), 0, 'f', 0)
                             .arg(m_failures - failuresBefore)
                             .arg(acks ? m_latencyTotalMs / double(acks) : 0.0, 0, 'f', 1)
                             .arg(m_latencyMaxMs)
                             .arg(QString::fromLatin1(rss));
    QCOMPARE(m_failures - failuresBefore, 0);
}

void TestCrashSafety::cleanupTestCase()
{
    if (m_process) {
        m_process->terminate();
        if (!m_process->waitForFinished(START_TIMEOUT_MS)) {
            m_process->kill();
            m_process->waitForFinished(START_TIMEOUT_MS);
        }
    }
    QSqlDatabase::removeDatabase(u"crash-check"_s);
}

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "tst_crashsafety.moc"
