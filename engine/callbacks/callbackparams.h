#pragma once

#include <optional>
#include <utility>

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include "core/result.h"
#include "store/records.h"

namespace Maskline {

struct OutOfSessionContext;

// What Maskline's callbacks carry, and how it reads what they answer (docs/callbacks.md is the prose version).
namespace CallbackParams {

using Params = QList<std::pair<QString, QString>>;

// Reference §6.2 (intercept: withOutbound false) and §6.4 (status): interaction{Sid, SessionSid, ServiceSid,
// AccountSid, Type, Data, DateCreated, DateUpdated}, inbound{ParticipantSid, ResourceSid, ResourceStatus,
// ResourceType, ResourceUrl} and, for status callbacks, the same outbound* set. Every key is always present (empty
// when the interaction has no value yet). interactionType is the REST `type` (message | voice); resource types are
// lowercase (message | call), which is what consumers compare. MMS adds NumMedia and MediaUrl0…MediaUrl{N-1}.
Params interaction(const Interaction &interaction, bool withOutbound);

// Reference §6.3: every carrier webhook parameter, then — when the sender had a session on that number — session*
// and inboundParticipant* / outboundParticipant* (the outbound set only when that session had another participant).
// A carrier parameter that has the name of one of Maskline's own is left out.
Params outOfSession(const OutOfSessionContext &context);

// The media type of a Content-Type header, lowercase, without parameters ("application/json; charset=utf-8" ->
// "application/json").
QString mediaType(const QByteArray &contentType);
bool isJson(const QByteArray &contentType);  // application/json, any charset
bool isTwiml(const QByteArray &contentType); // application/xml or text/xml

// A TwiML document from an out-of-session callback: well-formed XML whose root is <Response>, without a DTD.
// Returns the reason it is unusable, or an empty string.
QString checkTwiml(const QByteArray &body);

// The <Message> verbs of such a document, for a message: each one's text (or <Body>) and <Media> URLs. Attributes
// such as to/from are ignored: a reply goes to the sender, from the number they texted, and nowhere else.
struct TwimlMessage
{
    QString body;
    QStringList mediaUrls;
};
Result<QList<TwimlMessage>> twimlMessages(const QByteArray &body);

// The auto-create JSON (reference §6.3): participantIdentifier (required), participantProxyIdentifier, uniqueName,
// mode, ttl (a whole number, or a string of one), dateExpiry (ISO 8601).
struct AutoCreate
{
    QString participantIdentifier;
    std::optional<QString> participantProxyIdentifier;
    std::optional<QString> uniqueName;
    std::optional<QString> mode;
    std::optional<qint64> ttl;
    std::optional<QDateTime> dateExpiry;
};
// Refusals are ApiError 80905 whose message says what is wrong with the reply.
Result<AutoCreate> parseAutoCreate(const QByteArray &body);

} // namespace CallbackParams
} // namespace Maskline
