#pragma once

#include <array>
#include <compare>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace Maskline {

// Request counters and a latency histogram, rendered in the Prometheus text exposition format 0.0.4 together with
// the process_* series (from /proc, as the official client libraries export them), maskline_build_info, outbox
// attempt counters, and gauges the caller hands in (cheap ones only: no COUNT(*) over a big table per scrape).
// Lives on the server thread; not thread-safe by design.
class Metrics final
{
public:
    // Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
    // Up to 15 s: a webhook waiting for an intercept (5 s) or out-of-session (10 s) callback is slow on purpose.
    static constexpr std::array<double, 15> BUCKETS{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                    0.25,   0.5,   1.0,    2.5,   5.0,  10.0,  15.0};

    Metrics() = default;
    Metrics(const Metrics &) = delete;
    Metrics &operator=(const Metrics &) = delete;

    // route is the route template ("/v1/Services/{ServiceSid}"), or "unmatched" for paths no route knows, so
    // label cardinality stays bounded whatever clients send.
    void record(const QString &route, const QString &method, int status, double seconds);

    // One finished outbox attempt (a carrier send or a callback): state is what the outbox recorded after it:
    // done, pending (failed, will be retried) or failed (given up).
    // failure: why it failed (Outbox::Attempt::failure: an HTTP status, timeout, no_answer, too_large, engine), empty
    // when it was delivered; seconds: how long the attempt took (for a carrier send: the carrier API's latency).
    void recordOutboxAttempt(const QString &kind, const QString &state, const QString &failure = {},
                             double seconds = -1);

    // The start-up check of each number's in_use against a recount (SQLite: it runs beside the traffic): rendered
    // as maskline_in_use_check_running once the engine has said whether it runs.
    void setInUseCheckRunning(bool running) { m_inUseCheckRunning = running ? 1 : 0; }

    struct OutboxKind
    {
        QString kind;
        qint64 pending = 0;          // items waiting for an attempt, due or retrying later (counted up to a cap)
        double oldestDueSeconds = 0; // how long the oldest due item has waited
    };

    struct Gauges
    {
        QList<OutboxKind> outbox;
        qint64 sessionsOpen = -1; // open + in-progress; < 0 = unknown (not rendered)
        qint64 poolInUse = -1;    // numbers held by at least one active session
        qint64 poolIdle = -1;     // unreserved, held by none
        qint64 poolReserved = -1; // reserved, held by none
        struct PerService
        {
            QString serviceSid;
            qint64 sessionsOpen = 0;
            qint64 poolInUse = 0;
            qint64 poolIdle = 0;
            qint64 poolReserved = 0;
        };
        QList<PerService> services; // by Service SID; empty = not rendered
    };
    QByteArray render(const Gauges &gauges) const;

    quint64 requestCount(const QString &route, const QString &method, int status) const;

private:
    struct Histogram
    {
        std::array<quint64, BUCKETS.size()> buckets{}; // non-cumulative counts per bucket
        quint64 count = 0;
        double sum = 0;
        void add(double seconds);
        // The _bucket, _sum and _count lines of series `name` with `labels` (no braces).
        QByteArray render(const QByteArray &name, const QByteArray &labels) const;
    };
    // Keys made of the strings the caller already holds (implicitly shared): recording a request allocates nothing.
    struct RouteKey
    {
        QString route;
        QString method;
        int status = 0; // 0 for the duration histograms, which are per route and method only
        friend bool operator==(const RouteKey &, const RouteKey &) = default;
        friend auto operator<=>(const RouteKey &a, const RouteKey &b)
        {
            if (const int c = a.route.compare(b.route); c != 0) {
                return c <=> 0;
            }
            if (const int c = a.method.compare(b.method); c != 0) {
                return c <=> 0;
            }
            return a.status <=> b.status;
        }
        friend size_t qHash(const RouteKey &key, size_t seed = 0)
        {
            return qHashMulti(seed, key.route, key.method, key.status);
        }
    };

    QHash<RouteKey, quint64> m_requests;
    QHash<RouteKey, Histogram> m_durations;
    QHash<QString, quint64> m_outboxAttempts;    // key: kind \x1f state
    QHash<QString, quint64> m_outboxFailures;    // key: kind \x1f failure
    QHash<QString, Histogram> m_outboxDurations; // key: kind
    quint64 m_signatureRejections = 0;
    int m_inUseCheckRunning = -1; // unknown: not rendered
};

} // namespace Maskline
