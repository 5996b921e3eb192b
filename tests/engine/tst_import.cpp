// `maskline-server import` against a second maskline-server standing in for Twilio Proxy: a populated source (several
// Services, numbers in use, sessions open, in progress and closed, participants, interactions, more than one page of
// each) is copied into an empty store with the same SIDs, and every resource reads back the same JSON from both
// servers. Then: a second run adds nothing, a record changed in the target is refused and `--force` overwrites it, an
// import cut off by a failing source resumes, a source answering 429 with Retry-After is waited out, and refused
// credentials end the run with a clear message.

#include <csignal>

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include "core/clock.h"
#include "proxy/proxy.h"
#include "store/database.h"
#include "store/sqlquery.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString ACCOUNT = u"AC0123456789abcdef0123456789abcdef"_s;
const QString TOKEN = u"00112233445566778899aabbccddeeff"_s;

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

// A front for the source that can misbehave: answers 429 (with Retry-After) or 500 to chosen requests, or 503 to
// every request after the first `failAfter`. Everything else is forwarded to the source as it is.
class FlakyFront final : public QObject
{
public:
    explicit FlakyFront(const QString &target)
        : m_target(target)
    {
        connect(&m_server, &QTcpServer::newConnection, this, &FlakyFront::handleConnection);
        m_server.listen(QHostAddress::LocalHost, 0);
    }

    QString url() const { return u"http://127.0.0.1:%1"_s.arg(m_server.serverPort()); }

    QHash<int, std::pair<int, QByteArray>> scripted; // request number (1-based) -> status, Retry-After
    int failAfter = -1;
    int delayMs = 0; // before each forwarded answer, so a test can stop the importer mid-way
    QList<qint64> requestTimesMs;
    QList<int> statuses;

private:
    void handleConnection()
    {
        while (QTcpSocket *socket = m_server.nextPendingConnection()) {
            connect(socket, &QTcpSocket::readyRead, this, [this, socket] { handleData(socket); });
            connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
        }
    }

    void handleData(QTcpSocket *socket)
    {
        QByteArray &buffer = m_buffers[socket];
        buffer += socket->readAll();
        const qsizetype end = buffer.indexOf("\r\n\r\n");
        if (end < 0) {
            return;
        }
        const QList<QByteArray> lines = buffer.left(end).split('\n');
        buffer.remove(0, end + 4);
        const QList<QByteArray> requestLine = lines.value(0).trimmed().split(' ');
        QByteArray authorization;
        for (const QByteArray &line : lines) {
            if (line.toLower().startsWith("authorization:")) {
                authorization = line.mid(14).trimmed();
            }
        }
        requestTimesMs.append(m_clock.elapsed());
        const int n = int(requestTimesMs.size());
        if (scripted.contains(n) || (failAfter >= 0 && n > failAfter)) {
            const auto [status, retryAfter] = scripted.value(n, {503, {}});
            QByteArray head =
                "HTTP/1.1 " + QByteArray::number(status) + " Scripted\r\nContent-Type: application/json\r\n";
            if (!retryAfter.isEmpty()) {
                head += "Retry-After: " + retryAfter + "\r\n";
            }
            const QByteArray body =
                R"({"code":20429,"message":"scripted","status":)" + QByteArray::number(status) + "}";
            statuses.append(status);
            reply(socket, head, body);
            return;
        }
        QNetworkRequest request(QUrl(m_target + QString::fromLatin1(requestLine.value(1))));
        request.setRawHeader("Authorization", authorization);
        QNetworkReply *forwarded = m_nam.get(request);
        connect(forwarded, &QNetworkReply::finished, this, [this, socket, forwarded] {
            forwarded->deleteLater();
            const int status = forwarded->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            statuses.append(status);
            const QByteArray head =
                "HTTP/1.1 " + QByteArray::number(status) + " Forwarded\r\nContent-Type: application/json\r\n";
            const QByteArray body = forwarded->readAll();
            QTimer::singleShot(delayMs, socket, [this, socket, head, body] { reply(socket, head, body); });
        });
    }

    void reply(QTcpSocket *socket, const QByteArray &head, const QByteArray &body)
    {
        socket->write(head + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" +
                      body);
        socket->disconnectFromHost();
    }

    QString m_target;
    QTcpServer m_server;
    QNetworkAccessManager m_nam;
    QHash<QTcpSocket *, QByteArray> m_buffers;
    QElapsedTimer m_clock = [] {
        QElapsedTimer t;
        t.start();
        return t;
    }();
};

} // namespace

class TestImport final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QProcess m_source;
    QString m_sourceUrl;
    QNetworkAccessManager m_nam;
    QStringList m_sessionSids;

    QString path(const QString &name) const { return m_dir.filePath(name); }

    // Runs maskline-server to the end while this thread's event loop keeps serving (the FlakyFront lives here).
    Run runServer(const QStringList &args, const QProcessEnvironment &extra = {})
    {
        QProcess p;
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.remove(u"MASKLINE_ACCOUNT_SID"_s);
        env.remove(u"MASKLINE_AUTH_TOKEN"_s);
        env.insert(extra);
        p.setProcessEnvironment(env);
        QEventLoop loop;
        connect(&p, &QProcess::finished, &loop, &QEventLoop::quit);
        connect(&p, &QProcess::errorOccurred, &loop, &QEventLoop::quit);
        QTimer::singleShot(120000, &loop, &QEventLoop::quit);
        p.start(QStringLiteral(MASKLINE_SERVER_BINARY), args);
        loop.exec();
        if (p.state() != QProcess::NotRunning) {
            p.kill();
            p.waitForFinished();
        }
        return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
                QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

    Run import(const QString &db, const QString &from, const QStringList &more = {},
               const QProcessEnvironment &env = {})
    {
        return runServer(QStringList{u"--db"_s, db, u"import"_s, u"--from-url"_s, from, u"--account-sid"_s, ACCOUNT,
                                     u"--auth-token"_s, TOKEN, u"--page-size"_s, u"2"_s} +
                             more,
                         env);
    }

    static QString startEngine(QProcess &engine, const QString &db)
    {
        engine.start(QStringLiteral(MASKLINE_SERVER_BINARY),
                     {u"--db"_s, db, u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s, u"off"_s});
        const QRegularExpression line(u"listening on (http://127\\.0\\.0\\.1:\\d+)\\n"_s);
        QString out;
        QDeadlineTimer deadline(20000);
        while (!line.match(out).hasMatch() && engine.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            engine.waitForReadyRead(100);
            out += QString::fromUtf8(engine.readAllStandardOutput());
        }
        return line.match(out).captured(1);
    }

    static void stopEngine(QProcess &engine)
    {
        engine.terminate();
        QVERIFY(engine.waitForFinished(20000));
        QCOMPARE(engine.exitCode(), 0);
    }

    QJsonObject get(const QString &url)
    {
        QNetworkRequest request{QUrl(url)};
        request.setRawHeader("Authorization", "Basic " + (ACCOUNT + u':' + TOKEN).toUtf8().toBase64());
        QNetworkReply *reply = m_nam.get(request);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished()) {
            finished.wait(20000);
        }
        reply->deleteLater();
        return QJsonDocument::fromJson(reply->readAll()).object();
    }

    // Every item of a list, through next_page_url.
    QJsonArray walk(const QString &base, const QString &path, const QString &key)
    {
        QJsonArray all;
        QString next = base + path + u"?PageSize=3"_s;
        for (int pages = 0; !next.isEmpty() && pages < 1000; ++pages) {
            const QJsonObject page = get(next);
            for (const QJsonValue &v : page.value(key).toArray()) {
                all.append(v);
            }
            next = page.value(u"meta"_s).toObject().value(u"next_page_url"_s).toString();
        }
        return all;
    }

    // Everything the account holds, as the API shows it, with `base` written as BASE so two servers compare.
    QString snapshot(const QString &base)
    {
        QJsonObject out;
        const auto put = [&out](const QString &key, const QJsonValue &value) {
            out.insert(key, value);
        };
        const QJsonArray services = walk(base, u"/v1/Services"_s, u"services"_s);
        put(u"services"_s, services);
        for (const QJsonValue &service : services) {
            const QString ks = service[u"sid"_s].toString();
            const QString sp = u"/v1/Services/"_s + ks;
            put(ks + u"/numbers"_s, walk(base, sp + u"/PhoneNumbers"_s, u"phone_numbers"_s));
            const QJsonArray sessions = walk(base, sp + u"/Sessions"_s, u"sessions"_s);
            put(ks + u"/sessions"_s, sessions);
            for (const QJsonValue &session : sessions) {
                const QString kc = session[u"sid"_s].toString();
                const QString cp = sp + u"/Sessions/"_s + kc;
                // One fetch per session too: the single-resource route must agree with the list.
                put(kc, get(base + cp));
                const QJsonArray participants = walk(base, cp + u"/Participants"_s, u"participants"_s);
                put(kc + u"/participants"_s, participants);
                put(kc + u"/interactions"_s, walk(base, cp + u"/Interactions"_s, u"interactions"_s));
                for (const QJsonValue &p : participants) {
                    const QString kp = p[u"sid"_s].toString();
                    put(kp + u"/message_interactions"_s,
                        walk(base, cp + u"/Participants/"_s + kp + u"/MessageInteractions"_s, u"interactions"_s));
                }
            }
        }
        return QString::fromUtf8(QJsonDocument(out).toJson(QJsonDocument::Indented)).replace(base, u"BASE"_s);
    }

    // "kind  read added unchanged refused overwritten" -> the five numbers of that kind's row.
    static QList<int> row(const QString &out, const QString &kind)
    {
        const QRegularExpression re(u"^"_s + QRegularExpression::escape(kind) +
                                        u"\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)\\s+(\\d+)$"_s,
                                    QRegularExpression::MultilineOption);
        const auto m = re.match(out);
        if (!m.hasMatch()) {
            return {};
        }
        return {m.captured(1).toInt(), m.captured(2).toInt(), m.captured(3).toInt(), m.captured(4).toInt(),
                m.captured(5).toInt()};
    }

    // Nothing is half-written: every session in `target` has as many participants and interactions as it has in the
    // source, and some but not all sessions came in.
    void checkWholeSessions(const QString &target)
    {
        const QString counts = u"SELECT s.sid, (SELECT COUNT(*) FROM participants p WHERE p.session_sid = s.sid), "
                               u"(SELECT COUNT(*) FROM interactions i WHERE i.session_sid = s.sid) FROM sessions s"_s;
        const auto read = [&](const QString &file) {
            StoreConfig config = StoreConfig::fromLocation(file);
            config.readOnly = true;
            Database db(config);
            QHash<QString, std::pair<int, int>> out;
            {
                SqlQuery q(db.connection(), counts);
                q.exec();
                while (q.next()) {
                    out.insert(q.value(0).toString(), {q.value(1).toInt(), q.value(2).toInt()});
                }
            }
            db.closeThreadConnection();
            return out;
        };
        const auto source = read(path(u"source.db"_s));
        const auto partial = read(target);
        QVERIFY2(!partial.isEmpty() && partial.size() < source.size(), qPrintable(QString::number(partial.size())));
        for (auto it = partial.cbegin(); it != partial.cend(); ++it) {
            QCOMPARE(it.value(), source.value(it.key()));
        }
    }

    void populateSource()
    {
        Database db(StoreConfig::fromLocation(path(u"source.db"_s)));
        QVERIFY(db.migrate().ok());
        // Minutes apart, ending before now: distinct timestamps, and nothing expires once the source runs.
        ManualClock clock(QDateTime::currentDateTimeUtc().addSecs(-3 * 3600));
        Proxy proxy(db, clock, nullptr);
        QVERIFY(proxy.createAccount(ACCOUNT, TOKEN).ok());
        QList<Service> services;
        for (int i = 0; i < 3; ++i) {
            ServiceParams sp;
            sp.uniqueName = u"service %1"_s.arg(i);
            sp.defaultTtl = i * 86400;
            sp.callbackUrl = i == 1 ? u"https://callbacks.example.com/status"_s : QString();
            sp.mxInsertOne = i == 2;
            sp.numberSelectionBehavior = i == 1 ? u"avoid-sticky"_s : u"prefer-sticky"_s;
            auto s = proxy.createService(ACCOUNT, sp);
            QVERIFY2(s.ok(), qPrintable(s ? QString() : s.error().message));
            services.append(*s);
            clock.advance(60);
        }
        // Five numbers in the first service (three pages of two), one reserved; two in the second.
        for (int i = 0; i < 7; ++i) {
            PhoneNumberParams np;
            np.phoneNumber = u"+1415555%1"_s.arg(1000 + i);
            np.isReserved = i == 4;
            QVERIFY(proxy.createPhoneNumber(ACCOUNT, services.at(i < 5 ? 0 : 1).sid, np).ok());
            clock.advance(30);
        }
        const Service &main = services.at(0);
        const auto session = [&](int n, std::optional<qint64> ttl, std::optional<QDateTime> expiry) {
            SessionParams p;
            if (n == 0) {
                p.uniqueName = u"ride 0"_s;
            }
            p.ttl = ttl;
            p.dateExpiry = expiry;
            p.mode = n == 3 ? SessionMode::MESSAGE_ONLY : SessionMode::VOICE_AND_MESSAGE;
            p.participants.append({u"+1415555%1"_s.arg(3000 + 2 * n), u"rider %1"_s.arg(n), {}, {}, false});
            p.participants.append({u"+1415555%1"_s.arg(3001 + 2 * n), {}, {}, {}, false});
            auto s = proxy.createSession(ACCOUNT, main.sid, p);
            if (!s) {
                qWarning() << s.error().message;
                return Session();
            }
            m_sessionSids.append(s->sid);
            clock.advance(45);
            return *s;
        };
        // open; in progress with traffic; closed by the API; closed by expiry; with ttl and date_expiry.
        const Session open = session(0, std::nullopt, std::nullopt);
        const Session busy = session(1, 86400, std::nullopt);
        const Session closed = session(2, std::nullopt, std::nullopt);
        const Session expired = session(3, 600, std::nullopt);
        const Session deadline = session(4, 7200, clock.now().addDays(2));
        QVERIFY(!open.sid.isEmpty() && !busy.sid.isEmpty() && !closed.sid.isEmpty() && !expired.sid.isEmpty() &&
                !deadline.sid.isEmpty());
        for (const Session &s : {busy, closed, expired}) {
            const auto parts = proxy.listParticipants(ACCOUNT, main.sid, s.sid, {});
            QVERIFY(parts && parts->items.size() == 2);
            for (int k = 0; k < 3; ++k) {
                Interaction i;
                i.sessionSid = s.sid;
                i.type = k == 2 ? u"voice"_s : u"message"_s;
                i.data = k == 2 ? u"{\"duration\":\"5\"}"_s : u"{\"body\":\"hello %1\"}"_s.arg(k);
                const Participant &from = parts->items.at(k % 2);
                const Participant &to = parts->items.at((k + 1) % 2);
                i.inbound = {from.sid,
                             u"SM%1"_s.arg(k, 32, 10, QLatin1Char('0')),
                             u"received"_s,
                             k == 2 ? u"Call"_s : u"Message"_s,
                             {}};
                i.outbound = {to.sid, {}, u"delivered"_s, k == 2 ? u"Call"_s : u"Message"_s, {}};
                QVERIFY(proxy.recordInteraction(i).ok());
                clock.advance(20);
            }
            // A MessageInteraction: one outbound leg, addressed to the participant.
            Interaction mi;
            mi.sessionSid = s.sid;
            mi.participantSid = parts->items.at(0).sid;
            mi.type = u"message"_s;
            mi.data = u"{\"body\":\"from the backend\"}"_s;
            mi.outbound = {parts->items.at(0).sid, {}, u"sent"_s, u"Message"_s, {}};
            QVERIFY(proxy.recordInteraction(mi).ok());
            clock.advance(20);
        }
        SessionParams close;
        close.status = SessionStatus::CLOSED;
        QVERIFY(proxy.updateSession(ACCOUNT, main.sid, closed.sid, close).ok());
        QVERIFY(proxy.closeSession(expired.sid, u"ttl"_s).ok());
        // A removed participant (soft delete) in an open session.
        const auto openParts = proxy.listParticipants(ACCOUNT, main.sid, deadline.sid, {});
        QVERIFY(openParts && !openParts->items.isEmpty());
        QVERIFY(proxy.deleteParticipant(ACCOUNT, main.sid, deadline.sid, openParts->items.first().sid).ok());
        // A session in the second service too.
        SessionParams other;
        other.participants.append({u"+14155553900"_s, {}, {}, {}, false});
        QVERIFY(proxy.createSession(ACCOUNT, services.at(1).sid, other).ok());
        db.closeThreadConnection();
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        populateSource();
        m_sourceUrl = startEngine(m_source, path(u"source.db"_s));
        QVERIFY2(!m_sourceUrl.isEmpty(), m_source.readAllStandardError().constData());
    }

    void cleanupTestCase() { stopEngine(m_source); }

    void importCopiesEverythingAndAgainAddsNothing()
    {
        const QString target = path(u"target.db"_s);
        Run first = import(target, m_sourceUrl);
        QVERIFY2(first.exitCode == 0, qPrintable(first.out + first.err));
        QCOMPARE(row(first.out, u"services"_s), (QList<int>{3, 3, 0, 0, 0}));
        QCOMPARE(row(first.out, u"phone numbers"_s), (QList<int>{7, 7, 0, 0, 0}));
        QCOMPARE(row(first.out, u"sessions"_s), (QList<int>{6, 6, 0, 0, 0}));
        QCOMPARE(row(first.out, u"participants"_s), (QList<int>{11, 11, 0, 0, 0}));
        QCOMPARE(row(first.out, u"interactions"_s), (QList<int>{12, 12, 0, 0, 0}));
        QVERIFY2(first.err.contains(u"import: service 3/3"_s), qPrintable(first.err));

        const QString before = snapshot(m_sourceUrl);
        QVERIFY(before.contains(u"\"in_use\": 2"_s) || before.contains(u"\"in_use\": 1"_s));
        QVERIFY(before.contains(u"\"closed_reason\": \"ttl\""_s));
        QVERIFY(before.contains(u"\"closed_reason\": \"api\""_s));
        QVERIFY(before.contains(u"\"mexico_insert_one\": true"_s));
        QProcess engine;
        const QString url = startEngine(engine, target);
        QVERIFY(!url.isEmpty());
        const QString after = snapshot(url);
        // The same account, token and SIDs serve the same JSON (url and links aside, which name the server).
        QCOMPARE(after, before);
        stopEngine(engine);

        Run second = import(target, m_sourceUrl);
        QCOMPARE(second.exitCode, 0);
        QVERIFY2(second.out.contains(u"nothing to add"_s), qPrintable(second.out));
        QCOMPARE(row(second.out, u"sessions"_s), (QList<int>{6, 0, 6, 0, 0}));
        QCOMPARE(row(second.out, u"interactions"_s), (QList<int>{12, 0, 12, 0, 0}));
        QCOMPARE(row(second.out, u"accounts"_s), (QList<int>{1, 0, 1, 0, 0}));
    }

    void differingRecordIsRefusedUnlessForced()
    {
        const QString target = path(u"target.db"_s);
        const QString session = m_sessionSids.at(1);
        {
            Database db(StoreConfig::fromLocation(target));
            SqlQuery(db.connection(), u"UPDATE services SET callback_url = 'https://elsewhere.example.com/' WHERE "
                                      u"unique_name = 'service 0'"_s)
                .exec();
            SqlQuery(db.connection(), u"UPDATE sessions SET ttl = 5 WHERE sid = :sid"_s)
                .bind(u":sid"_s, session)
                .exec();
            db.closeThreadConnection();
        }
        Run refused = import(target, m_sourceUrl);
        QCOMPARE(refused.exitCode, 3);
        QCOMPARE(row(refused.out, u"services"_s), (QList<int>{3, 0, 2, 1, 0}));
        QCOMPARE(row(refused.out, u"sessions"_s), (QList<int>{6, 0, 5, 1, 0}));
        QVERIFY2(refused.out.contains(u"refused session %1: it exists here with other ttl"_s.arg(session)),
                 qPrintable(refused.out));
        QVERIFY(refused.out.contains(u"callback_url"_s));

        Run forced = import(target, m_sourceUrl, {u"--force"_s});
        QVERIFY2(forced.exitCode == 0, qPrintable(forced.out + forced.err));
        QCOMPARE(row(forced.out, u"services"_s), (QList<int>{3, 0, 2, 0, 1}));
        QCOMPARE(row(forced.out, u"sessions"_s), (QList<int>{6, 0, 5, 0, 1}));
        QProcess engine;
        const QString url = startEngine(engine, target);
        QCOMPARE(snapshot(url), snapshot(m_sourceUrl));
        stopEngine(engine);
    }

    void interruptedImportResumes()
    {
        const QString target = path(u"resumed.db"_s);
        FlakyFront front(m_sourceUrl);
        front.failAfter = 14; // mid-way through the first service's sessions
        QProcessEnvironment env;
        env.insert(u"MASKLINE_IMPORT_RETRY_BASE_MS"_s, u"5"_s);
        Run cut = import(target, front.url(), {}, env);
        QCOMPARE(cut.exitCode, 1);
        QVERIFY2(cut.err.contains(u"import stopped"_s) && cut.err.contains(u"HTTP 503"_s), qPrintable(cut.err));
        checkWholeSessions(target);
        if (QTest::currentTestFailed()) {
            return;
        }
        front.failAfter = -1;
        Run resumed = import(target, front.url(), {}, env);
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.out + resumed.err));
        const QList<int> sessions = row(resumed.out, u"sessions"_s);
        QCOMPARE(sessions.value(0), 6);
        QVERIFY2(sessions.value(2) > 0 && sessions.value(1) > 0, qPrintable(resumed.out)); // some skipped, some added
        QProcess engine;
        const QString url = startEngine(engine, target);
        QCOMPARE(snapshot(url), snapshot(m_sourceUrl));
        stopEngine(engine);
    }

    // SIGKILL in the middle of the sessions, then the same command again: whole records only, then everything.
    void killedImportResumes()
    {
        const QString target = path(u"killed.db"_s);
        FlakyFront front(m_sourceUrl);
        front.delayMs = 40;
        QProcess importer;
        importer.start(QStringLiteral(MASKLINE_SERVER_BINARY),
                       {u"--db"_s, target, u"import"_s, u"--from-url"_s, front.url(), u"--account-sid"_s, ACCOUNT,
                        u"--auth-token"_s, TOKEN, u"--page-size"_s, u"2"_s});
        // Past the first service's numbers and into its sessions (see interruptedImportResumes for the order).
        QTRY_VERIFY_WITH_TIMEOUT(front.requestTimesMs.size() >= 12, 30000);
        importer.kill();
        QVERIFY(importer.waitForFinished(10000));
        QCOMPARE(importer.exitStatus(), QProcess::CrashExit);
        checkWholeSessions(target);
        if (QTest::currentTestFailed()) {
            return;
        }

        front.delayMs = 0;
        Run resumed = import(target, front.url());
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.out + resumed.err));
        QProcess engine;
        const QString url = startEngine(engine, target);
        QCOMPARE(snapshot(url), snapshot(m_sourceUrl));
        stopEngine(engine);
    }

    void throttledSourceIsWaitedOut()
    {
        const QString target = path(u"throttled.db"_s);
        FlakyFront front(m_sourceUrl);
        front.scripted.insert(3, {429, "1"});
        front.scripted.insert(6, {500, {}});
        front.scripted.insert(7, {429, {}});
        QProcessEnvironment env;
        env.insert(u"MASKLINE_IMPORT_RETRY_BASE_MS"_s, u"5"_s);
        Run run = import(target, front.url(), {}, env);
        QVERIFY2(run.exitCode == 0, qPrintable(run.out + run.err));
        QVERIFY(run.out.contains(u" 3 retried"_s));
        // Retry-After: 1 was honoured: the retry came no sooner than a second later.
        QVERIFY2(front.requestTimesMs.at(3) - front.requestTimesMs.at(2) >= 950,
                 qPrintable(QString::number(front.requestTimesMs.at(3) - front.requestTimesMs.at(2))));
        QCOMPARE(row(run.out, u"sessions"_s), (QList<int>{6, 6, 0, 0, 0}));
    }

    // `service flags` shows and sets the two country flags on an imported Service; bad words change nothing.
    void serviceFlagsFromTheCommandLine()
    {
        const QString target = path(u"target.db"_s);
        QString sid;
        {
            StoreConfig config = StoreConfig::fromLocation(target);
            config.readOnly = true;
            Database db(config);
            {
                SqlQuery q(db.connection(), u"SELECT sid FROM services WHERE unique_name = 'service 2'"_s);
                q.exec();
                QVERIFY(q.next());
                sid = q.value(0).toString();
            }
            db.closeThreadConnection();
        }
        Run show = runServer({u"--db"_s, target, u"service"_s, u"flags"_s, sid});
        QCOMPARE(show.exitCode, 0);
        QCOMPARE(show.out, sid + u"  mexico_insert_one=on argentina_insert_nine=off\n"_s);
        Run set = runServer({u"--db"_s, target, u"service"_s, u"flags"_s, sid, u"mexico_insert_one=off"_s,
                             u"argentina_insert_nine=on"_s});
        QCOMPARE(set.exitCode, 0);
        QCOMPARE(set.out, sid + u"  mexico_insert_one=off argentina_insert_nine=on\n"_s);
        Run bad = runServer(
            {u"--db"_s, target, u"service"_s, u"flags"_s, sid, u"mexico_insert_one=on"_s, u"colombia_insert_two=on"_s});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(u"colombia_insert_two"_s), qPrintable(bad.err));
        QCOMPARE(runServer({u"--db"_s, target, u"service"_s, u"flags"_s, sid}).out,
                 sid + u"  mexico_insert_one=off argentina_insert_nine=on\n"_s);
        QCOMPARE(runServer({u"--db"_s, target, u"service"_s, u"flags"_s, u"KS"_s + QString(32, u'0')}).exitCode, 1);
        // The API shows what the command set.
        QProcess engine;
        const QString url = startEngine(engine, target);
        const QJsonObject service = get(url + u"/v1/Services/"_s + sid);
        QCOMPARE(service.value(u"mexico_insert_one"_s).toBool(true), false);
        QCOMPARE(service.value(u"argentina_insert_nine"_s).toBool(false), true);
        stopEngine(engine);
    }

    void refusedCredentialsEndTheRun()
    {
        Run run = runServer({u"--db"_s, path(u"denied.db"_s), u"import"_s, u"--from-url"_s, m_sourceUrl,
                             u"--account-sid"_s, ACCOUNT, u"--auth-token"_s, u"ffffffffffffffffffffffffffffffff"_s});
        QCOMPARE(run.exitCode, 1);
        QVERIFY2(run.err.contains(u"refused the credentials (HTTP 401"_s), qPrintable(run.err));
        QVERIFY2(!run.err.contains(u"ffffffffffffffffffffffffffffffff"_s), "the token is never printed");
        {
            // Refused before anything was written: not even the account (with a token nobody verified).
            Database db(StoreConfig::fromLocation(path(u"denied.db"_s)));
            {
                SqlQuery q(db.connection(), u"SELECT COUNT(*) FROM accounts"_s);
                q.exec();
                QVERIFY(q.next());
                QCOMPARE(q.value(0).toInt(), 0);
            }
            db.closeThreadConnection();
        }
        QCOMPARE(runServer({u"--db"_s, path(u"denied.db"_s), u"import"_s, u"--account-sid"_s, u"ACnope"_s,
                            u"--auth-token"_s, TOKEN})
                     .exitCode,
                 2);
    }
};

QTEST_GUILESS_MAIN(TestImport)
#include "tst_import.moc"
