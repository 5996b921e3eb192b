// The Proxy domain: Services (reference §3.1).

#include <QUrl>

#include "core/callbacktarget.h"
#include "core/sid.h"
#include "proxy.h"
#include "proxy_p.h"
#include "store/servicestable.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace ProxyInternal;

namespace {

// Services created before this date insert Mexico's mobile '1' (changelog 2020-11-11).
const QDateTime MEXICO_ONE_CUTOFF(QDate(2020, 10, 5), QTime(0, 0), Qt::UTC);
const QStringList GEO_MATCH_LEVELS{u"country"_s, u"area-code"_s, u"extended-area-code"_s, u"overlay"_s, u"radius"_s};
const QStringList NUMBER_CHOICE_BEHAVIORS{u"prefer-sticky"_s, u"avoid-sticky"_s};

Status validateCallbackUrl(const QString &param, const QString &url, const QStringList &ownBases, bool publicOnly)
{
    if (url.isEmpty()) {
        return Ok{};
    }
    if (url.size() > Proxy::MAX_CALLBACK_URL) {
        return ApiError::invalidParameter(param, u"a callback URL may be at most 4000 characters"_s);
    }
    const QUrl parsed(url, QUrl::StrictMode);
    const QString scheme = parsed.scheme().toLower();
    if (!parsed.isValid() || (scheme != u"http"_s && scheme != u"https"_s) || parsed.host().isEmpty()) {
        return ApiError::invalidParameter(param, u"'%1' is not an absolute http or https URL"_s.arg(url));
    }
    // Addresses and ports, not spellings (core/callbacktarget.h).
    if (const QString why = CallbackTarget::refusal(parsed, ownBases, publicOnly); !why.isEmpty()) {
        return ApiError::invalidParameter(param, u"'%1' %2"_s.arg(url, why));
    }
    return Ok{};
}

} // namespace

Result<Service> Proxy::createService(const QString &accountSid, const ServiceParams &params)
{
    return guarded([&]() -> Result<Service> {
        if (!params.uniqueName) {
            return ApiError::invalidParameter(u"UniqueName"_s, u"is required to create a Service"_s);
        }
        Service s;
        s.sid = Sid::generate(Sid::SERVICE);
        s.accountSid = accountSid;
        s.uniqueName = *params.uniqueName;
        s.defaultTtl = params.defaultTtl.value_or(0);
        s.callbackUrl = params.callbackUrl.value_or(QString());
        s.interceptCallbackUrl = params.interceptCallbackUrl.value_or(QString());
        s.outOfSessionCallbackUrl = params.outOfSessionCallbackUrl.value_or(QString());
        s.geoMatchLevel = params.geoMatchLevel.value_or(u"country"_s);
        s.numberSelectionBehavior = params.numberSelectionBehavior.value_or(u"prefer-sticky"_s);
        s.chatInstanceSid = params.chatInstanceSid.value_or(QString());
        s.dateCreated = s.dateUpdated = m_clock.now();
        s.mxInsertOne = params.mxInsertOne.value_or(s.dateCreated < MEXICO_ONE_CUTOFF);
        s.arInsertNine = params.arInsertNine.value_or(false);

        ProxyTxn txn(*this);
        if (auto st = validateService(txn.db(), s); !st) {
            return st.error();
        }
        ServicesTable::write(txn.db(), s);
        auto stored = ServicesTable::inAccount(txn.db(), accountSid, s.sid);
        txn.changed(Change::Kind::Service, Change::Op::Added, s.sid);
        txn.commit();
        return *stored;
    });
}

Status Proxy::validateService(const QSqlDatabase &db, const Service &s)
{
    if (auto st = validateUniqueName(u"UniqueName"_s, s.uniqueName); !st) {
        return st;
    }
    if (auto st = validateTtl(u"DefaultTtl"_s, s.defaultTtl); !st) {
        return st;
    }
    if (!GEO_MATCH_LEVELS.contains(s.geoMatchLevel)) {
        return ApiError::invalidParameter(u"GeoMatchLevel"_s, u"must be one of %1"_s.arg(GEO_MATCH_LEVELS.join(u", ")));
    }
    if (!NUMBER_CHOICE_BEHAVIORS.contains(s.numberSelectionBehavior)) {
        return ApiError::invalidParameter(u"NumberSelectionBehavior"_s,
                                          u"must be one of %1"_s.arg(NUMBER_CHOICE_BEHAVIORS.join(u", ")));
    }
    if (!s.chatInstanceSid.isEmpty() && !Sid::isValid(s.chatInstanceSid, u"IS")) {
        return ApiError::invalidParameter(u"ChatInstanceSid"_s, u"must be IS followed by 32 hex digits"_s);
    }
    const std::pair<QString, QString> urls[] = {{u"CallbackUrl"_s, s.callbackUrl},
                                                {u"InterceptCallbackUrl"_s, s.interceptCallbackUrl},
                                                {u"OutOfSessionCallbackUrl"_s, s.outOfSessionCallbackUrl}};
    for (const auto &[param, url] : urls) {
        if (auto st = validateCallbackUrl(param, url, m_ownBaseUrls, m_publicCallbackTargetsOnly); !st) {
            return st;
        }
    }
    if (ServicesTable::uniqueNameTaken(db, s.accountSid, s.uniqueName, s.sid)) {
        return ApiError::make(80602, 400,
                              u"Service UniqueName must be unique: another Service of this account is already named "
                              u"'%1'"_s.arg(s.uniqueName));
    }
    return Ok{};
}

Result<Service> Proxy::fetchService(const QString &accountSid, const QString &sidOrUniqueName)
{
    return guarded([&]() -> Result<Service> {
        const QSqlDatabase db = m_db.connection();
        if (Sid::isValid(sidOrUniqueName, Sid::SERVICE)) {
            if (auto s = ServicesTable::inAccount(db, accountSid, sidOrUniqueName)) {
                return *s;
            }
        }
        if (auto s = ServicesTable::byUniqueName(db, accountSid, sidOrUniqueName)) {
            return *s;
        }
        return notFound(servicePath(sidOrUniqueName));
    });
}

Result<Service> Proxy::updateService(const QString &accountSid, const QString &sid, const ServiceParams &params)
{
    return guarded([&]() -> Result<Service> {
        ProxyTxn txn(*this);
        auto existing = ServicesTable::inAccount(txn.db(), accountSid, sid);
        if (!existing) {
            return notFound(servicePath(sid));
        }
        Service s = *existing;
        auto apply = [](auto &field, const auto &opt) {
            if (opt) {
                field = *opt;
            }
        };
        apply(s.uniqueName, params.uniqueName);
        apply(s.defaultTtl, params.defaultTtl);
        apply(s.callbackUrl, params.callbackUrl);
        apply(s.interceptCallbackUrl, params.interceptCallbackUrl);
        apply(s.outOfSessionCallbackUrl, params.outOfSessionCallbackUrl);
        apply(s.geoMatchLevel, params.geoMatchLevel);
        apply(s.numberSelectionBehavior, params.numberSelectionBehavior);
        apply(s.chatInstanceSid, params.chatInstanceSid);
        apply(s.mxInsertOne, params.mxInsertOne);
        apply(s.arInsertNine, params.arInsertNine);
        if (auto st = validateService(txn.db(), s); !st) {
            return st.error();
        }
        ServicesTable::update(txn.db(), s, m_clock.nowMs());
        auto stored = ServicesTable::inAccount(txn.db(), accountSid, sid);
        txn.changed(Change::Kind::Service, Change::Op::Updated, sid);
        txn.commit();
        return *stored;
    });
}

Status Proxy::deleteService(const QString &accountSid, const QString &sid)
{
    return guarded([&]() -> Status {
        ProxyTxn txn(*this);
        if (!ServicesTable::inAccount(txn.db(), accountSid, sid)) {
            return notFound(servicePath(sid));
        }
        // Foreign keys cascade to numbers, sessions, participants and interactions. The pool's numbers are released:
        // the unique phone_number column lets another Service add them at once; so is the unique name.
        ServicesTable::remove(txn.db(), sid);
        txn.changed(Change::Kind::Service, Change::Op::Removed, sid);
        txn.commit();
        return Ok{};
    });
}

Result<Page<Service>> Proxy::listServices(const QString &accountSid, const PageRequest &page)
{
    return guarded([&]() -> Result<Page<Service>> {
        return ServicesTable::page(m_db.connection(), accountSid, page, Proxy::MAX_PAGE_SIZE);
    });
}

} // namespace Maskline
