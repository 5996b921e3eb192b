#include "enginehost.h"

#include <algorithm>

#include <QDeadlineTimer>
#include <QLoggingCategory>
#include <QScopeGuard>
#include <QThread>
#include <QTimer>

#ifdef Q_OS_LINUX
#include <sys/resource.h>
#include <unistd.h>
#endif

#include "carrier/simulatorcarrier.h"
#include "carrier/twilionumbers.h"
#include "http/carrierwebhooks.h"
#include "http/metrics.h"
#include "http/ratelimiter.h"
#include "proxy/proxy.h"
#include "routing/router.h"
#include "store/changefeed.h"
#include "store/database.h"
#include "store/nodes.h"
#include "store/sqlquery.h"
#include "store/storelock.h"
#include "store/transaction.h"

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
        m_debugger = std::make_unique<Debugger>(*m_db, m_clock);
        m_proxy = std::make_unique<Proxy>(*m_db, m_clock, m_debugger.get());
        connect(m_proxy.get(), &Proxy::changed, this, &EngineHost::changed);
        connect(m_debugger.get(), &Debugger::recorded, this, &EngineHost::debuggerEventRecorded);
        auto account = prepareStore();
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

        HttpConfig httpConfig = m_config.http;
        if (m_db->isPostgres()) {
            // Each request is its own transaction on a shared store. A write batch holds the row locks of all its
            // requests until its one commit, and two nodes' batches then lock sessions and numbers in different
            // orders: measured, deadlocks (each stalling both nodes for deadlock_timeout, 1 s) and 80501s under a
            // race. PostgreSQL groups the commits of concurrent connections itself.
            httpConfig.maxBatch = 1;
        } else {
            // This engine holds the store's lock file: every write is this process's, and every commit's changes are
            // heard here at once, so a rendered Session held in memory is never stale.
            httpConfig.cacheRenderedSessions = true;
        }
        m_http = std::make_unique<HttpServer>(*m_proxy, m_debugger.get(), m_clock, httpConfig);
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
        if (m_db->isPostgres()) {
            // Tell the other nodes (a console watching the deployment) what changed here, and hear theirs.
            m_feed = std::make_unique<ChangeFeed>(*m_db);
            connect(m_proxy.get(), &Proxy::changed, m_feed.get(), &ChangeFeed::publish);
            connect(m_debugger.get(), &Debugger::recorded, this, [this](const DebuggerEvent &event) {
                if (m_config.followOtherNodes) {
                    m_recentEvents.append(event.sid); // already shown: not reported again when others hear of it
                }
                m_feed->publish({Change{Change::Kind::DebuggerEvent, Change::Op::Added, event.sid, event.accountSid}});
            });
            if (m_config.followOtherNodes) {
                if (m_feed->listen()) {
                    connect(m_feed.get(), &ChangeFeed::changedElsewhere, this, &EngineHost::handleChangesElsewhere);
                } else {
                    qCWarning(lcEngine) << "cannot LISTEN for the other nodes' changes: only this engine's are shown";
                }
            }
            // Announce this node and divide the rate limits by the live nodes, now and every few seconds.
            m_nodes = std::make_unique<NodeRegistry>(*m_db, m_http->baseUrl());
            beat();
            m_beatTimer = new QTimer(this);
            connect(m_beatTimer, &QTimer::timeout, this, &EngineHost::beat);
            m_beatTimer->start(NodeRegistry::BEAT_MS);
        }
        // Pending carrier sends and callbacks left by an earlier run are resumed here; expiry and retention start
        // sweeping. On SQLite this engine holds the lock file, so it is the only worker: claims left in the table
        // belong to a process that died and are redone now rather than when their lease lapses.
        if (m_config.backgroundWork) {
            if (m_config.store.isSqlite()) {
                m_outbox->releaseClaims();
            }
            m_outbox->start();
            m_scheduler->start();
        } else {
            qCInfo(lcEngine) << "background work (outbox delivery, expiry, retention) is left to the other nodes";
        }
        if (m_config.store.isSqlite()) {
            startInUseCheck();
        } else {
            m_http->metrics().setInUseCheckRunning(false); // done before listening (prepareStore)
        }
        qCInfo(lcEngine).noquote() << "engine started on" << m_config.store.describe() << "with the"
                                   << m_carrier->name() << "carrier";
        Q_EMIT started(m_http->baseUrl(), *account);
    } catch (const StoreError &e) {
        stop();
        Q_EMIT failed(e.message());
    }
}

Result<Account> EngineHost::prepareStore()
{
    // Nodes sharing a PostgreSQL database start one at a time (the others wait here): the schema is migrated once,
    // the first account created once, and the in_use recount is not raced by another node's recount. SQLite has one
    // engine (the lock file), so there it is a no-op.
    m_db->lockStartup();
    struct Unlock
    {
        Database &db;
        ~Unlock()
        {
            try {
                db.unlockStartup();
            } catch (const StoreError &e) {
                qCWarning(lcEngine).noquote() << "cannot release the start-up lock:" << e.message();
            }
        }
    } unlock{*m_db};
    if (auto st = m_db->migrate(); !st) {
        return st.error();
    }
    {
        // Other nodes may be serving traffic meanwhile: their writes to phone_numbers wait for the recount (a write
        // already begun finishes first), so the recount never overwrites a count they changed. Reads go on. SQLite
        // has no other writer: there the check runs beside the traffic once the engine listens (startInUseCheck).
        if (m_db->isPostgres()) {
            const QSqlDatabase db = m_db->connection();
            Transaction tx(db);
            execSql(db, u"LOCK TABLE phone_numbers IN EXCLUSIVE MODE"_s);
            if (auto recount = m_proxy->recountInUse(); !recount) {
                return recount.error();
            }
            tx.commit();
        }
    }
    return m_proxy->ensureAccount(m_config.accountSid, m_config.authToken);
}

void EngineHost::startInUseCheck()
{
    Database *db = m_db.get();
    const quint64 run = ++m_run;
    m_http->metrics().setInUseCheckRunning(true);
    m_inUseCheck.reset(QThread::create([this, db, run] {
#ifdef Q_OS_LINUX
        // The check must not take a core from the traffic it runs beside: on a million sessions it reads for several
        // seconds. Qt's thread priorities do nothing under Linux's default scheduler; a thread's nice value does.
        // (Its reads are short transactions, so running slowly holds nothing up.)
        setpriority(PRIO_PROCESS, id_t(gettid()), 19);
#endif
        Result<QList<Proxy::InUseDrift>> drift = Proxy::measureInUseDrift(db->connection());
        db->closeThreadConnection();
        // Applied on the engine thread, by this start()'s proxy only: stop() waits for this thread first, and a
        // result arriving after a restart is dropped.
        QMetaObject::invokeMethod(
            this,
            [this, run, drift = std::move(drift)] {
                if (run != m_run || !m_proxy) {
                    return;
                }
                const auto done = qScopeGuard([this] { m_http->metrics().setInUseCheckRunning(false); });
                if (!drift) {
                    qCWarning(lcEngine).noquote() << "in_use check failed:" << drift.error().message;
                    return;
                }
                if (auto corrected = m_proxy->correctInUseDrift(*drift); !corrected) {
                    qCWarning(lcEngine).noquote() << "in_use correction failed:" << corrected.error().message;
                }
            },
            Qt::QueuedConnection);
    }));
    m_inUseCheck->start();
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

void EngineHost::beat()
{
    if (!m_nodes || !m_http) {
        return;
    }
    try {
        m_http->rateLimiter().setShare(m_nodes->beat());
    } catch (const StoreError &e) {
        // Keeps the last share: a store that is down refuses the requests anyway.
        qCWarning(lcEngine).noquote() << "node heartbeat failed:" << e.message();
    }
}

void EngineHost::handleChangesElsewhere(const QList<Change> &changes)
{
    QList<Change> resources;
    QSet<QString> events;
    for (const Change &c : changes) {
        if (c.kind == Change::Kind::DebuggerEvent) {
            events.insert(c.sid);
        } else {
            resources.append(c);
        }
    }
    if (!resources.isEmpty()) {
        Q_EMIT changed(resources);
    }
    if (events.isEmpty() || !m_debugger) {
        return;
    }
    // The events themselves are read from the store (a notification only names them), oldest first.
    PageRequest page;
    page.pageSize = Proxy::MAX_PAGE_SIZE;
    const auto recent = m_debugger->list(DebuggerFilter{}, page);
    if (!recent) {
        return;
    }
    for (auto it = recent->items.crbegin(); it != recent->items.crend(); ++it) {
        if (events.contains(it->sid) && !m_recentEvents.contains(it->sid)) {
            m_recentEvents.append(it->sid);
            Q_EMIT debuggerEventRecorded(*it);
        }
    }
    constexpr qsizetype KEEP = 1000;
    if (m_recentEvents.size() > KEEP) {
        m_recentEvents.remove(0, m_recentEvents.size() - KEEP);
    }
}

void EngineHost::stop()
{
    if (m_inUseCheck) {
        m_inUseCheck->wait(); // it reads through m_db
        m_inUseCheck.reset();
    }
    ++m_run;
    if (m_feed) {
        m_feed->flush();
        m_feed.reset();
    }
    const bool wasRunning = m_http || m_db;
    if (m_beatTimer) {
        delete m_beatTimer;
    }
    if (m_nodes) {
        try {
            m_nodes->leave();
        } catch (const StoreError &) {
            // its row ages out of the live count
        }
        m_nodes.reset();
    }
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
