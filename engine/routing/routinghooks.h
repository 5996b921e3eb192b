#pragma once

#include <optional>
#include <utility>

#include <QByteArray>
#include <QList>
#include <QSqlDatabase>
#include <QString>

#include "core/result.h"
#include "proxy/types.h"

namespace Maskline {

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
    Service service;
    PhoneNumber number; // the pool number contacted (To)
    QString from;       // the sender as the carrier gave it
    QString to;
    QList<std::pair<QString, QString>> carrierParams; // every webhook parameter, in order (for the callback payload)
    std::optional<Session> previousSession;           // the sender's most recent session on this number
    std::optional<Participant> inboundParticipant;    // the sender in that session
    std::optional<Participant> outboundParticipant;   // the other participant of that session
};

// How an out-of-session hook answered. Handled: the router answers the carrier with `twiml` and raises no
// "no handler" event. (The callbacks issue extends this with auto-create.)
struct OutOfSessionAnswer
{
    bool handled = false;
    QByteArray twiml;
};

// Where the callbacks issue plugs into routing. Every method has a do-nothing default, which is exactly the
// behaviour without callbacks. All run on the engine thread.
class RoutingHooks
{
public:
    virtual ~RoutingHooks() = default;

    // Out-of-session traffic, before the router drops it. std::nullopt: no handler configured (drop the message /
    // reject the call with 80905 / 80902).
    virtual std::optional<OutOfSessionAnswer> outOfSession(const OutOfSessionContext &context)
    {
        Q_UNUSED(context);
        return std::nullopt;
    }

    // The intercept callback (reference §6.2), before the interaction is forwarded. False blocks it (warning 80909):
    // the interaction is recorded with a failed outbound leg and nothing is sent.
    virtual bool intercept(const Service &service, const Interaction &interaction)
    {
        Q_UNUSED(service);
        Q_UNUSED(interaction);
        return true;
    }

    // In the transaction that records a new interaction (and queues its carrier send): queue the status callback
    // here (Outbox::enqueue on `db`, kind "callback.status") so it exists exactly when the interaction does. An
    // error rolls the interaction back.
    virtual Status interactionRecorded(const QSqlDatabase &db, const Service &service, const Interaction &interaction)
    {
        Q_UNUSED(db);
        Q_UNUSED(service);
        Q_UNUSED(interaction);
        return Ok{};
    }

    // After a leg's resource or status changed (carrier answer, status callback, give-up).
    virtual void interactionUpdated(const Interaction &interaction) { Q_UNUSED(interaction); }
};

} // namespace Maskline
