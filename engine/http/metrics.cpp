#include "metrics.h"

#include <algorithm>
#include <unistd.h>

#include <QDir>
#include <QFile>
#include <QLocale>
#include <QStringList>
#include <QtGlobal>

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

QByteArray gauge(const char *name, const char *help, const char *type, const QByteArray &value)
{
    return QByteArray("# HELP ") + name + ' ' + help + "\n# TYPE " + name + ' ' + type + '\n' + name + ' ' + value +
           '\n';
}

// The process_* series of the Prometheus client libraries, from /proc/self (Linux): a few small reads, no syscall
// per file descriptor beyond one directory listing.
QByteArray processSeries()
{
    QByteArray out;
    const long ticks = ::sysconf(_SC_CLK_TCK);
    const long pageSize = ::sysconf(_SC_PAGESIZE);
    QFile statFile(QStringLiteral("/proc/self/stat"));
    QFile uptimeFile(QStringLiteral("/proc/uptime"));
    QFile bootFile(QStringLiteral("/proc/stat"));
    if (ticks > 0 && statFile.open(QIODevice::ReadOnly)) {
        const QByteArray stat = statFile.readAll();
        // Fields after the command name, which is in parentheses and may contain spaces.
        const QList<QByteArray> f = stat.mid(stat.lastIndexOf(')') + 2).split(' ');
        // f[0] is field 3 (state): utime is field 14, stime 15, starttime 22, vsize 23, rss 24.
        if (f.size() > 21) {
            const double cpu = double(f.at(11).toULongLong() + f.at(12).toULongLong()) / double(ticks);
            out += gauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.", "counter",
                         number(cpu));
            out += gauge("process_virtual_memory_bytes", "Virtual memory size in bytes.", "gauge", f.at(20));
            out += gauge("process_resident_memory_bytes", "Resident memory size in bytes.", "gauge",
                         QByteArray::number(f.at(21).toLongLong() * pageSize));
            qint64 bootTime = 0;
            if (bootFile.open(QIODevice::ReadOnly)) {
                for (const QByteArray &line : bootFile.readAll().split('\n')) {
                    if (line.startsWith("btime ")) {
                        bootTime = line.mid(6).trimmed().toLongLong();
                    }
                }
            }
            if (bootTime > 0) {
                out += gauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
                             "gauge", number(double(bootTime) + double(f.at(19).toULongLong()) / double(ticks)));
            }
        }
    }
    const qsizetype fds = QDir(QStringLiteral("/proc/self/fd")).entryList(QDir::Files | QDir::System).size();
    if (fds > 0) {
        out += gauge("process_open_fds", "Number of open file descriptors.", "gauge", QByteArray::number(fds));
    }
    const long maxFds = ::sysconf(_SC_OPEN_MAX);
    if (maxFds > 0) {
        out += gauge("process_max_fds", "Maximum number of open file descriptors.", "gauge",
                     QByteArray::number(qint64(maxFds)));
    }
    return out;
}

} // namespace

void Metrics::record(const QString &route, const QString &method, int status, double seconds)
{
    ++m_requests[RouteKey{route, method, status}];
    if (status == 403 && route.startsWith(u"/carrier/twilio/")) {
        ++m_signatureRejections; // the only 403 a Twilio webhook gets: X-Twilio-Signature did not verify
    }
    m_durations[RouteKey{route, method, 0}].add(seconds);
}

void Metrics::Histogram::add(double seconds)
{
    const auto it = std::lower_bound(BUCKETS.begin(), BUCKETS.end(), seconds);
    if (it != BUCKETS.end()) {
        ++buckets[std::size_t(it - BUCKETS.begin())];
    }
    ++count;
    sum += seconds;
}

QByteArray Metrics::Histogram::render(const QByteArray &name, const QByteArray &labels) const
{
    QByteArray out;
    quint64 cumulative = 0;
    for (std::size_t i = 0; i < BUCKETS.size(); ++i) {
        cumulative += buckets[i];
        out +=
            name + "_bucket{" + labels + ",le=\"" + number(BUCKETS[i]) + "\"} " + QByteArray::number(cumulative) + '\n';
    }
    out += name + "_bucket{" + labels + ",le=\"+Inf\"} " + QByteArray::number(count) + '\n';
    out += name + "_sum{" + labels + "} " + number(sum) + '\n';
    out += name + "_count{" + labels + "} " + QByteArray::number(count) + '\n';
    return out;
}

void Metrics::recordOutboxAttempt(const QString &kind, const QString &state, const QString &failure, double seconds)
{
    ++m_outboxAttempts[kind + SEP + state];
    if (!failure.isEmpty()) {
        ++m_outboxFailures[kind + SEP + failure];
    }
    if (seconds >= 0) {
        m_outboxDurations[kind].add(seconds);
    }
}

quint64 Metrics::requestCount(const QString &route, const QString &method, int status) const
{
    return m_requests.value(RouteKey{route, method, status});
}

QByteArray Metrics::render(const Gauges &gauges) const
{
    QByteArray out = processSeries();
    out += "# HELP maskline_build_info Always 1; the labels say which build is running.\n"
           "# TYPE maskline_build_info gauge\n"
           "maskline_build_info{version=\"" MASKLINE_VERSION "\",qt_version=\"" +
           label(QString::fromLatin1(qVersion())) + "\"} 1\n";
    out += gauge("maskline_webhook_signature_rejections_total",
                 "Carrier webhooks refused because X-Twilio-Signature did not verify.", "counter",
                 QByteArray::number(m_signatureRejections));
    out += "# HELP maskline_outbox_attempts_total Finished outbox attempts (carrier sends and callbacks) by kind and "
           "the state recorded after them: done, pending (failed, will be retried), failed (given up).\n"
           "# TYPE maskline_outbox_attempts_total counter\n";
    QStringList attemptKeys = m_outboxAttempts.keys();
    attemptKeys.sort();
    for (const QString &key : std::as_const(attemptKeys)) {
        const QStringList parts = key.split(SEP);
        out += "maskline_outbox_attempts_total{kind=\"" + label(parts.value(0)) + "\",state=\"" +
               label(parts.value(1)) + "\"} " + QByteArray::number(m_outboxAttempts.value(key)) + '\n';
    }
    out +=
        "# HELP maskline_outbox_attempt_failures_total Failed outbox attempts by kind and reason: the HTTP status "
        "the far end answered, or timeout, no_answer (connection refused, reset, DNS, TLS), too_large (an answer over "
        "the size limit), engine (never reached the network).\n"
        "# TYPE maskline_outbox_attempt_failures_total counter\n";
    QStringList failureKeys = m_outboxFailures.keys();
    failureKeys.sort();
    for (const QString &key : std::as_const(failureKeys)) {
        const QStringList parts = key.split(SEP);
        out += "maskline_outbox_attempt_failures_total{kind=\"" + label(parts.value(0)) + "\",reason=\"" +
               label(parts.value(1)) + "\"} " + QByteArray::number(m_outboxFailures.value(key)) + '\n';
    }
    out += "# HELP maskline_outbox_attempt_duration_seconds How long outbox attempts took, by kind: for "
           "carrier.message the carrier API's latency, for the callback kinds the Service's callback URL's.\n"
           "# TYPE maskline_outbox_attempt_duration_seconds histogram\n";
    QStringList durationKinds = m_outboxDurations.keys();
    durationKinds.sort();
    for (const QString &kind : std::as_const(durationKinds)) {
        out += m_outboxDurations.value(kind).render("maskline_outbox_attempt_duration_seconds",
                                                    "kind=\"" + label(kind) + '"');
    }
    if (!gauges.outbox.isEmpty()) {
        out += "# HELP maskline_outbox_pending Outbox items waiting for an attempt (due now or retrying later), by "
               "kind; counted up to 10000.\n"
               "# TYPE maskline_outbox_pending gauge\n";
        for (const OutboxKind &k : gauges.outbox) {
            out += "maskline_outbox_pending{kind=\"" + label(k.kind) + "\"} " + QByteArray::number(k.pending) + '\n';
        }
        out +=
            "# HELP maskline_outbox_oldest_due_age_seconds How long the oldest due outbox item has waited, by kind.\n"
            "# TYPE maskline_outbox_oldest_due_age_seconds gauge\n";
        for (const OutboxKind &k : gauges.outbox) {
            out += "maskline_outbox_oldest_due_age_seconds{kind=\"" + label(k.kind) + "\"} " +
                   number(k.oldestDueSeconds) + '\n';
        }
    }
    out += "# HELP maskline_http_requests_total HTTP requests answered, by route template, method and status.\n"
           "# TYPE maskline_http_requests_total counter\n";
    QList<RouteKey> keys = m_requests.keys();
    std::sort(keys.begin(), keys.end());
    for (const RouteKey &key : std::as_const(keys)) {
        out += "maskline_http_requests_total{route=\"" + label(key.route) + "\",method=\"" + label(key.method) +
               "\",status=\"" + QByteArray::number(key.status) + "\"} " + QByteArray::number(m_requests.value(key)) +
               '\n';
    }

    out += "# HELP maskline_http_request_duration_seconds Time from a complete request to its answer.\n"
           "# TYPE maskline_http_request_duration_seconds histogram\n";
    keys = m_durations.keys();
    std::sort(keys.begin(), keys.end());
    for (const RouteKey &key : std::as_const(keys)) {
        const QByteArray labels = "route=\"" + label(key.route) + "\",method=\"" + label(key.method) + '"';
        out += m_durations.value(key).render("maskline_http_request_duration_seconds", labels);
    }

    if (m_inUseCheckRunning >= 0) {
        out += "# HELP maskline_in_use_check_running 1 while the start-up check of every number's in_use against a "
               "recount still runs beside the traffic, 0 once it is done.\n"
               "# TYPE maskline_in_use_check_running gauge\n"
               "maskline_in_use_check_running " +
               QByteArray::number(m_inUseCheckRunning) + '\n';
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
    if (!gauges.services.isEmpty()) {
        out += "# HELP maskline_service_sessions_open Sessions that are open or in progress, by Service.\n"
               "# TYPE maskline_service_sessions_open gauge\n";
        for (const Gauges::PerService &g : gauges.services) {
            out += "maskline_service_sessions_open{service=\"" + label(g.serviceSid) + "\"} " +
                   QByteArray::number(g.sessionsOpen) + '\n';
        }
        out += "# HELP maskline_service_pool_numbers Proxy numbers by Service and state (as maskline_pool_numbers).\n"
               "# TYPE maskline_service_pool_numbers gauge\n";
        for (const Gauges::PerService &g : gauges.services) {
            const QByteArray service = "service=\"" + label(g.serviceSid) + "\",state=";
            out += "maskline_service_pool_numbers{" + service + "\"in_use\"} " + QByteArray::number(g.poolInUse) + '\n';
            out += "maskline_service_pool_numbers{" + service + "\"idle\"} " + QByteArray::number(g.poolIdle) + '\n';
            out += "maskline_service_pool_numbers{" + service + "\"reserved\"} " + QByteArray::number(g.poolReserved) +
                   '\n';
        }
    }
    return out;
}

} // namespace Maskline
