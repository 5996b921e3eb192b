#pragma once

// HTTP/1.1 replies as a raw-socket client reads them: the reliability tests talk to the front byte by byte, so they
// split what comes back themselves (Content-Length framing; the front never sends a chunked reply).

#include <QByteArray>
#include <QList>

namespace Maskline::Testing {

struct RawReply
{
    int status = 0;
    QByteArray head;
    QByteArray body;
};

// Takes every complete reply off the front of `in`, leaving a partial one there.
inline QList<RawReply> takeReplies(QByteArray &in)
{
    QList<RawReply> out;
    for (;;) {
        const qsizetype end = in.indexOf("\r\n\r\n");
        if (end < 0) {
            return out;
        }
        RawReply r;
        r.head = in.left(end);
        r.status = in.mid(9, 3).toInt();
        qint64 length = 0;
        for (const QByteArray &line : r.head.split('\n')) {
            if (line.toLower().startsWith("content-length:")) {
                length = line.mid(15).trimmed().toLongLong();
            }
        }
        if (in.size() < end + 4 + length) {
            return out;
        }
        r.body = in.mid(end + 4, length);
        in.remove(0, end + 4 + length);
        out.append(r);
    }
}

} // namespace Maskline::Testing
