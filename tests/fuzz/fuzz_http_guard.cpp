// The HTTP front's parser (engine/http/httpframing.cpp) on arbitrary bytes from one client that then half-closes.
// Properties: the connection is closed by the server before the deadline (no hang, whatever was sent); what the
// client receives is a sequence of complete HTTP/1.1 replies, one per request let through plus at most one refusal
// (400, 405, 413, 414 or 431) at the end; a refusal is the last thing on the connection; the front still serves the
// next connection.

#include <cstdint>
#include <cstdio>

#include "httpharness.h"

using namespace Maskline::Fuzz;

namespace {

// The status codes of the replies in `wire`, in order; -1 for bytes that are not a well-formed reply. The reply to a
// HEAD request has no body whatever its Content-Length says (RFC 9110 §9.3.2), so the methods of the requests framed
// are needed to tell where each reply ends.
QList<int> replies(QByteArray wire, const QList<Framed> &requests = {})
{
    QList<int> statuses;
    while (!wire.isEmpty()) {
        const qsizetype end = wire.indexOf("\r\n\r\n");
        if (end < 0 || !wire.startsWith("HTTP/1.1 ")) {
            statuses.append(-1);
            break;
        }
        const QByteArray head = wire.left(end);
        bool ok = false;
        const int status = head.mid(9, 3).toInt(&ok);
        if (ok && status == 100) { // the front's answer to Expect: 100-continue
            wire.remove(0, end + 4);
            continue;
        }
        qint64 length = -1;
        for (const QByteArray &line : head.split('\n')) {
            if (line.toLower().startsWith("content-length:")) {
                length = line.mid(15).trimmed().toLongLong();
            }
        }
        if (statuses.size() < requests.size() && requests.at(statuses.size()).method == "HEAD") {
            length = 0;
        }
        if (!ok || length < 0 || wire.size() < end + 4 + length) {
            statuses.append(-1);
            break;
        }
        statuses.append(status);
        wire.remove(0, end + 4 + length);
    }
    return statuses;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    Harness &h = harness();
    const Exchange got = h.guarded(bytes);
    FUZZ_CHECK(got.closed);
    const QList<int> statuses = replies(got.received, got.requests);
    if (statuses.contains(-1) || statuses.size() < got.requests.size() || statuses.size() > got.requests.size() + 1) {
        std::fprintf(stderr, "%lld requests framed, replies: %s\n", qlonglong(got.requests.size()),
                     got.received.left(2000).constData());
    }
    FUZZ_CHECK(!statuses.contains(-1));
    // Each framed request has its reply, and nothing is framed after a request that closes the connection.
    FUZZ_CHECK(statuses.size() >= got.requests.size() && statuses.size() <= got.requests.size() + 1);
    for (qsizetype i = 0; i < statuses.size(); ++i) {
        const int s = statuses.at(i);
        FUZZ_CHECK(s == 200 || s == 400 || s == 405 || s == 413 || s == 414 || s == 431);
        if (s != 200) {
            FUZZ_CHECK(i == statuses.size() - 1);
        }
    }
    // Still serving.
    const Exchange next = h.guarded(QByteArrayLiteral("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"));
    FUZZ_CHECK(next.requests.size() == 1 && replies(next.received) == QList<int>{200});
    return 0;
}
