#pragma once

#include <QString>
#include <QStringList>

#include "core/result.h"
#include "store/outbox.h"
#include "store/records.h"

namespace Maskline {

class LegAdvancer;
struct InterceptDecision;
struct RoutingContext;

// Outbound sends: every message the carrier sends (forwarded, released by the intercept, MessageInteractions) is an
// outbox item of kind Router::SEND_MESSAGE_KIND; this unit delivers it, records the carrier's answer on the outbound
// leg, and raises 80502 / 80613 when the outbox gives up.
class OutboundSends final
{
    Q_DISABLE_COPY_MOVE(OutboundSends)

public:
    // Registers the send handler with the outbox.
    OutboundSends(RoutingContext &context, LegAdvancer &legs);

    // See Router::releaseMessage.
    bool release(const OutboxItem &send, const InterceptDecision &decision);
    // See Router::sendMessageInteraction.
    Result<Interaction> sendMessageInteraction(const QString &accountSid, const QString &serviceSid,
                                               const QString &sessionSid, const QString &participantSid,
                                               const QString &body, const QStringList &mediaUrls,
                                               const QString &callbackBase);

private:
    void deliver(const OutboxItem &item, Outbox::Complete complete);
    void gaveUp(const OutboxItem &item, const QString &error, bool exhausted);

    RoutingContext &m_context;
    LegAdvancer &m_legs;
};

} // namespace Maskline
