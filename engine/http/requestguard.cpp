#include "requestguard.h"

#include <algorithm>

#include <QLoggingCategory>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

#include "core/apierror.h"
#include "core/redact.h"
#include "httpmessage.h"

#if defined(Q_OS_UNIX)
#include <sys/socket.h>
#endif

namespace Maskline {

namespace {

Q_LOGGING_CATEGORY(lcGuard, "maskline.http.guard", QtInfoMsg)

} // namespace

// --- GuardedTcpServer -----------------------------------------------------------------------------------------------

GuardedTcpServer::GuardedTcpServer(Limits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{}

void GuardedTcpServer::incomingConnection(qintptr handle)
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
        qCWarning(lcGuard) << "cannot adopt connection:" << socket->errorString();
        delete socket;
        return;
    }
    if (auto *ssl = qobject_cast<QSslSocket *>(socket)) {
        // A failed handshake (a plain-HTTP client, an untrusted certificate on the other side) ends the connection;
        // QHttpServer never sees a byte of it.
        connect(ssl, &QSslSocket::errorOccurred, ssl, [ssl](QAbstractSocket::SocketError) {
            if (!ssl->isEncrypted()) {
                qCDebug(lcGuard).noquote() << "TLS handshake failed:" << ssl->errorString();
                ssl->abort();
                ssl->deleteLater();
            }
        });
        ssl->startServerEncryption();
    }
    // Connected before addPendingConnection() hands the socket to QHttpServer, so this guard's readyRead handler
    // runs before QHttpServer's on every read.
    auto *guard = new ConnectionGuard(socket, this);
    // QAbstractHttpServer 6.4 takes the connection (and connects its readyRead handler) from the
    // pendingConnectionAvailable signal, emitted inside addPendingConnection(): connected after it, the guard's
    // second handler runs after QHttpServer's.
    addPendingConnection(socket);
    guard->followBackend();
}

// --- ReplyQueue -----------------------------------------------------------------------------------------------------

ReplyQueue::ReplyQueue(QTcpSocket *socket)
    : QObject(socket)
    , m_socket(socket)
{}

ReplyQueue *ReplyQueue::of(QTcpSocket *socket)
{
    if (auto *existing = socket->findChild<ReplyQueue *>(QString(), Qt::FindDirectChildrenOnly)) {
        return existing;
    }
    return new ReplyQueue(socket);
}

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
    while (!m_closing && !m_slots.isEmpty() && m_slots.constFirst().ready) {
        const Slot slot = m_slots.takeFirst();
        m_socket->write(slot.wire);
        wrote = true;
        if (slot.close) {
            m_closing = true;
            m_slots.clear();
        }
    }
    if (wrote) {
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

// --- ConnectionGuard ------------------------------------------------------------------------------------------------

ConnectionGuard::ConnectionGuard(QTcpSocket *socket, GuardedTcpServer *server)
    : QObject(socket)
    , m_socket(socket)
    , m_server(server)
    , m_timer(new QTimer(this))
{
    connect(socket, &QTcpSocket::readyRead, this, &ConnectionGuard::handleReadyRead);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, [this] {
        qCDebug(lcGuard) << "closing idle or draining connection";
        m_socket->abort();
        m_socket->deleteLater();
    });
    m_timer->start(m_server->limits().idleTimeoutMs);
}

void ConnectionGuard::followBackend()
{
    if (!m_following) {
        m_following = true;
        connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::handleBackendRead);
    }
}

void ConnectionGuard::handleReadyRead()
{
    if (m_state == State::Draining) {
        handleDrain();
        return;
    }
    m_timer->start(m_server->limits().idleTimeoutMs);
    const qint64 available = m_socket->bytesAvailable();
    m_availableBefore = available;
    if (m_pendingRefusal) {
        return; // nothing after a refused request is examined; QHttpServer reads only the good requests before it
    }
    // QHttpServer reads everything available each time its own handler runs, except what follows a complete
    // request (it handles one per read and comes back for the next): the bytes at the front that this guard has
    // examined and QHttpServer has not read yet are skipped, the rest are new.
    const qint64 unread = m_following ? std::max<qint64>(m_examined - m_backendRead, 0) : 0;
    if (available <= unread) {
        return;
    }
    feed(m_socket->peek(available).mid(unread));
}

void ConnectionGuard::handleBackendRead()
{
    if (m_state == State::Draining) {
        return;
    }
    const qint64 available = m_socket->bytesAvailable();
    m_backendRead += std::max<qint64>(m_availableBefore - available, 0);
    m_availableBefore = available;
    if (m_pendingRefusal && m_backendRead >= m_requestStart) {
        const ApiError error = *m_pendingRefusal;
        m_pendingRefusal.reset();
        refuseNow(error);
    }
}

void ConnectionGuard::handleDrain()
{
    char scratch[16384];
    while (m_socket->bytesAvailable() > 0) {
        const qint64 n = m_socket->read(scratch, sizeof(scratch));
        if (n <= 0) {
            break;
        }
        m_drained += n;
    }
    if (m_drained > m_server->limits().maxDrainBytes) {
        m_socket->abort();
        m_socket->deleteLater();
    }
}

void ConnectionGuard::refuse(const ApiError &error)
{
    if (m_backendRead >= m_requestStart || !m_following) {
        refuseNow(error);
        return;
    }
    // Good requests pipelined before this one are still unread by QHttpServer: their replies come first.
    qCDebug(lcGuard) << "refusal waits for" << (m_requestStart - m_backendRead) << "bytes of earlier requests";
    m_pendingRefusal = error;
    m_head.clear();
    m_line.clear();
}

void ConnectionGuard::refuseNow(const ApiError &error)
{
    qCInfo(lcGuard).noquote() << "refusing request:" << error.status << redactText(error.message);
    m_state = State::Draining;
    m_head.clear();
    m_line.clear();
    // Stop QHttpServer from reading this connection at all (its handler would otherwise run right after this one,
    // in this same emission, and buffer the body); from now on the bytes are read here and thrown away.
    disconnect(m_socket, &QTcpSocket::readyRead, nullptr, nullptr);
    connect(m_socket, &QTcpSocket::readyRead, this, &ConnectionGuard::handleReadyRead);
    // QHttpServer reads inside a socket transaction, which keeps every byte read since it started: end it, or the
    // drained body would pile up in the socket's buffer after all.
    if (m_socket->isTransactionStarted()) {
        m_socket->commitTransaction();
    }
    // After the replies of the requests before it (a deferred one may still be on its way), then half-close.
    ReplyQueue *queue = ReplyQueue::of(m_socket);
    queue->setCloseHandler([this] { halfCloseWhenFlushed(); });
    queue->fill(queue->reserve(), HttpReply::error(error).toWire(true), true);
    Q_EMIT m_server->requestRefused(QString::fromLatin1(m_method), error.status);
    // Keep reading (and discarding) what the client still sends, so it gets to read the answer instead of a reset;
    // give up after a while.
    m_timer->start(m_server->limits().drainTimeoutMs);
    handleDrain();
}

void ConnectionGuard::halfCloseWhenFlushed()
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
