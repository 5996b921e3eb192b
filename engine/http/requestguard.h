#pragma once

#include <QByteArray>
#include <QTcpServer>

class QTcpSocket;
class QTimer;

namespace Maskline {

struct ApiError;

// QHttpServer 6.4 buffers every request body whole (it even reserves Content-Length bytes up front) and has no size
// limit. This TCP server keeps memory bounded by looking at each connection's byte stream before QHttpServer does:
// its readyRead handler is connected first (slots run in connection order), follows request framing itself
// (Content-Length or chunked, keep-alive included) by peeking at the new bytes, and refuses a request whose declared
// or received body exceeds the limit with 413 before QHttpServer sees a byte of that body (declared) or more than the
// limit of it (chunked). A refused connection is drained, not read into memory, then closed. It also answers
// `Expect: 100-continue`, which QHttpServer 6.4 ignores, and closes connections idle for too long.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    struct Limits
    {
        qint64 maxBodyBytes = 1 << 20;
        qint64 maxHeaderBytes = 64 * 1024;
        int idleTimeoutMs = 120 * 1000;
        qint64 maxDrainBytes = 256LL * 1024 * 1024; // past this a refused client is cut off (RST) instead
        int drainTimeoutMs = 10 * 1000;
    };

    explicit GuardedTcpServer(Limits limits, QObject *parent = nullptr);

    const Limits &limits() const { return m_limits; }

Q_SIGNALS:
    // A request answered by the guard itself (413, 431, 400): for metrics.
    void requestRefused(const QString &method, int httpStatus);

protected:
    void incomingConnection(qintptr handle) override;

private:
    Limits m_limits;
};

// One connection's watcher; a child of its socket, so it lives exactly as long as the connection.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    ConnectionGuard(QTcpSocket *socket, GuardedTcpServer *server);

private:
    enum class State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        Trailers,
        Draining,
    };

    void handleReadyRead();
    void handleDrain();
    void feed(const QByteArray &data);
    // Reads the header block; false when the request was refused.
    bool startRequest(const QByteArray &head);
    // Appends to m_line up to and including '\n'; returns bytes consumed, sets complete when the line ended.
    qsizetype takeLine(const QByteArray &data, qsizetype from, bool &complete);
    void refuse(const ApiError &error);

    QTcpSocket *m_socket;
    GuardedTcpServer *m_server;
    QTimer *m_timer;
    State m_state = State::Head;
    QByteArray m_head;
    QByteArray m_line;
    QByteArray m_method;
    qint64 m_remaining = 0;
    qint64 m_bodyBytes = 0;
    qint64 m_drained = 0;
};

} // namespace Maskline
