// What an out-of-session callback answers (engine/callbacks/callbackparams.cpp): the auto-create JSON and TwiML.
// Properties: no crash on any body; an accepted auto-create has a participantIdentifier and a non-negative ttl; a
// refusal is 80905; a document checkTwiml() accepts yields its <Message> verbs, one it refuses yields none.

#include <cstdint>

#include "callbacks/callbackparams.h"
#include "fuzzcheck.h"

namespace CP = Maskline::CallbackParams;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray body(reinterpret_cast<const char *>(data), qsizetype(size));

    const Maskline::Result<CP::AutoCreate> create = CP::parseAutoCreate(body);
    if (create) {
        FUZZ_CHECK(!create->participantIdentifier.isEmpty());
        FUZZ_CHECK(!create->ttl || (*create->ttl >= 0 && *create->ttl < 2147483647));
    } else {
        FUZZ_CHECK(create.error().code == 80905);
    }

    const QString problem = CP::checkTwiml(body);
    const auto messages = CP::twimlMessages(body);
    if (!problem.isEmpty()) {
        FUZZ_CHECK(!messages);
    }

    // The body read as a Content-Type header too.
    const QString type = CP::mediaType(body);
    FUZZ_CHECK(type == type.toLower());
    FUZZ_CHECK(!type.contains(u';'));
    (void)CP::isJson(body);
    (void)CP::isTwiml(body);
    return 0;
}
