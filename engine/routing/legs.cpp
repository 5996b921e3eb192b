#include "legs.h"

#include <optional>

#include "core/redact.h"
#include "proxy/proxy.h"
#include "routingcontext.h"
#include "store/interactionstable.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

LegAdvancer::LegAdvancer(RoutingContext &context)
    : m_context(context)
{}

Result<Interaction> LegAdvancer::advance(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                                         const QString &data, const Then &then)
{
    std::optional<Interaction> after;
    // Proxy's transaction (its change notification and date_updated) with nothing of its own to set: the leg itself
    // is written below, in that transaction. On PostgreSQL Proxy's update has locked the row, so `before` is the row
    // this transaction changes, not an earlier read.
    auto done = m_context.proxy.updateInteractionLeg(
        interactionSid, outbound, InteractionLeg{}, QString(),
        [&](const QSqlDatabase &tx, const Interaction &before) -> Status {
            InteractionsTable::advanceLeg(tx, interactionSid, outbound, leg, data, m_context.proxy.clock().nowMs());
            after = InteractionsTable::bySid(tx, interactionSid);
            if (!after) {
                return ApiError::notFound(u"/Interactions/"_s + interactionSid);
            }
            if (then) {
                return then(tx, before, *after);
            }
            return m_context.hooks->interactionUpdated(tx, before, *after);
        });
    if (!done) {
        return done.error();
    }
    return *after;
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
