#pragma once

#include <functional>
#include <utility>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QNetworkAccessManager>
#include <QObject>
#include <QString>

namespace Maskline {

// One callback to a customer's server: a form POST signed like Twilio's own webhooks (reference §6.5).
struct CallbackRequest
{
    QString url;                               // as configured on the Service
    QList<std::pair<QString, QString>> params; // the form body, in order
    QString authToken;                         // the account's: the key of X-Twilio-Signature
    int timeoutMs = 10000;                     // the whole exchange, connect to last byte
    QByteArray idempotencyToken;               // I-Twilio-Idempotency-Token: the same on every retry of one callback
};

struct CallbackResponse
{
    int status = 0; // the HTTP status; 0 when no answer came (see error)
    QByteArray contentType;
    QByteArray body; // at most CallbackClient::MAX_BODY bytes
    bool timedOut = false;
    bool tooLarge = false; // the answer was longer than MAX_BODY: cut off (and treated as no answer)
    QString error;         // why there is no answer: connection refused, timeout, …
    QString url;           // the URL requested and signed (see CallbackClient::requestUrl)
    QString form;          // the form body sent

    bool answered() const { return status != 0; }
    bool isSuccess() const { return status >= 200 && status < 300; }
    // "HTTP 500", "no answer within 5000 ms", "cannot connect: Connection refused"
    QString describe() const;
    // For debugger events: the status line and the start of the body.
    QString summary() const;
};

// Sends callbacks from the engine thread with its own QNetworkAccessManager: never blocks, never follows redirects
// (a 3xx is an answer like any other), bounds the time and the size of every answer.
//
// Headers: Content-Type application/x-www-form-urlencoded; charset=utf-8, X-Twilio-Signature (HMAC-SHA1 of the URL
// and the sorted parameters with the account's auth token, exactly as twilio-python's RequestValidator and
// twilio-node's validateRequest check it), User-Agent TwilioProxy/1.1 (what Twilio's Proxy sends; some consumers
// gate on it), I-Twilio-Idempotency-Token, and Accept */*.
class CallbackClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CallbackClient)

public:
    static constexpr qint64 MAX_BODY = 64 * 1024;
    static constexpr QByteArrayView USER_AGENT = "TwilioProxy/1.1";

    explicit CallbackClient(QObject *parent = nullptr);
    ~CallbackClient() override;

    using Done = std::function<void(const CallbackResponse &response)>;
    // Calls done exactly once, on this object's thread, unless this object is destroyed first.
    void post(const CallbackRequest &request, Done done);

    // Checked at delivery on the addresses the URL's host resolves to (looked up without blocking; literal addresses
    // as they are): a non-empty answer refuses the request with that reason, and nothing is sent. See
    // CallbackTarget::refusalOfAddresses. Unset: no check.
    using AddressCheck = std::function<QString(const QUrl &url, const QList<QHostAddress> &addresses)>;
    void setAddressCheck(AddressCheck check) { m_addressCheck = std::move(check); }

    // The URL as it is requested and signed: user info taken out (it becomes HTTP Basic credentials), an empty path
    // made "/", everything else as QUrl encodes it for the request line — what a server rebuilds from the request.
    static QString requestUrl(const QString &url);

private:
    void send(const CallbackRequest &request, CallbackResponse base, Done done);

    QNetworkAccessManager m_network;
    AddressCheck m_addressCheck;
};

} // namespace Maskline
