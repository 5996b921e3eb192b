#include "formdata.h"

#include <QByteArray>

#include "core/clock.h"

namespace Maskline {

int FormData::hexValue(char c)
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

namespace Params {

QString printable(const QString &value)
{
    constexpr qsizetype MAX_ECHO = 64;
    QString shown = value.left(MAX_ECHO);
    for (QChar &c : shown) {
        if (c.unicode() < 0x20 || (c.unicode() >= 0x7f && c.unicode() <= 0x9f)) {
            c = u'?';
        }
    }
    if (value.size() > MAX_ECHO) {
        shown += QStringLiteral("…");
    }
    return shown;
}

namespace {

QString quoted(const QString &value)
{
    return u'\'' + printable(value) + u'\'';
}

} // namespace

} // namespace Params

namespace {

// Percent-decodes into bytes; false when an escape is malformed (which is then kept literally).
bool decodeBytes(QByteArrayView component, bool plusIsSpace, QByteArray &bytes)
{
    bool ok = true;
    bytes.reserve(component.size());
    for (qsizetype i = 0; i < component.size(); ++i) {
        const char c = component[i];
        if (c == '+' && plusIsSpace) {
            bytes.append(' ');
        } else if (c == '%' && i + 2 < component.size() && FormData::hexValue(component[i + 1]) >= 0 &&
                   FormData::hexValue(component[i + 2]) >= 0) {
            bytes.append(char(FormData::hexValue(component[i + 1]) * 16 + FormData::hexValue(component[i + 2])));
            i += 2;
        } else {
            ok = ok && c != '%';
            bytes.append(c);
        }
    }
    return ok;
}

} // namespace

QString FormData::decodeComponent(QByteArrayView component, bool plusIsSpace)
{
    QByteArray bytes;
    decodeBytes(component, plusIsSpace, bytes);
    return QString::fromUtf8(bytes);
}

bool FormData::isFormType(QByteArrayView contentType)
{
    const qsizetype semicolon = contentType.indexOf(';');
    const QByteArrayView type = (semicolon < 0 ? contentType : contentType.first(semicolon)).trimmed();
    return type.isEmpty() || type.compare("application/x-www-form-urlencoded", Qt::CaseInsensitive) == 0;
}

bool FormData::isValidUtf8(QByteArrayView bytes)
{
    const auto *p = reinterpret_cast<const uchar *>(bytes.data());
    const qsizetype n = bytes.size();
    for (qsizetype i = 0; i < n;) {
        const uchar b = p[i];
        if (b < 0x80) {
            ++i;
            continue;
        }
        int length = 0;
        uchar low = 0x80; // the allowed range of the second byte (RFC 3629 §4)
        uchar high = 0xbf;
        if (b >= 0xc2 && b <= 0xdf) {
            length = 2;
        } else if (b >= 0xe0 && b <= 0xef) {
            length = 3;
            if (b == 0xe0) {
                low = 0xa0; // no overlong forms
            } else if (b == 0xed) {
                high = 0x9f; // no surrogates (CESU-8)
            }
        } else if (b >= 0xf0 && b <= 0xf4) {
            length = 4;
            if (b == 0xf0) {
                low = 0x90;
            } else if (b == 0xf4) {
                high = 0x8f; // nothing beyond U+10FFFF
            }
        } else {
            return false; // a continuation byte, 0xc0/0xc1 (overlong) or 0xf5..0xff
        }
        if (i + length > n || p[i + 1] < low || p[i + 1] > high) {
            return false;
        }
        for (int k = 2; k < length; ++k) {
            if (p[i + k] < 0x80 || p[i + k] > 0xbf) {
                return false;
            }
        }
        i += length;
    }
    return true;
}

QString FormData::encodeComponent(const QString &value)
{
    return QString::fromLatin1(value.toUtf8().toPercentEncoding());
}

FormData FormData::parse(QByteArrayView encoded)
{
    FormData form;
    const auto decode = [&form](QByteArrayView component, bool isKey, const QString &key) {
        QByteArray bytes;
        const bool escapesOk = decodeBytes(component, true, bytes);
        const QString text = QString::fromUtf8(bytes);
        if (!form.m_error.isValid() && (!escapesOk || !isValidUtf8(bytes))) {
            const QString name = isKey ? Params::printable(text) : Params::printable(key);
            form.m_error = ApiError::invalidParameter(
                name, escapesOk ? QStringLiteral("is not valid UTF-8")
                                : QStringLiteral("has a malformed percent escape (expected %XX with two hex digits)"));
        }
        return text;
    };
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
                form.m_items.append({decode(pair, true, {}), QString()});
            } else {
                const QString key = decode(pair.first(eq), true, {});
                form.m_items.append({key, decode(pair.sliced(eq + 1), false, key)});
            }
        }
        start = end + 1;
    }
    return form;
}

void FormData::append(const FormData &other)
{
    m_items.append(other.m_items);
    if (!m_error.isValid()) {
        m_error = other.m_error;
    }
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

Status checkText(const QString &name, const std::optional<QString> &value)
{
    if (!value) {
        return Ok{};
    }
    for (const QChar c : *value) {
        const char16_t u = c.unicode();
        if (u < 0x20 || (u >= 0x7f && u <= 0x9f)) {
            return ApiError::invalidParameter(name, QStringLiteral("must not contain control characters (found U+%1)")
                                                        .arg(QString::number(u, 16).toUpper().rightJustified(4, u'0')));
        }
    }
    return Ok{};
}

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
