// maskline-server as production runs it, over real sockets: /readyz follows the store (503 while another process
// holds the write lock, 200 again after), HEAD on GET routes, SIGHUP reloads without exiting, SIGTERM lets a webhook
// that waits on a callback finish and exits 0, the CLI's edges (help and version without a display, exit 2 on an
// unknown option, read-only admin commands that never create a store, token rotation, the old INI key), forwarded
// headers believed only from --trusted-proxy peers, and /metrics checked by promtool.

#include <csignal>

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QProcess>
#include <QRegularExpression>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include "fakecallbackserver.h"
#include "http/formdata.h"

using namespace Maskline;
using namespace Maskline::Testing;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString SID = u"AC"_s + u"0123456789abcdef"_s.repeated(2);
const QString TOKEN = u"fedcba9876543210"_s.repeated(2);

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

QProcessEnvironment cleanEnvironment()
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString &key : env.keys()) {
        if (key.startsWith(u"MASKLINE_"_s)) {
            env.remove(key);
        }
    }
    return env;
}

Run run(const QString &program, const QStringList &args, QProcessEnvironment env = cleanEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QStringList parts;
    for (const auto &[k, v] : fields) {
        parts.append(FormData::encodeComponent(k) + u'=' + FormData::encodeComponent(v));
    }
    return parts.join(u'&').toLatin1();
}

// One raw HTTP/1.1 exchange on its own connection: the status line's code, the headers and the body as received.
struct Raw
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

Raw raw(quint16 port, const QByteArray &request)
{
    QTcpSocket socket;
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(5000)) {
        return {};
    }
    socket.write(request);
    QByteArray data;
    while (socket.waitForReadyRead(5000)) {
        data += socket.readAll();
    }
    data += socket.readAll();
    Raw r;
    const qsizetype end = data.indexOf("\r\n\r\n");
    r.head = data.left(end);
    r.body = end < 0 ? QByteArray() : data.mid(end + 4);
    r.status = data.mid(9, 3).toInt();
    return r;
}

} // namespace

class TestProduction final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_counter = 0;
    QNetworkAccessManager m_network;

    QString server() const { return QStringLiteral(MASKLINE_SERVER_BINARY); }
    QString freshDb() { return m_dir.filePath(u"p%1.db"_s.arg(++m_counter)); }

    // Starts maskline-server on a free port with the given store; returns its base URL once it printed its line.
    QString start(QProcess &engine, const QString &db, const QStringList &extra = {})
    {
        QProcessEnvironment env = cleanEnvironment();
        env.insert(u"MASKLINE_ACCOUNT_SID"_s, SID);
        env.insert(u"MASKLINE_AUTH_TOKEN"_s, TOKEN);
        engine.setProcessEnvironment(env);
        engine.start(server(), QStringList{u"--db"_s, db, u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s, u"off"_s,
                                           u"--carrier"_s, u"simulator"_s} +
                                   extra);
        const QRegularExpression line(u"listening on (https?://127\\.0\\.0\\.1:(\\d+))"_s);
        QString out;
        QDeadlineTimer deadline(20000);
        while (!line.match(out).hasMatch() && engine.state() != QProcess::NotRunning && !deadline.hasExpired()) {
            engine.waitForReadyRead(100);
            out += QString::fromUtf8(engine.readAllStandardOutput());
        }
        const auto match = line.match(out);
        if (!match.hasMatch()) {
            qWarning() << "stdout:" << out << "stderr:" << engine.readAllStandardError();
            return {};
        }
        return match.captured(1);
    }

    static quint16 portOf(const QString &url) { return quint16(QUrl(url).port()); }

    QNetworkReply *request(const QByteArray &verb, const QString &url, const QByteArray &body = {})
    {
        QNetworkRequest r{QUrl(url)};
        r.setRawHeader("Authorization", "Basic " + (SID + u':' + TOKEN).toUtf8().toBase64());
        if (!body.isEmpty()) {
            r.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        return m_network.sendCustomRequest(r, verb, body);
    }

    // Waits for the reply; returns its status and body.
    std::pair<int, QByteArray> wait(QNetworkReply *reply, int timeoutMs = 10000)
    {
        QDeadlineTimer deadline(timeoutMs);
        while (!reply->isFinished() && !deadline.hasExpired()) {
            QTest::qWait(10);
        }
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray body = reply->readAll();
        reply->deleteLater();
        return {status, body};
    }

    std::pair<int, QByteArray> get(const QString &url) { return wait(request("GET", url)); }

    static int stop(QProcess &engine)
    {
        ::kill(pid_t(engine.processId()), SIGTERM);
        if (!engine.waitForFinished(20000)) {
            engine.kill();
            engine.waitForFinished();
            return -1;
        }
        return engine.exitStatus() == QProcess::NormalExit ? engine.exitCode() : -1;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // --- health ---------------------------------------------------------------------------------------------------

    void readyzFollowsTheStore()
    {
        const QString db = freshDb();
        QProcess engine;
        const QString url = start(engine, db);
        QVERIFY(!url.isEmpty());
        auto [status, body] = get(url + u"/readyz"_s);
        QCOMPARE(status, 200);
        QCOMPARE(QJsonDocument::fromJson(body).object().value(u"status"_s).toString(), u"ready"_s);

        // Another process takes the store's write lock (a stuck backup, an admin tool in a long transaction): every
        // write here would stall, so the engine is not ready. Liveness is unaffected.
        {
            QSqlDatabase other = QSqlDatabase::addDatabase(u"QSQLITE"_s, u"locker"_s);
            other.setDatabaseName(db);
            QVERIFY(other.open());
            QSqlQuery lock(other);
            QVERIFY2(lock.exec(u"BEGIN IMMEDIATE"_s), qPrintable(lock.lastError().text()));
            std::tie(status, body) = get(url + u"/readyz"_s);
            QCOMPARE(status, 503);
            const QJsonObject json = QJsonDocument::fromJson(body).object();
            QCOMPARE(json.value(u"status"_s).toString(), u"unavailable"_s);
            QVERIFY2(json.value(u"reasons"_s).toArray().first().toString().startsWith(u"store: not writable"_s),
                     body.constData());
            QCOMPARE(get(url + u"/healthz"_s).first, 200);
            QVERIFY(lock.exec(u"ROLLBACK"_s));
            other.close();
        }
        QSqlDatabase::removeDatabase(u"locker"_s);
        QCOMPARE(get(url + u"/readyz"_s).first, 200);
        QCOMPARE(stop(engine), 0);
    }

    void headOnGetRoutes()
    {
        QProcess engine;
        const QString url = start(engine, freshDb());
        QVERIFY(!url.isEmpty());
        const quint16 port = portOf(url);
        for (const QByteArray &path :
             {QByteArrayLiteral("/healthz"), QByteArrayLiteral("/readyz"), QByteArrayLiteral("/metrics")}) {
            const Raw r = raw(port, "HEAD " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
            QCOMPARE(r.status, 200);
            QVERIFY2(r.body.isEmpty(), r.body.constData());
            QVERIFY(r.head.toLower().contains("content-length: "));
        }
        // A path with only POST routes still says which methods it has.
        const Raw post = raw(port, "HEAD /carrier/twilio/sms HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QCOMPARE(post.status, 405);
        const Raw allow = raw(port, "DELETE /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QCOMPARE(allow.status, 405);
        QVERIFY2(allow.head.contains("Allow: GET, HEAD"), allow.head.constData());
        QCOMPARE(stop(engine), 0);
    }

    // --- signals --------------------------------------------------------------------------------------------------

    void sighupReloadsAndKeepsRunning()
    {
        const QString ini = m_dir.filePath(u"hup.ini"_s);
        {
            QFile f(ini);
            QVERIFY(f.open(QIODevice::WriteOnly));
            f.write("[log]\nlevel = info\n");
        }
        QProcess engine;
        const QString url = start(engine, freshDb(), {u"--config"_s, ini});
        QVERIFY(!url.isEmpty());
        {
            QFile f(ini);
            QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
            f.write("[log]\nlevel = warning\n");
        }
        // Each SIGHUP says so at info level, then applies the file: the first is seen and lowers the level to
        // warning, so the next two are silent. The process keeps serving throughout.
        QString err;
        for (int i = 0; i < 3; ++i) {
            ::kill(pid_t(engine.processId()), SIGHUP);
            QTest::qWait(300);
            QCOMPARE(engine.state(), QProcess::Running);
            QCOMPARE(get(url + u"/healthz"_s).first, 200);
            err += QString::fromUtf8(engine.readAllStandardError());
        }
        QCOMPARE(err.count(u"SIGHUP: reloading"_s), 1);
        QCOMPARE(stop(engine), 0);
    }

    void sigtermLetsAWaitingWebhookFinish()
    {
        FakeCallbackServer callbacks;
        FakeCallbackServer::Response slow;
        slow.status = 200;
        slow.delayMs = 1500;
        slow.contentType = "application/xml";
        slow.body = "<Response><Say>later</Say></Response>";
        callbacks.script = {slow};

        QProcess engine;
        const QString url = start(engine, freshDb());
        QVERIFY(!url.isEmpty());
        auto [status, body] = wait(
            request("POST", url + u"/v1/Services"_s,
                    form({{u"UniqueName"_s, u"drain"_s}, {u"OutOfSessionCallbackUrl"_s, callbacks.url(u"/oos"_s)}})));
        QCOMPARE(status, 201);
        const QString service = QJsonDocument::fromJson(body).object().value(u"sid"_s).toString();
        std::tie(status, body) = wait(request("POST", url + u"/v1/Services/"_s + service + u"/PhoneNumbers"_s,
                                              form({{u"PhoneNumber"_s, u"+14155559999"_s}})));
        QVERIFY2(status == 201, body.constData());

        // A call from a stranger waits for the out-of-session callback, which takes 1.5 s.
        QNetworkReply *call = request("POST", url + u"/carrier/simulator/voice"_s,
                                      form({{u"From"_s, u"+14155550303"_s}, {u"To"_s, u"+14155559999"_s}}));
        QTRY_VERIFY_WITH_TIMEOUT(!callbacks.requests.isEmpty(), 10000);
        QVERIFY(!call->isFinished());
        ::kill(pid_t(engine.processId()), SIGTERM);
        QTest::qWait(300);
        // No new connections once stopping…
        QTcpSocket late;
        late.connectToHost(QHostAddress::LocalHost, portOf(url));
        QVERIFY(!late.waitForConnected(1000));
        // …but the call in flight gets its answer, then the process exits 0.
        std::tie(status, body) = wait(call);
        QCOMPARE(status, 200);
        QVERIFY2(body.contains("later"), body.constData());
        // It may already have exited while the answer was read (waitForFinished() is false for a finished process).
        QVERIFY(engine.state() == QProcess::NotRunning || engine.waitForFinished(10000));
        QCOMPARE(engine.exitStatus(), QProcess::NormalExit);
        QCOMPARE(engine.exitCode(), 0);
    }

    // --- CLI ------------------------------------------------------------------------------------------------------

    void helpAndVersionWithoutADisplay()
    {
        QProcessEnvironment env = cleanEnvironment();
        env.remove(u"DISPLAY"_s);
        env.remove(u"WAYLAND_DISPLAY"_s);
        env.remove(u"QT_QPA_PLATFORM"_s);
        for (const QString &program : {QStringLiteral(MASKLINE_CONSOLE_BINARY), server()}) {
            Run help = run(program, {u"--help"_s}, env);
            QCOMPARE(help.exitCode, 0);
            QVERIFY2(help.out.contains(u"--tls-cert"_s) && help.out.contains(u"--trusted-proxy"_s),
                     qPrintable(help.out));
            Run version = run(program, {u"--version"_s}, env);
            QCOMPARE(version.exitCode, 0);
            QVERIFY2(version.out.contains(QStringLiteral(MASKLINE_VERSION)), qPrintable(version.out));
            Run unknown = run(program, {u"--no-such-flag"_s}, env);
            QCOMPARE(unknown.exitCode, 2);
            QVERIFY2(unknown.err.contains(u"no-such-flag"_s), qPrintable(unknown.err));
        }
    }

    void adminCommandsNeverCreateAStore()
    {
        const QString missing = m_dir.filePath(u"typo/mistyped.db"_s);
        const QString missingHere = m_dir.filePath(u"mistyped.db"_s);
        for (const QString &path : {missing, missingHere}) {
            for (const QStringList &command :
                 {QStringList{u"account"_s, u"list"_s}, QStringList{u"account"_s, u"token"_s, SID},
                  QStringList{u"account"_s, u"token"_s, u"rotate"_s, SID}}) {
                Run r = run(server(), QStringList{u"--db"_s, path} + command);
                QCOMPARE(r.exitCode, 1);
                QVERIFY2(r.err.contains(u"does not exist"_s), qPrintable(r.err));
                QVERIFY(!QFile::exists(path));
            }
        }
    }

    void tokenRotation()
    {
        const QString db = freshDb();
        Run created = run(server(), {u"--db"_s, db, u"account"_s, u"create"_s, u"--sid"_s, SID, u"--token"_s, TOKEN});
        QCOMPARE(created.exitCode, 0);
        QFile::setPermissions(db, QFileDevice::ReadOwner); // list and token only read: a read-only file is enough
        Run token = run(server(), {u"--db"_s, db, u"account"_s, u"token"_s, SID});
        QCOMPARE(token.exitCode, 0);
        QCOMPARE(token.out.trimmed(), TOKEN);
        QFile::setPermissions(db, QFileDevice::ReadOwner | QFileDevice::WriteOwner);

        QProcess engine;
        const QString url = start(engine, db);
        QVERIFY(!url.isEmpty());
        QCOMPARE(get(url + u"/v1/Services"_s).first, 200);
        Run rotated = run(server(), {u"--db"_s, db, u"account"_s, u"token"_s, u"rotate"_s, SID});
        QCOMPARE(rotated.exitCode, 0);
        const QString fresh = rotated.out.trimmed();
        QVERIFY(fresh.size() == 32 && fresh != TOKEN);
        // The running engine refuses the old token within a second (it keeps credentials in memory that long) and
        // takes the new one.
        QTRY_COMPARE_WITH_TIMEOUT(get(url + u"/v1/Services"_s).first, 401, 3000);
        QNetworkRequest r{QUrl(url + u"/v1/Services"_s)};
        r.setRawHeader("Authorization", "Basic " + (SID + u':' + fresh).toUtf8().toBase64());
        QCOMPARE(wait(m_network.get(r)).first, 200);
        QCOMPARE(run(server(), {u"--db"_s, db, u"account"_s, u"token"_s, SID}).out.trimmed(), fresh);
        Run unknown =
            run(server(), {u"--db"_s, db, u"account"_s, u"token"_s, u"rotate"_s, u"AC"_s + u"0"_s.repeated(32)});
        QCOMPARE(unknown.exitCode, 1);
        QCOMPARE(stop(engine), 0);
    }

    void iniKeysMatchTheFlags_data()
    {
        QTest::addColumn<QByteArray>("ini");
        QTest::newRow("new key") << QByteArray("[callbacks]\ncallback_timeout_ms = 5\n");
        QTest::newRow("old key still read") << QByteArray("[callbacks]\nstatus_timeout_ms = 5\n");
    }

    void iniKeysMatchTheFlags()
    {
        QFETCH(QByteArray, ini);
        const QString path = m_dir.filePath(u"keys%1.ini"_s.arg(++m_counter));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(ini);
        f.close();
        // An out-of-range value proves the key was read: it is refused by the flag's own check.
        Run r = run(server(), {u"--config"_s, path, u"--db"_s, freshDb(), u"--listen"_s, u"127.0.0.1:0"_s});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--callback-timeout-ms"_s), qPrintable(r.err));
    }

    void exampleIniIsValid()
    {
        // The packaged example, with the store moved somewhere writable: every key in it is understood.
        Run r = run(server(), {u"--config"_s, QStringLiteral(MASKLINE_SOURCE_DIR "/packaging/maskline.ini"), u"--db"_s,
                               freshDb(), u"account"_s, u"create"_s});
        QCOMPARE(r.exitCode, 0);
    }

    // --- forwarded headers ----------------------------------------------------------------------------------------

    void forwardedHeadersOnlyFromTrustedProxies_data()
    {
        QTest::addColumn<QStringList>("flags");
        QTest::addColumn<bool>("believed");
        QTest::newRow("no trusted proxy") << QStringList{} << false;
        QTest::newRow("another subnet") << QStringList{u"--trusted-proxy"_s, u"10.0.0.0/8"_s} << false;
        QTest::newRow("loopback trusted")
            << QStringList{u"--trusted-proxy"_s, u"10.0.0.0/8"_s, u"--trusted-proxy"_s, u"127.0.0.1"_s} << true;
    }

    void forwardedHeadersOnlyFromTrustedProxies()
    {
        QFETCH(QStringList, flags);
        QFETCH(bool, believed);
        QProcess engine;
        const QString url = start(engine, freshDb(), flags);
        QVERIFY(!url.isEmpty());
        QNetworkRequest r{QUrl(url + u"/v1/Services?PageSize=1"_s)};
        r.setRawHeader("Authorization", "Basic " + (SID + u':' + TOKEN).toUtf8().toBase64());
        r.setRawHeader("X-Forwarded-Proto", "https");
        r.setRawHeader("X-Forwarded-Host", "proxy.example.com");
        auto [status, body] = wait(m_network.get(r));
        QCOMPARE(status, 200);
        const QString self =
            QJsonDocument::fromJson(body).object().value(u"meta"_s).toObject().value(u"url"_s).toString();
        if (believed) {
            QVERIFY2(self.startsWith(u"https://proxy.example.com/v1/Services"_s), qPrintable(self));
        } else {
            QVERIFY2(self.startsWith(url + u"/v1/Services"_s), qPrintable(self));
        }
        QCOMPARE(stop(engine), 0);
    }

    // --- metrics --------------------------------------------------------------------------------------------------

    void metricsPassPromtool()
    {
        QProcess engine;
        const QString url = start(engine, freshDb());
        QVERIFY(!url.isEmpty());
        get(url + u"/v1/Services"_s);
        get(url + u"/readyz"_s);
        auto [status, body] = get(url + u"/metrics"_s);
        QCOMPARE(status, 200);
        for (const char *series :
             {"process_cpu_seconds_total ", "process_resident_memory_bytes ", "process_start_time_seconds ",
              "process_open_fds ", "maskline_build_info{version=\"" MASKLINE_VERSION "\"",
              "maskline_outbox_pending{kind=\"callback.status\"} 0", "maskline_outbox_oldest_due_age_seconds{kind=",
              "maskline_webhook_signature_rejections_total 0", "le=\"15\"}", "maskline_sessions_open 0"}) {
            QVERIFY2(body.contains(series), series);
        }
        // The start-up in_use check runs beside the traffic and says when it is done (the bench waits on it).
        QVERIFY(body.contains("# TYPE maskline_in_use_check_running gauge\nmaskline_in_use_check_running "));
        QTRY_VERIFY(get(url + u"/metrics"_s).second.contains("\nmaskline_in_use_check_running 0\n"));
        QCOMPARE(stop(engine), 0);

        const QString promtool = QStandardPaths::findExecutable(u"promtool"_s);
        if (promtool.isEmpty()) {
            QSKIP("promtool not found: install Debian's prometheus package (scripts/setup-deps.sh test does)");
        }
        QProcess check;
        check.start(promtool, {u"check"_s, u"metrics"_s});
        QVERIFY(check.waitForStarted());
        check.write(body);
        check.closeWriteChannel();
        QVERIFY(check.waitForFinished(20000));
        const QByteArray said = check.readAllStandardOutput() + check.readAllStandardError();
        QVERIFY2(check.exitCode() == 0, said.constData());
    }
};

QTEST_GUILESS_MAIN(TestProduction)
#include "tst_production.moc"
