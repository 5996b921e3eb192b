#pragma once

#include <QByteArray>
#include <QString>

namespace Maskline::Twiml {

// The TwiML documents the engine answers carrier webhooks with (reference §8.1-§8.3). Every attribute value and text
// node is XML-escaped, so nothing a caller or the store holds can change the document's structure.
inline constexpr QByteArrayView CONTENT_TYPE = "text/xml; charset=utf-8";

// The bridge of a masked call: the caller hears ringback until the partner answers (answerOnBridge), and the partner
// sees callerId, the number they would dial to reach the caller. The child leg reports its progress to
// statusCallback (initiated, ringing, answered, completed), which is how the interaction's outbound leg is tracked.
struct Dial
{
    QString callerId;       // the partner's proxy number
    QString number;         // the partner's identifier in the carrier's form (Mexico '1' / Argentina '9' applied)
    QString statusCallback; // absolute URL, may be empty
};

QByteArray dial(const Dial &dial);
// `<Response><Reject/></Response>`: the caller hears the carrier's rejection and is not billed for a connected call.
QByteArray reject();
// `<Response/>`: nothing to do (a message that is not forwarded, or forwarded through the Messages API).
QByteArray empty();

QString escape(const QString &text);

} // namespace Maskline::Twiml
