#pragma once

namespace Maskline {

class Clock;
class EngineClient;
class ServiceModel;
class SimulatorBackend;
class StoreReader;

// What every pane is given instead of reaching for singletons (STYLE 5): the command side, the read side, the
// simulator seam, the clock and the account's services (shared by the panes' service pickers).
struct ConsoleContext
{
    EngineClient *engine = nullptr;
    StoreReader *reader = nullptr;
    SimulatorBackend *simulator = nullptr;
    const Clock *clock = nullptr;
    ServiceModel *services = nullptr;
    // A second read-only connection for aggregates (live counts, the traffic backfill), so a slow scan never queues
    // in front of a model's page or filter. Falls back to `reader`.
    StoreReader *background = nullptr;

    StoreReader *backgroundReader() const { return background ? background : reader; }
};

} // namespace Maskline
