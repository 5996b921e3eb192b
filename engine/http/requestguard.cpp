#include "requestguard.h"

#include <algorithm>

#include <QLoggingCategory>
#include <QTcpSocket>
#include <QTimer>

#include "core/apierror.h"
#include "core/redact.h"
#include "httpmessage.h"

namespace Maskline {

namespace {

Q_LOGGING_CATEGORY(lcGuard, "maskline.http.guard", QtInfoMsg)

constexpr qsizetype MAX_LINE = 4096; // a chunk-size or trailer line

// Position just past the blank line ending a header block ("\r\n\r\n" or a bare "\n\n"), or -1.
qsizetype headerEnd(const QByteArray &buf, qsizetype from)
{
    for (qsizetype i = std::max<qsizetype>(from, 0); i < buf.size(); ++i) {
        if (buf.at(i) != '\n') {
            continue;
        }
        if (i + 1 < buf.size() && buf.at(i + 1) == '\n') {
            return i + 2;
        }
        if (i + 2 < buf.size() && buf.at(i + 1) == '\r' && buf.at(i + 2) == '\n') {
            return i + 3;
        }
    }
    return -1;
}

ApiError tooLarge(qint64 limit)
{
    return ApiError::make(20413, 413,
                          QStringLiteral("Request body too large: the limit is %1 bytes").arg(QString::number(limit)));
}

} // namespace

GuardedTcpServer::GuardedTcpServer(Limits limits, QObject *parent)
    : QTcpServer(parent)
    , m_limits(limits)
{}

void GuardedTcpServer::incomingConnection(qintptr handle)
{
    auto *socket = new QTcpSocket(this);
    if (!socket->setSocketDescriptor(handle)) {
        qCWarning(lcGuard) << "cannot adopt connection:" << socket->errorString();
        delete socket;
        return;
    }
    // Connected before addPendingConnection() hands the socket to QHttpServer, so this guard's readyRead handler
    // runs before QHttpServer's on every read.
    new ConnectionGuard(socket, this);
    addPendingConnection(socket);
}

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

void ConnectionGuard::handleReadyRead()
{
    if (m_state == State::Draining) {
        handleDrain();
        return;
    }
    m_timer->start(m_server->limits().idleTimeoutMs);
    // QHttpServer reads everything available each time its own handler runs, so what is unread now is exactly what
    // arrived since: peek at it without taking it.
    const qint64 available = m_socket->bytesAvailable();
    if (available <= 0) {
        return;
    }
    feed(m_socket->peek(available));
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

qsizetype ConnectionGuard::takeLine(const QByteArray &data, qsizetype from, bool &complete)
{
    const qsizetype nl = data.indexOf('\n', from);
    const qsizetype end = nl < 0 ? data.size() : nl + 1;
    m_line.append(data.constData() + from, end - from);
    complete = nl >= 0;
    return end - from;
}

void ConnectionGuard::feed(const QByteArray &data)
{
    const qint64 limit = m_server->limits().maxBodyBytes;
    qsizetype i = 0;
    while (i < data.size() && m_state != State::Draining) {
        switch (m_state) {
        case State::Head: {
            if (m_head.isEmpty() && (data.at(i) == '\r' || data.at(i) == '\n')) {
                ++i; // empty lines before a request line are allowed (RFC 9112 §2.2)
                break;
            }
            const qsizetype before = m_head.size();
            m_head.append(data.constData() + i, data.size() - i);
            const qsizetype end = headerEnd(m_head, before - 2);
            if (end < 0) {
                i = data.size();
                if (m_head.size() > m_server->limits().maxHeaderBytes) {
                    refuse(ApiError::make(20431, 431, QStringLiteral("Request header block too large")));
                }
                break;
            }
            i += end - before;
            const QByteArray head = m_head.left(end);
            m_head.clear();
            if (!startRequest(head)) {
                return;
            }
            break;
        }
        case State::Body: {
            const qint64 n = std::min<qint64>(m_remaining, data.size() - i);
            i += n;
            m_remaining -= n;
            if (m_remaining == 0) {
                m_state = State::Head;
            }
            break;
        }
        case State::ChunkSize: {
            bool complete = false;
            i += takeLine(data, i, complete);
            if (!complete) {
                if (m_line.size() > MAX_LINE) {
                    refuse(ApiError::make(20400, 400, QStringLiteral("Malformed chunked body")));
                }
                break;
            }
            QByteArray sizeText = m_line.trimmed();
            m_line.clear();
            const qsizetype semicolon = sizeText.indexOf(';');
            if (semicolon >= 0) {
                sizeText.truncate(semicolon);
            }
            bool ok = false;
            const qint64 size = sizeText.trimmed().toLongLong(&ok, 16);
            if (!ok || size < 0) {
                refuse(ApiError::make(20400, 400, QStringLiteral("Malformed chunked body")));
                return;
            }
            if (size == 0) {
                m_state = State::Trailers;
                break;
            }
            if (size > limit - m_bodyBytes) {
                refuse(tooLarge(limit));
                return;
            }
            m_bodyBytes += size;
            m_remaining = size;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 n = std::min<qint64>(m_remaining, data.size() - i);
            i += n;
            m_remaining -= n;
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
            }
            break;
        }
        case State::ChunkDataEnd:
        case State::Trailers: {
            bool complete = false;
            i += takeLine(data, i, complete);
            if (!complete) {
                if (m_line.size() > MAX_LINE) {
                    refuse(ApiError::make(20400, 400, QStringLiteral("Malformed chunked body")));
                }
                break;
            }
            const bool blank = m_line.trimmed().isEmpty();
            m_line.clear();
            if (m_state == State::ChunkDataEnd) {
                m_state = State::ChunkSize;
            } else if (blank) {
                m_state = State::Head; // end of the trailer section: the request is complete
            }
            break;
        }
        case State::Draining:
            break;
        }
    }
}

bool ConnectionGuard::startRequest(const QByteArray &head)
{
    const QList<QByteArray> lines = head.split('\n');
    const QByteArray requestLine = lines.value(0).trimmed();
    const QList<QByteArray> parts = requestLine.split(' ');
    m_method = parts.value(0).left(16);
    // QHttpServer 6.4 answers a request its parser rejects by going silent on the connection; answer it here instead.
    if (parts.size() != 3 || !parts.at(2).startsWith("HTTP/1.") || parts.at(1).isEmpty()) {
        refuse(ApiError::make(20400, 400, QStringLiteral("Malformed HTTP request line")));
        return false;
    }
    static const QList<QByteArray> knownMethods = {"GET",  "POST",    "DELETE", "PUT",    "PATCH",
                                                   "HEAD", "OPTIONS", "TRACE",  "CONNECT"};
    if (!knownMethods.contains(m_method)) {
        refuse(ApiError::methodNotAllowed());
        return false;
    }
    const bool http11 = parts.at(2) == "HTTP/1.1";

    bool chunked = false;
    bool expectContinue = false;
    qint64 contentLength = 0;
    bool haveLength = false;
    for (qsizetype n = 1; n < lines.size(); ++n) {
        const QByteArray &line = lines.at(n);
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0) {
            continue;
        }
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        if (name == "transfer-encoding") {
            chunked = value.toLower().contains("chunked");
        } else if (name == "content-length") {
            bool ok = false;
            const qint64 len = value.toLongLong(&ok, 10);
            if (!ok || len < 0 || (haveLength && len != contentLength)) {
                refuse(ApiError::make(20400, 400, QStringLiteral("Invalid Content-Length")));
                return false;
            }
            contentLength = len;
            haveLength = true;
        } else if (name == "expect") {
            expectContinue = value.toLower() == "100-continue";
        }
    }

    if (chunked && haveLength) {
        // Both framings at once is how requests get smuggled past proxies (RFC 9112 §6.1): refuse.
        refuse(ApiError::make(20400, 400, QStringLiteral("Both Content-Length and Transfer-Encoding given")));
        return false;
    }
    const qint64 limit = m_server->limits().maxBodyBytes;
    if (!chunked && contentLength > limit) {
        refuse(tooLarge(limit));
        return false;
    }
    if (expectContinue && http11 && (chunked || contentLength > 0)) {
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    m_bodyBytes = 0;
    if (chunked) {
        m_state = State::ChunkSize;
    } else if (contentLength > 0) {
        m_remaining = contentLength;
        m_state = State::Body;
    } else {
        m_state = State::Head;
    }
    return true;
}

void ConnectionGuard::refuse(const ApiError &error)
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
    m_socket->write(HttpReply::error(error).toWire(true));
    m_socket->flush();
    Q_EMIT m_server->requestRefused(QString::fromLatin1(m_method), error.status);
    // Keep reading (and discarding) what the client still sends, so it gets to read the answer instead of a reset;
    // give up after a while.
    m_timer->start(m_server->limits().drainTimeoutMs);
    handleDrain();
}

} // namespace Maskline
