#pragma once

#include <optional>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Maskline {

// An API key of an account (Twilio's 2010-04-01 Keys resource). The secret itself is never stored: only a random
// salt and HMAC-SHA256(salt, secret), both hex (docs/decisions.md, "API keys").
struct ApiKey
{
    qint64 id = 0;
    QString sid; // SK…
    QString accountSid;
    QString friendlyName; // empty = null
    QDateTime dateCreated;
    QDateTime dateUpdated;
};

// What create returns: the key and its secret, the only time the secret is seen.
struct NewApiKey
{
    ApiKey key;
    QString secret;
};

// What checking a secret needs, and nothing a listing shows.
struct ApiKeyCredential
{
    QString accountSid;
    QByteArray salt;       // hex
    QByteArray secretHash; // hex of HMAC-SHA256(salt bytes, secret UTF-8)
};

// The api_keys table (migration 7): every statement on it, prepared, with named placeholders. Each call throws
// StoreError on a failed statement; the domain (engine/proxy/accounts.cpp) catches it at its boundary.
namespace ApiKeys {

QByteArray newSalt();                                                    // 16 random bytes, hex
QByteArray hashSecret(const QByteArray &saltHex, const QString &secret); // hex

void insert(const QSqlDatabase &db, const ApiKey &key, const QByteArray &saltHex, const QByteArray &secretHashHex);
std::optional<ApiKey> find(const QSqlDatabase &db, const QString &accountSid, const QString &sid);
std::optional<ApiKeyCredential> credential(const QSqlDatabase &db, const QString &sid);
// Newest first: `limit` keys after skipping `offset`, or (afterId set) those with a smaller id than afterId.
QList<ApiKey> list(const QSqlDatabase &db, const QString &accountSid, int limit, int offset,
                   std::optional<qint64> afterId = std::nullopt);
// False when the account has no such key.
bool setFriendlyName(const QSqlDatabase &db, const QString &accountSid, const QString &sid, const QString &friendlyName,
                     qint64 nowMs);
bool remove(const QSqlDatabase &db, const QString &accountSid, const QString &sid);

} // namespace ApiKeys

} // namespace Maskline
