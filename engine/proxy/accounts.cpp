#include "accounts.h"

#include <algorithm>

#include "core/sid.h"
#include "proxy_p.h"
#include "store/accountstable.h"
#include "store/apikeys.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

bool secretsEqual(QStringView expected, QStringView presented)
{
    // Constant time in the secret: every character presented is compared (against the expected one at its place, or
    // its first past the end), and the work follows only the presented length, which the caller knows anyway.
    const qsizetype n = expected.size();
    unsigned diff = n == presented.size() ? 0u : 1u;
    for (qsizetype i = 0; i < presented.size(); ++i) {
        const qsizetype at = i < n ? i : 0;
        const char16_t want = n > 0 ? expected[at].unicode() : char16_t(0xffff);
        diff |= unsigned(presented[i].unicode() ^ want);
    }
    return diff == 0;
}

namespace {

// Constant-time equality of two hex digests (a length difference counts as a difference, after the same work).
bool digestsEqual(const QByteArray &a, const QByteArray &b)
{
    const qsizetype n = std::max(a.size(), b.size());
    unsigned char diff = a.size() == b.size() ? 0 : 1;
    for (qsizetype i = 0; i < n; ++i) {
        const char x = i < a.size() ? a.at(i) : '\0';
        const char y = i < b.size() ? b.at(i) : '\0';
        diff |= static_cast<unsigned char>(x ^ y);
    }
    return diff == 0;
}

// Twilio: "FriendlyNames must be between 1 and 64 characters long" (20002). Empty means none.
Status checkKeyFriendlyName(const QString &name)
{
    if (name.size() > Proxy::MAX_KEY_FRIENDLY_NAME) {
        return ApiError::make(20002, 400,
                              u"Invalid FriendlyName: at most %1 characters"_s.arg(Proxy::MAX_KEY_FRIENDLY_NAME));
    }
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control) {
            return ApiError::make(20002, 400, u"Invalid FriendlyName: control characters are not allowed"_s);
        }
    }
    return Ok{};
}

ApiError keyNotFound(const QString &accountSid, const QString &sid)
{
    return ApiError::notFound(u"/2010-04-01/Accounts/%1/Keys/%2.json"_s.arg(accountSid, sid));
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
        if (AccountsTable::bySid(txn.db(), newSid.toLower())) {
            return ApiError::make(20409, 409, u"Account %1 already exists"_s.arg(newSid));
        }
        const qint64 now = m_clock.nowMs();
        AccountsTable::insert(txn.db(), newSid, token, friendlyName, now);
        auto account = AccountsTable::bySid(txn.db(), newSid);
        txn.changed(Change::Kind::Account, Change::Op::Added, newSid);
        txn.commit();
        return *account;
    });
}

Result<QList<Account>> Proxy::listAccounts()
{
    return guarded([&]() -> Result<QList<Account>> { return AccountsTable::all(m_db.connection()); });
}

Result<Account> Proxy::fetchAccount(const QString &sid)
{
    return guarded([&]() -> Result<Account> {
        auto account = AccountsTable::bySid(m_db.connection(), sid);
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
    auto account = AccountsTable::bySid(m_db.connection(), sid);
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

std::optional<ApiKeyCredential> Proxy::cachedKey(const QString &sid)
{
    constexpr qint64 KEY_CACHE_MS = 1000; // as ACCOUNT_CACHE_MS: another process's delete counts within a second
    {
        const QMutexLocker locker(&m_accountsMutex);
        if (!m_sinceStart.isValid()) {
            m_sinceStart.start();
        }
        const auto it = m_keys.constFind(sid);
        if (it != m_keys.cend() && m_sinceStart.elapsed() - it->readAtMs < KEY_CACHE_MS) {
            return it->credential;
        }
    }
    auto credential = ApiKeys::credential(m_db.connection(), sid);
    const QMutexLocker locker(&m_accountsMutex);
    if (credential) {
        if (m_keys.size() > 10000) {
            m_keys.clear(); // bounded: a flood of distinct SIDs cannot grow it
        }
        m_keys.insert(sid, {*credential, m_sinceStart.elapsed()});
    } else {
        m_keys.remove(sid);
    }
    return credential;
}

void Proxy::forgetAccounts()
{
    const QMutexLocker locker(&m_accountsMutex);
    m_accounts.clear();
    m_keys.clear();
}

void Proxy::forgetKey(const QString &sid)
{
    const QMutexLocker locker(&m_accountsMutex);
    m_keys.remove(sid);
}

Result<Account> Proxy::authenticate(const QString &sid, const QString &authToken)
{
    return guarded([&]() -> Result<Account> {
        if (sid.startsWith(Sid::API_KEY)) {
            const auto key = Sid::isValid(sid, Sid::API_KEY) ? cachedKey(sid) : std::nullopt;
            // Hash and compare even for an unknown key, so timing says nothing about which keys exist.
            static const QByteArray NO_SALT(32, '0');
            const QByteArray hash = ApiKeys::hashSecret(key ? key->salt : NO_SALT, authToken);
            const bool match = digestsEqual(hash, key ? key->secretHash : QByteArray(64, '0'));
            if (!key || !match) {
                return ApiError::unauthorized();
            }
            // The account as it is now: its settings apply, and rotating its auth token leaves its keys working.
            const auto account = cachedAccount(key->accountSid);
            if (!account) {
                return ApiError::unauthorized();
            }
            return *account;
        }
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
        auto account = AccountsTable::bySid(txn.db(), sid);
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
        AccountsTable::updateSettings(txn.db(), a, m_clock.nowMs());
        txn.changed(Change::Kind::Account, Change::Op::Updated, sid);
        txn.commit();
        return *AccountsTable::bySid(m_db.connection(), sid);
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

Result<NewApiKey> Proxy::createApiKey(const QString &accountSid, const QString &friendlyName)
{
    if (const Status name = checkKeyFriendlyName(friendlyName); !name) {
        return name.error();
    }
    return guarded([&]() -> Result<NewApiKey> {
        ProxyTxn txn(*this);
        if (!AccountsTable::bySid(txn.db(), accountSid)) {
            return ApiError::notFound(u"/2010-04-01/Accounts/%1.json"_s.arg(accountSid));
        }
        NewApiKey created;
        created.key.sid = Sid::generate(Sid::API_KEY);
        created.key.accountSid = accountSid;
        created.key.friendlyName = friendlyName;
        // Stored at second precision: what the JSON shows (RFC 2822 has no fractions) is what a fetch compares.
        const QDateTime now = Time::fromMs(m_clock.nowMs() / 1000 * 1000);
        created.key.dateCreated = now;
        created.key.dateUpdated = now;
        created.secret = Sid::generateKeySecret();
        const QByteArray salt = ApiKeys::newSalt();
        ApiKeys::insert(txn.db(), created.key, salt, ApiKeys::hashSecret(salt, created.secret));
        created.key.id = idOfSid(txn.db(), u"api_keys"_s, created.key.sid);
        txn.commit();
        qCInfo(lcProxy).noquote() << "API key" << created.key.sid << "created for account" << accountSid;
        return created;
    });
}

Result<ApiKey> Proxy::fetchApiKey(const QString &accountSid, const QString &sid)
{
    return guarded([&]() -> Result<ApiKey> {
        const auto key = ApiKeys::find(m_db.connection(), accountSid, sid);
        if (!key) {
            return keyNotFound(accountSid, sid);
        }
        return *key;
    });
}

Result<ApiKey> Proxy::updateApiKey(const QString &accountSid, const QString &sid, const std::optional<QString> &name)
{
    if (name) {
        if (const Status valid = checkKeyFriendlyName(*name); !valid) {
            return valid.error();
        }
    }
    return guarded([&]() -> Result<ApiKey> {
        ProxyTxn txn(*this);
        auto key = ApiKeys::find(txn.db(), accountSid, sid);
        if (!key) {
            return keyNotFound(accountSid, sid);
        }
        if (!name) {
            return *key; // nothing to change: Twilio answers with the key as it is
        }
        ApiKeys::setFriendlyName(txn.db(), accountSid, sid, *name, m_clock.nowMs() / 1000 * 1000);
        key = ApiKeys::find(txn.db(), accountSid, sid);
        txn.commit();
        return *key;
    });
}

Status Proxy::deleteApiKey(const QString &accountSid, const QString &sid)
{
    return guarded([&]() -> Status {
        ProxyTxn txn(*this);
        if (!ApiKeys::remove(txn.db(), accountSid, sid)) {
            return keyNotFound(accountSid, sid);
        }
        // From here on this engine refuses the key, before the commit and again after it (a read on another
        // thread between the two could have cached the row the commit removes).
        forgetKey(sid);
        txn.commit();
        WriteBatch::afterCommit(m_db.connection(), [this, sid] { forgetKey(sid); });
        qCInfo(lcProxy).noquote() << "API key" << sid << "of account" << accountSid << "deleted";
        return Ok{};
    });
}

Result<Page<ApiKey>> Proxy::listApiKeys(const QString &accountSid, const PageRequest &page, int offset)
{
    return guarded([&]() -> Result<Page<ApiKey>> {
        Page<ApiKey> result;
        result.items = ApiKeys::list(m_db.connection(), accountSid, page.pageSize + 1, offset, page.afterId);
        result.hasMore = result.items.size() > page.pageSize;
        if (result.hasMore) {
            result.items.removeLast();
        }
        return result;
    });
}

} // namespace Maskline
