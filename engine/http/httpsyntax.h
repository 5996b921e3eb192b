#pragma once

// RFC 9110 / 9112 syntax the HTTP front checks, as pure functions over bytes: tokens, digits, percent escapes, OWS,
// line ends, methods, the path of a request-target. No connection state; httpframing.cpp applies them.

#include <optional>

#include <QByteArrayView>

#include "core/apierror.h"
#include "httpmessage.h"

namespace Maskline::HttpSyntax {

// RFC 9110 §5.6.2 tchar.
bool isTokenChar(char c);
bool isToken(QByteArrayView s);
bool isDigits(QByteArrayView s);
// Whether every '%' starts a "%" HEXDIG HEXDIG escape (RFC 3986 §2.1).
bool escapesWellFormed(QByteArrayView s);
// A malformed escape cannot be decoded the way its sender meant it: refuse it before any handler sees it. Under /v1 a
// bad query parameter is named, as the REST API names any invalid parameter (80701); anywhere else it is a malformed
// request-target.
std::optional<ApiError> checkEscapes(QByteArrayView target);
// Trims optional whitespace (SP / HTAB only, RFC 9110 §5.6.3) at both ends.
QByteArrayView trimOws(QByteArrayView v);
// A line without its terminator: "\n", or "\r\n". A CR anywhere else is a bare CR.
QByteArrayView withoutEol(QByteArrayView line);
HttpMethod methodOf(QByteArrayView name);
// The path (from "/", still percent-encoded) of a request-target: origin-form as is, absolute-form
// ("http://host/p?q", RFC 9112 §3.2.2) without its scheme and authority; asterisk- and authority-form as sent.
QByteArrayView pathAndQuery(QByteArrayView target);

} // namespace Maskline::HttpSyntax
