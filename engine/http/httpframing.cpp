#include "httpconnection.h"

// The parsing half of HttpConnection: the byte-level state machine over heads and bodies (feed), the checks on a
// complete head and the request built from it (startRequest), with the limits they enforce. The connection's
// lifecycle (adoption, draining, the refusal and half-close) is in httpconnection.cpp.

#include <algorithm>
#include <optional>
#include <sys/socket.h>
#include <utility>

#include <QPointer>
#include <QTcpSocket>
#include <QVarLengthArray>

#include "core/apierror.h"
#include "formdata.h"
#include "httpmessage.h"
#include "httpsyntax.h"

namespace Maskline {

using namespace HttpSyntax;

namespace {

constexpr qsizetype MAX_LINE = 4096;      // a chunk-size line
constexpr int MAX_CHUNK_SIZE_DIGITS = 15; // 15 hex digits fit in a qint64
constexpr int MAX_LENGTH_DIGITS = 18;     // 18 decimal digits fit in a qint64

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

ApiError badRequest(const QString &why)
{
    return ApiError::make(20400, 400, why);
}

ApiError headerTooLarge(const QString &why)
{
    return ApiError::make(20431, 431, why);
}

ApiError targetTooLong(qint64 limit)
{
    return ApiError::make(20414, 414,
                          QStringLiteral("Request-target too long: the limit is %1 bytes").arg(QString::number(limit)));
}

// True when the client half-closed (shutdown(SHUT_WR)) and nothing more is to be read: a peek sees the end of the
// stream before Qt's next read does.
bool peerHasFinishedSending(const QTcpSocket *socket)
{
    const qintptr fd = socket->socketDescriptor();
    if (fd < 0 || socket->bytesAvailable() > 0) {
        return false;
    }
    char byte = 0;
    return ::recv(int(fd), &byte, 1, MSG_PEEK | MSG_DONTWAIT) == 0;
}

} // namespace

// --- HttpConnection: framing ---------------------------------------------------------------------------------------

qsizetype HttpConnection::takeLine(const QByteArray &data, qsizetype from, bool &complete)
{
    const qsizetype nl = data.indexOf('\n', from);
    const qsizetype end = nl < 0 ? data.size() : nl + 1;
    m_line.append(data.constData() + from, end - from);
    complete = nl >= 0;
    return end - from;
}

void HttpConnection::feed(const QByteArray &data)
{
    const qint64 limit = m_listener->limits().maxBodyBytes;
    int finished = 0;
    const auto complete = [&] {
        finishRequest();
        ++finished;
    };
    qsizetype i = 0;
    while (i < data.size() && m_state != State::Draining && m_state != State::Closing) {
        switch (m_state) {
        case State::Head: {
            if (m_head.isEmpty()) {
                // Empty lines (CRLF or LF) before a request line are allowed (RFC 9112 §2.2); they belong to the next
                // request. A CR not followed by LF is a bare CR, which no element may hold (§2.2): refused, as the
                // request line it would start is.
                const char c = data.at(i);
                if (c == '\n' || (c == '\r' && !m_leadingCr)) {
                    m_leadingCr = c == '\r';
                    ++i;
                    break;
                }
                if (m_leadingCr) {
                    m_leadingCr = false;
                    refuse(badRequest(QStringLiteral("Malformed request: a bare CR before the request line")));
                    break;
                }
            }
            const qsizetype before = m_head.size();
            m_head.append(data.constData() + i, data.size() - i);
            const qsizetype end = headerEnd(m_head, before - 2);
            const auto &limits = m_listener->limits();
            if (end < 0) {
                i = data.size();
                // Refuse an oversized head while it is still arriving, not when (if ever) it ends.
                const qsizetype firstLine = m_head.indexOf('\n');
                if (firstLine < 0 && m_head.size() > limits.maxTargetBytes + 64) {
                    refuse(targetTooLong(limits.maxTargetBytes));
                } else if (firstLine >= 0 && m_head.size() - firstLine > limits.maxHeaderBytes + 4) {
                    refuse(headerTooLarge(QStringLiteral("Request header block too large: the limit is %1 bytes")
                                              .arg(QString::number(limits.maxHeaderBytes))));
                }
                break;
            }
            i += end - before;
            const QByteArray head = m_head.left(end);
            m_head.clear();
            if (!startRequest(head)) {
                break;
            }
            if (m_state == State::Head) {
                complete(); // no body
            }
            break;
        }
        case State::Body: {
            const qint64 n = std::min<qint64>(m_remaining, data.size() - i);
            m_request.body.append(data.constData() + i, n);
            i += n;
            m_remaining -= n;
            if (m_remaining == 0) {
                m_state = State::Head;
                complete();
            }
            break;
        }
        case State::ChunkSize: {
            bool lineComplete = false;
            i += takeLine(data, i, lineComplete);
            if (!lineComplete) {
                if (m_line.size() > MAX_LINE) {
                    refuse(badRequest(QStringLiteral("Malformed chunked body: chunk-size line too long")));
                }
                break;
            }
            // chunk-size [ ";" chunk-ext ] CRLF, the size in hex without sign, prefix or whitespace.
            const QByteArray line = std::exchange(m_line, {});
            if (!line.endsWith("\r\n")) {
                refuse(badRequest(QStringLiteral("Malformed chunked body: chunk-size line not ended by CRLF")));
                break;
            }
            QByteArrayView sizeText = QByteArrayView(line).chopped(2);
            const qsizetype semicolon = sizeText.indexOf(';');
            if (semicolon >= 0) {
                const QByteArrayView ext = sizeText.sliced(semicolon);
                if (std::any_of(ext.begin(), ext.end(), [](char c) { return c == '\r' || c == '\0'; })) {
                    refuse(badRequest(QStringLiteral("Malformed chunked body: bad chunk extension")));
                    break;
                }
                sizeText = sizeText.first(semicolon);
            }
            if (sizeText.isEmpty() || sizeText.size() > MAX_CHUNK_SIZE_DIGITS ||
                !std::all_of(sizeText.begin(), sizeText.end(), [](char c) { return FormData::hexValue(c) >= 0; })) {
                refuse(badRequest(QStringLiteral("Malformed chunked body: bad chunk size")));
                break;
            }
            qint64 size = 0;
            for (const char c : sizeText) {
                size = size * 16 + FormData::hexValue(c);
            }
            if (size == 0) {
                m_state = State::LastChunkEnd;
                break;
            }
            if (size > limit - m_bodyBytes) {
                refuse(tooLarge(limit));
                break;
            }
            m_bodyBytes += size;
            m_remaining = size;
            m_state = State::ChunkData;
            break;
        }
        case State::ChunkData: {
            const qint64 n = std::min<qint64>(m_remaining, data.size() - i);
            m_request.body.append(data.constData() + i, n);
            i += n;
            m_remaining -= n;
            if (m_remaining == 0) {
                m_state = State::ChunkDataEnd;
            }
            break;
        }
        case State::ChunkDataEnd:
        case State::LastChunkEnd: {
            // Exactly CRLF after each chunk's data and after the last chunk: no trailer fields.
            m_line.append(data.at(i));
            ++i;
            if (m_line.size() < 2) {
                break;
            }
            const bool crlf = m_line == "\r\n";
            m_line.clear();
            if (!crlf) {
                refuse(badRequest(m_state == State::LastChunkEnd
                                      ? QStringLiteral("Malformed chunked body: trailer fields are not accepted")
                                      : QStringLiteral("Malformed chunked body: chunk data not followed by CRLF")));
                break;
            }
            if (m_state == State::ChunkDataEnd) {
                m_state = State::ChunkSize;
            } else {
                m_state = State::Head;
                complete();
            }
            break;
        }
        case State::Closing:
        case State::Draining:
            break;
        }
    }
    if (m_state == State::Draining) {
        handleDrain();
    }
    if (finished > 0 && peerHasFinishedSending(m_socket)) {
        // Qt tears the socket down as soon as it reads the end of the stream: whatever the server holds back for the
        // requests just handed on (a write batch) is answered now.
        m_listener->peerFinished();
    }
}

void HttpConnection::finishRequest()
{
    // Moved out, not exchanged for a fresh one: the next request's head makes m_request anew (startRequest), and
    // a default HttpRequest costs allocations (its two QHostAddresses).
    HttpRequest request = std::move(m_request);
    const bool close = m_closeAfter;
    const bool head = request.method == HttpMethod::Head;
    if (close) {
        m_state = State::Closing;
    }
    const quint64 slot = m_replies->reserve();
    QPointer<ReplyQueue> target(m_replies);
    m_listener->handler()(std::move(request), [target, slot, close, head](HttpReply reply) {
        if (target) {
            target->fill(slot, reply.toWire(close, !head), close);
        }
    });
}

bool HttpConnection::startRequest(const QByteArray &head)
{
    const auto &limits = m_listener->limits();
    // Bare CR and NUL anywhere in the head: parsers disagree on both (RFC 9112 §2.2).
    for (qsizetype n = 0; n < head.size(); ++n) {
        const char c = head.at(n);
        if (c == '\0') {
            m_method = head.left(std::min<qsizetype>(head.indexOf(' '), 16));
            refuse(badRequest(QStringLiteral("NUL byte in the request head")));
            return false;
        }
        if (c == '\r' && (n + 1 >= head.size() || head.at(n + 1) != '\n')) {
            m_method = head.left(std::min<qsizetype>(head.indexOf(' '), 16));
            refuse(badRequest(QStringLiteral("Bare CR in the request head")));
            return false;
        }
    }
    QVarLengthArray<QByteArrayView, 32> lines;
    for (qsizetype from = 0; from < head.size();) {
        const qsizetype nl = head.indexOf('\n', from);
        lines.append(withoutEol(QByteArrayView(head).sliced(from, nl - from + 1)));
        from = nl + 1;
    }
    // The last "line" is the empty one ending the head.
    if (!lines.isEmpty() && std::as_const(lines).back().isEmpty()) {
        lines.removeLast();
    }

    // request-line = method SP request-target SP HTTP-version, single spaces (RFC 9112 §3).
    const QByteArrayView requestLine = lines.value(0);
    QVarLengthArray<QByteArrayView, 4> parts;
    for (qsizetype from = 0; parts.size() < 4;) {
        const qsizetype space = requestLine.indexOf(' ', from);
        parts.append(requestLine.sliced(from, (space < 0 ? requestLine.size() : space) - from));
        if (space < 0) {
            break;
        }
        from = space + 1;
    }
    m_method = parts.value(0).first(std::min<qsizetype>(parts.value(0).size(), 16)).toByteArray();
    if (parts.size() >= 2 && parts.at(1).size() > limits.maxTargetBytes) {
        refuse(targetTooLong(limits.maxTargetBytes));
        return false;
    }
    if (parts.size() != 3 || !isToken(parts.at(0)) || parts.at(1).isEmpty() ||
        (parts.at(2) != "HTTP/1.1" && parts.at(2) != "HTTP/1.0")) {
        refuse(badRequest(QStringLiteral("Malformed HTTP request line")));
        return false;
    }
    const QByteArrayView target = parts.at(1);
    if (std::any_of(target.begin(), target.end(), [](char c) { return uchar(c) <= 0x20 || uchar(c) >= 0x7f; })) {
        refuse(badRequest(QStringLiteral("Invalid character in the request-target")));
        return false;
    }
    if (const std::optional<ApiError> bad = checkEscapes(target)) {
        refuse(*bad);
        return false;
    }
    // TRACE and CONNECT are HTTP methods too, but no route serves them (and TRACE only helps cross-site tracing).
    static const QList<QByteArray> knownMethods = {"GET", "POST", "DELETE", "PUT", "PATCH", "HEAD", "OPTIONS"};
    if (!knownMethods.contains(m_method)) {
        refuse(ApiError::methodNotAllowed());
        return false;
    }
    const bool http11 = parts.at(2) == "HTTP/1.1";

    if (lines.size() - 1 > limits.maxHeaderFields) {
        refuse(headerTooLarge(
            QStringLiteral("Too many header fields: the limit is %1").arg(QString::number(limits.maxHeaderFields))));
        return false;
    }
    const qsizetype fieldBytes = head.size() - (head.indexOf('\n') + 1);
    if (fieldBytes > limits.maxHeaderBytes + 4) {
        refuse(headerTooLarge(QStringLiteral("Request header block too large: the limit is %1 bytes")
                                  .arg(QString::number(limits.maxHeaderBytes))));
        return false;
    }

    int transferEncodings = 0;
    int contentLengths = 0;
    int hosts = 0;
    int authorizations = 0;
    bool chunked = false;
    bool expectContinue = false;
    qint64 contentLength = 0;
    QByteArray connection;
    QList<std::pair<QByteArray, QByteArray>> fields;
    fields.reserve(lines.size() - 1);
    for (qsizetype n = 1; n < lines.size(); ++n) {
        const QByteArrayView line = lines.at(n);
        if (line.front() == ' ' || line.front() == '\t') {
            refuse(badRequest(QStringLiteral("Folded header line (obs-fold) is not accepted")));
            return false;
        }
        const qsizetype colon = line.indexOf(':');
        if (colon < 0) {
            refuse(badRequest(QStringLiteral("Header line without a colon")));
            return false;
        }
        // field-name is a token, directly followed by the colon (RFC 9112 §5.1: no whitespace before it).
        const QByteArrayView rawName = line.first(colon);
        if (!isToken(rawName)) {
            refuse(badRequest(QStringLiteral("Invalid header field name")));
            return false;
        }
        const QByteArrayView value = trimOws(line.sliced(colon + 1));
        // field-value: VCHAR, obs-text, SP and HTAB; no other control character.
        if (std::any_of(value.begin(), value.end(),
                        [](char c) { return (uchar(c) < 0x20 && c != '\t') || uchar(c) == 0x7f; })) {
            refuse(badRequest(QStringLiteral("Control character in a header value")));
            return false;
        }
        const auto is = [&rawName](QByteArrayView name) {
            return rawName.compare(name, Qt::CaseInsensitive) == 0;
        };
        fields.append({rawName.toByteArray(), value.toByteArray()});
        if (is("transfer-encoding")) {
            ++transferEncodings;
            chunked = value.compare("chunked", Qt::CaseInsensitive) == 0;
            if (!chunked) {
                // Anything but exactly one final "chunked" (identity, gzip, "chunked, chunked", a list) is framing
                // the two parsers may read differently (RFC 9112 §6.1).
                refuse(badRequest(QStringLiteral("Unsupported Transfer-Encoding: only chunked is accepted")));
                return false;
            }
        } else if (is("content-length")) {
            ++contentLengths;
            if (!isDigits(value) || value.size() > MAX_LENGTH_DIGITS) {
                refuse(badRequest(QStringLiteral("Invalid Content-Length")));
                return false;
            }
            contentLength = value.toLongLong();
        } else if (is("host")) {
            ++hosts;
        } else if (is("authorization")) {
            ++authorizations;
        } else if (is("connection")) {
            connection += ',' + value.toByteArray().toLower();
        } else if (is("expect")) {
            expectContinue = value.compare("100-continue", Qt::CaseInsensitive) == 0;
        }
    }

    if (transferEncodings > 1 || contentLengths > 1) {
        refuse(badRequest(QStringLiteral("Repeated Transfer-Encoding or Content-Length header")));
        return false;
    }
    if (chunked && contentLengths > 0) {
        // Both framings at once is how requests get smuggled past proxies (RFC 9112 §6.1): refuse.
        refuse(badRequest(QStringLiteral("Both Content-Length and Transfer-Encoding given")));
        return false;
    }
    if (chunked && !http11) {
        refuse(badRequest(QStringLiteral("Transfer-Encoding in an HTTP/1.0 request")));
        return false;
    }
    if ((http11 && hosts != 1) || hosts > 1) {
        refuse(badRequest(hosts == 0 ? QStringLiteral("Missing Host header") : QStringLiteral("Repeated Host header")));
        return false;
    }
    if (authorizations > 1) {
        refuse(badRequest(QStringLiteral("Repeated Authorization header")));
        return false;
    }
    const qint64 limit = limits.maxBodyBytes;
    if (!chunked && contentLength > limit) {
        refuse(tooLarge(limit));
        return false;
    }
    if (expectContinue && http11 && (chunked || contentLength > 0)) {
        m_socket->write("HTTP/1.1 100 Continue\r\n\r\n");
    }
    m_request = HttpRequest();
    m_request.method = methodOf(m_method);
    const QByteArrayView pq = pathAndQuery(target);
    const qsizetype question = pq.indexOf('?');
    const QByteArrayView path = question < 0 ? pq : pq.first(question);
    m_request.path = path.isEmpty() ? QStringLiteral("/") : QString::fromLatin1(path);
    m_request.query = question < 0 ? QString() : QString::fromLatin1(pq.sliced(question + 1));
    m_request.headers = std::move(fields);
    m_request.peer = m_peer;
    // HTTP/1.1 keeps the connection unless the client says close; HTTP/1.0 closes it unless the client says keep-alive
    // (RFC 9112 §9.3).
    m_closeAfter = http11 ? connection.contains("close") : !connection.contains("keep-alive");
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

} // namespace Maskline
