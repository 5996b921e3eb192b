#include "httpconnection.h"

#include <algorithm>

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include "core/apierror.h"
#include "core/redact.h"
#include "httpmessage.h"

#if defined(Q_OS_UNIX)
#include <cerrno>
#include <sys/socket.h>
#endif

namespace Maskline {

namespace {

Q_LOGGING_CATEGORY(lcHttpConnection, "maskline.http.connection", QtInfoMsg)

} // namespace

// --- HttpListener ---------------------------------------------------------------------------------------------------

HttpListener::HttpListener(Limits limits, Handler handler, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
    , m_handler(std::move(handler))
{}

void HttpListener::incomingConnection(qintptr handle)
{
    QTcpSocket *socket = nullptr;
    if (isEncrypted()) {
        auto *ssl = new QSslSocket(this);
        ssl->setSslConfiguration(m_ssl);
        socket = ssl;
    } else {
        socket = new QTcpSocket(this);
    }
    if (!socket->setSocketDescriptor(handle)) {
        qCWarning(lcHttpConnection) << "cannot adopt connection:" << socket->errorString();
        delete socket;
        return;
    }
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        // A failed handshake (a plain-HTTP client, an untrusted certificate on the other side) ends the connection
        // before a byte of it is parsed.
        connect(ssl, &QSslSocket::errorOccurred, ssl, [ssl](QAbstractSocket::SocketError) {
            if (!ssl->isEncrypted()) {
                qCDebug(lcHttpConnection).noquote() << "TLS handshake failed:" << ssl->errorString();
                ssl->abort();
                ssl->deleteLater();
            }
        });
        ssl->startServerEncryption();
    }
    connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
    new HttpConnection(socket, this);
}

// --- ReplyQueue -----------------------------------------------------------------------------------------------------

ReplyQueue::ReplyQueue(QTcpSocket *socket)
    : QObject(socket)
    , m_socket(socket)
    , m_plain(qobject_cast<QSslSocket *>(socket) == nullptr)
{}

quint64 ReplyQueue::reserve()
{
    m_slots.append({m_next, {}, false, false});
    return m_next++;
}

void ReplyQueue::fill(quint64 id, QByteArray wire, bool close)
{
    for (Slot &slot : m_slots) {
        if (slot.id == id && !slot.ready) {
            slot.wire = std::move(wire);
            slot.close = close;
            slot.ready = true;
            break;
        }
    }
    bool wrote = false;
    bool buffered = false;
    while (!m_closing && !m_slots.isEmpty() && m_slots.constFirst().ready) {
        const Slot slot = m_slots.takeFirst();
        buffered = send(slot.wire);
        wrote = true;
        if (slot.close) {
            m_closing = true;
            m_slots.clear();
        }
    }
    if (buffered) {
        // Into the kernel now, not on the next write notification: when the client has already half-closed, Qt
        // tears the socket down as soon as it reads the end of the stream, dropping whatever is still buffered here.
        m_socket->flush();
    }
    if (m_closing && wrote) {
        if (m_closeHandler) {
            m_closeHandler();
        } else {
            m_socket->disconnectFromHost();
        }
    }
}

bool ReplyQueue::send(const QByteArray &wire)
{
    qsizetype sent = 0;
#if defined(Q_OS_UNIX)
    // Qt's own path copies the reply into its buffer and arms (then disarms) a write notification even when the
    // kernel takes it all at once, which it nearly always does. Written directly only while Qt holds nothing
    // unwritten, so the order on the wire stays the order of the replies; what the kernel does not take goes to Qt.
    const qintptr fd = m_socket->socketDescriptor();
    if (m_plain && fd >= 0 && m_socket->bytesToWrite() == 0 && m_socket->state() == QAbstractSocket::ConnectedState) {
        while (sent < wire.size()) {
            const ssize_t n = ::send(int(fd), wire.constData() + sent, size_t(wire.size() - sent), MSG_NOSIGNAL);
            if (n > 0) {
                sent += n;
            } else if (n < 0 && errno == EINTR) {
                continue;
            } else {
                break; // EAGAIN (the kernel's buffer is full), or an error Qt's own write will run into and report
            }
        }
    }
#endif
    if (sent == wire.size()) {
        return false;
    }
    m_socket->write(wire.constData() + sent, wire.size() - sent);
    return true;
}

// --- HttpConnection: a connection's life ---------------------------------------------------------------------------

HttpConnection::HttpConnection(QTcpSocket *socket, HttpListener *listener)
    : QObject(socket)
    , m_socket(socket)
    , m_listener(listener)
    , m_replies(new ReplyQueue(socket))
    , m_peer(socket->peerAddress())
    , m_timer(new QTimer(this))
{
    connect(socket, &QTcpSocket::readyRead, this, &HttpConnection::handleReadyRead);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        // The idle timer is not restarted on every read (that is a timer registration per request): it is armed
        // once, and when it fires early for a connection that has been active since, it waits out the remainder.
        const qint64 idleMs = m_listener->limits().idleTimeoutMs;
        const qint64 quietMs = m_clock.elapsed() - m_activeAtMs;
        if (m_state != State::Draining && quietMs < idleMs) {
            m_timer->start(int(idleMs - quietMs));
            return;
        }
        qCDebug(lcHttpConnection) << "closing idle or draining connection";
        m_socket->abort();
        m_socket->deleteLater();
    });
    m_clock.start();
    m_timer->start(m_listener->limits().idleTimeoutMs);
}

void HttpConnection::handleReadyRead()
{
    if (m_state == State::Draining) {
        handleDrain();
        return;
    }
    if (m_state == State::Closing) {
        m_socket->readAll(); // after "Connection: close" nothing more is a request
        return;
    }
    m_activeAtMs = m_clock.elapsed();
    feed(m_socket->readAll());
}

void HttpConnection::handleDrain()
{
    char scratch[16384];
    while (m_socket->bytesAvailable() > 0) {
        const qint64 n = m_socket->read(scratch, sizeof(scratch));
        if (n <= 0) {
            break;
        }
        m_drained += n;
    }
    if (m_drained > m_listener->limits().maxDrainBytes) {
        m_socket->abort();
        m_socket->deleteLater();
    }
}

void HttpConnection::refuse(const ApiError &error)
{
    qCInfo(lcHttpConnection).noquote() << "refusing request:" << error.status << redactText(error.message);
    m_state = State::Draining;
    m_head.clear();
    m_line.clear();
    m_request = HttpRequest();
    // After the replies of the requests before it (a deferred one may still be on its way), then half-close.
    m_replies->setCloseHandler([this] { halfCloseWhenFlushed(); });
    m_replies->fill(m_replies->reserve(), HttpReply::error(error).toWire(true), true);
    Q_EMIT m_listener->requestRefused(QString::fromLatin1(m_method), error.status);
    // Keep reading (and discarding) what the client still sends, so it gets to read the answer instead of a reset;
    // give up after a while.
    m_timer->start(m_listener->limits().drainTimeoutMs);
}

void HttpConnection::halfCloseWhenFlushed()
{
    // Our side is done once the refusal is out: FIN after it, so the client reads a complete answer and sees the end,
    // while its own remaining bytes are still drained (closing with unread input would send a reset instead).
    const auto shut = [this] {
#if defined(Q_OS_UNIX)
        if (m_socket->bytesToWrite() == 0 && m_socket->socketDescriptor() >= 0) {
            ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
            return true;
        }
        return false;
#else
        m_socket->disconnectFromHost();
        return true;
#endif
    };
    if (!shut()) {
        connect(m_socket, &QTcpSocket::bytesWritten, this, [shut] { shut(); });
    }
}

} // namespace Maskline
