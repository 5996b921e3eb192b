// The Participants JSON reader of Session create (readParticipantJson, engine/http/restapi.cpp) on arbitrary text.
// Properties: it never crashes; an accepted element has an Identifier and a FriendlyName without control characters;
// a refusal is an 80701 naming Participants; it answers the same for the same text (no hidden state).

#include <cstdint>

#include "fuzzcheck.h"
#include "http/formdata.h"
#include "http/restapi.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QString text = QString::fromUtf8(reinterpret_cast<const char *>(data), qsizetype(size));
    const Maskline::Result<Maskline::ParticipantParams> read = Maskline::readParticipantJson(text, 0);
    if (read) {
        FUZZ_CHECK(!read->identifier.isEmpty());
        if (read->friendlyName) {
            FUZZ_CHECK(Maskline::Params::checkText(QStringLiteral("FriendlyName"), read->friendlyName).ok());
        }
    } else {
        FUZZ_CHECK(read.error().code == 80701);
        FUZZ_CHECK(read.error().message.contains(u"Participants"));
    }
    const Maskline::Result<Maskline::ParticipantParams> again = Maskline::readParticipantJson(text, 0);
    FUZZ_CHECK(bool(again) == bool(read));
    return 0;
}
