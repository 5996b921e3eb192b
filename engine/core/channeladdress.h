#pragma once

#include <QString>

// A participant's address is a phone number in E.164 or a channel address "scheme:address". Maskline carries one
// channel besides phone numbers: WhatsApp ("whatsapp:+14155550100"), message-only and sent through the carrier's
// Messages API with whatsapp: on both addresses. Any other scheme (messenger:, client:, sip:, chat identities) is
// refused with 80404 by the domain. A WhatsApp participant's proxy number is a pool phone number; the store keeps the
// bare number in participants.proxy_identifier (so routing keys and in_use work on pool numbers alone) and the
// participant's identifier says the channel, which is how the proxy identifier is shown and addressed
// ("whatsapp:+1415…").
namespace Maskline::ChannelAddress {

enum class Channel
{
    Phone,    // "+14155550100" (or anything without a scheme)
    WhatsApp, // "whatsapp:+14155550100"
    Other,    // "messenger:1234", "client:alice", … — not supported
};

struct Parts
{
    Channel channel = Channel::Phone;
    QString scheme;  // "messenger" for Other, "whatsapp" for WhatsApp, empty for Phone
    QString address; // what follows "scheme:", or the whole text for Phone
};

// Splits an address. The scheme is matched case-insensitively ("WhatsApp:+1…" is WhatsApp).
Parts split(const QString &text);

Channel channelOf(const QString &text);

// The address without its channel scheme: "whatsapp:+1415…" -> "+1415…"; a phone number comes back as is.
QString bare(const QString &text);

// The address on the channel of `like`: withChannelOf("whatsapp:+1", "+2") == "whatsapp:+2"; "+2" when like is a phone.
QString withChannelOf(const QString &like, const QString &bareNumber);

// Channels that carry messages only (no calls).
bool isMessageOnly(Channel channel);

// Matching key for an inbound From (reference §7, channel-aware): the phone part normalised as a phone number is,
// the scheme kept in lower case. Text that is not a number keeps its digits as sent.
QString matchingKey(const QString &text);

// The address the carrier is given: the phone part through PhoneNumbers::toCarrierAddress (Mexico '1' / Argentina
// '9' rules), the scheme kept.
QString toCarrierAddress(const QString &text, bool mxInsertOne, bool arInsertNine, bool voice);

} // namespace Maskline::ChannelAddress
