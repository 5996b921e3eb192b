#pragma once

#include <optional>
#include <utility>

#include <QByteArrayView>
#include <QDateTime>
#include <QList>
#include <QString>
#include <QStringList>

#include "core/apierror.h"
#include "core/result.h"

namespace Maskline {

// An application/x-www-form-urlencoded body or query string, decoded the way browsers and Twilio's helper libraries
// encode it: '+' is a space, %XX escapes are bytes, the bytes are UTF-8, and a key may repeat (array parameters such
// as Participants and MediaUrl). QUrlQuery does not turn '+' into a space, so this is ours.
class FormData final
{
public:
    FormData() = default;

    // Decodes every pair: a malformed escape ("%zz", "%uD83D", a lone or truncated "%") is kept literally and invalid
    // UTF-8 (overlong forms, truncated sequences, CESU-8 / surrogates, beyond U+10FFFF) becomes U+FFFD, as browsers
    // do; field names are decoded the same way. Empty pairs ("a=1&&b=2") are skipped. The first malformed field is
    // remembered: error() says which, and the REST API refuses such a request (the carrier webhooks, which must
    // accept what the carrier signs, do not).
    static FormData parse(QByteArrayView encoded);
    // Percent-decodes one component, with '+' as a space when plusIsSpace.
    static QString decodeComponent(QByteArrayView component, bool plusIsSpace = true);
    // Encodes a value for a query string (RFC 3986 unreserved characters kept, everything else %XX).
    static QString encodeComponent(const QString &value);
    // Whether a Content-Type is application/x-www-form-urlencoded (parameters such as charset allowed), or absent.
    static bool isFormType(QByteArrayView contentType);
    // Whether bytes are well-formed UTF-8 (RFC 3629: shortest form, no surrogates, at most U+10FFFF).
    static bool isValidUtf8(QByteArrayView bytes);
    // The value of one hexadecimal digit, or -1 (percent escapes here and in the HTTP guard).
    static int hexValue(char c);

    // An 80701 error naming the first field whose escapes or UTF-8 were malformed; invalid (code 0) when none was.
    const ApiError &error() const { return m_error; }
    bool contains(QStringView key) const;
    // The first value given for key; std::nullopt when the key is absent (an empty string when given empty).
    std::optional<QString> value(QStringView key) const;
    // Every value given for key, in order.
    QStringList values(QStringView key) const;
    const QList<std::pair<QString, QString>> &items() const { return m_items; }
    void append(const QString &key, const QString &value) { m_items.append({key, value}); }
    // Takes the other form's pairs after these (and its error, when this form has none).
    void append(const FormData &other);

private:
    QList<std::pair<QString, QString>> m_items;
    ApiError m_error;
};

// Typed readers of PascalCase parameters. Each returns std::nullopt when the parameter is absent and an 80701
// ApiError naming the parameter and saying why when it is present but malformed.
namespace Params {

// A client's value as shown in a message: cut to 64 characters (so an error never echoes a megabyte back) and with
// control characters shown as '?' (so a message never carries them either).
QString printable(const QString &value);
// "true" / "false" in any letter case.
Result<std::optional<bool>> readBool(const FormData &form, const QString &name);
// A base-10 integer in [min, max].
Result<std::optional<qint64>> readInt(const FormData &form, const QString &name, qint64 min, qint64 max);
// ISO 8601 (Time::parseIso). An empty value is returned as an invalid QDateTime ("clear it") when allowEmpty.
Result<std::optional<QDateTime>> readDateTime(const FormData &form, const QString &name, bool allowEmpty);
// A free-text value shown to people (UniqueName, FriendlyName): refused when it holds a control character (C0, DEL,
// C1 such as NEL U+0085), which would end up in logs, CSV exports and the console as invisible or line-breaking text.
Status checkText(const QString &name, const std::optional<QString> &value);

} // namespace Params

} // namespace Maskline
