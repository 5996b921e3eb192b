#pragma once

#include <utility>

#include <QByteArray>
#include <QList>
#include <QString>

namespace Maskline::TwilioSignature {

using Params = QList<std::pair<QString, QString>>;

// X-Twilio-Signature (reference §6.5, Twilio's webhook security page, twilio-python's RequestValidator):
//   base64(HMAC-SHA1(key = auth token, message = url + for each name in sorted(unique(names)): for each value in
//   sorted(unique(values of name)): name + value))
// with names and values compared as UTF-8 bytes (the order Python and Node sort in) and the URL taken verbatim, query
// included. `params` are the form-body parameters of a POST (empty for GET, whose parameters are in the URL). The
// same function signs Maskline's own outgoing callbacks, so Twilio's validators accept them.
QByteArray compute(const QString &authToken, const QString &url, const Params &params);

// The URL forms a validator accepts for `url`: as given, with the scheme's default port added when it has none, and
// without it when it names the default port (Twilio has signed both ways). Non-default ports are kept as they are.
QStringList urlVariants(const QString &url);

// True when `signature` matches compute() for one of urlVariants(url); compared in constant time. An empty token or
// signature never validates.
bool validate(const QString &authToken, const QString &url, const Params &params, const QByteArray &signature);

// Constant-time equality (length differences are not leaked through early exit either).
bool equalConstantTime(const QByteArray &a, const QByteArray &b);

} // namespace Maskline::TwilioSignature
