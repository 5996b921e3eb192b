#include "clock.h"

#include <QMutexLocker>
#include <QRegularExpression>

namespace Maskline {

SystemClock *SystemClock::instance()
{
    static SystemClock clock;
    return &clock;
}

ManualClock::ManualClock(const QDateTime &start)
    : m_now(start.toUTC())
{}

QDateTime ManualClock::now() const
{
    const QMutexLocker locker(&m_mutex);
    return m_now;
}

void ManualClock::set(const QDateTime &t)
{
    const QMutexLocker locker(&m_mutex);
    m_now = t.toUTC();
}

void ManualClock::advance(qint64 seconds)
{
    const QMutexLocker locker(&m_mutex);
    m_now = m_now.addSecs(seconds);
}

namespace Time {

QString toIso(const QDateTime &t)
{
    if (!t.isValid()) {
        return {};
    }
    const QDateTime utc = t.timeSpec() == Qt::UTC ? t : t.toUTC();
    int year = 0;
    int month = 0;
    int day = 0;
    utc.date().getDate(&year, &month, &day);
    if (year < 0 || year > 9999) {
        return utc.toString(QStringLiteral("yyyy-MM-ddTHH:mm:ssZ"));
    }
    // By hand: every date of every JSON row passes here, and QDateTime::toString parses its format each time.
    const QTime time = utc.time();
    char16_t text[20];
    const auto put = [&text](int at, int value, int digits) {
        for (int i = digits - 1; i >= 0; --i) {
            text[at + i] = char16_t(u'0' + value % 10);
            value /= 10;
        }
    };
    put(0, year, 4);
    text[4] = u'-';
    put(5, month, 2);
    text[7] = u'-';
    put(8, day, 2);
    text[10] = u'T';
    put(11, time.hour(), 2);
    text[13] = u':';
    put(14, time.minute(), 2);
    text[16] = u':';
    put(17, time.second(), 2);
    text[19] = u'Z';
    return QString(reinterpret_cast<const QChar *>(text), 20);
}

QString toIsoMs(qint64 msSinceEpoch)
{
    return toIso(fromMs(msSinceEpoch));
}

QDateTime fromMs(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC);
}

QDateTime parseIso(const QString &text)
{
    // Strict shape first: Qt's ISODate parser accepts things Twilio does not (e.g. a bare date), which we also take,
    // but it must at least look like a date.
    static const QRegularExpression shape(
        QStringLiteral(R"(^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$)"));
    const QString trimmed = text.trimmed();
    if (!shape.match(trimmed).hasMatch()) {
        return {};
    }
    QString normalised = trimmed;
    normalised.replace(QLatin1Char(' '), QLatin1Char('T'));
    QDateTime t = QDateTime::fromString(normalised, Qt::ISODateWithMs);
    if (!t.isValid()) {
        t = QDateTime::fromString(normalised, Qt::ISODate);
    }
    if (!t.isValid()) {
        return {};
    }
    // A date-time without a zone is taken as UTC, as Twilio's API documents all times in UTC.
    if (t.timeSpec() == Qt::LocalTime) {
        t = QDateTime(t.date(), t.time(), Qt::UTC);
    }
    return t.toUTC();
}

} // namespace Time
} // namespace Maskline
