#include "httpsyntax.h"

#include <algorithm>

namespace Maskline::HttpSyntax {

// RFC 9110 §5.6.2 tchar.
bool isTokenChar(char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
        return true;
    }
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

bool isToken(QByteArrayView s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), isTokenChar);
}

bool isDigits(QByteArrayView s)
{
    return !s.isEmpty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Whether every '%' starts a "%" HEXDIG HEXDIG escape (RFC 3986 §2.1).
bool escapesWellFormed(QByteArrayView s)
{
    for (qsizetype i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || FormData::hexValue(s[i + 1]) < 0 || FormData::hexValue(s[i + 2]) < 0) {
                return false;
            }
            i += 2;
        }
    }
    return true;
}

// A malformed escape cannot be decoded the way its sender meant it: refuse it before any handler sees it. Under /v1 a
// bad query parameter is named, as the REST API names any invalid parameter (80701); anywhere else it is a malformed
// request-target.
std::optional<ApiError> checkEscapes(QByteArrayView target)
{
    const qsizetype question = target.indexOf('?');
    const QByteArrayView path = question < 0 ? target : target.first(question);
    if (!escapesWellFormed(path)) {
        return ApiError::make(20400, 400, QStringLiteral("Malformed percent escape in the request path"));
    }
    if (question < 0) {
        return std::nullopt;
    }
    const bool v1 = path == "/v1" || path.startsWith("/v1/");
    const QByteArrayView query = target.sliced(question + 1);
    for (qsizetype start = 0; start <= query.size();) {
        qsizetype end = query.indexOf('&', start);
        if (end < 0) {
            end = query.size();
        }
        const QByteArrayView pair = query.sliced(start, end - start);
        if (!escapesWellFormed(pair)) {
            if (!v1) {
                return ApiError::make(20400, 400, QStringLiteral("Malformed percent escape in the query string"));
            }
            const qsizetype eq = pair.indexOf('=');
            const QString name = FormData::decodeComponent(eq < 0 ? pair : pair.first(eq));
            return ApiError::invalidParameter(
                Params::printable(name),
                QStringLiteral("has a malformed percent escape (expected %XX with two hex digits)"));
        }
        start = end + 1;
    }
    return std::nullopt;
}

// Trims optional whitespace (SP / HTAB only, RFC 9110 §5.6.3) at both ends.
QByteArrayView trimOws(QByteArrayView v)
{
    while (!v.isEmpty() && (v.front() == ' ' || v.front() == '\t')) {
        v = v.sliced(1);
    }
    while (!v.isEmpty() && (v.back() == ' ' || v.back() == '\t')) {
        v.chop(1);
    }
    return v;
}

// A line without its terminator: "\n", or "\r\n". A CR anywhere else is a bare CR.
QByteArrayView withoutEol(QByteArrayView line)
{
    if (line.endsWith('\n')) {
        line.chop(1);
    }
    if (line.endsWith('\r')) {
        line.chop(1);
    }
    return line;
}

HttpMethod methodOf(QByteArrayView name)
{
    static constexpr std::pair<const char *, HttpMethod> METHODS[] = {
        {"GET", HttpMethod::Get},         {"POST", HttpMethod::Post},   {"DELETE", HttpMethod::Delete},
        {"PUT", HttpMethod::Put},         {"PATCH", HttpMethod::Patch}, {"HEAD", HttpMethod::Head},
        {"OPTIONS", HttpMethod::Options},
    };
    for (const auto &[text, method] : METHODS) {
        if (name == text) {
            return method;
        }
    }
    return HttpMethod::Other;
}

// The path (from "/", still percent-encoded) of a request-target: origin-form as is, absolute-form
// ("http://host/p?q", RFC 9112 §3.2.2) without its scheme and authority; asterisk- and authority-form as sent.
QByteArrayView pathAndQuery(QByteArrayView target)
{
    if (target.startsWith('/')) {
        return target;
    }
    const qsizetype scheme = target.indexOf("://");
    if (scheme <= 0) {
        return target;
    }
    const qsizetype slash = target.indexOf('/', scheme + 3);
    const qsizetype question = target.indexOf('?', scheme + 3);
    if (slash < 0 || (question >= 0 && question < slash)) {
        return question < 0 ? QByteArrayView() : target.sliced(question); // "http://h?q": an empty path is "/"
    }
    return target.sliced(slash);
}

} // namespace Maskline::HttpSyntax
