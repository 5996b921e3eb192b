// Issue 15's first "done when", against the real binary: a full routing run through the simulator carrier (messages
// both ways, an opt-out keyword, a text from a stranger, a call) with the default log settings prints no real number,
// no proxy number, no message text and no auth token, while it does print its info lines (numbers masked). Also:
// --log-format json prints one parseable object per line, journald gets <N> priorities when stderr is its stream,
// QT_LOGGING_RULES still overrides --log-level per category, and a bad --log-level / --log-format (flag, environment
// or INI) exits 2 naming the option.

#include <algorithm>
#include <csignal>
#include <sys/stat.h>

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>
#include <QUrl>

#include "fakecallbackserver.h"
#include "http/formdata.h"

using namespace Maskline;
using namespace Qt::Literals::StringLiterals;

namespace {

const QString ACCOUNT = u"AC11111111111111111111111111111111"_s;
const QString TOKEN = u"7a3f9c2e5b8d4a1f6e0c9b2a7d5e3f18"_s;
const QString A = u"+14155550101"_s;
const QString B = u"+14155550202"_s;
const QString STRANGER = u"+14155550303"_s;
const QString POOL_1 = u"+14155559901"_s;
const QString POOL_2 = u"+14155559902"_s;
const QString BODY_A = u"Meet me by the blue door at seven"_s;
const QString BODY_B = u"Pineapple umbrella on the third floor"_s;
const QString BODY_STRANGER = u"Who is this quokka number"_s;

QByteArray form(const QList<std::pair<QString, QString>> &fields)
{
    QStringList parts;
    for (const auto &[k, v] : fields) {
        parts.append(FormData::encodeComponent(k) + u'=' + FormData::encodeComponent(v));
    }
    return parts.join(u'&').toLatin1();
}

struct Reply
{
    int status = 0;
    QJsonObject json;
};

// One maskline-server on a fresh store with the simulator carrier, its stdout and stderr captured.
class Server
{
public:
    explicit Server(const QString &db)
        : m_db(db)
    {}
    ~Server() { stop(); }

    // extraEnv values replace the inherited ones; an empty value removes the variable.
    bool start(const QStringList &args, const QList<std::pair<QString, QString>> &extraEnv = {})
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        // ctest sets QT_LOGGING_RULES=maskline.*.info=false for every test; this test is about the defaults.
        for (const char *name : {"QT_LOGGING_RULES", "MASKLINE_CONFIG", "MASKLINE_LOG_LEVEL", "MASKLINE_LOG_FORMAT",
                                 "MASKLINE_PUBLIC_URL", "MASKLINE_CARRIER", "JOURNAL_STREAM", "QT_MESSAGE_PATTERN"}) {
            env.remove(QString::fromLatin1(name));
        }
        env.insert(u"MASKLINE_ACCOUNT_SID"_s, ACCOUNT);
        env.insert(u"MASKLINE_AUTH_TOKEN"_s, TOKEN);
        for (const auto &[name, value] : extraEnv) {
            if (value.isEmpty()) {
                env.remove(name);
            } else {
                env.insert(name, value);
            }
        }
        m_process.setProcessEnvironment(env);
        m_process.start(QStringLiteral(MASKLINE_SERVER_BINARY),
                        QStringList{u"--db"_s, m_db, u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s, u"off"_s,
                                    u"--carrier"_s, u"simulator"_s} +
                            args);
        if (!m_process.waitForStarted(10000)) {
            return false;
        }
        static const QRegularExpression listening(u"listening on (http://\\S+)"_s);
        const bool settled = QTest::qWaitFor(
            [&]() {
                collect();
                return listening.match(m_out).hasMatch() || m_process.state() == QProcess::NotRunning;
            },
            20000);
        const auto match = listening.match(m_out);
        if (!settled || !match.hasMatch()) {
            qWarning().noquote() << "the server did not start:" << m_out << m_err;
            return false;
        }
        m_base = match.captured(1);
        return true;
    }

    // SIGTERM, then everything it printed: its last lines are written before it exits.
    QString stop()
    {
        if (m_process.state() != QProcess::NotRunning) {
            ::kill(pid_t(m_process.processId()), SIGTERM);
            if (!m_process.waitForFinished(20000)) {
                m_process.kill();
                m_process.waitForFinished(5000);
            }
        }
        collect();
        return m_out + m_err;
    }

    // Stderr into a file instead of a pipe (opened for appending, so the file keeps its inode).
    void setStderrFile(const QString &path) { m_process.setStandardErrorFile(path, QIODevice::Append); }

    QString stderrSoFar()
    {
        collect();
        return m_err;
    }

    Reply send(const QByteArray &method, const QString &path, const QByteArray &body = {})
    {
        QNetworkRequest request(QUrl(m_base + path));
        request.setRawHeader("Authorization", "Basic " + (ACCOUNT + u':' + TOKEN).toLatin1().toBase64());
        if (method == "POST") {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArrayLiteral("application/x-www-form-urlencoded"));
        }
        QNetworkReply *reply = m_network.sendCustomRequest(request, method, body);
        if (!QTest::qWaitFor([reply]() { return reply->isFinished(); }, 15000)) {
            qWarning("request timed out");
        }
        Reply r;
        r.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        r.json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return r;
    }

    Reply sms(const QString &from, const QString &to, const QString &body)
    {
        return send("POST", u"/carrier/simulator/sms"_s, form({{u"From"_s, from}, {u"To"_s, to}, {u"Body"_s, body}}));
    }

private:
    void collect()
    {
        m_out += QString::fromUtf8(m_process.readAllStandardOutput());
        m_err += QString::fromUtf8(m_process.readAllStandardError());
    }

    QString m_db;
    QProcess m_process;
    QString m_out;
    QString m_err;
    QString m_base;
    QNetworkAccessManager m_network;
};

struct Run
{
    int exitCode = -1;
    QString err;
};

Run runServer(const QStringList &args, const QList<std::pair<QString, QString>> &extraEnv = {})
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"MASKLINE_LOG_LEVEL"_s);
    env.remove(u"MASKLINE_LOG_FORMAT"_s);
    env.remove(u"MASKLINE_CONFIG"_s);
    for (const auto &[name, value] : extraEnv) {
        env.insert(name, value);
    }
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(MASKLINE_SERVER_BINARY), args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1,
            QString::fromUtf8(p.readAllStandardOutput() + p.readAllStandardError())};
}

} // namespace

class TestLogging final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_stores = 0;
    QString freshStore() { return m_dir.filePath(u"logging-%1.db"_s.arg(++m_stores)); }

    // Service, two pool numbers, a session of A and B; returns {service, session, A's proxy, B's proxy}.
    static QStringList openSession(Server &server, const QString &callbackUrl = {})
    {
        QList<std::pair<QString, QString>> fields{{u"UniqueName"_s, u"rides"_s}};
        if (!callbackUrl.isEmpty()) {
            fields.append({u"CallbackUrl"_s, callbackUrl});
        }
        const Reply service = server.send("POST", u"/v1/Services"_s, form(fields));
        if (service.status != 201) {
            return {};
        }
        const QString ks = service.json.value(u"sid"_s).toString();
        for (const QString &number : {POOL_1, POOL_2}) {
            if (server.send("POST", u"/v1/Services/%1/PhoneNumbers"_s.arg(ks), form({{u"PhoneNumber"_s, number}}))
                    .status != 201) {
                return {};
            }
        }
        const Reply session = server.send("POST", u"/v1/Services/%1/Sessions"_s.arg(ks),
                                          form({{u"UniqueName"_s, u"ride-42"_s},
                                                {u"Participants"_s, u"{\"Identifier\":\"%1\"}"_s.arg(A)},
                                                {u"Participants"_s, u"{\"Identifier\":\"%1\"}"_s.arg(B)}}));
        if (session.status != 201) {
            return {};
        }
        const QString kc = session.json.value(u"sid"_s).toString();
        QString aProxy;
        QString bProxy;
        const Reply participants = server.send("GET", u"/v1/Services/%1/Sessions/%2/Participants"_s.arg(ks, kc));
        for (const QJsonValue &p : participants.json.value(u"participants"_s).toArray()) {
            const QString identifier = p.toObject().value(u"identifier"_s).toString();
            (identifier == A ? aProxy : bProxy) = p.toObject().value(u"proxy_identifier"_s).toString();
        }
        return {ks, kc, aProxy, bProxy};
    }

    // Interactions of the session whose outbound leg the simulator carrier has answered.
    static int sentInteractions(Server &server, const QString &ks, const QString &kc)
    {
        int sent = 0;
        const QJsonArray list = server.send("GET", u"/v1/Services/%1/Sessions/%2/Interactions"_s.arg(ks, kc))
                                    .json.value(u"interactions"_s)
                                    .toArray();
        for (const QJsonValue &i : list) {
            sent += i.toObject().value(u"outbound_resource_sid"_s).toString().isEmpty() ? 0 : 1;
        }
        return sent;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void defaultLogsHideNumbersBodiesAndTokens()
    {
        Server server(freshStore());
        QVERIFY(server.start({}));
        const QStringList opened = openSession(server);
        QCOMPARE(opened.size(), 4);
        const QString &ks = opened.at(0);
        const QString &kc = opened.at(1);
        const QString &aProxy = opened.at(2);
        const QString &bProxy = opened.at(3);
        QVERIFY(aProxy == POOL_1 || aProxy == POOL_2);
        QVERIFY(bProxy == POOL_1 || bProxy == POOL_2);

        // Both ways, then an opt-out keyword, a stranger's text (out-of-session) and a call.
        Reply r = server.sms(A, aProxy, BODY_A);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"outcome"_s).toString(), u"forwarded"_s);
        r = server.sms(B, bProxy, BODY_B);
        QCOMPARE(r.json.value(u"outcome"_s).toString(), u"forwarded"_s);
        r = server.sms(A, aProxy, u"STOP"_s);
        QCOMPARE(r.json.value(u"outcome"_s).toString(), u"opt-out"_s);
        r = server.sms(STRANGER, aProxy, BODY_STRANGER);
        QCOMPARE(r.status, 200);
        QVERIFY2(r.json.value(u"outcome"_s).toString() != u"forwarded"_s,
                 qPrintable(r.json.value(u"detail"_s).toString()));
        r = server.send("POST", u"/carrier/simulator/voice"_s, form({{u"From"_s, B}, {u"To"_s, bProxy}}));
        QCOMPARE(r.status, 200);
        QCOMPARE(r.json.value(u"outcome"_s).toString(), u"forwarded"_s);
        // The simulator carrier has sent both messages and bridged the call: every step has logged what it logs.
        QTRY_COMPARE_WITH_TIMEOUT(sentInteractions(server, ks, kc), 3, 10000);

        const QString output = server.stop();
        // Whatever masking hides: the numbers (E.164 and national digits), the texts, the keyword, the token.
        for (const QString &number : {A, B, STRANGER, POOL_1, POOL_2}) {
            QVERIFY2(!output.contains(number), qPrintable(number + u" in:\n"_s + output));
            QVERIFY2(!output.contains(number.mid(2)), qPrintable(number.mid(2) + u" in:\n"_s + output));
        }
        for (const QString &secret :
             {BODY_A, BODY_B, BODY_STRANGER, TOKEN, u"STOP"_s, u"blue door"_s, u"Pineapple"_s, u"quokka"_s}) {
            QVERIFY2(!output.contains(secret), qPrintable(secret + u" in:\n"_s + output));
        }
        QVERIFY2(!output.contains(QString::fromLatin1((ACCOUNT + u':' + TOKEN).toLatin1().toBase64())),
                 qPrintable(output));

        // And it did log, at info, by default: routing lines naming SIDs and masked numbers.
        static const QRegularExpression routed(
            u"^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z info maskline\\.routing: routed: message "
            u"SM[0-9a-f]{32} "
            u"from \\+1415\\*\\*\\*0101 to \\+1415\\*\\*\\*99\\d\\d queued to \\+1415\\*\\*\\*0202"_s,
            QRegularExpression::MultilineOption);
        QVERIFY2(routed.match(output).hasMatch(), qPrintable(output));
        QVERIFY2(output.contains(u"maskline.routing: routed: call CA"_s), qPrintable(output));
        QVERIFY2(output.contains(u"is an opt-out or opt-in keyword: not forwarded"_s), qPrintable(output));
        QVERIFY2(output.contains(u" info maskline.debugger: warning 80901 Message Matched Stop Word (NO"_s),
                 qPrintable(output));
        QVERIFY2(output.contains(u" info maskline.http: listening on http://127.0.0.1:"_s), qPrintable(output));
        // Debug is off by default.
        QVERIFY2(!output.contains(u" debug "_s), qPrintable(output));
    }

    void jsonFormat()
    {
        Server server(freshStore());
        QVERIFY(server.start({u"--log-format"_s, u"json"_s}));
        const QStringList opened = openSession(server);
        QCOMPARE(opened.size(), 4);
        const Reply r = server.sms(A, opened.at(2), BODY_A);
        QCOMPARE(r.json.value(u"outcome"_s).toString(), u"forwarded"_s);
        const QString interaction = r.json.value(u"interaction_sid"_s).toString();
        QVERIFY(interaction.startsWith(u"KI"_s));
        QTRY_VERIFY_WITH_TIMEOUT(server.stderrSoFar().contains(u"routed: message SM"_s), 10000);
        const QString output = server.stop();

        const QStringList lines = output.split(u'\n', Qt::SkipEmptyParts);
        bool sawRouted = false;
        int jsonLines = 0;
        for (const QString &line : lines) {
            if (line.startsWith(u"listening on "_s)) {
                continue; // the one stdout line operators and scripts read
            }
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(line.toUtf8(), &error);
            QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), qPrintable(line));
            const QJsonObject o = doc.object();
            ++jsonLines;
            QVERIFY2(QDateTime::fromString(o.value(u"time"_s).toString(), Qt::ISODateWithMs).isValid(),
                     qPrintable(line));
            QVERIFY2(o.value(u"time"_s).toString().contains(QRegularExpression(u"T\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z$"_s)),
                     qPrintable(line));
            QVERIFY2(QStringList({u"debug"_s, u"info"_s, u"warning"_s, u"error"_s, u"fatal"_s})
                         .contains(o.value(u"level"_s).toString()),
                     qPrintable(line));
            QVERIFY2(!o.value(u"category"_s).toString().isEmpty(), qPrintable(line));
            QVERIFY2(o.value(u"message"_s).isString(), qPrintable(line));
            QVERIFY2(o.value(u"sids"_s).isArray(), qPrintable(line));
            const QString message = o.value(u"message"_s).toString();
            if (message.startsWith(u"routed: message SM"_s)) {
                sawRouted = true;
                QCOMPARE(o.value(u"level"_s).toString(), u"info"_s);
                QCOMPARE(o.value(u"category"_s).toString(), u"maskline.routing"_s);
                QStringList sids;
                for (const QJsonValue &v : o.value(u"sids"_s).toArray()) {
                    sids.append(v.toString());
                }
                QCOMPARE(sids.size(), 2);
                QVERIFY2(sids.first().startsWith(u"SM"_s), qPrintable(line));
                QCOMPARE(sids.last(), interaction);
            }
            QVERIFY2(!line.contains(A) && !line.contains(BODY_A) && !line.contains(TOKEN), qPrintable(line));
        }
        QVERIFY(sawRouted);
        QVERIFY(jsonLines >= 3);
    }

    // --log-level sets the threshold for every category; QT_LOGGING_RULES still picks single categories.
    void loggingRulesOverrideLevel()
    {
        Server server(freshStore());
        QVERIFY(
            server.start({u"--log-level"_s, u"warning"_s}, {{u"QT_LOGGING_RULES"_s, u"maskline.routing.info=true"_s}}));
        const QStringList opened = openSession(server);
        QCOMPARE(opened.size(), 4);
        QCOMPARE(server.sms(A, opened.at(2), BODY_A).json.value(u"outcome"_s).toString(), u"forwarded"_s);
        QTRY_VERIFY_WITH_TIMEOUT(server.stderrSoFar().contains(u"maskline.routing: routed: message SM"_s), 10000);
        const QString output = server.stop();
        QVERIFY2(!output.contains(u"maskline.http: listening on"_s), qPrintable(output));
        QVERIFY2(!output.contains(u" info maskline.debugger"_s) && !output.contains(u" info maskline.engine"_s),
                 qPrintable(output));
    }

    // Debug lines are opt-in, and masked too: the callback client's line names the URL without its password.
    void debugLevelStillMasks()
    {
        Testing::FakeCallbackServer callbacks;
        const QString callbackUrl = callbacks.url().replace(u"http://"_s, u"http://hook:s3cretpass@"_s);
        Server server(freshStore());
        QVERIFY(server.start({u"--log-level"_s, u"debug"_s}));
        const QStringList opened = openSession(server, callbackUrl);
        QCOMPARE(opened.size(), 4);
        QCOMPARE(server.sms(A, opened.at(2), BODY_A).json.value(u"outcome"_s).toString(), u"forwarded"_s);
        QTRY_VERIFY_WITH_TIMEOUT(!callbacks.requests.isEmpty(), 10000);
        QTRY_VERIFY_WITH_TIMEOUT(server.stderrSoFar().contains(u" debug maskline.callbacks.client: POST http://"_s),
                                 10000);
        const QString output = server.stop();
        for (const QString &secret : {A, B, POOL_1, POOL_2, BODY_A, TOKEN, u"s3cretpass"_s}) {
            QVERIFY2(!output.contains(secret), qPrintable(secret + u" in:\n"_s + output));
        }
        QVERIFY2(output.contains(u" info maskline.routing: routed: message SM"_s), qPrintable(output));
    }

    // Under systemd, stderr is the stream JOURNAL_STREAM names: journald stamps the time, so each line carries a
    // <N> syslog priority instead. Any other JOURNAL_STREAM (a child whose stderr was redirected) changes nothing.
    void journaldPriorities_data()
    {
        QTest::addColumn<bool>("matching");
        QTest::newRow("stderr is the journal stream") << true;
        QTest::newRow("another stream") << false;
    }
    void journaldPriorities()
    {
        QFETCH(bool, matching);
        const QString path = m_dir.filePath(u"journal-%1.log"_s.arg(matching));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        struct stat st = {};
        QCOMPARE(::stat(QFile::encodeName(path).constData(), &st), 0);
        const QString stream = matching ? u"%1:%2"_s.arg(quint64(st.st_dev)).arg(quint64(st.st_ino))
                                        : u"%1:%2"_s.arg(quint64(st.st_dev)).arg(quint64(st.st_ino) + 1);
        Server server(freshStore());
        server.setStderrFile(path);
        QVERIFY(server.start({}, {{u"JOURNAL_STREAM"_s, stream}}));
        const auto written = [&path]() {
            QFile f(path);
            return f.open(QIODevice::ReadOnly) ? QString::fromUtf8(f.readAll()) : QString();
        };
        QTRY_VERIFY_WITH_TIMEOUT(written().contains(u"maskline.engine: engine started"_s), 10000);
        server.stop();
        const QStringList lines = written().split(u'\n', Qt::SkipEmptyParts);
        QVERIFY(lines.size() >= 3);
        static const QRegularExpression journal(u"^<[2-7]>maskline\\.[a-z.]+: "_s);
        static const QRegularExpression plain(
            u"^\\d{4}-\\d\\d-\\d\\dT[0-9:.]+Z (debug|info|warning|error|fatal) maskline\\.[a-z.]+: "_s);
        for (const QString &line : lines) {
            QVERIFY2((matching ? journal : plain).match(line).hasMatch(), qPrintable(line));
        }
        const QString listening = matching ? u"<6>maskline.http: listening on http://127.0.0.1:"_s
                                           : u" info maskline.http: listening on http://127.0.0.1:"_s;
        QVERIFY2(std::any_of(lines.cbegin(), lines.cend(), [&](const QString &l) { return l.contains(listening); }),
                 qPrintable(lines.join(u'\n')));
    }

    void badValuesExitTwo_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("envName");
        QTest::addColumn<QString>("envValue");
        QTest::addColumn<QString>("ini");
        QTest::addColumn<QString>("expected");
        QTest::newRow("flag level") << QStringList{u"--log-level"_s, u"loud"_s} << QString() << QString() << QString()
                                    << u"--log-level expects 'debug', 'info', 'warning' or 'error', not 'loud'"_s;
        QTest::newRow("flag format") << QStringList{u"--log-format"_s, u"xml"_s} << QString() << QString() << QString()
                                     << u"--log-format expects 'text' or 'json', not 'xml'"_s;
        QTest::newRow("env level") << QStringList() << u"MASKLINE_LOG_LEVEL"_s << u"verbose"_s << QString()
                                   << u"--log-level expects 'debug', 'info', 'warning' or 'error', not 'verbose'"_s;
        QTest::newRow("env format") << QStringList() << u"MASKLINE_LOG_FORMAT"_s << u"syslog"_s << QString()
                                    << u"--log-format expects 'text' or 'json', not 'syslog'"_s;
        QTest::newRow("ini level") << QStringList() << QString() << QString() << u"[log]\nlevel=trace\n"_s
                                   << u"--log-level expects 'debug', 'info', 'warning' or 'error', not 'trace'"_s;
        QTest::newRow("ini format") << QStringList() << QString() << QString() << u"[log]\nformat=yaml\n"_s
                                    << u"--log-format expects 'text' or 'json', not 'yaml'"_s;
    }
    void badValuesExitTwo()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, envName);
        QFETCH(QString, envValue);
        QFETCH(QString, ini);
        QFETCH(QString, expected);
        QList<std::pair<QString, QString>> env;
        if (!envName.isEmpty()) {
            env.append({envName, envValue});
        }
        if (!ini.isEmpty()) {
            const QString path = m_dir.filePath(u"bad-%1.ini"_s.arg(QString::fromLatin1(QTest::currentDataTag())));
            QFile file(path);
            QVERIFY(file.open(QIODevice::WriteOnly));
            file.write(ini.toUtf8());
            file.close();
            args += {u"--config"_s, path};
        }
        // Refused before anything starts: no store is opened, no port is bound.
        const Run run = runServer(args + QStringList{u"--db"_s, m_dir.filePath(u"never.db"_s)}, env);
        QCOMPARE(run.exitCode, 2);
        QVERIFY2(run.err.contains(u"maskline-server: "_s + expected), qPrintable(run.err));
        QVERIFY(!QFile::exists(m_dir.filePath(u"never.db"_s)));
    }

    void goodValuesFromIniAndEnvironment()
    {
        // [log] in the INI file is read, and the environment wins over it: the same layering as every other option.
        const QString path = m_dir.filePath(u"good.ini"_s);
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write("[log]\nlevel=error\nformat=json\n");
        file.close();
        Server fromIni(freshStore());
        QVERIFY(fromIni.start({u"--config"_s, path}));
        QString output = fromIni.stop();
        QVERIFY2(!output.contains(u"\"level\":\"info\""_s) && !output.contains(u" info maskline."_s),
                 qPrintable(output));

        Server envWins(freshStore());
        QVERIFY(envWins.start({u"--config"_s, path}, {{u"MASKLINE_LOG_LEVEL"_s, u"info"_s}}));
        output = envWins.stop();
        QVERIFY2(output.contains(u"{\"category\":\"maskline.http\",\"level\":\"info\",\"message\":\"listening on "_s),
                 qPrintable(output));
    }

    void helpListsTheFlags()
    {
        const Run help = runServer({u"--help"_s});
        QCOMPARE(help.exitCode, 0);
        QVERIFY2(help.err.contains(u"--log-level <debug|info|warning|error>"_s), qPrintable(help.err));
        QVERIFY2(help.err.contains(u"MASKLINE_LOG_LEVEL"_s), qPrintable(help.err));
        QVERIFY2(help.err.contains(u"--log-format <text|json>"_s), qPrintable(help.err));
        QVERIFY2(help.err.contains(u"MASKLINE_LOG_FORMAT"_s), qPrintable(help.err));
    }
};

QTEST_GUILESS_MAIN(TestLogging)
#include "tst_logging.moc"
