#pragma once

#include <optional>
#include <utility>

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "core/result.h"

namespace Maskline {

// An application/x-www-form-urlencoded body or query string, decoded the way browsers and Twilio's helper libraries
// encode it: '+' is a space, %XX escapes are bytes, the bytes are UTF-8, and a key may repeat (array parameters such
// as Participants and MediaUrl). QUrlQuery does not turn '+' into a space, so this is ours.
class FormData final
{
public:
    FormData() = default;

    // Never fails: a malformed escape ("%zz", a lone "%") is kept literally and invalid UTF-8 becomes U+FFFD, as
    // browsers do; field names are decoded the same way. Empty pairs ("a=1&&b=2") are skipped.
    static FormData parse(QByteArrayView encoded);
    // Percent-decodes one component, with '+' as a space when plusIsSpace.
    static QString decodeComponent(QByteArrayView component, bool plusIsSpace = true);
    // Encodes a value for a query string (RFC 3986 unreserved characters kept, everything else %XX).
    static QString encodeComponent(const QString &value);

    bool contains(QStringView key) const;
    // The first value given for key; std::nullopt when the key is absent (an empty string when given empty).
    std::optional<QString> value(QStringView key) const;
    // Every value given for key, in order.
    QStringList values(QStringView key) const;
    const QList<std::pair<QString, QString>> &items() const { return m_items; }
    void append(const QString &key, const QString &value) { m_items.append({key, value}); }

private:
    QList<std::pair<QString, QString>> m_items;
};

// Typed readers of PascalCase parameters. Each returns std::nullopt when the parameter is absent and an 80701
// ApiError naming the parameter and saying why when it is present but malformed.
namespace Params {

// "true" / "false" in any letter case.
Result<std::optional<bool>> readBool(const FormData &form, const QString &name);
// A base-10 integer in [min, max].
Result<std::optional<qint64>> readInt(const FormData &form, const QString &name, qint64 min, qint64 max);
// ISO 8601 (Time::parseIso). An empty value is returned as an invalid QDateTime ("clear it") when allowEmpty.
Result<std::optional<QDateTime>> readDateTime(const FormData &form, const QString &name, bool allowEmpty);

} // namespace Params

} // namespace Maskline
