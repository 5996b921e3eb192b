#pragma once

#include <functional>
#include <utility>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QStringList>

namespace Maskline {

class Router;

// A carrier webhook as this class needs it, free of any transport: the HTTP layer fills it in (webhookroute.h).
struct WebhookRequest
{
    QString method = QStringLiteral("POST");
    QString path;    // "/carrier/twilio/sms"
    QString url;     // the full URL as the carrier saw it (public URL + path + query): what X-Twilio-Signature signs
    QString baseUrl; // that URL's scheme://host[:port][/prefix], where status callbacks are sent
    QList<std::pair<QByteArray, QByteArray>> headers;
    QList<std::pair<QString, QString>> form;  // the form body's parameters, decoded, order and repeats kept
    QList<std::pair<QString, QString>> query; // the query string's parameters
    QByteArray body;
    QString accountSid; // the account that authenticated (simulator endpoints only)

    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
    QString formValue(const QString &name) const;
    QString queryValue(const QString &name) const;
};

struct WebhookResponse
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
};

struct WebhookConfig
{
    // --webhook-signature off: accept Twilio webhooks without checking X-Twilio-Signature (local testing only).
    bool verifySignatures = true;
};

// The carrier-facing endpoints:
//   POST /carrier/twilio/sms     Twilio's incoming-message webhook (SMS and MMS)   -> TwiML <Response/>
//   POST /carrier/twilio/voice   Twilio's incoming-call webhook                     -> TwiML <Dial> or <Reject/>
//   POST /carrier/twilio/status  message and call-leg status callbacks              -> 204
//   POST /carrier/simulator/sms|voice  inject traffic into the simulator (HTTP Basic with an account's SID and token;
//                                      only that account's numbers; only while the simulator is the carrier) -> JSON
// Every Twilio request must carry a valid X-Twilio-Signature (HMAC-SHA1 with the Twilio auth token over the URL as
// the carrier saw it and the sorted form parameters); a missing or wrong one is answered 403 and changes nothing.
class CarrierWebhooks final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CarrierWebhooks)

public:
    static const QString TWILIO_SMS;
    static const QString TWILIO_VOICE;
    static const QString TWILIO_STATUS;
    static const QString SIMULATOR_SMS;
    static const QString SIMULATOR_VOICE;

    using Done = std::function<void(const WebhookResponse &response)>;

    CarrierWebhooks(Router &router, WebhookConfig config, QObject *parent = nullptr);
    ~CarrierWebhooks() override;

    // Answers the carrier through `done`, exactly once: at once, except for a call that waits for its out-of-session
    // or intercept callback (at most RouterConfig::callAnswerBudgetMs).
    void handle(const WebhookRequest &request, Done done);
    // For requests that are answered at once (tests); one that would wait gets 503 and routes on in the background.
    WebhookResponse handle(const WebhookRequest &request);
    Router &router() const { return m_router; }

private:
    bool signatureValid(const WebhookRequest &request) const;
    WebhookResponse twilioSms(const WebhookRequest &request);
    void twilioVoice(const WebhookRequest &request, const Done &done);
    WebhookResponse twilioStatus(const WebhookRequest &request);
    void simulator(const WebhookRequest &request, bool voice, const Done &done);

    Router &m_router;
    WebhookConfig m_config;
};

} // namespace Maskline
