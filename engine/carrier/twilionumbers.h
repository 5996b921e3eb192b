#pragma once

#include "carriernumbers.h"

namespace Maskline {

class TwilioCarrier;

// Twilio's IncomingPhoneNumbers API through the Twilio carrier's client and configuration (--twilio-api-url,
// account SID, auth token): GET …/IncomingPhoneNumbers/{PN}.json, GET …/IncomingPhoneNumbers.json?PhoneNumber=…,
// POST …/IncomingPhoneNumbers/{PN}.json with SmsUrl, SmsMethod, VoiceUrl, VoiceMethod.
class TwilioNumbers final : public CarrierNumbers
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(TwilioNumbers)

public:
    explicit TwilioNumbers(TwilioCarrier &carrier, QObject *parent = nullptr);
    ~TwilioNumbers() override;

    void fetchBySid(const QString &sid, LookupDone done) override;
    void findByPhoneNumber(const QString &e164, LookupDone done) override;
    void setWebhooks(const QString &sid, const NumberWebhooks &webhooks, UpdateDone done) override;

    // The form body setWebhooks posts, for tests: SmsUrl, SmsMethod, VoiceUrl, VoiceMethod (methods only when set).
    static QByteArray webhookForm(const NumberWebhooks &webhooks);
    // Reads one IncomingPhoneNumber object; Malformed when it lacks a PN sid or an E.164 phone_number.
    static CarrierNumberLookup readNumber(const QJsonObject &json);

private:
    QString numbersUrl() const;

    TwilioCarrier &m_carrier;
};

} // namespace Maskline
