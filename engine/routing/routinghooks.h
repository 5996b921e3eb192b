#pragma once

#include <functional>
#include <optional>
#include <utility>

#include <QByteArray>
#include <QDeadlineTimer>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "core/result.h"
#include "store/records.h"
#include "traffic.h"

namespace Maskline {

struct OutboxItem;

// Out-of-session traffic (reference §6.3): what the router knows when the sender is not an active participant on
// the number they contacted, or the session has nobody to forward to.
struct OutOfSessionContext
{
    enum class Reason
    {
        NoSession, // the sender never had a session on this number, or it was deleted
        Closed,    // the sender's most recent session on this number is closed (closed_reason api, …)
        Expired,   // … and it was closed by its ttl or date_expiry (warning 80904)
        NoPartner, // the sender is active, but the session has no other participant (warning 80614)
    };
    Reason reason = Reason::NoSession;
    bool isCall = false;
    Account account;
    Service service;
    PhoneNumber number; // the pool number contacted (To)
    QString from;       // the sender as the carrier gave it
    QString to;
    QList<std::pair<QString, QString>> carrierParams; // every webhook parameter, in order (for the callback payload)
    std::optional<Session> previousSession;           // the sender's most recent session on this number
    std::optional<Participant> inboundParticipant;    // the sender in that session
    std::optional<Participant> outboundParticipant;   // the other participant of that session
    InboundMessage message;                           // the traffic itself (message when !isCall)
    InboundCall call;                                 // (call when isCall; answerBy says how long it may wait)
};

// How an out-of-session hook answered.
struct OutOfSessionAnswer
{
    enum class Action
    {
        Answer,  // answer the carrier with `twiml` (the callback's TwiML for a call; <Response/> for a message)
        Reroute, // a session was created for the sender (auto-create JSON): the router routes the traffic again
        Reject,  // the callback failed or its reply was unusable (the hook raised the event): reject / drop
        Failed,  // the hook could not take the traffic over (the store failed): answer so the carrier retries
    };
    Action action = Action::Answer;
    QByteArray twiml;
    bool pending = false;     // a message whose callback runs later (durably): the router reports Outcome::Pending
    QList<int> debuggerCodes; // the events the hook raised, for RouteResult
    QString detail;
};
using OutOfSessionDone = std::function<void(const OutOfSessionAnswer &answer)>;

// What the intercept callback (reference §6.2) decided, and the exchange behind it for the 80909 event.
struct InterceptDecision
{
    bool allowed = true; // false only for a 403 reply
    QString requestUrl;
    QString requestVariables;
    QString responseBody;
    QList<int> debuggerCodes; // events the hook raised itself (80908 when the callback failed: fail-open)
};
using InterceptDone = std::function<void(const InterceptDecision &decision)>;

// Where the callbacks (engine/callbacks/callbacks.h) plug into routing. Every method has a do-nothing default, which
// is exactly the behaviour without callbacks. All run on the engine thread.
class RoutingHooks
{
public:
    virtual ~RoutingHooks() = default;

    // Out-of-session traffic, before the router drops it. False: no handler configured (the router drops the
    // message / rejects the call with 80905 / 80902). True: the hook calls `done` exactly once — for a message
    // before returning (its callback then runs durably through the outbox), for a call possibly later.
    virtual bool outOfSession(const OutOfSessionContext &context, OutOfSessionDone done)
    {
        Q_UNUSED(context);
        Q_UNUSED(done);
        return false;
    }

    // True when the service's traffic waits for the intercept callback before it is forwarded.
    virtual bool intercepts(const Service &service)
    {
        Q_UNUSED(service);
        return false;
    }

    // Messages of an intercepting service: in the transaction that records the interaction, with the carrier send
    // withheld (`send`, not queued). The hook queues the intercept durably; the decision comes back through
    // Router::releaseMessage(). An error rolls the interaction back.
    virtual Status holdMessage(const QSqlDatabase &db, const Service &service, const Interaction &interaction,
                               const OutboxItem &send)
    {
        Q_UNUSED(db);
        Q_UNUSED(service);
        Q_UNUSED(interaction);
        Q_UNUSED(send);
        return Ok{};
    }

    // Calls of an intercepting service, after the interaction is recorded: calls `done` exactly once, now or
    // before `answerBy` (a timeout lets the call through).
    virtual void interceptCall(const Service &service, const Interaction &interaction, QDeadlineTimer answerBy,
                               InterceptDone done)
    {
        Q_UNUSED(service);
        Q_UNUSED(interaction);
        Q_UNUSED(answerBy);
        done({});
    }

    // In the transaction that settles an interaction — recorded and forwarded, or blocked by the intercept: queue
    // the "new interaction" status callback here (Outbox::enqueue on `db`) so it exists exactly when that commit
    // does. An error rolls the transaction back.
    virtual Status interactionRecorded(const QSqlDatabase &db, const Service &service, const Interaction &interaction)
    {
        Q_UNUSED(db);
        Q_UNUSED(service);
        Q_UNUSED(interaction);
        return Ok{};
    }

    // In the transaction that changes a leg's resource or status (carrier answer, status callback, give-up), with
    // the interaction before and after: queue the status callback of an outbound status change here.
    virtual Status interactionUpdated(const QSqlDatabase &db, const Interaction &before, const Interaction &after)
    {
        Q_UNUSED(db);
        Q_UNUSED(before);
        Q_UNUSED(after);
        return Ok{};
    }
};

} // namespace Maskline
