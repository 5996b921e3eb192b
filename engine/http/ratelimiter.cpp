#include "ratelimiter.h"

#include <algorithm>

#include "core/clock.h"

namespace Maskline {

RateLimiter::RateLimiter(const Clock &clock, int perSecond)
    : m_clock(clock)
    , m_perSecond(std::max(perSecond, 0))
{}

RateLimiter::Decision RateLimiter::acquire(const QString &key)
{
    if (!enabled()) {
        return {};
    }
    qint64 now = m_clock.nowMs();
    if (now - m_lastSweep >= WINDOW_MS || now < m_lastSweep) {
        dropIdleKeys(now);
        m_lastSweep = now;
    }

    const qsizetype cap = capacity();
    Window &w = m_windows[key];
    if (w.stamps.isEmpty()) {
        w.stamps.resize(cap);
    }
    // A clock stepped backwards must not reorder the ring: treat it as "no time passed".
    now = std::max(now, w.newest);

    while (w.count > 0 && w.stamps.at(w.head) <= now - WINDOW_MS) {
        w.head = (w.head + 1) % cap;
        --w.count;
    }
    if (w.count < cap) {
        w.stamps[(w.head + w.count) % cap] = now;
        ++w.count;
        w.newest = now;
        return {};
    }
    const qint64 waitMs = w.stamps.at(w.head) + WINDOW_MS - now;
    Decision refused;
    refused.allowed = false;
    refused.retryAfterSeconds = int(std::max<qint64>(1, (waitMs + 999) / 1000));
    return refused;
}

void RateLimiter::dropIdleKeys(qint64 now)
{
    for (auto it = m_windows.begin(); it != m_windows.end();) {
        if (it->newest <= now - WINDOW_MS) {
            it = m_windows.erase(it);
        } else {
            ++it;
        }
    }
}

} // namespace Maskline
