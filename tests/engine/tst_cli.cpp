// maskline-server as an operator meets it: the one "listening on" line, a clean exit on SIGTERM, a second engine on
// the same store refused by name, and the account admin commands (create, list, token, set) working beside it.

#include <csignal>

#include <QDeadlineTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

using namespace Qt::Literals::StringLiterals;

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

Run runServer(const QStringList &args)
{
    QProcess p;
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove(u"MASKLINE_ACCOUNT_SID"_s);
    env.remove(u"MASKLINE_AUTH_TOKEN"_s);
    p.setProcessEnvironment(env);
    p.start(QStringLiteral(MASKLINE_SERVER_BINARY), args);
    if (!p.waitForFinished(30000)) {
        p.kill();
        p.waitForFinished();
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

} // namespace

class TestCli final : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    QString db() const { return m_dir.filePath(u"cli.db"_s); }

    // Starts an engine on the store; returns its base URL once it printed its one line.
    QString startEngine(QProcess &engine)
    {
        engine.start(QStringLiteral(MASKLINE_SERVER_BINARY),
                     {u"--db"_s, db(), u"--listen"_s, u"127.0.0.1:0"_s, u"--rate-limit"_s, u"off"_s});
        const QRegularExpression line(u"^listening on (http://127\\.0\\.0\\.1:\\d+)\\n$"_s);
        QString out;
        QDeadlineTimer deadline(20000);
        while (!out.endsWith(u'\n') && engine.state() != QProcess::NotRunning && !deadline.hasExpired()) {
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

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void engineLifecycleAndAdminBesideIt()
    {
        QProcess engine;
        const QString url = startEngine(engine);
        QVERIFY(!url.isEmpty());

        // The first start created an account; list shows it with its default settings.
        Run list = runServer({u"--db"_s, db(), u"account"_s, u"list"_s});
        QCOMPARE(list.exitCode, 0);
        const QStringList lines = list.out.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), 1);
        const QString first = lines.first().section(u' ', 0, 0);
        QVERIFY2(first.contains(QRegularExpression(u"^AC[0-9a-f]{32}$"_s)), qPrintable(first));
        QVERIFY(lines.first().contains(u"allow_participant_conflict=off"_s));
        QVERIFY(lines.first().contains(u"sms_stop_filtering=on"_s));

        // A second engine on the same file is refused, naming the process that holds it, and changes nothing.
        Run second = runServer({u"--db"_s, db(), u"--listen"_s, u"127.0.0.1:0"_s});
        QVERIFY(second.exitCode != 0);
        QVERIFY2(second.err.contains(QString::number(engine.processId())), qPrintable(second.err));
        QVERIFY(!second.out.contains(u"listening on"_s));

        // create prints a SID and a token; token prints the same token back.
        Run created = runServer({u"--db"_s, db(), u"account"_s, u"create"_s});
        QCOMPARE(created.exitCode, 0);
        const auto m = QRegularExpression(u"^sid (AC[0-9a-f]{32})\\ntoken ([0-9a-f]{32})\\n$"_s).match(created.out);
        QVERIFY2(m.hasMatch(), qPrintable(created.out));
        Run token = runServer({u"--db"_s, db(), u"account"_s, u"token"_s, m.captured(1)});
        QCOMPARE(token.exitCode, 0);
        QCOMPARE(token.out, m.captured(2) + u'\n');
        QVERIFY2(!runServer({u"--db"_s, db(), u"account"_s, u"list"_s}).out.contains(m.captured(2)),
                 "list never prints a token");

        // set changes exactly the named setting; a bad word is refused and changes nothing.
        Run set = runServer({u"--db"_s, db(), u"account"_s, u"set"_s, first, u"allow_participant_conflict=on"_s});
        QCOMPARE(set.exitCode, 0);
        QVERIFY(set.out.contains(u"allow_participant_conflict=on"_s));
        QVERIFY(set.out.contains(u"sms_stop_filtering=on"_s));
        Run bad = runServer(
            {u"--db"_s, db(), u"account"_s, u"set"_s, first, u"sms_stop_filtering=off"_s, u"no_such_setting=on"_s});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains(u"no_such_setting"_s), qPrintable(bad.err));
        list = runServer({u"--db"_s, db(), u"account"_s, u"list"_s});
        QVERIFY(list.out.contains(u"sms_stop_filtering=on"_s));
        QCOMPARE(runServer({u"--db"_s, db(), u"account"_s, u"token"_s, u"AC" + QString(32, u'0')}).exitCode, 1);
        QCOMPARE(runServer({u"--db"_s, db(), u"account"_s, u"frobnicate"_s}).exitCode, 2);

        // SIGTERM: a clean exit 0.
        ::kill(pid_t(engine.processId()), SIGTERM);
        QVERIFY(engine.waitForFinished(20000));
        QCOMPARE(engine.exitStatus(), QProcess::NormalExit);
        QCOMPARE(engine.exitCode(), 0);

        // With the engine gone the store is free again.
        QProcess again;
        QVERIFY(!startEngine(again).isEmpty());
        again.terminate();
        QVERIFY(again.waitForFinished(20000));
        QCOMPARE(again.exitCode(), 0);
    }

    // Numeric options out of range are refused before anything starts, naming the option.
    void outOfRangeOptionsRefused_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("named");
        QTest::newRow("connections 0") << QStringList{u"--carrier-connections"_s, u"0"_s} << u"--carrier-connections"_s;
        QTest::newRow("connections word")
            << QStringList{u"--carrier-connections"_s, u"many"_s} << u"--carrier-connections"_s;
        QTest::newRow("in flight 0") << QStringList{u"--carrier-sends-in-flight"_s, u"0"_s}
                                     << u"--carrier-sends-in-flight"_s;
        QTest::newRow("read threads -1") << QStringList{u"--read-threads"_s, u"-1"_s} << u"--read-threads"_s;
        QTest::newRow("read threads 65") << QStringList{u"--read-threads"_s, u"65"_s} << u"--read-threads"_s;
    }

    void outOfRangeOptionsRefused()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, named);
        const Run run =
            runServer(QStringList{u"--db"_s, m_dir.filePath(u"refused.db"_s), u"--listen"_s, u"127.0.0.1:0"_s} + args);
        QVERIFY(run.exitCode != 0);
        QVERIFY2(run.err.contains(named), qPrintable(run.err));
        QVERIFY(!run.out.contains(u"listening on"_s));
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
