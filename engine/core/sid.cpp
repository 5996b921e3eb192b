#include "sid.h"

#include <array>

#include <QDateTime>
#include <QRandomGenerator>

namespace Maskline::Sid {

namespace {

QString randomHex32()
{
    std::array<quint32, 4> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    QString hex;
    hex.reserve(32);
    for (const quint32 w : words) {
        hex += QStringLiteral("%1").arg(w, 8, 16, QLatin1Char('0'));
    }
    return hex;
}

bool isHexDigit(QChar c)
{
    return (c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f') || (c >= u'A' && c <= u'F');
}

} // namespace

// A SID's 32 hex digits are the creation time in milliseconds (12 digits, as in a UUIDv7) and 80 random bits. A new
// row then lands at the end of each index on sid rather than on a random page of it: on a store of a million sessions
// a create dirtied, and wrote to the WAL, a leaf of every such index far from the last one (docs/decisions.md). The
// time is no secret (every resource shows its date_created) and 80 bits keep SIDs unguessable.
QString generate(QStringView prefix)
{
    constexpr quint64 TIME_MASK = (quint64(1) << 48) - 1; // 12 hex digits: until the year 10889
    const quint64 ms = quint64(QDateTime::currentMSecsSinceEpoch()) & TIME_MASK;
    return prefix.toString() + QStringLiteral("%1").arg(ms, 12, 16, QLatin1Char('0')) + randomHex32().right(20);
}

QString generateToken()
{
    return randomHex32();
}

QString generateKeySecret()
{
    static constexpr char16_t ALPHABET[] = u"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    constexpr quint32 SIZE = 62;
    QString secret;
    secret.reserve(32);
    while (secret.size() < 32) {
        // Rejection sampling: 4 * 62 = 248 values map evenly, the rest are drawn again (no modulo bias).
        const quint32 byte = QRandomGenerator::system()->generate() & 0xff;
        if (byte < 4 * SIZE) {
            secret.append(QChar(ALPHABET[byte % SIZE]));
        }
    }
    return secret;
}

bool isValid(QStringView s, QStringView prefix)
{
    if (s.size() != 34 || !s.startsWith(prefix)) {
        return false;
    }
    for (qsizetype i = 2; i < s.size(); ++i) {
        if (!isHexDigit(s[i])) {
            return false;
        }
    }
    return true;
}

} // namespace Maskline::Sid
