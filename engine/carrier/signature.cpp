#include "signature.h"

#include <algorithm>

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QUrl>

using namespace Qt::Literals::StringLiterals;

namespace Maskline::TwilioSignature {

QByteArray compute(const QString &authToken, const QString &url, const Params &params)
{
    // Sort and de-duplicate as UTF-8 bytes: QString compares UTF-16 code units, which orders characters beyond the
    // BMP differently from the code-point (= UTF-8 byte) order the helper libraries use.
    QList<std::pair<QByteArray, QByteArray>> pairs;
    pairs.reserve(params.size());
    for (const auto &[name, value] : params) {
        pairs.append({name.toUtf8(), value.toUtf8()});
    }
    std::sort(pairs.begin(), pairs.end());
    pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());

    QMessageAuthenticationCode mac(QCryptographicHash::Sha1, authToken.toUtf8());
    mac.addData(url.toUtf8());
    for (const auto &[name, value] : std::as_const(pairs)) {
        mac.addData(name);
        mac.addData(value);
    }
    return mac.result().toBase64();
}

QStringList urlVariants(const QString &url)
{
    QStringList variants{url};
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    if (!parsed.isValid() || parsed.host().isEmpty() || (scheme != u"https"_s && scheme != u"http"_s)) {
        return variants;
    }
    const int defaultPort = scheme == u"https"_s ? 443 : 80;
    // Edit the authority in the text itself, so the path and query stay byte for byte as the carrier sent them.
    const qsizetype authorityStart = url.indexOf(u"://"_s) + 3;
    qsizetype authorityEnd = url.size();
    for (const QChar stop : {u'/', u'?', u'#'}) {
        const qsizetype at = url.indexOf(stop, authorityStart);
        if (at >= 0) {
            authorityEnd = std::min(authorityEnd, at);
        }
    }
    const QString authority = url.mid(authorityStart, authorityEnd - authorityStart);
    const QString head = url.left(authorityStart);
    const QString tail = url.mid(authorityEnd);
    const qsizetype bracket = authority.lastIndexOf(u']');
    const qsizetype colon = authority.lastIndexOf(u':');
    const bool hasPort = colon >= 0 && colon > bracket && colon > authority.lastIndexOf(u'@');
    if (!hasPort) {
        variants.append(head + authority + u':' + QString::number(defaultPort) + tail);
    } else if (parsed.port() == defaultPort) {
        variants.append(head + authority.left(colon) + tail);
    }
    return variants;
}

bool equalConstantTime(const QByteArray &a, const QByteArray &b)
{
    // Compare digests of both, so the loop length never depends on the secret-bearing input.
    const QByteArray ha = QCryptographicHash::hash(a, QCryptographicHash::Sha256);
    const QByteArray hb = QCryptographicHash::hash(b, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < ha.size(); ++i) {
        diff |= static_cast<unsigned char>(ha[i] ^ hb[i]);
    }
    return diff == 0;
}

bool validate(const QString &authToken, const QString &url, const Params &params, const QByteArray &signature)
{
    if (authToken.isEmpty() || signature.isEmpty()) {
        return false;
    }
    bool valid = false;
    // Every variant is computed and compared, so the time taken does not tell which one matched.
    for (const QString &variant : urlVariants(url)) {
        valid = equalConstantTime(compute(authToken, variant, params), signature) || valid;
    }
    return valid;
}

} // namespace Maskline::TwilioSignature
