#pragma once

#include <memory>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QMetaType>
#include <QObject>
#include <QString>
#include <QStringList>

#include "core/result.h"
#include "routinghooks.h"
#include "store/outbox.h"
#include "store/records.h"
#include "traffic.h"

namespace Maskline {

class CallRouting;
class Carrier;
class Debugger;
class InboundPipeline;
class LegAdvancer;
class OutboundSends;
class OutOfSessionHandler;
class Proxy;
class SimulatorInjection;
class StatusIngest;
struct DebuggerEvent;
struct RoutingContext;

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

struct RouterConfig
{
    // Base URL the carrier can reach this server on (--public-url), for status callbacks when the triggering
    // request gives none (MessageInteractions sent through the REST API). Empty: use the request's.
    QString publicUrl;
    // How long a call's webhook may wait for its answer while callbacks run (out-of-session, then intercept):
    // below Twilio's 15 s webhook timeout, so the caller never hears the carrier's own failure message.
    int callAnswerBudgetMs = 14000;
    // Carrier sends under way at once (the outbox keeps the rest): enough to keep the carrier's keep-alive
    // connections busy, so sends keep pace with intake.
    int sendsInFlight = 64;
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

    Carrier &carrier() const;
    Outbox &outbox() const;
    // Not owned; nullptr restores the defaults (no callbacks).
    void setHooks(RoutingHooks *hooks);

    // A message is always answered at once: when a callback must decide (intercept, out-of-session), it runs later
    // through the durable outbox, the result is Pending, and routed() reports the final outcome.
    RouteResult routeMessage(const InboundMessage &message);
    // A call may have to wait for a callback (out-of-session, intercept) before the carrier can be answered: `done`
    // is called exactly once, possibly later (before call.answerBy). Always through the event loop's thread.
    void routeCall(const InboundCall &call, RouteDone done);
    // The same, for callers that cannot wait: a call that must wait for a callback is answered later through routed()
    // only, and this returns outcome Pending with an empty TwiML.
    RouteResult routeCall(const InboundCall &call);
    // The intercept decision for a message held by RoutingHooks::holdMessage (`send` is what was withheld): allowed
    // queues the send, blocked records the outbound leg as failed and raises 80909; either way the "new interaction"
    // status callback is queued in the same transaction. Idempotent: a decision applied before is not applied again.
    // False when the store failed (try again later).
    bool releaseMessage(const OutboxItem &send, const InterceptDecision &decision);
    // True when `from` is an active participant on pool number `to` (the out-of-session callback re-checks this
    // before it runs: an earlier callback may have created the session since).
    bool isInSession(const QString &from, const QString &to, const QString &onlyAccountSid = {});
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
    void injectVoice(InboundCall call, RouteDone done);

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
    // The units routing is made of (see docs/architecture.md, "Routing pipeline"); the Router wires them and is the
    // one entry point the rest of the engine calls.
    std::unique_ptr<RoutingContext> m_context;
    std::unique_ptr<LegAdvancer> m_legs;
    std::unique_ptr<CallRouting> m_calls;
    std::unique_ptr<OutOfSessionHandler> m_outOfSession;
    std::unique_ptr<InboundPipeline> m_inbound;
    std::unique_ptr<StatusIngest> m_status;
    std::unique_ptr<OutboundSends> m_outbound;
    std::unique_ptr<SimulatorInjection> m_injection;
};

} // namespace Maskline
