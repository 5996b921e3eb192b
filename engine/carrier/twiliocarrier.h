#pragma once

#include <memory>

#include <QNetworkAccessManager>
#include <QNetworkRequest>

#include "carrier.h"

namespace Maskline {

struct TwilioConfig
{
    QString apiUrl = QStringLiteral("https://api.twilio.com"); // --twilio-api-url (a fake server in tests)
    QString accountSid;                                        // --twilio-account-sid
    QString authToken;                                         // --twilio-auth-token: API password and webhook key
    int requestTimeoutMs = 15000;                              // a send that takes longer counts as a timeout
    int connections = 32; // --carrier-connections: keep-alive connections to the API host for message sends

    bool isComplete() const { return !accountSid.isEmpty() && !authToken.isEmpty(); }
};

// Twilio Programmable Messaging and Voice. Messages: POST {api}/2010-04-01/Accounts/{sid}/Messages.json with HTTP
// Basic and a form body (From, To, Body, MediaUrl repeated, StatusCallback). Calls: TwiML <Dial> from the inbound
// call (the child leg is reported through the status callback). Webhooks are signed with the auth token.
class ApiClient;

class TwilioCarrier final : public Carrier
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TwilioCarrier)

public:
    explicit TwilioCarrier(TwilioConfig config, QObject *parent = nullptr);
    ~TwilioCarrier() override;

    QString name() const override { return QStringLiteral("twilio"); }
    void sendMessage(const OutboundMessage &message, SendDone done) override;
    CallAnswer bridgeCall(const CallBridge &bridge) override;
    QString resourceUrl(const QString &collection, const QString &resourceSid,
                        const QString &carrierAccountSid = {}) const override;
    QString webhookSigningKey() const override { return m_config.authToken; }
    QString statusCallbackPath() const override { return QStringLiteral("/carrier/twilio/status"); }
    QString messagesEndpoint() const override;

    const TwilioConfig &config() const { return m_config; }
    // The one HTTP client to the Twilio REST API, shared with TwilioNumbers: a request to `url` with Basic auth,
    // Accept JSON, the time limit, and redirects not followed (a redirect is a misconfigured --twilio-api-url, not
    // something to follow with the account's credentials).
    QNetworkRequest apiRequest(const QUrl &url) const;
    QNetworkAccessManager &network() { return m_network; }
    // The form body sendMessage posts, exposed for tests and logs: From, To, Body, MediaUrl…, StatusCallback.
    static QByteArray messageForm(const OutboundMessage &message);

private:
    TwilioConfig m_config;
    QNetworkAccessManager m_network; // the numbers API, and the first of the senders
    // Message sends, over TwilioConfig::connections keep-alive connections on this thread (apiclient.h).
    std::unique_ptr<ApiClient> m_sender;
    QList<std::pair<QByteArray, QByteArray>> m_sendHeaders;
};

} // namespace Maskline
