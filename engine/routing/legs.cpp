#include "legs.h"

#include "core/redact.h"
#include "proxy/proxy.h"
#include "routingcontext.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

LegAdvancer::LegAdvancer(RoutingContext &context)
    : m_context(context)
{}

Result<Interaction> LegAdvancer::advance(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                                         const QString &data, const Then &then)
{
    return m_context.proxy.advanceInteractionLeg(
        interactionSid, outbound, leg, data,
        [&](const QSqlDatabase &tx, const Interaction &before, const Interaction &after) -> Status {
            return then ? then(tx, before, after) : m_context.hooks->interactionUpdated(tx, before, after);
        });
}

void LegAdvancer::advanceOrLog(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                               const QString &data)
{
    auto updated = advance(interactionSid, outbound, leg, data);
    if (!updated) {
        qCInfo(lcRouter).noquote() << "interaction" << interactionSid
                                   << "not updated:" << redactText(updated.error().message);
    }
}

} // namespace Maskline
