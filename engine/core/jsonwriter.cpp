#include "jsonwriter.h"

namespace Maskline {

JsonWriter::JsonWriter(qsizetype reserve)
{
    m_out.reserve(reserve);
}

void JsonWriter::beforeValue()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_hasMember.isEmpty()) {
        if (m_hasMember.last()) {
            m_out.append(',');
        }
        m_hasMember.last() = true;
    }
}

JsonWriter &JsonWriter::beginObject()
{
    beforeValue();
    m_out.append('{');
    m_hasMember.append(false);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_hasMember.removeLast();
    m_out.append('}');
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    beforeValue();
    m_out.append('[');
    m_hasMember.append(false);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    m_hasMember.removeLast();
    m_out.append(']');
    return *this;
}

JsonWriter &JsonWriter::key(QLatin1StringView name)
{
    if (m_hasMember.last()) {
        m_out.append(',');
    }
    m_hasMember.last() = true;
    m_out.append('"');
    m_out.append(name.data(), name.size()); // member names are the schema's snake_case: nothing to escape
    m_out.append("\":", 2);
    m_afterKey = true;
    return *this;
}

void JsonWriter::appendEscaped(QByteArray &out, const QString &value)
{
    static constexpr char HEX[] = "0123456789abcdef";
    // Most values (SIDs, URLs, dates, E.164 numbers) are printable ASCII with nothing to escape: written straight
    // into the buffer, without a UTF-8 copy.
    const char16_t *chars = reinterpret_cast<const char16_t *>(value.constData());
    const qsizetype n = value.size();
    qsizetype plain = 0;
    while (plain < n && chars[plain] >= 0x20 && chars[plain] < 0x80 && chars[plain] != u'"' && chars[plain] != u'\\') {
        ++plain;
    }
    if (plain == n) {
        const qsizetype at = out.size();
        out.resize(at + n + 2);
        char *to = out.data() + at;
        *to++ = '"';
        for (qsizetype i = 0; i < n; ++i) {
            to[i] = char(chars[i]);
        }
        to[n] = '"';
        return;
    }
    const QByteArray utf8 = value.toUtf8();
    out.append('"');
    qsizetype plainFrom = 0;
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const auto c = static_cast<unsigned char>(utf8.at(i));
        if (c >= 0x20 && c != '"' && c != '\\') {
            continue;
        }
        out.append(utf8.constData() + plainFrom, i - plainFrom);
        plainFrom = i + 1;
        switch (c) {
        case '"':
            out.append("\\\"", 2);
            break;
        case '\\':
            out.append("\\\\", 2);
            break;
        case '\b':
            out.append("\\b", 2);
            break;
        case '\f':
            out.append("\\f", 2);
            break;
        case '\n':
            out.append("\\n", 2);
            break;
        case '\r':
            out.append("\\r", 2);
            break;
        case '\t':
            out.append("\\t", 2);
            break;
        default: {
            const char escaped[] = {'\\', 'u', '0', '0', HEX[c >> 4], HEX[c & 0xf]};
            out.append(escaped, sizeof(escaped));
        }
        }
    }
    out.append(utf8.constData() + plainFrom, utf8.size() - plainFrom);
    out.append('"');
}

JsonWriter &JsonWriter::string(const QString &value)
{
    beforeValue();
    appendEscaped(m_out, value);
    return *this;
}

JsonWriter &JsonWriter::stringOrNull(const QString &value)
{
    return value.isEmpty() ? null() : string(value);
}

JsonWriter &JsonWriter::number(qint64 value)
{
    beforeValue();
    m_out.append(QByteArray::number(value));
    return *this;
}

JsonWriter &JsonWriter::boolean(bool value)
{
    beforeValue();
    m_out.append(value ? QByteArrayView("true") : QByteArrayView("false"));
    return *this;
}

JsonWriter &JsonWriter::null()
{
    beforeValue();
    m_out.append("null", 4);
    return *this;
}

JsonWriter &JsonWriter::raw(const QByteArray &json)
{
    beforeValue();
    m_out.append(json);
    return *this;
}

QByteArray JsonWriter::take()
{
    return std::move(m_out);
}

} // namespace Maskline
