#pragma once

#include "core/result.h"
#include "store/records.h"

namespace Maskline {

class LegAdvancer;
struct RoutingContext;
struct StatusReport;

// Carrier status ingestion (reference §8.2, §8.4): a status callback names the interaction (our statusCallback URL)
// or only its resource (MessageSid / CallSid); its status advances that leg through LegAdvancer, never backwards.
class StatusIngest final
{
    Q_DISABLE_COPY_MOVE(StatusIngest)

public:
    StatusIngest(RoutingContext &context, LegAdvancer &legs);

    // The interaction after the report. Not-found when no interaction has that SID / resource; invalid-parameter
    // for a status Maskline does not record or a resource that is not a leg of the named interaction.
    Result<Interaction> apply(const StatusReport &report);

private:
    RoutingContext &m_context;
    LegAdvancer &m_legs;
};

} // namespace Maskline
