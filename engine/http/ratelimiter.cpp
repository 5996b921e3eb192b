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

void RateLimiter::setShare(int nodes)
{
    nodes = std::max(1, nodes);
    if (nodes == m_nodes) {
        return;
    }
    m_nodes = nodes;
    const qsizetype cap = capacity();
    for (Window &w : m_windows) {
        resize(w, cap);
    }
}

void RateLimiter::resize(Window &w, qsizetype cap)
{
    if (w.stamps.isEmpty()) {
        return;
    }
    // Oldest first, then keep the newest that fit: a smaller share refuses until enough of them have aged out.
    QList<qint64> ordered;
    ordered.reserve(w.count);
    for (qsizetype i = 0; i < w.count; ++i) {
        ordered.append(w.stamps.at((w.head + i) % w.stamps.size()));
    }
    if (ordered.size() > cap) {
        ordered.remove(0, ordered.size() - cap);
    }
    w.count = ordered.size();
    w.head = 0;
    ordered.resize(cap);
    w.stamps = std::move(ordered);
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
