#include "inboundrules.h"

#include "core/channeladdress.h"
#include "debugger/debugger.h"
#include "keywords.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::InboundRules {

bool isExpired(const Session &session, const QDateTime &now)
{
    return session.expiresAt.isValid() && session.expiresAt <= now;
}

bool rejectedByMode(const RoutingContext &context, const InboundTraffic &traffic, const Session &session,
                    const Participant &sender, const Participant &partner, RouteResult &result)
{
    const QString &resourceSid = traffic.resourceSid();
    const QString &from = traffic.from();
    const QString &to = traffic.to();
    if (traffic.isCall && ChannelAddress::isMessageOnly(ChannelAddress::channelOf(partner.identifier))) {
        result.outcome = RouteResult::Outcome::ModeRejected;
        result.detail = u"call %1 from %2 to %3 rejected: the other participant of session %4 is on WhatsApp"_s.arg(
            resourceSid, from, to, session.sid);
        DebuggerEvent e;
        e.code = 80911;
        e.participantSid = sender.sid;
        e.resourceSid = resourceSid;
        e.message = u"Inbound call rejected: %1 called %2, but the other participant of Session %3 (%4) is on "
                    u"WhatsApp, which carries messages only, so the call was rejected."_s.arg(from, to, session.sid,
                                                                                              partner.sid);
        context.raise(result, e);
        return true;
    }
    if (!traffic.isCall && session.mode == SessionMode::VOICE_ONLY) {
        result.outcome = RouteResult::Outcome::ModeRejected;
        result.detail =
            u"message %1 from %2 to %3 rejected: session %4 is voice-only"_s.arg(resourceSid, from, to, session.sid);
        DebuggerEvent e;
        e.code = 80910;
        e.participantSid = sender.sid;
        e.resourceSid = resourceSid;
        e.message = u"Inbound message to voice-only session rejected: %1 texted %2, but Session %3 is voice-only, "
                    u"so the message was not forwarded. Create the Session with Mode message-only or "
                    u"voice-and-message to carry texts."_s.arg(from, to, session.sid);
        context.raise(result, e);
        return true;
    }
    if (traffic.isCall && session.mode == SessionMode::MESSAGE_ONLY) {
        result.outcome = RouteResult::Outcome::ModeRejected;
        result.detail =
            u"call %1 from %2 to %3 rejected: session %4 is message-only"_s.arg(resourceSid, from, to, session.sid);
        DebuggerEvent e;
        e.code = 80911;
        e.participantSid = sender.sid;
        e.resourceSid = resourceSid;
        e.message = u"Inbound call to message-only session rejected: %1 called %2, but Session %3 is "
                    u"message-only, so the call was rejected. Create the Session with Mode voice-only or "
                    u"voice-and-message to carry calls."_s.arg(from, to, session.sid);
        context.raise(result, e);
        return true;
    }
    return false;
}

bool droppedAsKeyword(const RoutingContext &context, const InboundTraffic &traffic, const RouteTarget &target,
                      const Session &session, const Participant &sender, RouteResult &result)
{
    if (traffic.isCall) {
        return false;
    }
    const Keywords::Match keyword = Keywords::classify(traffic.message.body);
    if (!Keywords::isDropped(keyword, target.account)) {
        return false;
    }
    const QString &resourceSid = traffic.resourceSid();
    const QString &from = traffic.from();
    const QString &to = traffic.to();
    result.outcome = RouteResult::Outcome::OptOut;
    result.detail =
        u"message %1 from %2 to %3 is the keyword %4: not forwarded"_s.arg(resourceSid, from, to, keyword.word);
    DebuggerEvent e;
    e.code = 80901;
    e.participantSid = sender.sid;
    e.resourceSid = resourceSid;
    e.message = u"Message matched a stop word: %1 texted \"%2\" to %3 in Session %4. Opt-out and opt-in "
                u"keywords are not forwarded to the other participant (the carrier applies its own "
                u"STOP handling to this number)%5."_s.arg(from, keyword.word, to, session.sid,
                                                          target.account.respectSmsStopFilter
                                                              ? u"; the account's SMS STOP filtering setting "
                                                                u"decided this"_s
                                                              : QString());
    context.raise(result, e);
    return true;
}

} // namespace Maskline::InboundRules
