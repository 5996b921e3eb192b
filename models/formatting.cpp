#include "formatting.h"

#include <QCoreApplication>

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Format {

QString dateTime(const QDateTime &t)
{
    if (!t.isValid()) {
        return u"—"_s;
    }
    return t.toLocalTime().toString(u"yyyy-MM-dd HH:mm:ss"_s);
}

QString duration(qint64 seconds)
{
    if (seconds <= 0) {
        return u"—"_s;
    }
    const qint64 d = seconds / 86400;
    const qint64 h = (seconds % 86400) / 3600;
    const qint64 m = (seconds % 3600) / 60;
    const qint64 s = seconds % 60;
    QStringList parts;
    if (d > 0) {
        parts.append(u"%1d"_s.arg(d));
    }
    if (h > 0) {
        parts.append(u"%1h"_s.arg(h));
    }
    if (m > 0 && d == 0) {
        parts.append(u"%1m"_s.arg(m));
    }
    if (s > 0 && d == 0 && h == 0) {
        parts.append(u"%1s"_s.arg(s));
    }
    return parts.join(u' ');
}

QString countdown(const QDateTime &deadline, const QDateTime &now)
{
    if (!deadline.isValid()) {
        return u"—"_s;
    }
    const qint64 left = now.secsTo(deadline);
    if (left <= 0) {
        return QCoreApplication::translate("Format", "expired");
    }
    return QCoreApplication::translate("Format", "in %1").arg(duration(left));
}

QString compactNumber(const QString &text)
{
    QString out;
    for (const QChar c : text.trimmed()) {
        if (c.isDigit() || (c == u'+' && out.isEmpty())) {
            out.append(c);
        }
    }
    return out;
}

} // namespace Maskline::Format
