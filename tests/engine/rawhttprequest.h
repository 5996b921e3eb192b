#pragma once

// One HTTP/1.1 request as a loopback fake server reads it off the socket: the fakes in these tests (Twilio's REST
// API, a customer's callback server) record requests byte for byte, so they parse the wire themselves.

#include <optional>
#include <utility>

#include <QByteArray>
#include <QByteArrayView>
#include <QList>

namespace Maskline::Testing {

struct RawHttpRequest
{
    QByteArray method;
    QByteArray target; // path and query as sent
    QList<std::pair<QByteArray, QByteArray>> headers;
    QByteArray body;

    QByteArray header(QByteArrayView name) const
    {
        for (const auto &[key, value] : headers) {
            if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0) {
                return value;
            }
        }
        return {};
    }

    // Takes the first complete request (headers and Content-Length body) off the front of `buffer`; nothing while
    // the request is still arriving.
    static std::optional<RawHttpRequest> take(QByteArray &buffer)
    {
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return std::nullopt;
        }
        RawHttpRequest request;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> start = lines.value(0).trimmed().split(' ');
        request.method = start.value(0);
        request.target = start.value(1);
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0) {
                request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
                if (line.left(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0) {
                    length = line.mid(colon + 1).trimmed().toLongLong();
                }
            }
        }
        if (buffer.size() < headerEnd + 4 + length) {
            return std::nullopt;
        }
        request.body = buffer.mid(headerEnd + 4, length);
        buffer.remove(0, headerEnd + 4 + length);
        return request;
    }
};

} // namespace Maskline::Testing
