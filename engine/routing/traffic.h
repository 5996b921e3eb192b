#pragma once

#include <functional>
#include <utility>

#include <QByteArray>
#include <QDeadlineTimer>
#include <QJsonObject>
#include <QList>
#include <QMetaType>
#include <QString>
#include <QStringList>

#include "store/records.h"

namespace Maskline {

using CarrierParams = QList<std::pair<QString, QString>>;

// An inbound SMS/MMS as the carrier delivered it (reference §8.1).
struct InboundMessage
{
    QString from;
    QString to;
    QString body;
    QStringList mediaUrls;       // MediaUrl0…MediaUrl{NumMedia-1}
    QString messageSid;          // SM…/MM…; generated when empty (simulator)
    QString carrierAccountSid;   // the webhook's AccountSid (for the inbound resource URL)
    QString callbackBase;        // the public base URL the carrier used; status callbacks go there
    CarrierParams carrierParams; // every webhook parameter, for the out-of-session callback
    QString onlyAccountSid;      // when set, only this account's pool numbers are routed (simulator HTTP endpoint)
    QString requestUrl;          // the webhook's URL as the carrier saw it, for debugger events; empty when injected
    // Set when the out-of-session callback already handled this traffic (it auto-created a session and routes it
    // again): a second miss is not sent to the callback again.
    bool afterOutOfSession = false;

    QJsonObject toJson() const;
    static InboundMessage fromJson(const QJsonObject &json);
};

// An inbound call as the carrier delivered it (reference §8.2).
struct InboundCall
{
    QString from;
    QString to;
    QString callSid; // CA…; generated when empty (simulator)
    QString carrierAccountSid;
    QString callbackBase;
    CarrierParams carrierParams;
    QString onlyAccountSid;
    QString requestUrl;
    bool afterOutOfSession = false;
    // When the carrier's webhook must be answered: callbacks made while the call waits share what is left of it.
    // Forever until the router starts routing the call (it then applies RouterConfig::callAnswerBudgetMs).
    QDeadlineTimer answerBy{QDeadlineTimer::Forever};
};

// What routing did with one piece of inbound traffic, and what to answer the carrier.
struct RouteResult
{
    enum class Outcome
    {
        Forwarded,     // interaction recorded; the message is queued for sending / the call is bridged
        Duplicate,     // this MessageSid / CallSid was routed before (a carrier retry): nothing new happened
        UnknownNumber, // To is not in any pool (80905)
        OutOfSession,  // the sender is not active on that number (80905 message / 80902 call; 80904 if expired)
        NoPartner,     // the session has nobody to forward to (80614)
        ModeRejected,  // 80910 SMS into voice-only / 80911 call into message-only
        OptOut,        // an opt-out/opt-in keyword that is not forwarded (80901)
        Blocked,       // the intercept callback refused it (80909)
        Failed,        // the store failed (80501)
        // A message whose intercept or out-of-session callback runs later, durably (through the outbox): the carrier
        // is answered now, and routed() reports the final outcome when the callback has decided.
        Pending,
    };
    Outcome outcome = Outcome::Failed;
    QByteArray twiml;         // the answer for the carrier's webhook
    Interaction interaction;  // when one was recorded (Forwarded, Duplicate, Blocked, Pending after intercept)
    QList<int> debuggerCodes; // the events raised, in order
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString detail; // one line for logs and the console
    // The carrier request behind it (webhook URL and form body), copied into every debugger event routing raises.
    QString requestUrl;
    QString requestVariables;

    bool forwarded() const { return outcome == Outcome::Forwarded; }
};

using RouteDone = std::function<void(const RouteResult &result)>;

// application/x-www-form-urlencoded, UTF-8, spaces as %20 (what every form decoder reads back identically).
QString formEncode(const CarrierParams &params);

} // namespace Maskline

Q_DECLARE_METATYPE(Maskline::RouteResult)
