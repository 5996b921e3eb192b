#include "channeladdress.h"

#include "phonenumbers.h"

using namespace Qt::StringLiterals;

namespace Maskline::ChannelAddress {

namespace {

const QString WHATSAPP = u"whatsapp"_s;

// A scheme is letters, digits, '+', '-', '.' starting with a letter (RFC 3986 §3.1), followed by ':'. A leading '+'
// therefore never starts one, so "+1415…" is a phone number however it is written.
qsizetype schemeLength(const QString &text)
{
    const qsizetype colon = text.indexOf(u':');
    if (colon <= 0 || !text.at(0).isLetter()) {
        return -1;
    }
    for (qsizetype i = 1; i < colon; ++i) {
        const QChar c = text.at(i);
        if (!(c.isLetterOrNumber() || c == u'+' || c == u'-' || c == u'.')) {
            return -1;
        }
    }
    return colon;
}

} // namespace

Parts split(const QString &text)
{
    Parts parts;
    const QString trimmed = text.trimmed();
    const qsizetype length = schemeLength(trimmed);
    if (length < 0) {
        parts.address = trimmed;
        return parts;
    }
    parts.scheme = trimmed.first(length).toLower();
    parts.address = trimmed.sliced(length + 1).trimmed();
    parts.channel = parts.scheme == WHATSAPP ? Channel::WhatsApp : Channel::Other;
    return parts;
}

Channel channelOf(const QString &text)
{
    return split(text).channel;
}

QString bare(const QString &text)
{
    const Parts parts = split(text);
    return parts.channel == Channel::WhatsApp ? parts.address : text;
}

QString withChannelOf(const QString &like, const QString &bareNumber)
{
    if (channelOf(like) == Channel::WhatsApp && channelOf(bareNumber) == Channel::Phone) {
        return WHATSAPP + u':' + bareNumber;
    }
    return bareNumber;
}

bool isMessageOnly(Channel channel)
{
    return channel == Channel::WhatsApp;
}

QString matchingKey(const QString &text)
{
    const Parts parts = split(text);
    if (parts.channel == Channel::Other) {
        return text.trimmed();
    }
    const PhoneNumbers::Info info = PhoneNumbers::parse(parts.address);
    const QString key = PhoneNumbers::normalizeForMatching(info.valid ? info.e164 : parts.address);
    return parts.channel == Channel::WhatsApp ? WHATSAPP + u':' + key : key;
}

QString toCarrierAddress(const QString &text, bool mxInsertOne, bool arInsertNine, bool voice)
{
    const Parts parts = split(text);
    if (parts.channel == Channel::Other) {
        return text;
    }
    const QString number = PhoneNumbers::toCarrierAddress(parts.address, mxInsertOne, arInsertNine, voice);
    return parts.channel == Channel::WhatsApp ? WHATSAPP + u':' + number : number;
}

} // namespace Maskline::ChannelAddress
