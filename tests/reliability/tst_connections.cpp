// The HTTP front's connection handling, on the listener itself (engine/http/httpconnection.h): replies larger than
// the kernel takes at once stay whole and in order behind each other, and the idle timeout closes a quiet connection
// but never one that keeps talking.

#include <QElapsedTimer>
#include <QTcpSocket>
#include <QTest>
#include <QTimer>

#include "http/httpconnection.h"
#include "rawreplies.h"

using namespace Maskline;
using Testing::RawReply;
using Testing::takeReplies;

namespace {

QByteArray get(const QByteArray &target)
{
    return "GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n";
}

} // namespace

class tst_Connections : public QObject
{
    Q_OBJECT

private:
    static constexpr qsizetype BIG = 16 * 1024 * 1024; // far more than loopback's socket buffers hold

    std::unique_ptr<HttpListener> listener(int idleTimeoutMs)
    {
        HttpListener::Limits limits;
        limits.idleTimeoutMs = idleTimeoutMs;
        auto front =
            std::make_unique<HttpListener>(limits, [this](const HttpRequest &request, HttpListener::Respond respond) {
                ++m_handled;
                // /big/N: BIG bytes of the letter 'a' + N; /later: answered when the test says; else "ok".
                if (request.path == u"/later") {
                    m_later = std::move(respond);
                } else if (request.path.startsWith(u"/big/")) {
                    const char fill = char('a' + request.path.mid(5).toInt());
                    respond(HttpReply::text(200, "text/plain", QByteArray(BIG, fill)));
                } else {
                    respond(HttpReply::text(200, "text/plain", "ok"));
                }
            });
        return front;
    }

    int m_handled = 0;
    HttpListener::Respond m_later;

private Q_SLOTS:
    void init()
    {
        m_handled = 0;
        m_later = {};
    }

    // Replies written while the client reads nothing: the first fills the kernel's buffers and the rest of it waits in
    // the socket's; every reply after it must queue behind it, not slip past it onto the wire.
    void largePipelinedRepliesStayWholeAndInOrder()
    {
        const auto front = listener(60000);
        QVERIFY(front->listen(QHostAddress::LocalHost, 0));
        QTcpSocket client;
        client.setReadBufferSize(64 * 1024); // reads only as the test takes bytes, so the server's sends back up
        client.connectToHost(QHostAddress::LocalHost, front->serverPort());
        QVERIFY(client.waitForConnected(5000));
        client.write(get("/big/0") + get("/small") + get("/big/1") + get("/small"));
        QTRY_COMPARE(m_handled, 4);

        client.setReadBufferSize(0); // now take everything
        QByteArray in;
        QList<RawReply> replies;
        QTRY_VERIFY_WITH_TIMEOUT((in += client.readAll(), replies += takeReplies(in), replies.size() == 4), 30000);
        QCOMPARE(replies.at(0).status, 200);
        QCOMPARE(replies.at(0).body.size(), BIG);
        QCOMPARE(replies.at(0).body.count('a'), BIG);
        QCOMPARE(replies.at(1).body, QByteArray("ok"));
        QCOMPARE(replies.at(2).body.size(), BIG);
        QCOMPARE(replies.at(2).body.count('b'), BIG);
        QCOMPARE(replies.at(3).body, QByteArray("ok"));
        QVERIFY(in.isEmpty());
    }

    // A deferred reply that is ready while the one before it is still partly in the socket's buffer (the kernel
    // having room again, as the client reads) goes after all of it.
    void aDeferredReplyWaitsForTheRestOfTheOneBeforeIt()
    {
        const auto front = listener(60000);
        QVERIFY(front->listen(QHostAddress::LocalHost, 0));
        QTcpSocket client;
        client.setReadBufferSize(64 * 1024);
        client.connectToHost(QHostAddress::LocalHost, front->serverPort());
        QVERIFY(client.waitForConnected(5000));
        client.write(get("/big/2") + get("/later"));
        QTRY_COMPARE(m_handled, 2);
        QVERIFY(m_later);

        // Drain the kernel's buffers without letting the server's socket refill them (no event loop runs in
        // waitForReadyRead), so the next reply finds room in the kernel while the rest of the first waits in Qt's.
        client.setReadBufferSize(0);
        QVERIFY(client.waitForReadyRead(5000));
        QByteArray in = client.readAll();
        QVERIFY(in.size() < BIG / 2); // most of the big reply is still on its way
        m_later(HttpReply::text(200, "text/plain", "later"));
        QList<RawReply> replies;
        QTRY_VERIFY_WITH_TIMEOUT((in += client.readAll(), replies += takeReplies(in), replies.size() == 2), 30000);
        QCOMPARE(replies.at(0).body.size(), BIG);
        QCOMPARE(replies.at(0).body.count('c'), BIG);
        QCOMPARE(replies.at(1).body, QByteArray("later"));
    }

    // A client that sends a request every third of the idle timeout is never cut off, however long it goes on; once
    // it stops, the connection is closed an idle timeout after its last request (not earlier, and not never).
    void idleTimeoutCountsFromTheLastRequest()
    {
        constexpr int IDLE_MS = 300;
        const auto front = listener(IDLE_MS);
        QVERIFY(front->listen(QHostAddress::LocalHost, 0));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, front->serverPort());
        QVERIFY(client.waitForConnected(5000));

        constexpr int REQUESTS = 10; // 10 x 100 ms: more than three idle timeouts in all
        QElapsedTimer sinceLast;
        QTimer pace;
        pace.setInterval(IDLE_MS / 3);
        int sent = 0;
        connect(&pace, &QTimer::timeout, &client, [&] {
            client.write(get("/small"));
            sinceLast.start();
            if (++sent == REQUESTS) {
                pace.stop();
            }
        });
        pace.start();
        QByteArray in;
        QList<RawReply> replies;
        QTRY_VERIFY_WITH_TIMEOUT((in += client.readAll(), replies += takeReplies(in), replies.size() == REQUESTS),
                                 10000);
        QCOMPARE(client.state(), QAbstractSocket::ConnectedState);

        QTRY_VERIFY_WITH_TIMEOUT(client.state() == QAbstractSocket::UnconnectedState, 10000);
        QVERIFY2(sinceLast.elapsed() >= IDLE_MS - 50, QByteArray::number(sinceLast.elapsed()).constData());
    }

    // A connection that never sends a byte is closed too.
    void aSilentConnectionIsClosed()
    {
        const auto front = listener(200);
        QVERIFY(front->listen(QHostAddress::LocalHost, 0));
        QTcpSocket client;
        client.connectToHost(QHostAddress::LocalHost, front->serverPort());
        QVERIFY(client.waitForConnected(5000));
        QTRY_VERIFY_WITH_TIMEOUT(client.state() == QAbstractSocket::UnconnectedState, 10000);
    }
};

QTEST_GUILESS_MAIN(tst_Connections)
#include "tst_connections.moc"
