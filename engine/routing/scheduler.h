#pragma once

#include <QDateTime>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QTimer>

#include "store/records.h"

namespace Maskline {

class Debugger;
class Outbox;
class Proxy;

struct SchedulerConfig
{
    int expiryIntervalMs = 5000;       // how often expired sessions are looked for
    int retentionIntervalMs = 3600000; // how often the retention sweep runs
    int sessionRetentionDays = 90;     // closed sessions are deleted this long after date_ended (reference §4.4)
    int debuggerRetentionDays = 30;    // debugger events older than this are deleted; 0 keeps them
    // At most this many sessions are closed per turn of the event loop; a longer backlog (sessions that expired
    // while the engine was down) continues on the next turn, so listening, requests and SIGTERM are not held up.
    int expiryClosesPerPass = 200;
    // The same for the retention sweep: at most this many closed sessions deleted (with their participants and
    // interactions) per turn; the outbox and debugger purges follow once the sessions' backlog is done.
    int retentionPurgesPerPass = 500;
};

// The engine's background sweeps, all driven by the injectable clock, so tests call runExpiry() / runRetention()
// after moving a ManualClock instead of sleeping. The timers only decide how often they run.
class Scheduler final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Scheduler)

public:
    Scheduler(Proxy &proxy, Debugger *debugger, Outbox *outbox, SchedulerConfig config = {}, QObject *parent = nullptr);
    ~Scheduler() override;

    const SchedulerConfig &config() const { return m_config; }

    void start(); // runs both sweeps once (expiry from the event loop, at once after), then on their timers
    void stop();

    // Closes the active sessions whose deadline (expires_at: date_expiry, else last activity + ttl) has passed,
    // with closed_reason "date_expiry" or "ttl": up to expiryClosesPerPass of them, the rest from the event loop
    // at once after. Returns the SIDs this call closed.
    QStringList runExpiry();
    // Deletes sessions closed more than sessionRetentionDays ago (with participants and interactions), debugger
    // events older than debuggerRetentionDays, and finished outbox items as old as the sessions: up to
    // retentionPurgesPerPass sessions, the rest (then the outbox and debugger purges) from the event loop at once
    // after. Returns the SIDs this call deleted.
    QStringList runRetention();

    // "date_expiry" when the session's absolute deadline has passed, else "ttl" (the inactivity deadline).
    static QString expiryReason(const Session &session, const QDateTime &now);

Q_SIGNALS:
    void sessionsExpired(const QStringList &sessionSids);
    void sessionsPurged(const QStringList &sessionSids);

private:
    // PostgreSQL: takes (true) or releases (false) the cluster-wide retention lock; false when another node holds it.
    // Always true on SQLite.
    bool lockRetention(bool lock);
    // Queue one more expiry / retention pass on the event loop (once, however often they are asked).
    void continueExpirySoon();
    void continueRetentionSoon();
    void runSoon(bool &queued, QStringList (Scheduler::*sweep)());

    Proxy &m_proxy;
    Debugger *m_debugger;
    Outbox *m_outbox;
    SchedulerConfig m_config;
    QTimer m_expiryTimer;
    QTimer m_retentionTimer;
    bool m_expiryContinues = false;    // a pass for the rest of the backlog is queued
    bool m_retentionContinues = false; // the same for retention
};

} // namespace Maskline
