#include "demostore.h"

#include "core/clock.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"

namespace Maskline::Demo {

Summary generate(const Options &options, const std::function<void(const QString &)> &progress)
{
    SystemClock clock;
    Domain domain;
    domain.ensureAccount = [&clock](Database &db, const QString &sid, const QString &authToken) {
        return Proxy(db, clock, nullptr).ensureAccount(sid, authToken);
    };
    domain.createService = [&clock](Database &db, const QString &accountSid, const ServiceParams &params) {
        return Proxy(db, clock, nullptr).createService(accountSid, params);
    };
    domain.levelFor = &Debugger::levelFor;
    return generateWith(options, domain, progress);
}

} // namespace Maskline::Demo
