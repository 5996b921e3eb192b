#pragma once

#include <functional>
#include <optional>

#include <QJsonObject>
#include <QList>
#include <QLoggingCategory>
#include <QPointer>
#include <QSqlDatabase>
#include <QString>
#include <QStringList>

#include "router.h"
#include "routinghooks.h"
#include "store/records.h"
#include "traffic.h"

Q_DECLARE_LOGGING_CATEGORY(lcRouter)

namespace Maskline {

class Carrier;
class Debugger;
class Outbox;
class Proxy;
struct DebuggerEvent;

// What the units of routing share (inbound pipeline, calls, out-of-session, status ingestion, outbound sends,
// simulator injection, leg advancing): the engine's pieces, the configuration and the hooks, and what every unit
// does — raise a debugger event, report a routing decision, build a status callback URL. Owned by the Router.
struct RoutingContext
{
    RoutingContext(QObject *owner, Proxy &proxy, Carrier &carrier, Outbox &outbox, Debugger *debugger,
                   RouterConfig config, std::function<void(const RouteResult &)> routed);

    QPointer<QObject> owner; // the Router: asynchronous answers check it before touching a unit
    Proxy &proxy;
    Carrier &carrier;
    Outbox &outbox;
    Debugger *debugger;
    RouterConfig config;
    RoutingHooks defaultHooks;
    RoutingHooks *hooks;
    std::function<void(const RouteResult &)> routed;

    QSqlDatabase db() const;
    // Records the event (filling in the result's SIDs and carrier request) and lists its code in the result.
    void raise(RouteResult &result, DebuggerEvent event) const;
    // Logs the decision (numbers masked, no message text) and reports it through Router::routed.
    RouteResult finish(RouteResult result) const;
    // The carrier's status callback for an interaction: --public-url, else `base` (the request's), + the carrier's
    // path. Empty when the carrier takes none.
    QString statusCallbackUrl(const QString &base, const QString &interactionSid) const;
};

// What routing found for (From, To): the pool number, its service and account, and the routing key of From.
struct RouteTarget
{
    PhoneNumber number;
    Service service;
    Account account;
    QString from; // as the carrier gave them
    QString to;
    QString fromKey;
};

// One piece of inbound traffic on its way through the pipeline: a message or a call.
struct InboundTraffic
{
    bool isCall = false;
    InboundMessage message; // when !isCall
    InboundCall call;       // when isCall

    const QString &from() const { return isCall ? call.from : message.from; }
    const QString &to() const { return isCall ? call.to : message.to; }
    QString &resourceSid() { return isCall ? call.callSid : message.messageSid; }
    const QString &resourceSid() const { return isCall ? call.callSid : message.messageSid; }
    const CarrierParams &carrierParams() const { return isCall ? call.carrierParams : message.carrierParams; }
    const QString &onlyAccountSid() const { return isCall ? call.onlyAccountSid : message.onlyAccountSid; }
    const QString &callbackBase() const { return isCall ? call.callbackBase : message.callbackBase; }
    const QString &carrierAccountSid() const { return isCall ? call.carrierAccountSid : message.carrierAccountSid; }
    const QString &requestUrl() const { return isCall ? call.requestUrl : message.requestUrl; }
    bool afterOutOfSession() const { return isCall ? call.afterOutOfSession : message.afterOutOfSession; }
    QString kind() const;
};

namespace Routing {

inline constexpr int MAX_MEDIA = 10; // Twilio's MMS limit (NumMedia <= 10)
extern const QString TYPE_MESSAGE;   // an interaction leg's resource type
extern const QString TYPE_CALL;

QString jsonText(const QJsonObject &object);
// Interaction.data of a message: {"body": …}, plus "media_urls" for MMS (reference §3.5 documents only body).
QString messageData(const QString &body, const QStringList &mediaUrls);
// The absolute http(s) URLs among `urls`, at most MAX_MEDIA.
QStringList usableMediaUrls(const QStringList &urls);
// The first participant of the session other than `participantSid` that was not removed.
std::optional<Participant> partnerOf(const QList<Participant> &participants, const QString &participantSid);

} // namespace Routing
} // namespace Maskline
