#pragma once

#include <algorithm>

#include <QHash>
#include <QList>
#include <QString>

namespace Maskline {

class Clock;

// Proxy's documented limit (reference §2.7, §10): N requests per second per endpoint per Service, with bursts up to 5N
// in one second, "measured as the average over a 5-second sliding window". Read precisely, that is one rule: at most
// 5N requests in ANY 5 s sliding window (average <= N/s over the window; all 5N may arrive in one burst, and the
// 1-second burst cap of 5N is then implied). Requests refused with 429 do not count, so a client that backs off gets
// through again as soon as the oldest counted request leaves the window.
//
// The window is exact (a ring of the accepted requests' timestamps per key, at most 5N each), time comes from the
// injectable Clock in milliseconds, and idle keys are dropped so a client inventing keys cannot grow memory without
// bound for more than one window.
//
// Several nodes on one PostgreSQL store divide each limit between them: setShare(n) makes this node accept 1/n of it
// (rounded down, at least one request per window), n being the live nodes of the heartbeat table (store/nodes.h).
// With the load balancer spreading a Service's requests over the nodes, the fleet together stays within the limit;
// docs/scale-out.md states the tolerance.
class RateLimiter final
{
public:
    static constexpr qint64 WINDOW_MS = 5000;
    static constexpr int BURST_FACTOR = 5;

    // perSecond <= 0 turns limiting off.
    RateLimiter(const Clock &clock, int perSecond);
    RateLimiter(const RateLimiter &) = delete;
    RateLimiter &operator=(const RateLimiter &) = delete;

    struct Decision
    {
        bool allowed = true;
        int retryAfterSeconds = 0; // when refused: whole seconds until one more request fits (>= 1)
    };

    // Counts the request against key when it fits.
    Decision acquire(const QString &key);

    bool enabled() const { return m_perSecond > 0; }
    int perSecond() const { return m_perSecond; }
    // This node's requests per window: the whole 5N alone, 5N / nodes (rounded down, >= 1) as one of several.
    int capacity() const { return std::max(1, m_perSecond * BURST_FACTOR / m_nodes); }
    // How many nodes share the limit (>= 1). Windows already counting keep their newest stamps that still fit.
    void setShare(int nodes);
    int share() const { return m_nodes; }
    qsizetype keyCount() const { return m_windows.size(); }

private:
    struct Window
    {
        QList<qint64> stamps; // ring buffer of accepted request times (ms), capacity() long once full
        qsizetype head = 0;   // index of the oldest stamp when full
        qsizetype count = 0;
        qint64 newest = 0;
    };
    void dropIdleKeys(qint64 now);
    static void resize(Window &w, qsizetype cap);

    const Clock &m_clock;
    int m_perSecond;
    int m_nodes = 1;
    QHash<QString, Window> m_windows;
    qint64 m_lastSweep = 0;
};

} // namespace Maskline
