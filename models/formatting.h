#pragma once

#include <QDateTime>
#include <QString>

namespace Maskline::Format {

// How the console writes times and spans: local time, to the second; "—" for none.
QString dateTime(const QDateTime &t);
// "2h 5m", "45s", "—" for 0 (no TTL).
QString duration(qint64 seconds);
// "in 4m 12s", "expired", "—".
QString countdown(const QDateTime &deadline, const QDateTime &now);
// Digits and a leading '+' only: what a person pastes ("+1 (415) 555-0100") becomes "+14155550100".
QString compactNumber(const QString &text);

} // namespace Maskline::Format
