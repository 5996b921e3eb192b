// Differential: the same bytes through the guarded front (GuardedTcpServer + QAbstractHttpServer, as maskline-server
// runs them), through Qt's parser alone, and through a strict RFC 9112 framer (httpharness.h). Every request the
// guarded front lets through must be framed the same way by all three, in the same order: the guard may refuse more
// than the others (the rest of that connection is then never read), never frame differently. This is the proof that
// the two parsers of the front cannot be made to disagree (request smuggling).

#include <cstdint>
#include <cstdio>

#include "httpharness.h"

using namespace Maskline::Fuzz;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    Harness &h = harness();
    const Exchange guarded = h.guarded(bytes);
    const Exchange bare = h.bare(bytes);
    const QList<Framed> strict = reference(bytes);
    if (!isPrefix(guarded.requests, bare.requests) || !isPrefix(guarded.requests, strict)) {
        std::fprintf(stderr, "guarded: %s\nqt alone: %s\nstrict: %s\n", describe(guarded.requests).constData(),
                     describe(bare.requests).constData(), describe(strict).constData());
    }
    FUZZ_CHECK(isPrefix(guarded.requests, bare.requests));
    FUZZ_CHECK(isPrefix(guarded.requests, strict));
    return 0;
}
