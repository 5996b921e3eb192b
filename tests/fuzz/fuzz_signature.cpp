// X-Twilio-Signature (engine/carrier/signature.cpp) on arbitrary tokens, URLs and form bodies. The input is split at
// its first two NUL bytes into token, URL and form body. Properties: what compute() signs, validate() accepts (for
// the URL and for each of its urlVariants()); a signature with one byte changed, a different token or an extra
// parameter is refused; an empty token or signature never validates.

#include <cstdint>

#include "carrier/signature.h"
#include "fuzzcheck.h"
#include "http/formdata.h"

namespace Sig = Maskline::TwilioSignature;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const QByteArray bytes(reinterpret_cast<const char *>(data), qsizetype(size));
    const qsizetype first = bytes.indexOf('\0');
    const qsizetype second = first < 0 ? -1 : bytes.indexOf('\0', first + 1);
    if (second < 0) {
        return 0;
    }
    const QString token = QString::fromUtf8(bytes.left(first));
    const QString url = QString::fromUtf8(bytes.mid(first + 1, second - first - 1));
    const Maskline::FormData form = Maskline::FormData::parse(QByteArrayView(bytes).sliced(second + 1));
    const Sig::Params params = form.items();

    const QByteArray signature = Sig::compute(token, url, params);
    FUZZ_CHECK(!Sig::validate(token, url, params, QByteArray()));
    FUZZ_CHECK(!Sig::validate(QString(), url, params, signature));
    if (token.isEmpty()) {
        return 0;
    }
    FUZZ_CHECK(Sig::validate(token, url, params, signature));
    const QStringList variants = Sig::urlVariants(url);
    FUZZ_CHECK(!variants.isEmpty() && variants.constFirst() == url);
    for (const QString &variant : variants) {
        FUZZ_CHECK(Sig::validate(token, variant, params, Sig::compute(token, variant, params)));
    }
    QByteArray flipped = signature;
    flipped[flipped.size() / 2] = char(flipped.at(flipped.size() / 2) ^ 0x01);
    FUZZ_CHECK(!Sig::validate(token, url, params, flipped));
    FUZZ_CHECK(!Sig::validate(token + u'x', url, params, signature));
    Sig::Params more = params;
    more.append({QStringLiteral("Extra"), QStringLiteral("\x01")});
    FUZZ_CHECK(!Sig::validate(token, url, more, signature));
    FUZZ_CHECK(Sig::equalConstantTime(signature, signature));
    FUZZ_CHECK(!Sig::equalConstantTime(signature, flipped));
    return 0;
}
