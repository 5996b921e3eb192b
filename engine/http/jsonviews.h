#pragma once

#include <optional>

#include <QByteArray>
#include <QList>
#include <QString>

#include "debugger/debugger.h"
#include "store/records.h"

namespace Maskline {

struct ApiError;

// Absolute resource paths under the public base URL (reference §3: `url` and `links` are absolute).
namespace ApiPaths {
QString services();
QString service(const QString &serviceSid);
QString phoneNumbers(const QString &serviceSid);
QString phoneNumber(const QString &serviceSid, const QString &sid);
QString sessions(const QString &serviceSid);
QString session(const QString &serviceSid, const QString &sid);
QString participants(const QString &serviceSid, const QString &sessionSid);
QString participant(const QString &serviceSid, const QString &sessionSid, const QString &sid);
QString interactions(const QString &serviceSid, const QString &sessionSid);
QString interaction(const QString &serviceSid, const QString &sessionSid, const QString &sid);
QString messageInteractions(const QString &serviceSid, const QString &sessionSid, const QString &participantSid);
QString messageInteraction(const QString &serviceSid, const QString &sessionSid, const QString &participantSid,
                           const QString &sid);
QString debuggerEvents();
} // namespace ApiPaths

// Resource -> the JSON text (compact, UTF-8) of its OpenAPI schema (twilio_proxy_v1.json): snake_case, every property
// present, null where the value is unknown, dates as ISO 8601 UTC without fractions, `url`/`links` absolute from
// baseUrl (no trailing slash, e.g. "https://proxy.example.com").
namespace JsonViews {

QByteArray service(const Service &s, const QString &baseUrl);
QByteArray phoneNumber(const PhoneNumber &n, const QString &baseUrl);
QByteArray session(const Session &s, const QString &baseUrl);
QByteArray participant(const Participant &p, const QString &baseUrl);
QByteArray interaction(const Interaction &i, const QString &baseUrl);
QByteArray messageInteraction(const Interaction &i, const QString &baseUrl);

// A debugger event shaped like Twilio's Monitor Alert where it fits (a Maskline extension).
QByteArray debuggerEvent(const DebuggerEvent &e, const QString &baseUrl);

// Twilio's error body {code, message, more_info, status}.
QByteArray error(const ApiError &e);

// The `meta` object of a list page. `path` is the list's path ("/v1/Services"); nextToken is the cursor for the next
// page, std::nullopt on the last one.
struct ListMeta
{
    QString key;
    QString path;
    int page = 0;
    int pageSize = 50;
    QString pageToken;   // the token this page was asked with (echoed in `url`)
    QString filterQuery; // already-encoded "&Name=value…" a filtered list carries into every page URL
    std::optional<QString> nextToken;
    std::optional<QString> previousToken; // the cursor for the page before; std::nullopt on the first one
};
QByteArray meta(const ListMeta &m, const QString &baseUrl);
// A list page: {"<key>": [items…], "meta": {…}}.
QByteArray listPage(const QString &key, const QList<QByteArray> &items, const QByteArray &meta);

} // namespace JsonViews

} // namespace Maskline
