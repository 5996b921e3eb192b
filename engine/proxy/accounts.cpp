#include "accounts.h"

#include <QCryptographicHash>

#include "core/sid.h"
#include "proxy_p.h"
#include "rows.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

bool secretsEqual(const QString &a, const QString &b)
{
    const QByteArray ha = QCryptographicHash::hash(a.toUtf8(), QCryptographicHash::Sha256);
    const QByteArray hb = QCryptographicHash::hash(b.toUtf8(), QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < ha.size(); ++i) {
        diff |= static_cast<unsigned char>(ha[i] ^ hb[i]);
    }
    return diff == 0;
}

namespace {

std::optional<Account> findAccount(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::ACCOUNT_COLUMNS + u" FROM accounts WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::account(q);
}

} // namespace

Result<Account> Proxy::createAccount(const QString &sid, const QString &authToken, const QString &friendlyName)
{
    forgetAccounts(); // credentials and settings are read again after this change
    return guarded([&]() -> Result<Account> {
        const QString newSid = sid.isEmpty() ? Sid::generate(Sid::ACCOUNT) : sid;
        if (!Sid::isValid(newSid, Sid::ACCOUNT)) {
            return ApiError::invalidParameter(u"AccountSid"_s, u"an account SID is AC followed by 32 hex digits"_s);
        }
        const QString token = authToken.isEmpty() ? Sid::generateToken() : authToken;
        if (token.size() < 16) {
            return ApiError::invalidParameter(u"AuthToken"_s, u"an auth token needs at least 16 characters"_s);
        }
        ProxyTxn txn(*this);
        if (findAccount(txn.db(), newSid.toLower())) {
            return ApiError::make(20409, 409, u"Account %1 already exists"_s.arg(newSid));
        }
        const qint64 now = m_clock.nowMs();
        SqlQuery(txn.db(), u"INSERT INTO accounts (sid, auth_token, friendly_name, date_created, date_updated) "
                           u"VALUES (:sid, :token, :name, :now, :now2)"_s)
            .bind(u":sid"_s, newSid)
            .bind(u":token"_s, token)
            .bind(u":name"_s, nullIfEmpty(friendlyName))
            .bind(u":now"_s, now)
            .bind(u":now2"_s, now)
            .exec();
        auto account = findAccount(txn.db(), newSid);
        txn.changed(Change::Kind::Account, Change::Op::Added, newSid);
        txn.commit();
        return *account;
    });
}

Result<QList<Account>> Proxy::listAccounts()
{
    return guarded([&]() -> Result<QList<Account>> {
        SqlQuery q(m_db.connection(), u"SELECT "_s + Rows::ACCOUNT_COLUMNS + u" FROM accounts ORDER BY id"_s);
        q.exec();
        QList<Account> accounts;
        while (q.next()) {
            accounts.append(Rows::account(q));
        }
        return accounts;
    });
}

Result<Account> Proxy::fetchAccount(const QString &sid)
{
    return guarded([&]() -> Result<Account> {
        auto account = findAccount(m_db.connection(), sid);
        if (!account) {
            return ApiError::notFound(u"/Accounts/"_s + sid);
        }
        return *account;
    });
}

std::optional<Account> Proxy::cachedAccount(const QString &sid)
{
    constexpr qint64 ACCOUNT_CACHE_MS = 1000;
    {
        const QMutexLocker locker(&m_accountsMutex);
        if (!m_sinceStart.isValid()) {
            m_sinceStart.start();
        }
        const auto it = m_accounts.constFind(sid);
        if (it != m_accounts.cend() && m_sinceStart.elapsed() - it->readAtMs < ACCOUNT_CACHE_MS) {
            return it->account;
        }
    }
    auto account = findAccount(m_db.connection(), sid);
    const QMutexLocker locker(&m_accountsMutex);
    if (account) {
        if (m_accounts.size() > 10000) {
            m_accounts.clear(); // bounded: a flood of distinct SIDs cannot grow it
        }
        m_accounts.insert(sid, {*account, m_sinceStart.elapsed()});
    } else {
        m_accounts.remove(sid);
    }
    return account;
}

void Proxy::forgetAccounts()
{
    const QMutexLocker locker(&m_accountsMutex);
    m_accounts.clear();
}

Result<Account> Proxy::authenticate(const QString &sid, const QString &authToken)
{
    return guarded([&]() -> Result<Account> {
        const auto account = Sid::isValid(sid, Sid::ACCOUNT) ? cachedAccount(sid) : std::nullopt;
        // Compare against something even when the SID is unknown, so timing says nothing about which SIDs exist.
        const bool match = secretsEqual(account ? account->authToken : u"-no-such-account-"_s, authToken);
        if (!account || !match) {
            return ApiError::unauthorized();
        }
        return *account;
    });
}

Result<Account> Proxy::updateAccountSettings(const QString &sid, const AccountSettings &settings)
{
    forgetAccounts(); // credentials and settings are read again after this change
    return guarded([&]() -> Result<Account> {
        ProxyTxn txn(*this);
        auto account = findAccount(txn.db(), sid);
        if (!account) {
            return ApiError::notFound(u"/Accounts/"_s + sid);
        }
        Account a = *account;
        if (settings.allowParticipantConflict) {
            a.allowParticipantConflict = *settings.allowParticipantConflict;
        }
        if (settings.respectSmsStopFilter) {
            a.respectSmsStopFilter = *settings.respectSmsStopFilter;
        }
        if (settings.smsStopFiltering) {
            a.smsStopFiltering = *settings.smsStopFiltering;
        }
        if (settings.friendlyName) {
            a.friendlyName = *settings.friendlyName;
        }
        SqlQuery(txn.db(), u"UPDATE accounts SET allow_participant_conflict = :apc, respect_sms_stop_filter = :rss, "
                           u"sms_stop_filtering = :ssf, friendly_name = :name, date_updated = :now WHERE sid = :sid"_s)
            .bind(u":apc"_s, int(a.allowParticipantConflict))
            .bind(u":rss"_s, int(a.respectSmsStopFilter))
            .bind(u":ssf"_s, int(a.smsStopFiltering))
            .bind(u":name"_s, nullIfEmpty(a.friendlyName))
            .bind(u":now"_s, m_clock.nowMs())
            .bind(u":sid"_s, sid)
            .exec();
        txn.changed(Change::Kind::Account, Change::Op::Updated, sid);
        txn.commit();
        return *findAccount(m_db.connection(), sid);
    });
}

Result<Account> Proxy::ensureAccount(const QString &sid, const QString &authToken)
{
    forgetAccounts(); // credentials and settings are read again after this change
    if (!sid.isEmpty()) {
        auto existing = fetchAccount(sid);
        if (existing) {
            if (!authToken.isEmpty() && !secretsEqual(existing->authToken, authToken)) {
                return ApiError::make(20003, 401,
                                      u"Account %1 exists in this store with a different auth token"_s.arg(sid));
            }
            return existing;
        }
        return createAccount(sid, authToken);
    }
    auto accounts = listAccounts();
    if (!accounts) {
        return accounts.error();
    }
    if (!accounts->isEmpty()) {
        return accounts->constFirst();
    }
    return createAccount();
}

} // namespace Maskline
