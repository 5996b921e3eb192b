#pragma once

#include <functional>

#include <QObject>
#include <QString>

#include "store/records.h"

namespace Maskline {

// Why a call to the carrier's number inventory did not give an answer to act on. NotFound is an answer (the
// account has no such number); every other kind is the carrier failing, mapped to an API error by the caller.
struct CarrierFailure
{
    enum class Kind
    {
        None,
        NotFound,     // 404 / an empty list: not a number of the carrier account
        Unauthorized, // 401 / 403: the carrier refused Maskline's credentials
        Refused,      // any other 4xx: the carrier refused the request itself
        Unavailable,  // 5xx or 429: the carrier could not answer now
        Timeout,      // no answer within the time limit
        Unreachable,  // connection refused, DNS, TLS
        Malformed,    // a 2xx that is not the JSON the API documents
    };
    Kind kind = Kind::None;
    int httpStatus = 0;  // 0 = no HTTP answer
    int carrierCode = 0; // Twilio's error code from the body, when it gave one
    QString detail;      // for people: "HTTP 503 from http://…", no credentials, no phone numbers

    bool failed() const { return kind != Kind::None; }
};

// One number of the carrier account (Twilio IncomingPhoneNumber).
struct CarrierNumber
{
    QString sid;         // PN…
    QString phoneNumber; // E.164
    QString friendlyName;
    QString isoCountry; // empty when the carrier does not say
    Capabilities capabilities;
    NumberWebhooks webhooks; // as they are now at the carrier
};

struct CarrierNumberLookup
{
    CarrierFailure failure;
    CarrierNumber number; // valid when !failure.failed()
};

// The carrier account's phone-number inventory: look numbers up, point their webhooks. Lives on the engine thread;
// every method returns at once and calls `done` exactly once, later, on that thread.
class CarrierNumbers : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(CarrierNumbers)

public:
    using LookupDone = std::function<void(const CarrierNumberLookup &)>;
    using UpdateDone = std::function<void(const CarrierFailure &)>;

    explicit CarrierNumbers(QObject *parent = nullptr)
        : QObject(parent)
    {}
    ~CarrierNumbers() override = default;

    virtual void fetchBySid(const QString &sid, LookupDone done) = 0;
    // NotFound when the account does not own the number.
    virtual void findByPhoneNumber(const QString &e164, LookupDone done) = 0;
    // Sets all four webhook fields of the number (an empty URL clears it; an empty method is left out).
    virtual void setWebhooks(const QString &sid, const NumberWebhooks &webhooks, UpdateDone done) = 0;
};

} // namespace Maskline
