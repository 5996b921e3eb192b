#pragma once

// The traffic fixture plus the Service callbacks (engine/callbacks/callbacks.h) plugged into its router, rebuilt
// together on a restart. The callbacks go before the router they hook into, and come back after it.

#include <memory>

#include "callbacks/callbacks.h"
#include "trafficfixture.h"

namespace Maskline::Testing {

class CallbackFixture final
{
public:
    TrafficFixture traffic;
    std::unique_ptr<Callbacks> callbacks;
    CallbacksConfig config;

    ~CallbackFixture() { close(); }

    void open(const QString &storePath, CarrierFactory factory = simulatorFactory())
    {
        traffic.open(storePath, std::move(factory));
        attach();
    }

    // A "restart": new engine objects (callbacks included) on the same store and clock.
    void reopen()
    {
        close();
        traffic.reopen();
        attach();
    }

    void close()
    {
        if (traffic.router) {
            traffic.router->setHooks(nullptr);
        }
        callbacks.reset();
        traffic.close();
    }

private:
    void attach()
    {
        callbacks = std::make_unique<Callbacks>(*traffic.proxy, *traffic.router, *traffic.outbox,
                                                traffic.debugger.get(), config);
        traffic.router->setHooks(callbacks.get());
    }
};

} // namespace Maskline::Testing
