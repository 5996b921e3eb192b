#include "formdata.h"

#include <QByteArray>

#include "core/clock.h"

namespace Maskline {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

} // namespace

QString FormData::decodeComponent(QByteArrayView component, bool plusIsSpace)
{
    QByteArray bytes;
    bytes.reserve(component.size());
    for (qsizetype i = 0; i < component.size(); ++i) {
        const char c = component[i];
        if (c == '+' && plusIsSpace) {
            bytes.append(' ');
        } else if (c == '%' && i + 2 < component.size() && hexValue(component[i + 1]) >= 0 &&
                   hexValue(component[i + 2]) >= 0) {
            bytes.append(char(hexValue(component[i + 1]) * 16 + hexValue(component[i + 2])));
            i += 2;
        } else {
            bytes.append(c);
        }
    }
    return QString::fromUtf8(bytes);
}

QString FormData::encodeComponent(const QString &value)
{
    return QString::fromLatin1(value.toUtf8().toPercentEncoding());
}

FormData FormData::parse(QByteArrayView encoded)
{
    FormData form;
    qsizetype start = 0;
    while (start <= encoded.size()) {
        qsizetype end = encoded.indexOf('&', start);
        if (end < 0) {
            end = encoded.size();
        }
        const QByteArrayView pair = encoded.sliced(start, end - start);
        if (!pair.isEmpty()) {
            const qsizetype eq = pair.indexOf('=');
            if (eq < 0) {
                form.m_items.append({decodeComponent(pair), QString()});
            } else {
                form.m_items.append({decodeComponent(pair.first(eq)), decodeComponent(pair.sliced(eq + 1))});
            }
        }
        start = end + 1;
    }
    return form;
}

bool FormData::contains(QStringView key) const
{
    for (const auto &[k, v] : m_items) {
        if (k == key) {
            return true;
        }
    }
    return false;
}

std::optional<QString> FormData::value(QStringView key) const
{
    for (const auto &[k, v] : m_items) {
        if (k == key) {
            return v;
        }
    }
    return std::nullopt;
}

QStringList FormData::values(QStringView key) const
{
    QStringList out;
    for (const auto &[k, v] : m_items) {
        if (k == key) {
            out.append(v);
        }
    }
    return out;
}

namespace Params {

namespace {

// Shown in messages: long or hostile values are cut so an error never echoes a megabyte back.
QString quoted(const QString &value)
{
    constexpr qsizetype MAX_ECHO = 64;
    if (value.size() > MAX_ECHO) {
        return u'\'' + value.left(MAX_ECHO) + QStringLiteral("…'");
    }
    return u'\'' + value + u'\'';
}

} // namespace

Result<std::optional<bool>> readBool(const FormData &form, const QString &name)
{
    const std::optional<QString> raw = form.value(name);
    if (!raw) {
        return std::optional<bool>();
    }
    const QString v = raw->trimmed();
    if (v.compare(u"true", Qt::CaseInsensitive) == 0) {
        return std::optional<bool>(true);
    }
    if (v.compare(u"false", Qt::CaseInsensitive) == 0) {
        return std::optional<bool>(false);
    }
    return ApiError::invalidParameter(name, QStringLiteral("expected true or false, got %1").arg(quoted(*raw)));
}

Result<std::optional<qint64>> readInt(const FormData &form, const QString &name, qint64 min, qint64 max)
{
    const std::optional<QString> raw = form.value(name);
    if (!raw) {
        return std::optional<qint64>();
    }
    bool ok = false;
    const qint64 n = raw->trimmed().toLongLong(&ok, 10);
    if (!ok) {
        return ApiError::invalidParameter(name, QStringLiteral("expected an integer, got %1").arg(quoted(*raw)));
    }
    if (n < min || n > max) {
        return ApiError::invalidParameter(name,
                                          QStringLiteral("%1 is out of range (%2 to %3)")
                                              .arg(QString::number(n), QString::number(min), QString::number(max)));
    }
    return std::optional<qint64>(n);
}

Result<std::optional<QDateTime>> readDateTime(const FormData &form, const QString &name, bool allowEmpty)
{
    const std::optional<QString> raw = form.value(name);
    if (!raw) {
        return std::optional<QDateTime>();
    }
    if (raw->trimmed().isEmpty()) {
        if (allowEmpty) {
            return std::optional<QDateTime>(QDateTime());
        }
        return ApiError::invalidParameter(name, QStringLiteral("expected an ISO 8601 date-time, got an empty value"));
    }
    const QDateTime t = Time::parseIso(*raw);
    if (!t.isValid()) {
        return ApiError::invalidParameter(
            name,
            QStringLiteral("expected an ISO 8601 date-time such as 2026-01-31T12:00:00Z, got %1").arg(quoted(*raw)));
    }
    return std::optional<QDateTime>(t);
}

} // namespace Params

} // namespace Maskline
