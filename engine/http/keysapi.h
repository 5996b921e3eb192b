#pragma once

#include <QDateTime>
#include <QString>

#include "httpmessage.h"

namespace Maskline {

class Proxy;
struct ApiKey;

// Twilio's 2010-04-01 Keys resource (docs/api.md, "API keys"), wire-compatible with the official clients:
//   /2010-04-01/Accounts/{AccountSid}/Keys.json        GET list, POST create (the only answer carrying `secret`)
//   /2010-04-01/Accounts/{AccountSid}/Keys/{Sid}.json  GET fetch, POST update (FriendlyName), DELETE
// The server has authenticated the caller; each handler then lets only that account's auth token through: an API key
// asking is refused as Twilio refuses a Standard key (401, 20003), and another account's path is "not found" exactly
// like a key that does not exist.
class KeysApi final
{
public:
    explicit KeysApi(Proxy &proxy);
    KeysApi(const KeysApi &) = delete;
    KeysApi &operator=(const KeysApi &) = delete;

    HttpReply list(const HttpRequest &r);
    HttpReply create(const HttpRequest &r);
    HttpReply fetch(const HttpRequest &r);
    HttpReply update(const HttpRequest &r);
    HttpReply remove(const HttpRequest &r);

    // "Mon, 16 Aug 2010 03:45:01 +0000": how the 2010-04-01 API writes dates (RFC 2822, GMT).
    static QString rfc2822(const QDateTime &t);
    // PageToken of the 2010 list: "PA" + the last key's row id on the previous page.
    static QString encodePageToken(qint64 lastId);
    static std::optional<qint64> decodePageToken(const QString &token);

private:
    Proxy &m_proxy;
};

} // namespace Maskline
