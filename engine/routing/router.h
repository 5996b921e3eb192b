#pragma once

#include <optional>
#include <utility>

#include <QByteArray>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include "callbacks/outbox.h"
#include "core/result.h"
#include "proxy/types.h"
#include "routinghooks.h"

namespace Maskline {

class Carrier;
class Debugger;
class Proxy;
struct DebuggerEvent;

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
};

// A status callback from the carrier (reference §8.2, §8.4): a message's MessageStatus or a call leg's CallStatus.
struct StatusReport
{
    QString interactionSid; // from our statusCallback URL (?interaction=KI…); empty: find by resource SID
    QString resourceSid;    // MessageSid / CallSid
    QString messageStatus;
    QString callStatus;
    QString callDuration; // seconds, on completed calls
    QString errorCode;
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
        Blocked,       // the intercept hook refused it (80909)
        Failed,        // the store failed (80501)
    };
    Outcome outcome = Outcome::Failed;
    QByteArray twiml;         // the answer for the carrier's webhook
    Interaction interaction;  // when one was recorded (Forwarded, Duplicate, Blocked)
    QList<int> debuggerCodes; // the events raised, in order
    QString accountSid;
    QString serviceSid;
    QString sessionSid;
    QString detail; // one line for logs and the console

    bool forwarded() const { return outcome == Outcome::Forwarded; }
};

struct RouterConfig
{
    // Base URL the carrier can reach this server on (--public-url), for status callbacks when the triggering
    // request gives none (MessageInteractions sent through the REST API). Empty: use the request's.
    QString publicUrl;
};

// Inbound traffic -> the session -> the partner (reference §6.1), the carrier status callbacks, and
// MessageInteractions. One Router per engine, on the engine thread; every carrier (webhooks and the simulator's
// injection) goes through the same routeMessage / routeCall.
class Router final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Router)

public:
    // The outbox kind of a carrier send (payload: OutboundMessage::toJson()).
    static const QString SEND_MESSAGE_KIND;

    Router(Proxy &proxy, Carrier &carrier, Outbox &outbox, Debugger *debugger, RouterConfig config = {},
           QObject *parent = nullptr);
    ~Router() override;

    Carrier &carrier() const { return m_carrier; }
    Outbox &outbox() const { return m_outbox; }
    // Not owned; nullptr restores the defaults (no callbacks).
    void setHooks(RoutingHooks *hooks);

    RouteResult routeMessage(const InboundMessage &message);
    RouteResult routeCall(const InboundCall &call);
    // Applies a carrier status callback to the interaction's leg. Statuses never move backwards (a late "sent"
    // does not overwrite "delivered"). Not-found when no interaction has that SID / resource.
    Result<Interaction> applyStatus(const StatusReport &report);

    // The simulator's inbound side, for the console (queued invocation) and POST /carrier/simulator/…: records the
    // traffic as the simulator's and routes it exactly like a carrier webhook. Refused (outcome Failed) when the
    // active carrier is not the simulator: injected traffic must never reach real phones.
    Q_INVOKABLE Maskline::RouteResult injectSms(const QString &from, const QString &to, const QString &body,
                                                const QStringList &mediaUrls = {});
    Q_INVOKABLE Maskline::RouteResult injectCall(const QString &from, const QString &to);
    RouteResult injectMessage(InboundMessage message);
    RouteResult injectVoice(InboundCall call);

    // MessageInteraction create (reference §3.6): the participant receives `body` on their identifier from their
    // proxy number, through the same outbox and carrier as forwarded messages. Refuses a closed session (80607), a
    // voice-only session (80910) and a removed participant (80405). callbackBase: the public base URL of the REST
    // request (for the carrier's status callback) when no --public-url is set.
    Result<Interaction> sendMessageInteraction(const QString &accountSid, const QString &serviceSid,
                                               const QString &sessionSid, const QString &participantSid,
                                               const QString &body, const QStringList &mediaUrls = {},
                                               const QString &callbackBase = {});

    // Rank of a resource status along its lifecycle (queued < sending < sent < delivered …); -1 when unknown.
    static int statusRank(const QString &status);
    // Twilio SIDs: two capital letters and 32 hex digits.
    static bool isCarrierSid(const QString &sid);

Q_SIGNALS:
    // After every routing decision, for the console's traffic view.
    void routed(const Maskline::RouteResult &result);

private:
    struct Target;
    RouteResult route(bool isCall, const InboundMessage &message, const InboundCall &call);
    std::optional<Target> findTarget(bool isCall, const QString &from, const QString &to, const QString &onlyAccount,
                                     RouteResult &result);
    RouteResult outOfSession(const Target &target, bool isCall, OutOfSessionContext::Reason reason,
                             const CarrierParams &params, RouteResult result);
    void raise(RouteResult &result, DebuggerEvent event);
    QString statusCallbackUrl(const QString &base, const QString &interactionSid) const;
    void deliverMessage(const OutboxItem &item, Outbox::Complete complete);
    void gaveUpMessage(const OutboxItem &item, const QString &error, bool exhausted);
    void updateLeg(const QString &interactionSid, bool outbound, InteractionLeg leg, const QString &data = {});
    RouteResult finish(RouteResult result);

    Proxy &m_proxy;
    Carrier &m_carrier;
    Outbox &m_outbox;
    Debugger *m_debugger;
    RouterConfig m_config;
    RoutingHooks m_defaultHooks;
    RoutingHooks *m_hooks;
};

} // namespace Maskline

Q_DECLARE_METATYPE(Maskline::RouteResult)
