#include "outofsession.h"

#include "carrier/twiml.h"
#include "debugger/debugger.h"
#include "store/participantstable.h"
#include "store/sessionstable.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

OutOfSessionHandler::OutOfSessionHandler(RoutingContext &context, Reroute reroute)
    : m_context(context)
    , m_reroute(std::move(reroute))
{}

OutOfSessionContext OutOfSessionHandler::contextFor(const RouteTarget &target, const InboundTraffic &traffic,
                                                    OutOfSessionContext::Reason reason) const
{
    OutOfSessionContext context;
    context.reason = reason;
    context.isCall = traffic.isCall;
    context.account = target.account;
    context.service = target.service;
    context.number = target.number;
    context.carrierParams = traffic.carrierParams();
    context.from = target.from;
    context.to = target.to;
    context.message = traffic.message;
    context.call = traffic.call;

    // The sender's most recent session on this number: for 80904 and for the out-of-session callback's payload.
    const QSqlDatabase db = m_context.db();
    context.inboundParticipant =
        ParticipantsTable::latestBy(db, target.service.sid, target.fromKey, target.number.phoneNumber);
    if (context.inboundParticipant) {
        context.previousSession = SessionsTable::bySid(db, context.inboundParticipant->sessionSid);
        context.outboundParticipant = Routing::partnerOf(
            ParticipantsTable::ofSession(db, context.inboundParticipant->sessionSid), context.inboundParticipant->sid);
    }
    if (reason != OutOfSessionContext::Reason::NoPartner && reason != OutOfSessionContext::Reason::Expired &&
        context.previousSession && context.previousSession->status == SessionStatus::CLOSED) {
        const QString cause = context.previousSession->closedReason;
        context.reason = (cause == u"ttl"_s || cause == u"date_expiry"_s) ? OutOfSessionContext::Reason::Expired
                                                                          : OutOfSessionContext::Reason::Closed;
    }
    return context;
}

void OutOfSessionHandler::handle(const RouteTarget &target, const InboundTraffic &traffic,
                                 OutOfSessionContext::Reason reason, RouteResult result, const RouteDone &done)
{
    const OutOfSessionContext context = contextFor(target, traffic, reason);
    const bool isCall = traffic.isCall;
    const QString kind = traffic.kind();
    const QString sessionSid = context.previousSession ? context.previousSession->sid : QString();
    if (result.sessionSid.isEmpty()) {
        result.sessionSid = sessionSid;
    }

    if (context.reason == OutOfSessionContext::Reason::Expired) {
        DebuggerEvent e;
        e.code = 80904;
        e.sessionSid = sessionSid;
        e.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
        e.message = u"Expired Proxy Session: %1 contacted %2, but their Session %3 on that number expired "
                    u"(closed_reason %4), so the %5 is out-of-session. Give Sessions a longer Ttl or DateExpiry, or "
                    u"re-open the Session with Status=in-progress."_s.arg(
                        context.from, context.to, sessionSid,
                        context.previousSession ? context.previousSession->closedReason : u"ttl"_s, kind);
        m_context.raise(result, e);
    }
    if (context.reason == OutOfSessionContext::Reason::NoPartner) {
        result.outcome = RouteResult::Outcome::NoPartner;
        result.detail =
            u"%1 from %2 to %3: session %4 has no other participant"_s.arg(kind, context.from, context.to, sessionSid);
        DebuggerEvent e;
        e.code = 80614;
        e.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
        e.message =
            u"No Partner Participant Found: %1 sent a %2 to %3 in Session %4, which has no other "
            u"participant (it was never added or was removed), so it was %5. Add the other participant to "
            u"the Session."_s.arg(context.from, kind, context.to, sessionSid, isCall ? u"rejected"_s : u"dropped"_s);
        m_context.raise(result, e);
    } else {
        result.outcome = RouteResult::Outcome::OutOfSession;
        result.detail = u"%1 from %2 to %3: out-of-session"_s.arg(kind, context.from, context.to);
    }

    if (!traffic.afterOutOfSession()) {
        QPointer<QObject> alive = m_context.owner;
        const auto onAnswer = [this, alive, context, result, done](const OutOfSessionAnswer &a) mutable {
            if (!alive) {
                return;
            }
            result.debuggerCodes += a.debuggerCodes;
            if (!a.detail.isEmpty()) {
                result.detail = a.detail;
            }
            switch (a.action) {
            case OutOfSessionAnswer::Action::Answer:
                result.twiml = a.twiml;
                if (a.pending) {
                    result.outcome = RouteResult::Outcome::Pending;
                }
                done(m_context.finish(result));
                return;
            case OutOfSessionAnswer::Action::Reroute: {
                InboundTraffic again;
                again.isCall = context.isCall;
                if (context.isCall) {
                    again.call = context.call;
                    again.call.afterOutOfSession = true;
                } else {
                    again.message = context.message;
                    again.message.afterOutOfSession = true;
                }
                m_reroute(again, done, result.debuggerCodes);
                return;
            }
            case OutOfSessionAnswer::Action::Reject:
                result.twiml = context.isCall ? Twiml::reject() : Twiml::empty();
                done(m_context.finish(result));
                return;
            case OutOfSessionAnswer::Action::Failed:
                result.outcome = RouteResult::Outcome::Failed;
                result.twiml = context.isCall ? Twiml::reject() : Twiml::empty();
                done(m_context.finish(result));
                return;
            }
        };
        if (m_context.hooks->outOfSession(context, onAnswer)) {
            return;
        }
    }
    if (context.reason != OutOfSessionContext::Reason::NoPartner) {
        withoutHandler(context, result);
    }
    done(m_context.finish(result));
}

void OutOfSessionHandler::withoutHandler(const OutOfSessionContext &context, RouteResult &result)
{
    const QString sessionSid = context.previousSession ? context.previousSession->sid : QString();
    DebuggerEvent e;
    e.participantSid = context.inboundParticipant ? context.inboundParticipant->sid : QString();
    e.sessionSid = sessionSid;
    const QString why = context.reason == OutOfSessionContext::Reason::NoSession
                            ? u"has no active Session on that number"_s
                            : u"is not active on that number (their last Session, %1, is %2)"_s.arg(
                                  sessionSid, context.previousSession ? context.previousSession->status : QString());
    const bool again = context.isCall ? context.call.afterOutOfSession : context.message.afterOutOfSession;
    const QString handler = again ? u"the Session the out-of-session callback created for it does not route it either"_s
                                  : u"Service %1 has no out-of-session callback"_s.arg(context.service.sid);
    if (context.isCall) {
        e.code = 80902;
        e.message = u"No Active Session: %1 called %2 but %3, and %4, so the call was rejected. Create a Session "
                    u"with both participants, or set OutOfSessionCallbackUrl to handle such calls."_s.arg(
                        context.from, context.to, why, handler);
    } else {
        e.code = 80905;
        e.message = u"No valid proxy scenario: %1 texted %2 but %3, and %4, so the message was dropped. Create a "
                    u"Session with both participants, or set OutOfSessionCallbackUrl to handle such messages."_s.arg(
                        context.from, context.to, why, handler);
    }
    m_context.raise(result, e);
}

} // namespace Maskline
