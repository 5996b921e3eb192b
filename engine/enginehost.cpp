#include "enginehost.h"

#include <algorithm>

#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QTimer>

#include "carrier/simulatorcarrier.h"
#include "carrier/twilionumbers.h"
#include "carrier/webhooks.h"
#include "http/metrics.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "store/database.h"
#include "store/sqlquery.h"
#include "store/storelock.h"

Q_LOGGING_CATEGORY(lcEngine, "maskline.engine", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

EngineHost::EngineHost(EngineConfig config, const Clock *clock, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
    , m_clock(clock ? *clock : *SystemClock::instance())
{
    qRegisterMetaType<Maskline::Account>();
}

EngineHost::~EngineHost()
{
    stop();
}

QString EngineHost::listenUrl() const
{
    return m_http ? m_http->baseUrl() : QString();
}

void EngineHost::start()
{
    try {
        if (m_config.store.isSqlite()) {
            m_lock = std::make_unique<StoreLock>(m_config.store.path);
            if (!m_lock->tryLock()) {
                const QString why = m_lock->errorString();
                m_lock.reset();
                Q_EMIT failed(why);
                return;
            }
        }
        m_db = std::make_unique<Database>(m_config.store);
        if (auto st = m_db->migrate(); !st) {
            const QString why = st.error().message;
            stop();
            Q_EMIT failed(why);
            return;
        }
        m_debugger = std::make_unique<Debugger>(*m_db, m_clock);
        m_proxy = std::make_unique<Proxy>(*m_db, m_clock, m_debugger.get());
        connect(m_proxy.get(), &Proxy::changed, this, &EngineHost::changed);
        connect(m_debugger.get(), &Debugger::recorded, this, &EngineHost::debuggerEventRecorded);

        if (auto recount = m_proxy->recountInUse(); !recount) {
            const QString why = recount.error().message;
            stop();
            Q_EMIT failed(why);
            return;
        }
        auto account = m_proxy->ensureAccount(m_config.accountSid, m_config.authToken);
        if (!account) {
            const QString why = account.error().message;
            stop();
            Q_EMIT failed(why);
            return;
        }
        m_outbox = std::make_unique<Outbox>(*m_db, m_clock, m_config.outbox);
        if (m_config.carrier.kind == CarrierConfig::Kind::Twilio) {
            if (!m_config.carrier.twilio.isComplete()) {
                stop();
                Q_EMIT failed(u"the Twilio carrier needs --twilio-account-sid and --twilio-auth-token"_s);
                return;
            }
            m_carrier = std::make_unique<TwilioCarrier>(m_config.carrier.twilio);
        } else {
            m_carrier = std::make_unique<SimulatorCarrier>(*m_db, m_clock);
        }
        RouterConfig routerConfig;
        routerConfig.publicUrl = m_config.http.publicUrl;
        routerConfig.sendsInFlight = m_config.carrier.sendsInFlight;
        m_router = std::make_unique<Router>(*m_proxy, *m_carrier, *m_outbox, m_debugger.get(), routerConfig);
        // The Service's status, intercept and out-of-session callbacks; without them routing behaves as if no
        // Service had callback URLs.
        m_callbacks = std::make_unique<Callbacks>(*m_proxy, *m_router, *m_outbox, m_debugger.get(), m_config.callbacks);
        m_router->setHooks(m_callbacks.get());
        WebhookConfig webhookConfig;
        webhookConfig.verifySignatures = m_config.carrier.verifyWebhookSignatures;
        m_webhooks = std::make_unique<CarrierWebhooks>(*m_router, webhookConfig);
        SchedulerConfig schedulerConfig;
        schedulerConfig.expiryIntervalMs = m_config.expiryIntervalMs;
        schedulerConfig.sessionRetentionDays = m_config.sessionRetentionDays;
        schedulerConfig.debuggerRetentionDays = m_config.debuggerRetentionDays;
        m_scheduler = std::make_unique<Scheduler>(*m_proxy, m_debugger.get(), m_outbox.get(), schedulerConfig);

        m_http = std::make_unique<HttpServer>(*m_proxy, m_debugger.get(), m_clock, m_config.http);
        m_http->setCarrier(m_webhooks.get(), m_router.get());
        if (auto *twilio = qobject_cast<TwilioCarrier *>(m_carrier.get())) {
            // Owned by the carrier, whose client and credentials it uses.
            m_http->setCarrierNumbers(new TwilioNumbers(*twilio, twilio));
        }
        if (!m_http->listen()) {
            const QString why = u"cannot listen on %1:%2: %3"_s.arg(m_config.http.address.toString())
                                    .arg(m_config.http.port)
                                    .arg(m_http->errorString());
            stop();
            Q_EMIT failed(why);
            return;
        }
        QStringList own{m_http->baseUrl()};
        if (!m_config.http.publicUrl.isEmpty()) {
            own.append(m_config.http.publicUrl);
        }
        m_proxy->setOwnBaseUrls(own);
        // Attempt counters, failure reasons and latency for /metrics, by kind.
        connect(m_outbox.get(), &Outbox::attemptMeasured, this,
                [this](const QString &kind, const QString &state, const QString &failure, double seconds) {
                    if (m_http) {
                        m_http->metrics().recordOutboxAttempt(kind, state, failure, seconds);
                    }
                });
        m_proxy->setPublicCallbackTargetsOnly(m_config.publicCallbackTargetsOnly);
        // Pending carrier sends and callbacks left by an earlier run are resumed here; expiry and retention start
        // sweeping.
        m_outbox->start();
        m_scheduler->start();
        qCInfo(lcEngine).noquote() << "engine started on" << m_config.store.describe() << "with the"
                                   << m_carrier->name() << "carrier";
        Q_EMIT started(m_http->baseUrl(), *account);
    } catch (const StoreError &e) {
        stop();
        Q_EMIT failed(e.message());
    }
}

int EngineHost::longestTimeoutMs() const
{
    return std::max({m_config.callbacks.interceptTimeoutMs, m_config.callbacks.outOfSessionTimeoutMs,
                     m_config.callbacks.statusTimeoutMs});
}

void EngineHost::drain(int maxWaitMs)
{
    if (!m_http) {
        Q_EMIT drained();
        return;
    }
    m_http->stopAccepting();
    auto *poll = new QTimer(this);
    poll->setInterval(20);
    const QDeadlineTimer deadline(maxWaitMs);
    connect(poll, &QTimer::timeout, this, [this, poll, deadline] {
        const int requests = m_http ? m_http->inFlight() : 0;
        if (requests == 0 && m_outbox) {
            // Requests first: a deferred webhook needs the outbox to deliver the callback it waits for. Then no new
            // attempts; the ones already handed to the network finish and are recorded.
            m_outbox->stop();
        }
        const int attempts = requests == 0 && m_outbox ? m_outbox->inFlight() : 0;
        if (requests + attempts > 0 && !deadline.hasExpired()) {
            return;
        }
        if (requests + attempts > 0) {
            qCWarning(lcEngine) << "stopping with" << requests << "requests and" << attempts
                                << "outbox attempts still in flight (they are retried after a restart)";
        }
        if (m_outbox) {
            m_outbox->flushFinished(); // the outcomes that arrived are recorded before the engine goes
        }
        poll->deleteLater();
        Q_EMIT drained();
    });
    poll->start();
}

void EngineHost::stop()
{
    const bool wasRunning = m_http || m_db;
    m_http.reset();
    if (m_scheduler) {
        m_scheduler->stop();
    }
    if (m_outbox) {
        m_outbox->stop();
    }
    m_webhooks.reset();
    m_scheduler.reset();
    if (m_router) {
        m_router->setHooks(nullptr);
    }
    m_callbacks.reset(); // callbacks in flight are dropped; their outbox items are attempted again after a restart
    m_router.reset();
    m_carrier.reset(); // aborts sends in flight; their outbox items are attempted again after a restart
    m_outbox.reset();
    m_proxy.reset();
    m_debugger.reset();
    if (m_db) {
        m_db->closeThreadConnection();
    }
    m_db.reset();
    m_lock.reset();
    if (wasRunning) {
        Q_EMIT stopped();
    }
}

} // namespace Maskline
