#pragma once

#include <optional>

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

#include "core/paging.h"

namespace Maskline {

// Plain values of the Proxy object model (reference §1, §3). Empty QString / invalid QDateTime mean "null".

struct Account
{
    qint64 id = 0;
    QString sid;
    QString authToken;
    QString friendlyName;
    bool allowParticipantConflict = false; // changelog: AllowParticipantConflict account flag (off by default)
    bool respectSmsStopFilter = false;     // changelog: ProxyRespectSmsStopFilterFlag
    bool smsStopFiltering = true;          // the account's SMS STOP filtering setting
    QDateTime dateCreated;
    QDateTime dateUpdated;
};

struct Service
{
    qint64 id = 0;
    QString sid;
    QString accountSid;
    QString uniqueName;
    QString chatInstanceSid;
    QString callbackUrl;
    QString interceptCallbackUrl;
    QString outOfSessionCallbackUrl;
    qint64 defaultTtl = 0;
    QString geoMatchLevel;           // country | area-code | extended-area-code | overlay | radius
    QString numberSelectionBehavior; // prefer-sticky | avoid-sticky
    bool mxInsertOne = false;        // Mexico '1' insertion (services created before 2020-10-05)
    bool arInsertNine = false;       // Argentina '9' insertion for voice
    QDateTime dateCreated;
    QDateTime dateUpdated;
};

struct Capabilities
{
    bool voice = true;
    bool sms = true;
    bool mms = true;
    bool fax = false;
};

// A carrier number's inbound webhooks (Twilio IncomingPhoneNumber sms_url/sms_method/voice_url/voice_method): what
// they were before Maskline pointed them at itself, so removing the number from the pool can put them back.
struct NumberWebhooks
{
    QString smsUrl;
    QString smsMethod;
    QString voiceUrl;
    QString voiceMethod;
};

struct PhoneNumber
{
    qint64 id = 0;
    QString sid;
    QString accountSid;
    QString serviceSid;
    QString phoneNumber;
    QString friendlyName;
    QString isoCountry;
    Capabilities capabilities;
    bool isReserved = false;
    int inUse = 0;
    QDateTime dateCreated;
    QDateTime dateUpdated;
    bool carrierManaged = false;     // looked up in the carrier account, its webhooks pointed at Maskline
    NumberWebhooks previousWebhooks; // carrierManaged: what to restore when it leaves the pool
};

namespace SessionStatus {
inline const QString OPEN = QStringLiteral("open");
inline const QString IN_PROGRESS = QStringLiteral("in-progress");
inline const QString CLOSED = QStringLiteral("closed");
inline const QString FAILED = QStringLiteral("failed");
inline const QString UNKNOWN = QStringLiteral("unknown");
} // namespace SessionStatus

namespace SessionMode {
inline const QString MESSAGE_ONLY = QStringLiteral("message-only");
inline const QString VOICE_ONLY = QStringLiteral("voice-only");
inline const QString VOICE_AND_MESSAGE = QStringLiteral("voice-and-message");
} // namespace SessionMode

struct Session
{
    qint64 id = 0;
    QString sid;
    QString accountSid;
    QString serviceSid;
    QString uniqueName;
    QString status;
    QString mode;
    qint64 ttl = 0;
    QDateTime dateExpiry;
    QDateTime expiresAt; // internal deadline: date_expiry, else last activity + ttl
    QString closedReason;
    QDateTime dateStarted;
    QDateTime dateEnded;
    QDateTime dateLastInteraction;
    QDateTime dateCreated;
    QDateTime dateUpdated;

    bool isActive() const { return status == SessionStatus::OPEN || status == SessionStatus::IN_PROGRESS; }
};

struct Participant
{
    qint64 id = 0;
    QString sid;
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString identifier;
    QString proxyIdentifier;
    QString proxyIdentifierSid;
    QString friendlyName;
    bool routable = false; // holds its (identifier, proxy number) routing key
    QDateTime dateDeleted;
    QDateTime dateCreated;
    QDateTime dateUpdated;
};

struct InteractionLeg
{
    QString participantSid;
    QString resourceSid;
    QString resourceStatus;
    QString resourceType; // "Message" | "Call"
    QString resourceUrl;
};

struct Interaction
{
    qint64 id = 0;
    QString sid;
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString participantSid; // set for MessageInteractions: the addressed participant
    QString type;           // message | voice | unknown
    QString data;           // JSON text: {"body":…} or {"duration":…}
    InteractionLeg inbound;
    InteractionLeg outbound;
    QDateTime dateCreated;
    QDateTime dateUpdated;
};

// What was asked for. std::nullopt = the parameter was not given; an empty string for a URL clears it.
struct ServiceParams
{
    std::optional<QString> uniqueName;
    std::optional<qint64> defaultTtl;
    std::optional<QString> callbackUrl;
    std::optional<QString> interceptCallbackUrl;
    std::optional<QString> outOfSessionCallbackUrl;
    std::optional<QString> geoMatchLevel;
    std::optional<QString> numberSelectionBehavior;
    std::optional<QString> chatInstanceSid;
    std::optional<bool> mxInsertOne;
    std::optional<bool> arInsertNine;
};

struct PhoneNumberParams
{
    QString sid;         // PN… (one of sid / phoneNumber)
    QString phoneNumber; // E.164
    std::optional<bool> isReserved;
    std::optional<Capabilities> capabilities; // defaults to voice+sms+mms
    QString friendlyName;
    QString isoCountry;              // empty: derived from the number
    bool carrierManaged = false;     // see PhoneNumber::carrierManaged
    NumberWebhooks previousWebhooks; // carrierManaged only
};

struct ParticipantParams
{
    QString identifier;
    std::optional<QString> friendlyName;
    std::optional<QString> proxyIdentifier;
    std::optional<QString> proxyIdentifierSid;
    bool failOnParticipantConflict = false;
};

struct SessionParams
{
    std::optional<QString> uniqueName;
    std::optional<QDateTime> dateExpiry; // an invalid QDateTime clears it (update)
    std::optional<qint64> ttl;
    std::optional<QString> mode;
    std::optional<QString> status;
    QList<ParticipantParams> participants;
    bool failOnParticipantConflict = false;
};

struct AccountSettings
{
    std::optional<bool> allowParticipantConflict;
    std::optional<bool> respectSmsStopFilter;
    std::optional<bool> smsStopFiltering;
    std::optional<QString> friendlyName;
};

// What changed, for the console's models and anyone else watching the engine.
struct Change
{
    enum class Kind
    {
        Account,
        Service,
        PhoneNumber,
        Session,
        Participant,
        Interaction,
        DebuggerEvent,
    };
    enum class Op
    {
        Added,
        Updated,
        Removed,
    };
    Kind kind = Kind::Service;
    Op op = Op::Added;
    QString sid;
    QString parentSid; // service for numbers and sessions, session for participants and interactions
};

} // namespace Maskline

Q_DECLARE_METATYPE(Maskline::Change)
Q_DECLARE_METATYPE(Maskline::Account)
