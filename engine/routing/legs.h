#pragma once

#include <functional>

#include <QSqlDatabase>
#include <QString>

#include "core/result.h"
#include "store/records.h"

namespace Maskline {

struct RoutingContext;

// The one owner of "advance an interaction leg": the carrier's answer to a send or a bridge, its status callbacks, a
// give-up, and the intercept's decision all go through advance(). A leg's status never moves backwards (a late
// "sent" does not overwrite "delivered"): the rank is compared in the write statement itself
// (InteractionsTable::advanceLeg), inside the transaction that writes it, so two nodes applying reports at once cannot
// move it back either.
class LegAdvancer final
{
    Q_DISABLE_COPY_MOVE(LegAdvancer)

public:
    // Runs in the transaction that advances the leg, with the interaction as that transaction saw it before the
    // change and after it. An error rolls the change back.
    using Then = std::function<Status(const QSqlDatabase &db, const Interaction &before, const Interaction &after)>;

    explicit LegAdvancer(RoutingContext &context);

    // Sets the non-empty fields of `leg` (resource sid, status, type, url) on the inbound or outbound leg and `data`
    // when non-empty, in one transaction; then runs `then` in it — by default RoutingHooks::interactionUpdated (which
    // queues the status callback of an outbound status change). Not-found when no interaction has that SID.
    Result<Interaction> advance(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                                const QString &data = {}, const Then &then = {});
    // The same for the carrier's answers and reports, which have nobody to answer: a failure is logged.
    void advanceOrLog(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                      const QString &data = {});

private:
    RoutingContext &m_context;
};

} // namespace Maskline
