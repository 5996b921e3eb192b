// Differential: the same bytes through the HTTP front maskline-server runs (HttpListener, the one parser) and through
// a strict RFC 9112 framer (httpharness.h). Every request the front hands on must be framed the same way by the
// reference, in the same order: the front may refuse more than the reference (the rest of that connection is then
// never read), never frame differently. This is the proof that what the handlers see is what RFC 9112 frames.

#include <cstdint>
#include <cstdio>

#include "httpharness.h"

using namespace Maskline::Fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    Harness &h = harness();
    const Exchange front = h.guarded(bytes);
    const QList<Framed> strict = reference(bytes);
    if (!isPrefix(front.requests, strict)) {
        std::fprintf(stderr, "front: %s\nstrict: %s\n", describe(front.requests).constData(),
                     describe(strict).constData());
    }
    FUZZ_CHECK(isPrefix(front.requests, strict));
    return 0;
}
