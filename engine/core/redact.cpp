#include "redact.h"

#include <algorithm>

#include <QRegularExpression>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

const QString MASK = u"***"_s;

QString maskBare(const QString &address)
{
    static const QRegularExpression e164(u"^\\+[1-9][0-9]{7,14}$"_s);
    if (e164.match(address).hasMatch()) {
        const qsizetype digits = address.size() - 1;
        // Country and area code (four digits is +1 NPA, +44 77…, +49 30…) while at least three digits stay hidden.
        const qsizetype prefix = std::min<qsizetype>(4, digits - 7);
        return address.left(1 + prefix) + MASK + address.right(4);
    }
    if (address.size() <= 4) {
        return MASK;
    }
    return MASK + address.right(2);
}

} // namespace

QString redactPhone(const QString &address)
{
    if (address.isEmpty()) {
        return address;
    }
    // whatsapp:+1…, client:alice, sip:bob@example.com, messenger:123…: keep the scheme, mask what follows it.
    static const QRegularExpression scheme(u"^([A-Za-z][A-Za-z0-9.-]*:)(.+)$"_s);
    if (const auto m = scheme.match(address); m.hasMatch()) {
        return m.captured(1) + maskBare(m.captured(2));
    }
    return maskBare(address);
}

QString redactText(const QString &text)
{
    static const QRegularExpression secrets(u"(://[^/\\s:@]*):[^@\\s/]*@|\\b(Basic|Bearer)\\s+[A-Za-z0-9+/=._~-]+"_s);
    static const QRegularExpression addresses(u"(?<![\\w+])\\+[0-9](?:[ .-]?[0-9]){6,14}(?![\\w])"
                                              u"|(?<![\\w.])[0-9]{7,}(?![\\w])"
                                              u"|\\b(?:client|sip):[^\\s,;\"'()<>]+"_s,
                                              QRegularExpression::CaseInsensitiveOption);
    QString out;
    qsizetype last = 0;
    auto it = secrets.globalMatch(text);
    QString unsecret;
    while (it.hasNext()) {
        const auto m = it.next();
        unsecret += QStringView(text).mid(last, m.capturedStart() - last);
        if (m.capturedLength(1) > 0) {
            unsecret += m.captured(1) + u':' + MASK + u'@';
        } else {
            unsecret += m.captured(2) + u' ' + MASK;
        }
        last = m.capturedEnd();
    }
    unsecret += QStringView(text).mid(last);

    last = 0;
    it = addresses.globalMatch(unsecret);
    while (it.hasNext()) {
        const auto m = it.next();
        out += QStringView(unsecret).mid(last, m.capturedStart() - last);
        QString found = m.captured(0);
        if (found.startsWith(u'+')) {
            static const QRegularExpression separators(u"[ .-]"_s);
            found.remove(separators);
        }
        out += redactPhone(found);
        last = m.capturedEnd();
    }
    out += QStringView(unsecret).mid(last);
    return out;
}

QStringList sidsIn(const QString &text)
{
    static const QRegularExpression sid(u"(?<![A-Za-z0-9])[A-Z]{2}[0-9a-fA-F]{32}(?![A-Za-z0-9])"_s);
    QStringList sids;
    auto it = sid.globalMatch(text);
    while (it.hasNext()) {
        const QString found = it.next().captured(0);
        if (!sids.contains(found)) {
            sids.append(found);
        }
    }
    return sids;
}

} // namespace Maskline
