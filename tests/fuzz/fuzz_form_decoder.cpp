// The form decoder (FormData::parse, engine/http/formdata.cpp) on arbitrary bytes. Properties:
// - isValidUtf8 agrees with Qt's decoder: valid bytes survive QString::fromUtf8 and back unchanged;
// - a form without error() re-encodes (encodeComponent) into a form that decodes to the same pairs, without error;
// - a form with an error names a parameter and is the 80701 the REST API answers with.

#include <cstdint>

#include "fuzzcheck.h"
#include "http/formdata.h"

using Maskline::FormData;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArrayView bytes(reinterpret_cast<const char *>(data), qsizetype(size));

    if (FormData::isValidUtf8(bytes)) {
        FUZZ_CHECK(QString::fromUtf8(bytes).toUtf8() == bytes);
    }

    const FormData form = FormData::parse(bytes);
    if (form.error().code == 0) {
        QByteArray encoded;
        for (const auto &[key, value] : form.items()) {
            if (!encoded.isEmpty()) {
                encoded += '&';
            }
            encoded += FormData::encodeComponent(key).toLatin1() + '=' + FormData::encodeComponent(value).toLatin1();
        }
        const FormData again = FormData::parse(encoded);
        FUZZ_CHECK(again.error().code == 0);
        FUZZ_CHECK(again.items() == form.items());
    } else {
        FUZZ_CHECK(form.error().code == 80701);
        FUZZ_CHECK(form.error().status == 400);
    }
    for (const auto &[key, value] : form.items()) {
        FUZZ_CHECK(form.contains(key));
        FUZZ_CHECK(form.value(key).has_value());
    }
    (void)FormData::isFormType(bytes);
    (void)FormData::decodeComponent(bytes, false);
    return 0;
}
