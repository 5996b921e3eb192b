#include "apikeys.h"

#include <array>

#include <QCryptographicHash>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include "core/clock.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::ApiKeys {

namespace {

const QString COLUMNS = u"id, sid, account_sid, friendly_name, date_created, date_updated"_s;

ApiKey readKey(const SqlQuery &q)
{
    ApiKey key;
    key.id = q.value(0).toLongLong();
    key.sid = q.value(1).toString();
    key.accountSid = q.value(2).toString();
    key.friendlyName = q.value(3).toString();
    key.dateCreated = Time::fromMs(q.value(4).toLongLong());
    key.dateUpdated = Time::fromMs(q.value(5).toLongLong());
    return key;
}

} // namespace

QByteArray newSalt()
{
    std::array<quint32, 4> words{};
    QRandomGenerator::system()->fillRange(words.data(), words.size());
    return QByteArray(reinterpret_cast<const char *>(words.data()), sizeof(words)).toHex();
}

QByteArray hashSecret(const QByteArray &saltHex, const QString &secret)
{
    return QMessageAuthenticationCode::hash(secret.toUtf8(), QByteArray::fromHex(saltHex), QCryptographicHash::Sha256)
        .toHex();
}

void insert(const QSqlDatabase &db, const ApiKey &key, const QByteArray &saltHex, const QByteArray &secretHashHex)
{
    SqlQuery(db, u"INSERT INTO api_keys (sid, account_sid, friendly_name, salt, secret_hash, date_created, "
                 u"date_updated) VALUES (:sid, :account, :name, :salt, :hash, :created, :updated)"_s)
        .bind(u":sid"_s, key.sid)
        .bind(u":account"_s, key.accountSid)
        .bind(u":name"_s, nullIfEmpty(key.friendlyName))
        .bind(u":salt"_s, QString::fromLatin1(saltHex))
        .bind(u":hash"_s, QString::fromLatin1(secretHashHex))
        .bind(u":created"_s, key.dateCreated.toMSecsSinceEpoch())
        .bind(u":updated"_s, key.dateUpdated.toMSecsSinceEpoch())
        .exec();
}

std::optional<ApiKey> find(const QSqlDatabase &db, const QString &accountSid, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + COLUMNS + u" FROM api_keys WHERE sid = :sid AND account_sid = :account"_s);
    q.bind(u":sid"_s, sid).bind(u":account"_s, accountSid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return readKey(q);
}

std::optional<ApiKeyCredential> credential(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT account_sid, salt, secret_hash FROM api_keys WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return ApiKeyCredential{q.value(0).toString(), q.value(1).toString().toLatin1(), q.value(2).toString().toLatin1()};
}

QList<ApiKey> list(const QSqlDatabase &db, const QString &accountSid, int limit, int offset,
                   std::optional<qint64> afterId)
{
    QList<ApiKey> keys;
    if (afterId) {
        SqlQuery q(db,
                   u"SELECT "_s + COLUMNS +
                       u" FROM api_keys WHERE account_sid = :account AND id < :after ORDER BY id DESC LIMIT :limit"_s);
        q.bind(u":account"_s, accountSid).bind(u":after"_s, *afterId).bind(u":limit"_s, limit).exec();
        while (q.next()) {
            keys.append(readKey(q));
        }
        return keys;
    }
    SqlQuery q(db, u"SELECT "_s + COLUMNS +
                       u" FROM api_keys WHERE account_sid = :account ORDER BY id DESC LIMIT :limit OFFSET :offset"_s);
    q.bind(u":account"_s, accountSid).bind(u":limit"_s, limit).bind(u":offset"_s, offset).exec();
    while (q.next()) {
        keys.append(readKey(q));
    }
    return keys;
}

bool setFriendlyName(const QSqlDatabase &db, const QString &accountSid, const QString &sid, const QString &friendlyName,
                     qint64 nowMs)
{
    SqlQuery q(db, u"UPDATE api_keys SET friendly_name = :name, date_updated = :now WHERE sid = :sid AND "
                   u"account_sid = :account"_s);
    q.bind(u":name"_s, nullIfEmpty(friendlyName))
        .bind(u":now"_s, nowMs)
        .bind(u":sid"_s, sid)
        .bind(u":account"_s, accountSid)
        .exec();
    return q.numRowsAffected() == 1;
}

bool remove(const QSqlDatabase &db, const QString &accountSid, const QString &sid)
{
    SqlQuery q(db, u"DELETE FROM api_keys WHERE sid = :sid AND account_sid = :account"_s);
    q.bind(u":sid"_s, sid).bind(u":account"_s, accountSid).exec();
    return q.numRowsAffected() == 1;
}

} // namespace Maskline::ApiKeys
