#pragma once

#include <QDateTime>
#include <QMutex>
#include <QString>

namespace Maskline {

// Every engine decision that depends on time (TTL, expiry, retention, rate limits) reads it from a Clock, so tests
// can move time forward without sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    virtual QDateTime now() const = 0;
    qint64 nowMs() const { return now().toMSecsSinceEpoch(); }
};

class SystemClock final : public Clock
{
public:
    QDateTime now() const override { return QDateTime::currentDateTimeUtc(); }
    static SystemClock *instance();
};

class ManualClock final : public Clock
{
public:
    explicit ManualClock(const QDateTime &start = QDateTime(QDate(2026, 1, 1), QTime(12, 0), Qt::UTC));
    QDateTime now() const override;
    void set(const QDateTime &t);
    void advance(qint64 seconds);

private:
    mutable QMutex m_mutex;
    QDateTime m_now;
};

namespace Time {
// ISO 8601 UTC without fractions ("2015-07-30T20:00:00Z"), the form of every date in Proxy's JSON.
QString toIso(const QDateTime &t);
QString toIsoMs(qint64 msSinceEpoch);
// Accepts ISO 8601 with or without fractions and with Z or an offset; returns an invalid QDateTime otherwise.
QDateTime parseIso(const QString &text);
QDateTime fromMs(qint64 ms);
} // namespace Time

} // namespace Maskline
