#pragma once

#include <functional>

#include <QByteArray>
#include <QJsonObject>
#include <QObject>
#include <QString>
#include <QStringList>

namespace Maskline {

// One SMS/MMS the engine asks the carrier to send (reference §8.4). The SIDs say which interaction it belongs to; the
// carrier sends only from/to/body/media/statusCallback.
struct OutboundMessage
{
    QString from; // a pool number (the recipient's proxy number)
    QString to;   // the recipient, in the carrier's form (Mexico '1' applied when the service asks)
    QString body;
    QStringList mediaUrls;  // MMS
    QString statusCallback; // absolute URL for delivery reports; empty = none
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString interactionSid;

    QJsonObject toJson() const;
    static OutboundMessage fromJson(const QJsonObject &json);
};

// What came of one send attempt. Retry: worth trying again later (5xx, 429, timeouts, network errors). Rejected: the
// carrier refused it for good (any other 4xx); trying again would fail the same way.
struct SendOutcome
{
    enum class Kind
    {
        Accepted,
        Retry,
        Rejected,
    };
    Kind kind = Kind::Retry;
    QString resourceSid;    // SM…/MM… from the carrier
    QString resourceStatus; // queued (Twilio), delivered (simulator)
    QString resourceUrl;    // the carrier's REST URL of the message, when it has one
    int httpStatus = 0;     // 0 = no HTTP answer at all
    QString error; // for people: "HTTP 400, Twilio error 21211: The 'To' number … is not a valid phone number"
};

// An inbound call to bridge to the partner (reference §6.1 step 7, §8.3).
struct CallBridge
{
    QString from;           // the caller as the carrier gave it
    QString to;             // the pool number called
    QString callerId;       // what the partner sees: the partner's proxy number
    QString number;         // the partner in the carrier's form (Mexico '1' / Argentina '9' for voice applied)
    QString statusCallback; // absolute URL for the child leg's progress; empty = none
    QString inboundCallSid;
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString interactionSid;
};

// How the carrier answers that call: the TwiML, and the outbound leg when the carrier knows it at once (the simulator
// connects instantly; Twilio reports the child call later through the status callback).
struct CallAnswer
{
    QByteArray twiml;
    QString outboundResourceSid;
    QString outboundResourceStatus;
};

// A carrier adapter: sends messages, answers calls, names its records. Lives on the engine thread; every method is
// called there, and sendMessage's callback runs there too.
class Carrier : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Carrier)

public:
    using SendDone = std::function<void(const SendOutcome &)>;

    explicit Carrier(QObject *parent = nullptr);
    ~Carrier() override;

    // "twilio" | "simulator"
    virtual QString name() const = 0;
    // Starts one send and calls done exactly once with the outcome (possibly before returning).
    virtual void sendMessage(const OutboundMessage &message, SendDone done) = 0;
    virtual CallAnswer bridgeCall(const CallBridge &bridge) = 0;
    // The carrier's REST URL of one of its records ("Messages" or "Calls"), for an interaction's *_resource_url;
    // empty when the carrier has no such URL (the simulator). carrierAccountSid overrides the configured account
    // (a webhook from a subaccount names its own).
    virtual QString resourceUrl(const QString &collection, const QString &resourceSid,
                                const QString &carrierAccountSid = {}) const = 0;
    // The key of the carrier's webhook signatures (X-Twilio-Signature); empty when it has none.
    virtual QString webhookSigningKey() const { return {}; }
    // Path (under the public URL) of this carrier's status-callback webhook; empty when it reports no statuses.
    virtual QString statusCallbackPath() const { return {}; }
    // Where messages are sent, for the outbox's url column and for people reading it.
    virtual QString messagesEndpoint() const = 0;
};

} // namespace Maskline
