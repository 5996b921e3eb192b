#include "httpserver.h"
#include "httpserver_p.h"

// Health (/healthz), readiness (/readyz) and the Prometheus page (/metrics). The statements behind them are the
// store's (StoreProbe, Outbox, the table modules); this file decides what they mean for the HTTP answer.

#include <exception>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>

#include "callbacks/callbacks.h"
#include "core/clock.h"
#include "core/redact.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "store/database.h"
#include "store/numberstable.h"
#include "store/outbox.h"
#include "store/servicestable.h"
#include "store/sessionstable.h"
#include "store/storeprobe.h"

namespace Maskline {

HttpReply HttpServer::healthz(const HttpRequest &)
{
    // Always the same answer: the same bytes each time (liveness probes call this every few seconds per node).
    static const QByteArray body =
        QJsonDocument(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}}).toJson(QJsonDocument::Compact);
    return HttpReply::json(200, body);
}

// Readiness: what a load balancer needs to know before it sends traffic here. Each check is cheap (no table scans):
// the engine's own store connection answers a trivial query; on SQLite the write lock can be taken within a short
// wait (held elsewhere, every write here would stall); the oldest due outbox item has not waited longer than
// HttpConfig::readyMaxOutboxLagSeconds (an index seek on outbox_due). Any failure: 503 with the reasons.
HttpReply HttpServer::readyz(const HttpRequest &)
{
    QStringList reasons;
    Database &store = m_proxy.database();
    try {
        if (const QString why = StoreProbe::unavailable(store); !why.isEmpty()) {
            reasons.append(why);
        }
        if (reasons.isEmpty()) {
            const qint64 now = m_clock.nowMs();
            if (const std::optional<qint64> due = Outbox::oldestDueAt(store.connection(), now)) {
                const qint64 lagSeconds = (now - *due) / 1000;
                if (lagSeconds > m_config.readyMaxOutboxLagSeconds) {
                    reasons.append(QStringLiteral("outbox: due work has waited %1 s (limit %2 s)")
                                       .arg(lagSeconds)
                                       .arg(m_config.readyMaxOutboxLagSeconds));
                }
            }
        }
    } catch (const std::exception &e) {
        reasons.append(QStringLiteral("store: ") + redactText(QString::fromUtf8(e.what())));
    }
    if (!reasons.isEmpty()) {
        qCWarning(lcHttp).noquote() << "not ready:" << reasons.first();
        return HttpReply::json(503, QJsonObject{{QStringLiteral("status"), QStringLiteral("unavailable")},
                                                {QStringLiteral("reasons"), QJsonArray::fromStringList(reasons)}})
            .withHeader(QByteArrayLiteral("Retry-After"), QByteArrayLiteral("5"));
    }
    return HttpReply::json(200, QJsonObject{{QStringLiteral("status"), QStringLiteral("ready")}});
}

HttpReply HttpServer::metricsPage(const HttpRequest &)
{
    Metrics::Gauges gauges;
    try {
        const QSqlDatabase db = m_proxy.database().connection();
        const qint64 now = m_clock.nowMs();
        // Per kind: a capped count of what waits and the oldest due item, both index range scans on outbox_due
        // that stop early; the cost follows the backlog, never the table's history.
        for (const QString &kind : {Router::SEND_MESSAGE_KIND, Callbacks::STATUS_KIND, Callbacks::INTERCEPT_KIND,
                                    Callbacks::OUT_OF_SESSION_KIND}) {
            const Outbox::Backlog backlog = Outbox::backlog(db, kind, now);
            Metrics::OutboxKind k;
            k.kind = kind;
            k.pending = backlog.pending;
            if (backlog.oldestDueAtMs) {
                k.oldestDueSeconds = double(now - *backlog.oldestDueAtMs) / 1000.0;
            }
            gauges.outbox.append(k);
        }
        // Sessions and pool use need a pass over their tables (~80 ms at 1M sessions): taken at most once a minute
        // and served from memory in between, so scraping never holds up the API for long.
        constexpr qint64 STORE_GAUGES_MAX_AGE_MS = 60 * 1000;
        if (m_storeGauges.takenAtMs == 0 || now - m_storeGauges.takenAtMs >= STORE_GAUGES_MAX_AGE_MS) {
            m_storeGauges.takenAtMs = now;
            if (const std::optional<qint64> open = SessionsTable::countActive(db)) {
                m_storeGauges.sessionsOpen = *open;
            }
            if (const std::optional<NumbersTable::PoolUse> pool = NumbersTable::poolUse(db)) {
                m_storeGauges.poolInUse = pool->inUse;
                m_storeGauges.poolIdle = pool->idle;
                m_storeGauges.poolReserved = pool->reserved;
            }
            // The same per Service, in the same passes (grouped), for at most MAX_SERVICE_SERIES Services so that a
            // store with thousands of Services does not turn /metrics into a megabyte.
            constexpr int MAX_SERVICE_SERIES = 500;
            QMap<QString, Metrics::Gauges::PerService> perService;
            for (const QString &sid : ServicesTable::firstSids(db, MAX_SERVICE_SERIES)) {
                perService[sid].serviceSid = sid;
            }
            for (const auto &[sid, open] : SessionsTable::countActiveByService(db)) {
                const auto it = perService.find(sid);
                if (it != perService.end()) {
                    it->sessionsOpen = open;
                }
            }
            for (const auto &[sid, pool] : NumbersTable::poolUseByService(db)) {
                const auto it = perService.find(sid);
                if (it != perService.end()) {
                    it->poolInUse = pool.inUse;
                    it->poolIdle = pool.idle;
                    it->poolReserved = pool.reserved;
                }
            }
            m_storeGauges.services = perService.values();
        }
    } catch (const std::exception &e) {
        qCWarning(lcHttp).noquote() << "metrics: store gauges unavailable:" << redactText(QString::fromUtf8(e.what()));
    }
    gauges.sessionsOpen = m_storeGauges.sessionsOpen;
    gauges.poolInUse = m_storeGauges.poolInUse;
    gauges.poolIdle = m_storeGauges.poolIdle;
    gauges.poolReserved = m_storeGauges.poolReserved;
    gauges.services = m_storeGauges.services;
    return HttpReply::text(200, QByteArrayLiteral("text/plain; version=0.0.4; charset=utf-8"),
                           m_metrics->render(gauges));
}

} // namespace Maskline
