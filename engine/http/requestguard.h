#pragma once

#include <functional>
#include <optional>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QTcpServer>

#include "core/apierror.h"

class QTcpSocket;
class QTimer;

namespace Maskline {

// QHttpServer 6.4 buffers every request body whole (it even reserves Content-Length bytes up front), has no size
// limit, and frames requests leniently (the first of two Content-Length headers, any Transfer-Encoding that contains
// "chunked", folded lines, trailers read as the next request). This TCP server looks at each connection's byte
// stream before QHttpServer does and lets through only requests whose framing is unambiguous under RFC 9112, so the
// two parsers can never frame the same bytes differently (request smuggling):
//
// - its readyRead handler is connected first (slots run in connection order) and examines the new bytes by peeking;
//   a second handler, connected after QHttpServer's, notes how far QHttpServer read, so pipelined requests QHttpServer
//   has not read yet are never examined twice;
// - every head is checked in full before QHttpServer can act on it: request line, field names and values, one
//   Content-Length of 1*DIGIT or exactly `Transfer-Encoding: chunked` (never both), exactly one Host on HTTP/1.1,
//   at most one Authorization, no obs-fold, no bare CR or NUL, and the size limits below (414, 431);
// - chunked bodies must be canonical (hex size, CRLF after each chunk, no trailer fields), and bodies over the limit
//   get 413 before QHttpServer sees more than the limit of them.
//
// A refused request is answered with its 4xx and `Connection: close` after the replies of the good requests
// pipelined before it (through the connection's ReplyQueue); the connection is then half-closed and drained, not
// read into memory, and closed when the client closes or after a while. It also answers `Expect: 100-continue`,
// which QHttpServer 6.4 ignores, and closes connections idle for too long.
class GuardedTcpServer final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuardedTcpServer)

public:
    struct Limits
    {
        qint64 maxBodyBytes = 1 << 20;
        qint64 maxTargetBytes = 8 * 1024;  // the request-target; longer -> 414
        qint64 maxHeaderBytes = 16 * 1024; // the field lines of one request (request line excluded); more -> 431
        int maxHeaderFields = 100;         // more field lines -> 431
        int idleTimeoutMs = 120 * 1000;
        qint64 maxDrainBytes = 256LL * 1024 * 1024; // past this a refused client is cut off (RST) instead
        int drainTimeoutMs = 10 * 1000;
    };

    explicit GuardedTcpServer(Limits limits, QObject *parent = nullptr);

    const Limits &limits() const { return m_limits; }

    // With a configuration that holds a certificate and key, every connection is a QSslSocket that starts the server
    // side of the TLS handshake at once; the guard and QHttpServer then read the decrypted stream, unchanged.
    void setSslConfiguration(const QSslConfiguration &configuration) { m_ssl = configuration; }
    bool isEncrypted() const { return !m_ssl.localCertificate().isNull(); }

Q_SIGNALS:
    // A request answered by the guard itself (413, 414, 431, 400): for metrics.
    void requestRefused(const QString &method, int httpStatus);

protected:
    void incomingConnection(qintptr handle) override;

private:
    Limits m_limits;
    QSslConfiguration m_ssl;
};

// The replies of one connection, in request order: a deferred reply holds back the replies of requests pipelined
// after it until it is written. A child of the socket, so it goes when the connection goes (late replies are dropped).
// Each reply is flushed to the kernel as soon as it is its turn, so a client that half-closes after its last request
// (shutdown(SHUT_WR)) still receives it: Qt closes the whole socket when it reads the end of the stream.
class ReplyQueue final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ReplyQueue)

public:
    explicit ReplyQueue(QTcpSocket *socket);

    // The connection's queue, made on its first request.
    static ReplyQueue *of(QTcpSocket *socket);

    quint64 reserve();
    // Nothing after a `close` reply is sent. By default the socket is then disconnected; the guard replaces that with
    // its own half-close-and-drain through setCloseHandler().
    void fill(quint64 id, QByteArray wire, bool close);
    void setCloseHandler(std::function<void()> handler) { m_closeHandler = std::move(handler); }

private:
    struct Slot
    {
        quint64 id;
        QByteArray wire;
        bool close;
        bool ready;
    };
    QTcpSocket *m_socket;
    QList<Slot> m_slots;
    quint64 m_next = 0;
    bool m_closing = false;
    std::function<void()> m_closeHandler;
};

// One connection's watcher; a child of its socket, so it lives exactly as long as the connection.
class ConnectionGuard final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionGuard)

public:
    ConnectionGuard(QTcpSocket *socket, GuardedTcpServer *server);

    // Connects the handler that runs after QHttpServer's on every read; called once QHttpServer has connected its own.
    void followBackend();

private:
    enum class State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        LastChunkEnd,
        Draining,
    };

    void handleReadyRead();
    void handleBackendRead();
    void handleDrain();
    void feed(const QByteArray &data);
    // Checks a complete header block; false when the request is refused.
    bool startRequest(const QByteArray &head);
    // Appends to m_line up to and including '\n'; returns bytes consumed, sets complete when the line ended.
    qsizetype takeLine(const QByteArray &data, qsizetype from, bool &complete);
    // Refuses the request that started at m_requestStart: now if QHttpServer has read every byte before it, otherwise
    // once it has (the replies of the good requests before it go first).
    void refuse(const ApiError &error);
    void refuseNow(const ApiError &error);
    void halfCloseWhenFlushed();

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
    // Stream positions (bytes since the connection opened): how far this guard has examined, how far QHttpServer has
    // read, where the request being framed began, and how many bytes were available when this read began.
    qint64 m_examined = 0;
    qint64 m_backendRead = 0;
    qint64 m_requestStart = 0;
    qint64 m_availableBefore = 0;
    std::optional<ApiError> m_pendingRefusal;
    bool m_following = false;
};

} // namespace Maskline
