#pragma once

#include <array>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

namespace Maskline {

// Request counters and a latency histogram, rendered in the Prometheus text exposition format 0.0.4 together with
// gauges the caller reads from the store at scrape time. Lives on the server thread; not thread-safe by design.
class Metrics final
{
public:
    // Upper bounds (seconds) of the latency histogram buckets; +Inf is implied.
    static constexpr std::array<double, 12> BUCKETS{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                    0.05,   0.1,   0.25,   0.5,   1.0,  2.5};

    Metrics() = default;
    Metrics(const Metrics &) = delete;
    Metrics &operator=(const Metrics &) = delete;

    // route is the route template ("/v1/Services/{ServiceSid}"), or "unmatched" for paths no route knows, so
    // label cardinality stays bounded whatever clients send.
    void record(const QString &route, const QString &method, int status, double seconds);

    struct Gauges
    {
        qint64 sessionsOpen = -1; // open + in-progress; < 0 = unknown (not rendered)
        qint64 poolInUse = -1;    // numbers held by at least one active session
        qint64 poolIdle = -1;     // unreserved, held by none
        qint64 poolReserved = -1; // reserved, held by none
    };
    QByteArray render(const Gauges &gauges) const;

    quint64 requestCount(const QString &route, const QString &method, int status) const;

private:
    struct Histogram
    {
        std::array<quint64, BUCKETS.size()> buckets{}; // non-cumulative counts per bucket
        quint64 count = 0;
        double sum = 0;
    };
    static QString counterKey(const QString &route, const QString &method, int status);

    QHash<QString, quint64> m_requests;    // key: route \x1f method \x1f status
    QHash<QString, Histogram> m_durations; // key: route \x1f method
};

} // namespace Maskline
