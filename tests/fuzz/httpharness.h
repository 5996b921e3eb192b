#pragma once

// The HTTP front on loopback for the http_guard and http_differential targets: the same bytes are written on a fresh
// connection (then half-closed) to the front maskline-server runs (HttpListener, engine/http/httpconnection.h, the one
// parser), whose handler records every request it framed (method, target, body) and answers 200 through the
// connection's ReplyQueue, with the bytes the client got back. reference() frames the same bytes as RFC 9112 says,
// refusing what is ambiguous.

#include <memory>
#include <sys/socket.h>

#include <QElapsedTimer>
#include <QEventLoop>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include "fuzzcheck.h"
#include "http/httpconnection.h"

namespace Maskline::Fuzz {

struct Framed
{
    QByteArray method;
    QByteArray target;
    QByteArray body;
    // Framing is the method and where the body starts and ends.
    bool operator==(const Framed &other) const { return method == other.method && body == other.body; }
};

inline QByteArray describe(const QList<Framed> &requests)
{
    QByteArray text;
    for (const Framed &r : requests) {
        text += r.method + ' ' + r.target.left(80) + " body=" + QByteArray::number(r.body.size()) + "B; ";
    }
    return text;
}

struct Exchange
{
    QList<Framed> requests;
    QByteArray received;
    bool closed = false; // the server closed the connection before the deadline
};

class Harness final
{
    Q_DISABLE_COPY_MOVE(Harness)

public:
    Harness()
    {
        app();
        HttpListener::Limits limits;
        limits.maxBodyBytes = 64 * 1024;
        limits.idleTimeoutMs = 30000;
        limits.drainTimeoutMs = 5000;
        m_front = std::make_unique<HttpListener>(limits, [this](HttpRequest request, HttpListener::Respond respond) {
            m_requests.append({Maskline::methodName(request.method).toLatin1(),
                               (request.path + (request.query.isEmpty() ? QString() : u'?' + request.query)).toUtf8(),
                               request.body});
            respond(HttpReply::text(200, QByteArrayLiteral("text/plain"), QByteArrayLiteral("ok")));
        });
        FUZZ_CHECK(m_front->listen(QHostAddress::LocalHost, 0));
    }

    Exchange guarded(const QByteArray &bytes) { return run(bytes); }

private:
    static constexpr int DEADLINE_MS = 20000;

    Exchange run(const QByteArray &bytes)
    {
        m_requests.clear();
        Exchange result;
        QTcpSocket socket;
        QEventLoop loop;
        QTimer deadline;
        deadline.setSingleShot(true);
        QObject::connect(&deadline, &QTimer::timeout, &loop, &QEventLoop::quit);
        QObject::connect(&socket, &QTcpSocket::disconnected, &loop, &QEventLoop::quit);
        QObject::connect(&socket, &QTcpSocket::errorOccurred, &loop, &QEventLoop::quit);
        QObject::connect(&socket, &QTcpSocket::readyRead, &socket, [&] { result.received += socket.readAll(); });
        bool shut = false;
        const auto halfClose = [&] {
            if (!shut && socket.bytesToWrite() == 0) {
                shut = true;
                ::shutdown(int(socket.socketDescriptor()), SHUT_WR);
            }
        };
        QObject::connect(&socket, &QTcpSocket::bytesWritten, &socket, halfClose);
        QObject::connect(&socket, &QTcpSocket::connected, &socket, [&] {
            if (bytes.isEmpty()) {
                halfClose();
            } else {
                socket.write(bytes);
            }
        });
        deadline.start(DEADLINE_MS);
        socket.connectToHost(QHostAddress::LocalHost, m_front->serverPort());
        loop.exec();
        result.received += socket.readAll();
        result.closed = deadline.isActive();
        result.requests = m_requests;
        // Whatever the server still holds for this connection goes with the events already queued.
        QCoreApplication::processEvents();
        return result;
    }

    std::unique_ptr<HttpListener> m_front;
    QList<Framed> m_requests;
};

// Destroyed at exit (the QCoreApplication outlives it), so LeakSanitizer sees only what an input leaked.
inline Harness &harness()
{
    static Harness h;
    return h;
}

// RFC 9112 framing, strict where framing is ambiguous (§6.1, §6.3, §11.2) and permissive elsewhere: the requests it
// frames, up to the first one it must refuse or that is incomplete.
inline QList<Framed> reference(const QByteArray &in)
{
    QList<Framed> out;
    qsizetype pos = 0;
    const auto isTchar = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               QByteArrayView("!#$%&'*+-.^_`|~").contains(c);
    };
    // One line ended by LF (a preceding CR dropped); false when incomplete or holding a bare CR or NUL.
    const auto line = [&](qsizetype &at, QByteArray &text) {
        const qsizetype lf = in.indexOf('\n', at);
        if (lf < 0) {
            return false;
        }
        text = in.mid(at, lf - at);
        if (text.endsWith('\r')) {
            text.chop(1);
        }
        at = lf + 1;
        return !text.contains('\r') && !text.contains('\0');
    };
    while (pos < in.size()) {
        qsizetype at = pos;
        QByteArray requestLine;
        // §2.2: empty lines before a request-line are ignored (as the front does).
        do {
            if (!line(at, requestLine)) {
                return out;
            }
        } while (requestLine.isEmpty() && at < in.size());
        if (requestLine.isEmpty()) {
            return out;
        }
        const QList<QByteArray> parts = requestLine.split(' ');
        if (parts.size() != 3 || parts[0].isEmpty() || !std::all_of(parts[0].begin(), parts[0].end(), isTchar) ||
            parts[1].isEmpty() || (parts[2] != "HTTP/1.1" && parts[2] != "HTTP/1.0")) {
            return out;
        }
        int lengths = 0;
        int encodings = 0;
        QByteArray length;
        QByteArray encoding;
        for (;;) {
            QByteArray field;
            if (!line(at, field)) {
                return out;
            }
            if (field.isEmpty()) {
                break;
            }
            if (field.startsWith(' ') || field.startsWith('\t')) {
                return out; // obs-fold
            }
            const qsizetype colon = field.indexOf(':');
            if (colon <= 0) {
                return out;
            }
            const QByteArray name = field.left(colon).toLower();
            if (!std::all_of(name.begin(), name.end(), isTchar)) {
                return out;
            }
            const QByteArray value = field.mid(colon + 1).trimmed();
            if (name == "content-length") {
                ++lengths;
                length = value;
            } else if (name == "transfer-encoding") {
                ++encodings;
                encoding = value.toLower();
            }
        }
        Framed request{parts[0], parts[1], {}};
        if (encodings > 0) {
            if (lengths > 0 || encodings > 1 || encoding != "chunked" || parts[2] == "HTTP/1.0") {
                return out;
            }
            for (;;) {
                QByteArray sizeLine;
                if (!line(at, sizeLine)) {
                    return out;
                }
                const QByteArray hex =
                    sizeLine.left(sizeLine.indexOf(';') < 0 ? sizeLine.size() : sizeLine.indexOf(';'));
                bool ok = false;
                const qint64 size = hex.size() <= 15 ? hex.toLongLong(&ok, 16) : -1;
                if (!ok || size < 0 ||
                    !std::all_of(hex.begin(), hex.end(), [](char c) { return std::isxdigit(uchar(c)); })) {
                    return out;
                }
                if (size == 0) {
                    for (;;) { // trailer section
                        QByteArray trailer;
                        if (!line(at, trailer)) {
                            return out;
                        }
                        if (trailer.isEmpty()) {
                            break;
                        }
                    }
                    break;
                }
                if (at + size + 2 > in.size()) {
                    return out;
                }
                request.body += in.mid(at, size);
                at += size;
                if (in.mid(at, 2) != "\r\n") {
                    return out;
                }
                at += 2;
            }
        } else if (lengths > 0) {
            if (lengths > 1 || length.isEmpty() || length.size() > 18 ||
                !std::all_of(length.begin(), length.end(), [](char c) { return c >= '0' && c <= '9'; })) {
                return out;
            }
            const qint64 size = length.toLongLong();
            if (at + size > in.size()) {
                return out;
            }
            request.body = in.mid(at, size);
            at += size;
        }
        out.append(request);
        pos = at;
    }
    return out;
}

// Whether `a` is the start of `b`.
inline bool isPrefix(const QList<Framed> &a, const QList<Framed> &b)
{
    return a.size() <= b.size() && std::equal(a.begin(), a.end(), b.begin());
}

} // namespace Maskline::Fuzz
