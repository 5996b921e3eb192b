#pragma once

// HTTP/1.1 replies as a raw-socket client reads them: the reliability tests talk to the front byte by byte, so they
// split what comes back themselves (Content-Length framing; the front never sends a chunked reply).

#include <QByteArray>
#include <QList>

namespace Maskline::Testing {

struct RawReply
{
    int status = 0; // 0: the connection closed without an answer
    QByteArray head;
    QByteArray body;
    QByteArray rest; // what followed the reply, when a test keeps it

    QByteArray header(const QByteArray &name) const
    {
        for (const QByteArray &line : head.split('\n')) {
            const qsizetype colon = line.indexOf(':');
            if (colon > 0 && line.left(colon).trimmed().compare(name, Qt::CaseInsensitive) == 0) {
                return line.mid(colon + 1).trimmed();
            }
        }
        return {};
    }
};

// Splits the first complete reply off `in`; false (and `in` untouched) while it is incomplete.
inline bool takeReply(QByteArray &in, RawReply &reply)
{
    const qsizetype end = in.indexOf("\r\n\r\n");
    if (end < 0) {
        return false;
    }
    RawReply r;
    r.head = in.left(end);
    r.status = in.mid(9, 3).toInt();
    const qint64 length = r.header("Content-Length").toLongLong();
    if (in.size() < end + 4 + length) {
        return false;
    }
    r.body = in.mid(end + 4, length);
    in.remove(0, end + 4 + length);
    reply = r;
    return true;
}

// Takes every complete reply off the front of `in`, leaving a partial one there.
inline QList<RawReply> takeReplies(QByteArray &in)
{
    QList<RawReply> out;
    for (RawReply r; takeReply(in, r);) {
        out.append(r);
    }
    return out;
}

} // namespace Maskline::Testing
