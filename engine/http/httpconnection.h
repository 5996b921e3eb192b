#pragma once

#include <functional>

#include <QByteArray>
#include <QElapsedTimer>
#include <QHostAddress>
#include <QList>
#include <QObject>
#include <QSslConfiguration>
#include <QTcpServer>

#include "core/apierror.h"
#include "httpmessage.h"

class QTcpSocket;
class QTimer;

namespace Maskline {

// The HTTP/1.1 front: one strict parser owns framing, limits, keep-alive, pipelining and half-close. There is no
// second parser behind it (QHttpServer 6.4 framed requests leniently and was removed: two parsers that frame the same
// bytes differently are how requests get smuggled), so what this parser frames is exactly what the handlers see.
//
// - every head is checked in full before anything acts on it: request line, field names and values, one
//   Content-Length of 1*DIGIT or exactly `Transfer-Encoding: chunked` (never both), exactly one Host on HTTP/1.1,
//   at most one Authorization, no obs-fold, no bare CR or NUL, and the size limits below (414, 431);
// - chunked bodies must be canonical (hex size, CRLF after each chunk, no trailer fields), and bodies over the limit
//   get 413 before more than the limit of them is read;
// - `Expect: 100-continue` is answered; connections idle for too long are closed.
//
// A refused request is answered with its 4xx and `Connection: close` after the replies of the good requests
// pipelined before it (through the connection's ReplyQueue); the connection is then half-closed and drained, not
// read into memory, and closed when the client closes or after a while.
class HttpListener final : public QTcpServer
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpListener)

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
    // Answers one request, exactly once (later calls are ignored), now or later; safe after the connection is gone.
    using Respond = std::function<void(HttpReply)>;
    // Called for each complete request, in the order they arrived on the connection.
    using Handler = std::function<void(HttpRequest, Respond)>;

    HttpListener(Limits limits, Handler handler, QObject *parent = nullptr);

    const Limits &limits() const { return m_limits; }
    const Handler &handler() const { return m_handler; }

    // Called after a read that completed requests when the client has already half-closed (shutdown(SHUT_WR)): the
    // server answers whatever it holds back (a write batch) now, before the end of the stream closes the socket.
    void setPeerFinishedHook(std::function<void()> hook) { m_peerFinished = std::move(hook); }
    void peerFinished() const
    {
        if (m_peerFinished) {
            m_peerFinished();
        }
    }

    // With a configuration that holds a certificate and key, every connection is a QSslSocket that starts the server
    // side of the TLS handshake at once; the parser then reads the decrypted stream.
    void setSslConfiguration(const QSslConfiguration &configuration) { m_ssl = configuration; }
    bool isEncrypted() const { return !m_ssl.localCertificate().isNull(); }

Q_SIGNALS:
    // A request answered by the parser itself (413, 414, 431, 400): for metrics.
    void requestRefused(const QString &method, int httpStatus);

protected:
    void incomingConnection(qintptr handle) override;

private:
    Limits m_limits;
    Handler m_handler;
    std::function<void()> m_peerFinished;
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

    quint64 reserve();
    // Nothing after a `close` reply is sent. By default the socket is then disconnected; the connection replaces that
    // with its own half-close-and-drain through setCloseHandler().
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
    // Into the kernel now: straight to the descriptor when nothing of Qt's is buffered ahead of it (a plain socket),
    // else through the socket. Returns whether anything is left in Qt's buffer.
    bool send(const QByteArray &wire);

    QTcpSocket *m_socket;
    const bool m_plain; // no TLS layer between us and the descriptor
    QList<Slot> m_slots;
    quint64 m_next = 0;
    bool m_closing = false;
    std::function<void()> m_closeHandler;
};

// One connection: reads its byte stream, frames and parses requests (httpframing.cpp), hands each complete one to
// the listener's handler and queues its reply. A child of its socket, so it lives exactly as long as the connection.
class HttpConnection final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(HttpConnection)

public:
    HttpConnection(QTcpSocket *socket, HttpListener *listener);

private:
    enum class State
    {
        Head,
        Body,
        ChunkSize,
        ChunkData,
        ChunkDataEnd,
        LastChunkEnd,
        Closing,  // a request asked for the connection to close: nothing after it is read
        Draining, // a request was refused: the rest is read and thrown away
    };

    void handleReadyRead();
    void handleDrain();
    void feed(const QByteArray &data);
    // Checks a complete header block and starts m_request from it; false when the request is refused.
    bool startRequest(const QByteArray &head);
    // The request in m_request is complete: hand it on.
    void finishRequest();
    // Appends to m_line up to and including '\n'; returns bytes consumed, sets complete when the line ended.
    qsizetype takeLine(const QByteArray &data, qsizetype from, bool &complete);
    // Answers the request being framed with error after the replies of the requests before it, then half-closes.
    void refuse(const ApiError &error);
    void halfCloseWhenFlushed();

    QTcpSocket *m_socket;
    HttpListener *m_listener;
    ReplyQueue *m_replies;
    const QHostAddress m_peer; // read once: it does not change, and each request carries it
    QTimer *m_timer;           // idle, then (once refusing) drain timeout
    QElapsedTimer m_clock;     // since the connection came
    qint64 m_activeAtMs = 0;   // m_clock at the last bytes read
    State m_state = State::Head;
    QByteArray m_head;
    QByteArray m_line;
    QByteArray m_method;
    HttpRequest m_request;     // the request being framed
    bool m_closeAfter = false; // the request being framed ends the connection (Connection: close, HTTP/1.0)
    bool m_leadingCr = false;  // a CR read before a request line, not yet known to be followed by its LF
    qint64 m_remaining = 0;
    qint64 m_bodyBytes = 0;
    qint64 m_drained = 0;
};

} // namespace Maskline
