#pragma once

#include <QObject>
#include <QString>

#include "callbackclient.h"
#include "callbackparams.h"
#include "routing/routinghooks.h"
#include "store/outbox.h"

namespace Maskline {

class Debugger;
class Proxy;
class Router;
struct DebuggerEvent;

struct CallbacksConfig
{
    int statusTimeoutMs = 10000;       // a status callback not answered by then counts as failed (and is retried)
    int interceptTimeoutMs = 5000;     // --intercept-timeout-ms: no answer by then lets the traffic through
    int outOfSessionTimeoutMs = 10000; // --out-of-session-timeout-ms: below Twilio's 15 s webhook timeout
    int minCallWaitMs = 250;           // a call with less time than this left starts no further callback
};

// The Service's three callbacks (reference §6.2-§6.5), plugged into routing as its RoutingHooks. Every callback is a
// signed form POST (CallbackClient) made from the engine thread without blocking it.
//
//  * Status (callback_url): on each settled interaction and on each change of its outbound status. Outbox kind
//    "callback.status", queued in the transaction that made the change, delivered in order per session (one line
//    per session: a later callback waits for an earlier one, retries included), retried with exponential backoff
//    (80908 per failed attempt), never lost across a restart. The reply is ignored.
//  * Intercept (intercept_callback_url): before an interaction is forwarded. A message is acknowledged to the carrier
//    at once; its interaction is recorded with the send withheld and an outbox item of kind "callback.intercept"
//    (in order per session) asks the callback, then Router::releaseMessage() forwards or blocks it. A call waits
//    (answered later through the deferred webhook reply). 403 blocks (80909); anything else, a failure (80908) or
//    a timeout lets it through.
//  * Out-of-session (out_of_session_callback_url): a message is acknowledged at once and asked about through the
//    outbox (kind "callback.out_of_session", in order per sender and number; attempts without an answer are
//    retried); a call waits for the answer. TwiML is executed, auto-create JSON creates a session and routes the
//    traffic in it; non-2xx is 80913, an unusable reply 80905, no answer 80908.
class Callbacks final : public QObject, public RoutingHooks
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Callbacks)

public:
    static const QString STATUS_KIND;
    static const QString INTERCEPT_KIND;
    static const QString OUT_OF_SESSION_KIND;

    Callbacks(Proxy &proxy, Router &router, Outbox &outbox, Debugger *debugger, CallbacksConfig config = {},
              QObject *parent = nullptr);
    ~Callbacks() override;

    const CallbacksConfig &config() const { return m_config; }

    // RoutingHooks
    bool outOfSession(const OutOfSessionContext &context, OutOfSessionDone done) override;
    bool intercepts(const Service &service) override;
    Status holdMessage(const QSqlDatabase &db, const Service &service, const Interaction &interaction,
                       const OutboxItem &send) override;
    void interceptCall(const Service &service, const Interaction &interaction, QDeadlineTimer answerBy,
                       InterceptDone done) override;
    Status interactionRecorded(const QSqlDatabase &db, const Service &service, const Interaction &interaction) override;
    Status interactionUpdated(const QSqlDatabase &db, const Interaction &before, const Interaction &after) override;

private:
    // Who an out-of-session event is about (the sender's previous session, when there is one).
    struct OutOfSessionSubject
    {
        bool isCall = false;
        QString accountSid;
        QString serviceSid;
        QString sessionSid;
        QString participantSid;
        QString resourceSid; // the inbound MessageSid / CallSid
        QString from;
        QString to;
        QString numberSid;
        QString number; // the pool number contacted, as stored
    };
    // What an out-of-session reply asks for.
    struct OutOfSessionVerdict
    {
        enum class Kind
        {
            Twiml,      // execute `twiml`
            AutoCreate, // a session was created for the sender: route the traffic again
            Dropped,    // an event was raised (80913 / 80905 / 80908); nothing else happens
        };
        Kind kind = Kind::Dropped;
        QByteArray twiml;
        QString sessionSid;
        int code = 0;
    };

    Status queueStatus(const QSqlDatabase &db, const QString &callbackUrl, const Interaction &interaction);
    void deliverStatus(const OutboxItem &item, Outbox::Complete complete);
    void deliverIntercept(const OutboxItem &item, Outbox::Complete complete);
    void deliverOutOfSession(const OutboxItem &item, Outbox::Complete complete);
    InterceptDecision decide(const CallbackResponse &response, const Interaction &interaction, bool isCall);
    OutOfSessionVerdict interpret(const CallbackResponse &response, const OutOfSessionSubject &subject);
    static OutOfSessionSubject subjectOf(const OutOfSessionContext &context);
    // The account's auth token (the signing key); empty when the account is gone. Throws StoreError.
    QString authToken(const QString &accountSid);
    DebuggerEvent callbackEvent(int code, const CallbackResponse &response) const;
    void record(const DebuggerEvent &event);

    Proxy &m_proxy;
    Router &m_router;
    Outbox &m_outbox;
    Debugger *m_debugger;
    CallbacksConfig m_config;
    CallbackClient m_client;
};

} // namespace Maskline
