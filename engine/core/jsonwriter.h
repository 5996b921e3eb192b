#pragma once

#include <QByteArray>
#include <QLatin1StringView>
#include <QString>
#include <QVarLengthArray>

namespace Maskline {

// Writes compact JSON straight into one buffer: the REST API's responses, which QJsonObject built at a cost that
// dominated list pages and fetches (a sorted CBOR container per object, then a second pass to text). The output is
// what QJsonDocument::toJson(Compact) gives for the same object: keys are written in ascending order (QJsonObject's
// order, which callers follow), strings escaped the same way, non-ASCII text as UTF-8.
class JsonWriter final
{
public:
    explicit JsonWriter(qsizetype reserve = 512);

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    // The next member's name, inside an object.
    JsonWriter &key(QLatin1StringView name);

    JsonWriter &string(const QString &value);
    JsonWriter &stringOrNull(const QString &value); // null for an empty string
    JsonWriter &number(qint64 value);
    JsonWriter &boolean(bool value);
    JsonWriter &null();
    // An already-written JSON value (an object from another writer).
    JsonWriter &raw(const QByteArray &json);

    // Shorthands for key(name).value(…).
    JsonWriter &field(QLatin1StringView name, const QString &value) { return key(name).string(value); }
    JsonWriter &fieldOrNull(QLatin1StringView name, const QString &value) { return key(name).stringOrNull(value); }
    JsonWriter &field(QLatin1StringView name, qint64 value) { return key(name).number(value); }
    JsonWriter &field(QLatin1StringView name, int value) { return key(name).number(value); }
    JsonWriter &field(QLatin1StringView name, bool value) { return key(name).boolean(value); }

    QByteArray take();

    static void appendEscaped(QByteArray &out, const QString &value);

private:
    void beforeValue();

    QByteArray m_out;
    // Per open object/array: whether it has a member yet (the next needs a comma).
    QVarLengthArray<bool, 8> m_hasMember;
    bool m_afterKey = false;
};

} // namespace Maskline
