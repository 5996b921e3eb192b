#pragma once

#include <QString>
#include <QStringView>

namespace Maskline::Sid {

// Twilio-style identifiers: a two-letter type prefix followed by 32 lowercase hex digits from the system CSPRNG.
inline constexpr QStringView ACCOUNT = u"AC";
inline constexpr QStringView SERVICE = u"KS";
inline constexpr QStringView SESSION = u"KC";
inline constexpr QStringView PARTICIPANT = u"KP";
inline constexpr QStringView INTERACTION = u"KI";
inline constexpr QStringView PHONE_NUMBER = u"PN";
inline constexpr QStringView DEBUGGER_EVENT = u"NO";
inline constexpr QStringView MESSAGE = u"SM";
inline constexpr QStringView CALL = u"CA";
inline constexpr QStringView API_KEY = u"SK";

QString generate(QStringView prefix);

// True when s is prefix + 32 hex digits (either case, as Twilio's patterns accept).
bool isValid(QStringView s, QStringView prefix);

// Random secret of 32 lowercase hex digits, the shape of a Twilio auth token.
QString generateToken();

// An API key's secret: 32 characters of [A-Za-z0-9] from the system CSPRNG (about 190 bits), the shape of Twilio's.
QString generateKeySecret();

} // namespace Maskline::Sid
