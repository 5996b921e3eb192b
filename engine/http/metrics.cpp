#include "metrics.h"

#include <algorithm>

#include <QLocale>
#include <QStringList>

namespace Maskline {

namespace {

constexpr QChar SEP = QChar(0x1f);

// Label values escape backslash, double quote and newline (text format 0.0.4).
QByteArray label(const QString &value)
{
    QByteArray out;
    const QByteArray utf8 = value.toUtf8();
    out.reserve(utf8.size());
    for (const char c : utf8) {
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

QByteArray number(double v)
{
    return QByteArray::number(v, 'g', QLocale::FloatingPointShortest);
}

} // namespace

QString Metrics::counterKey(const QString &route, const QString &method, int status)
{
    return route + SEP + method + SEP + QString::number(status);
}

void Metrics::record(const QString &route, const QString &method, int status, double seconds)
{
    ++m_requests[counterKey(route, method, status)];
    Histogram &h = m_durations[route + SEP + method];
    const auto it = std::lower_bound(BUCKETS.begin(), BUCKETS.end(), seconds);
    if (it != BUCKETS.end()) {
        ++h.buckets[std::size_t(it - BUCKETS.begin())];
    }
    ++h.count;
    h.sum += seconds;
}

quint64 Metrics::requestCount(const QString &route, const QString &method, int status) const
{
    return m_requests.value(counterKey(route, method, status));
}

QByteArray Metrics::render(const Gauges &gauges) const
{
    QByteArray out;
    out += "# HELP maskline_http_requests_total HTTP requests answered, by route template, method and status.\n"
           "# TYPE maskline_http_requests_total counter\n";
    QStringList keys = m_requests.keys();
    keys.sort();
    for (const QString &key : std::as_const(keys)) {
        const QStringList parts = key.split(SEP);
        out += "maskline_http_requests_total{route=\"" + label(parts.value(0)) + "\",method=\"" +
               label(parts.value(1)) + "\",status=\"" + label(parts.value(2)) + "\"} " +
               QByteArray::number(m_requests.value(key)) + '\n';
    }

    out += "# HELP maskline_http_request_duration_seconds Time from a complete request to its answer.\n"
           "# TYPE maskline_http_request_duration_seconds histogram\n";
    keys = m_durations.keys();
    keys.sort();
    for (const QString &key : std::as_const(keys)) {
        const QStringList parts = key.split(SEP);
        const QByteArray labels = "route=\"" + label(parts.value(0)) + "\",method=\"" + label(parts.value(1)) + '"';
        const Histogram h = m_durations.value(key);
        quint64 cumulative = 0;
        for (std::size_t i = 0; i < BUCKETS.size(); ++i) {
            cumulative += h.buckets[i];
            out += "maskline_http_request_duration_seconds_bucket{" + labels + ",le=\"" + number(BUCKETS[i]) + "\"} " +
                   QByteArray::number(cumulative) + '\n';
        }
        out += "maskline_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " +
               QByteArray::number(h.count) + '\n';
        out += "maskline_http_request_duration_seconds_sum{" + labels + "} " + number(h.sum) + '\n';
        out += "maskline_http_request_duration_seconds_count{" + labels + "} " + QByteArray::number(h.count) + '\n';
    }

    if (gauges.sessionsOpen >= 0) {
        out += "# HELP maskline_sessions_open Sessions that are open or in progress.\n"
               "# TYPE maskline_sessions_open gauge\n"
               "maskline_sessions_open " +
               QByteArray::number(gauges.sessionsOpen) + '\n';
    }
    if (gauges.poolInUse >= 0) {
        out += "# HELP maskline_pool_numbers Proxy numbers in all pools: in_use = held by an active session, "
               "idle = unreserved and free, reserved = reserved and free.\n"
               "# TYPE maskline_pool_numbers gauge\n";
        out += "maskline_pool_numbers{state=\"in_use\"} " + QByteArray::number(gauges.poolInUse) + '\n';
        out += "maskline_pool_numbers{state=\"idle\"} " + QByteArray::number(gauges.poolIdle) + '\n';
        out += "maskline_pool_numbers{state=\"reserved\"} " + QByteArray::number(gauges.poolReserved) + '\n';
    }
    return out;
}

} // namespace Maskline
