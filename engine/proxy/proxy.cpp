#include "proxy.h"

#include <algorithm>

#include <QMap>
#include <QSet>
#include <QUrl>

#include "core/callbacktarget.h"
#include "core/channeladdress.h"
#include "core/phonenumbers.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "numberselector.h"
#include "proxy_p.h"
#include "store/interactionstable.h"
#include "store/listpage.h"
#include "store/numberstable.h"
#include "store/participantstable.h"
#include "store/rows.h"
#include "store/servicestable.h"
#include "store/sessionstable.h"

Q_LOGGING_CATEGORY(lcProxy, "maskline.proxy", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

constexpr qint64 MAX_TTL = 2147483647; // reference §10: 0 <= ttl < 2^31-1
// Services created before this date insert Mexico's mobile '1' (changelog 2020-11-11).
const QDateTime MEXICO_ONE_CUTOFF(QDate(2020, 10, 5), QTime(0, 0), Qt::UTC);
const QStringList GEO_MATCH_LEVELS{u"country"_s, u"area-code"_s, u"extended-area-code"_s, u"overlay"_s, u"radius"_s};
const QStringList SELECTION_BEHAVIORS{u"prefer-sticky"_s, u"avoid-sticky"_s};
const QStringList SESSION_MODES{SessionMode::MESSAGE_ONLY, SessionMode::VOICE_ONLY, SessionMode::VOICE_AND_MESSAGE};
const QStringList SESSION_STATUSES{SessionStatus::OPEN, SessionStatus::IN_PROGRESS, SessionStatus::CLOSED,
                                   SessionStatus::FAILED, SessionStatus::UNKNOWN};
const QString ACTIVE_STATUSES_SQL = u"('open', 'in-progress')"_s;

ApiError notFound(const QString &path)
{
    return ApiError::notFound(path);
}

QString servicePath(const QString &serviceSid)
{
    return u"/Services/"_s + serviceSid;
}

QString sessionPath(const QString &serviceSid, const QString &sessionSid)
{
    return servicePath(serviceSid) + u"/Sessions/"_s + sessionSid;
}

// Nodes sharing PostgreSQL change one session one at a time: the session's row is locked (until the commit) before its
// state is read, so two nodes closing or changing the same session (an expiry on one, a REST call on another) never
// both apply their difference to in_use. SQLite has one writer, so there it is not needed.
void lockSessionRow(const QSqlDatabase &db, const QString &sessionSid)
{
    if (db.driverName() == QLatin1String("QPSQL")) {
        SqlQuery(db, u"SELECT 1 FROM sessions WHERE sid = :s FOR UPDATE"_s).bind(u":s"_s, sessionSid).exec();
    }
}

// in_use is the number of active sessions holding the number. It moves with each change to one session, by the
// difference between the numbers that session held before and after the change, inside the same transaction, so it
// stays exact without recounting every participant on the number (a cost that grew with the number of sessions).
// Proxy::recountInUse() checks it against a full recount.
class InUseDelta final
{
public:
    InUseDelta(const QSqlDatabase &db, const QString &sessionSid)
        : m_db(db)
        , m_sessionSid(sessionSid)
    {
        lockSessionRow(m_db, m_sessionSid);
        m_before = held();
    }

    // The numbers whose in_use changed.
    QSet<QString> apply()
    {
        const QSet<QString> after = held();
        QMap<QString, int> steps; // by SID: every writer updates numbers in the same order, so nodes never deadlock
        for (const QString &sid : std::as_const(m_before)) {
            if (!after.contains(sid)) {
                steps.insert(sid, -1);
            }
        }
        for (const QString &sid : after) {
            if (!m_before.contains(sid)) {
                steps.insert(sid, +1);
            }
        }
        QSet<QString> moved;
        for (auto it = steps.cbegin(); it != steps.cend(); ++it) {
            step(it.key(), it.value());
            moved.insert(it.key());
        }
        return moved;
    }

private:
    // The pool numbers the session holds: those of its participants that are not deleted, while it is active.
    QSet<QString> held() const
    {
        SqlQuery q(m_db, u"SELECT DISTINCT p.proxy_identifier_sid FROM participants p JOIN sessions s ON s.sid = "
                         u"p.session_sid WHERE p.session_sid = :s AND p.date_deleted IS NULL AND "
                         u"p.proxy_identifier_sid IS NOT NULL AND s.status IN "_s +
                             ACTIVE_STATUSES_SQL);
        q.bind(u":s"_s, m_sessionSid).exec();
        QSet<QString> numbers;
        while (q.next()) {
            numbers.insert(q.value(0).toString());
        }
        return numbers;
    }

    void step(const QString &numberSid, int by) const
    {
        SqlQuery(m_db, u"UPDATE phone_numbers SET in_use = in_use + :by WHERE sid = :sid"_s)
            .bind(u":by"_s, by)
            .bind(u":sid"_s, numberSid)
            .exec();
    }

    QSqlDatabase m_db;
    QString m_sessionSid;
    QSet<QString> m_before;
};

// Who holds the routing key (service, identifier, proxy number) now, if anyone.
std::optional<Participant> routeHolder(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                       const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS +
                       u" FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                       u"AND routable = 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::participant(q);
}

// When a participant gives up its routing key (close, delete), a participant that lost the key to it under
// allow_participant_conflict gets it back: the most recent one still in an active session.
void restoreRoutes(const QSqlDatabase &db, const QList<Participant> &released, ProxyTxn &txn)
{
    for (const Participant &p : released) {
        const QString proxyNumber = ChannelAddress::bare(p.proxyIdentifier);
        if (routeHolder(db, p.serviceSid, p.identifier, proxyNumber)) {
            continue;
        }
        SqlQuery q(db, u"SELECT p.sid FROM participants p JOIN sessions s ON s.sid = p.session_sid WHERE "
                       u"p.service_sid = :s AND p.identifier = :i AND p.proxy_identifier = :p AND p.routable = 0 AND "
                       u"p.date_deleted IS NULL AND s.status IN "_s +
                           ACTIVE_STATUSES_SQL + u" ORDER BY p.id DESC LIMIT 1"_s);
        q.bind(u":s"_s, p.serviceSid).bind(u":i"_s, p.identifier).bind(u":p"_s, proxyNumber).exec();
        if (q.next()) {
            const QString sid = q.value(0).toString();
            SqlQuery(db, u"UPDATE participants SET routable = 1 WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
            txn.changed(Change::Kind::Participant, Change::Op::Updated, sid);
        }
    }
}

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

Status validateUniqueName(const QString &param, const QString &name)
{
    if (name.isEmpty()) {
        return ApiError::invalidParameter(param, u"must not be empty"_s);
    }
    if (name.size() > Proxy::MAX_UNIQUE_NAME) {
        return ApiError::invalidParameter(param, u"may be at most 191 characters"_s);
    }
    return Ok{};
}

Status validateTtl(const QString &param, qint64 ttl)
{
    if (ttl < 0 || ttl >= MAX_TTL) {
        return ApiError::invalidParameter(param, u"must be a whole number of seconds from 0 to 2147483646"_s);
    }
    return Ok{};
}

// Twilio's friendly name of a number: "(415) 555-0100" in North America, the E.164 form elsewhere.
QString friendlyNameFor(const QString &e164)
{
    const PhoneNumbers::Info info = PhoneNumbers::parse(e164);
    if (info.isNanp && info.nationalNumber.size() == 10) {
        const QString &n = info.nationalNumber;
        return u"(%1) %2-%3"_s.arg(n.left(3), n.mid(3, 3), n.mid(6));
    }
    return e164;
}

// The internal expiry deadline: date_expiry when set, else `ttl` seconds after the last activity.
QDateTime deadline(const QDateTime &dateExpiry, qint64 ttl, const QDateTime &lastActivity)
{
    if (dateExpiry.isValid()) {
        return dateExpiry;
    }
    if (ttl > 0) {
        return lastActivity.addSecs(ttl);
    }
    return {};
}

} // namespace

Proxy::Proxy(Database &db, const Clock &clock, Debugger *debugger, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
    , m_debugger(debugger)
{
    qRegisterMetaType<Maskline::Change>();
    qRegisterMetaType<QList<Maskline::Change>>();
}

Proxy::~Proxy() = default;

void Proxy::setOwnBaseUrls(const QStringList &urls)
{
    m_ownBaseUrls = urls;
}

// ---------------------------------------------------------------------------------------------------------------
// Services

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
        Rows::writeService(txn.db(), s);
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
    if (!SELECTION_BEHAVIORS.contains(s.numberSelectionBehavior)) {
        return ApiError::invalidParameter(u"NumberSelectionBehavior"_s,
                                          u"must be one of %1"_s.arg(SELECTION_BEHAVIORS.join(u", ")));
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
    SqlQuery q(db, u"SELECT sid FROM services WHERE account_sid = :a AND unique_name = :n AND sid <> :sid"_s);
    q.bind(u":a"_s, s.accountSid).bind(u":n"_s, s.uniqueName).bind(u":sid"_s, s.sid).exec();
    if (q.next()) {
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
        SqlQuery q(db, u"SELECT "_s + Rows::SERVICE_COLUMNS +
                           u" FROM services WHERE account_sid = :a AND unique_name = :n"_s);
        q.bind(u":a"_s, accountSid).bind(u":n"_s, sidOrUniqueName).exec();
        if (q.next()) {
            return Rows::service(q);
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
        SqlQuery(txn.db(), u"UPDATE services SET unique_name = :name, chat_instance_sid = :chat, callback_url = :cb, "
                           u"intercept_callback_url = :icb, out_of_session_callback_url = :oos, default_ttl = :ttl, "
                           u"geo_match_level = :geo, number_selection_behavior = :nsb, mx_insert_one = :mx, "
                           u"ar_insert_nine = :ar, date_updated = :u WHERE sid = :sid"_s)
            .bind(u":name"_s, s.uniqueName)
            .bind(u":chat"_s, nullIfEmpty(s.chatInstanceSid))
            .bind(u":cb"_s, nullIfEmpty(s.callbackUrl))
            .bind(u":icb"_s, nullIfEmpty(s.interceptCallbackUrl))
            .bind(u":oos"_s, nullIfEmpty(s.outOfSessionCallbackUrl))
            .bind(u":ttl"_s, s.defaultTtl)
            .bind(u":geo"_s, s.geoMatchLevel)
            .bind(u":nsb"_s, s.numberSelectionBehavior)
            .bind(u":mx"_s, int(s.mxInsertOne))
            .bind(u":ar"_s, int(s.arInsertNine))
            .bind(u":u"_s, m_clock.nowMs())
            .bind(u":sid"_s, sid)
            .exec();
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
        SqlQuery(txn.db(), u"DELETE FROM services WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
        txn.changed(Change::Kind::Service, Change::Op::Removed, sid);
        txn.commit();
        return Ok{};
    });
}

Result<Page<Service>> Proxy::listServices(const QString &accountSid, const PageRequest &page)
{
    return guarded([&]() -> Result<Page<Service>> {
        return listPage<Service>(m_db.connection(), Rows::SERVICE_COLUMNS, u"services"_s, u"account_sid = :a"_s,
                                 {{u":a"_s, accountSid}}, page, Proxy::MAX_PAGE_SIZE, &Rows::service);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Phone numbers

Result<PhoneNumber> Proxy::createPhoneNumber(const QString &accountSid, const QString &serviceSid,
                                             const PhoneNumberParams &params)
{
    return guarded([&]() -> Result<PhoneNumber> {
        ProxyTxn txn(*this);
        if (!ServicesTable::inAccount(txn.db(), accountSid, serviceSid)) {
            return notFound(servicePath(serviceSid));
        }
        if (params.sid.isEmpty() && params.phoneNumber.isEmpty()) {
            return ApiError::invalidParameter(u"PhoneNumber"_s,
                                              u"give either Sid (PN…) or PhoneNumber (E.164) of the number to add"_s);
        }
        if (!params.sid.isEmpty() && !Sid::isValid(params.sid, Sid::PHONE_NUMBER)) {
            return ApiError::make(
                80407, 400,
                u"Invalid Phone Number Sid '%1': a PN SID is PN followed by 32 hex digits"_s.arg(params.sid));
        }
        // Maskline has no separate inventory of account numbers: an account's numbers are its pool entries. A Sid
        // alone therefore names a number already in one of the account's pools; a Sid with a PhoneNumber adds the
        // number under that SID (so it can match the carrier's IncomingPhoneNumber SID).
        std::optional<PhoneNumber> bySid;
        if (!params.sid.isEmpty()) {
            bySid = NumbersTable::bySid(txn.db(), params.sid);
            if (bySid && bySid->accountSid != accountSid) {
                bySid.reset();
            }
        }
        QString e164;
        if (!params.phoneNumber.isEmpty()) {
            const PhoneNumbers::Info info = PhoneNumbers::parse(params.phoneNumber);
            if (!info.valid) {
                return ApiError::make(
                    80406, 400,
                    u"Invalid phone number '%1': give it in E.164 form, e.g. +14155550100"_s.arg(params.phoneNumber));
            }
            e164 = info.e164;
        } else if (bySid) {
            e164 = bySid->phoneNumber;
        } else {
            return ApiError::make(80301, 400,
                                  u"Phone Number SID %1 is not associated with this account; add the number with "
                                  u"PhoneNumber=+E.164"_s.arg(params.sid));
        }

        if (auto existing = NumbersTable::byPhoneNumber(txn.db(), e164)) {
            if (existing->serviceSid == serviceSid) {
                return ApiError::make(80104, 400,
                                      u"PhoneNumber %1 has already been added to Service %2"_s.arg(e164, serviceSid));
            }
            if (existing->accountSid == accountSid) {
                return ApiError::make(80101, 400,
                                      u"PhoneNumber %1 already belongs to Service %2; a phone number can be in one "
                                      u"Service at a time. Remove it there first."_s.arg(e164, existing->serviceSid));
            }
            return ApiError::make(80601, 400,
                                  u"PhoneNumber %1 is not available: it is bound to another number pool"_s.arg(e164));
        }
        if (bySid && bySid->phoneNumber != e164) {
            return ApiError::invalidParameter(u"Sid"_s,
                                              u"%1 names %2, not %3"_s.arg(params.sid, bySid->phoneNumber, e164));
        }
        const QString newSid = params.sid.isEmpty() ? Sid::generate(Sid::PHONE_NUMBER) : params.sid;
        if (NumbersTable::bySid(txn.db(), newSid)) {
            return ApiError::make(80104, 400, u"Phone number %1 is already in a pool"_s.arg(newSid));
        }
        const bool reserved = params.isReserved.value_or(false);
        if (auto st = checkPoolCapacity(txn.db(), serviceSid, reserved); !st) {
            return st.error();
        }
        const Capabilities caps = params.capabilities.value_or(Capabilities{});
        const qint64 now = m_clock.nowMs();
        const QString iso = params.isoCountry.isEmpty() ? PhoneNumbers::parse(e164).regionCode : params.isoCountry;
        const NumberWebhooks &prev = params.previousWebhooks;
        SqlQuery(txn.db(),
                 u"INSERT INTO phone_numbers (sid, account_sid, service_sid, phone_number, friendly_name, iso_country, "
                 u"cap_voice, cap_sms, cap_mms, cap_fax, is_reserved, in_use, date_created, date_updated, "
                 u"carrier_managed, prev_sms_url, prev_sms_method, prev_voice_url, prev_voice_method) VALUES "
                 u"(:sid, :a, :s, :n, :fn, :iso, :v, :sms, :mms, :fax, :r, 0, :c, :u, :cm, :psu, :psm, :pvu, :pvm)"_s)
            .bind(u":sid"_s, newSid)
            .bind(u":a"_s, accountSid)
            .bind(u":s"_s, serviceSid)
            .bind(u":n"_s, e164)
            .bind(u":fn"_s, params.friendlyName.isEmpty() ? friendlyNameFor(e164) : params.friendlyName)
            .bind(u":iso"_s, nullIfEmpty(iso))
            .bind(u":v"_s, int(caps.voice))
            .bind(u":sms"_s, int(caps.sms))
            .bind(u":mms"_s, int(caps.mms))
            .bind(u":fax"_s, int(caps.fax))
            .bind(u":r"_s, int(reserved))
            .bind(u":c"_s, now)
            .bind(u":u"_s, now)
            .bind(u":cm"_s, int(params.carrierManaged))
            .bind(u":psu"_s, nullIfEmpty(prev.smsUrl))
            .bind(u":psm"_s, nullIfEmpty(prev.smsMethod))
            .bind(u":pvu"_s, nullIfEmpty(prev.voiceUrl))
            .bind(u":pvm"_s, nullIfEmpty(prev.voiceMethod))
            .exec();
        warnPoolNearLimit(txn.db(), accountSid, serviceSid, reserved);
        auto stored = NumbersTable::bySid(txn.db(), newSid);
        txn.changed(Change::Kind::PhoneNumber, Change::Op::Added, newSid, serviceSid);
        txn.commit();
        return *stored;
    });
}

Status Proxy::checkPhoneNumberAddable(const QString &accountSid, const QString &serviceSid, const QString &e164,
                                      const QString &sid, bool reserved)
{
    return guarded([&]() -> Status {
        const QSqlDatabase db = m_db.connection();
        if (!ServicesTable::inAccount(db, accountSid, serviceSid)) {
            return notFound(servicePath(serviceSid));
        }
        if (!sid.isEmpty() && !Sid::isValid(sid, Sid::PHONE_NUMBER)) {
            return ApiError::make(
                80407, 400, u"Invalid Phone Number Sid '%1': a PN SID is PN followed by 32 hex digits"_s.arg(sid));
        }
        const auto inPool = [&](const PhoneNumber &existing, const QString &what) -> Status {
            if (existing.serviceSid == serviceSid) {
                return ApiError::make(80104, 400,
                                      u"PhoneNumber %1 has already been added to Service %2"_s.arg(what, serviceSid));
            }
            if (existing.accountSid == accountSid) {
                return ApiError::make(80101, 400,
                                      u"PhoneNumber %1 already belongs to Service %2; a phone number can be in one "
                                      u"Service at a time. Remove it there first."_s.arg(what, existing.serviceSid));
            }
            return ApiError::make(80601, 400,
                                  u"PhoneNumber %1 is not available: it is bound to another number pool"_s.arg(what));
        };
        if (!sid.isEmpty()) {
            if (auto existing = NumbersTable::bySid(db, sid)) {
                return inPool(*existing, sid);
            }
        }
        if (!e164.isEmpty()) {
            const PhoneNumbers::Info info = PhoneNumbers::parse(e164);
            if (!info.valid) {
                return ApiError::make(
                    80406, 400, u"Invalid phone number '%1': give it in E.164 form, e.g. +14155550100"_s.arg(e164));
            }
            if (auto existing = NumbersTable::byPhoneNumber(db, info.e164)) {
                return inPool(*existing, info.e164);
            }
        }
        return checkPoolCapacity(db, serviceSid, reserved);
    });
}

Result<QList<PhoneNumber>> Proxy::carrierManagedNumbers(const QString &accountSid, const QString &serviceSid)
{
    return guarded([&]() -> Result<QList<PhoneNumber>> {
        const QSqlDatabase db = m_db.connection();
        if (!ServicesTable::inAccount(db, accountSid, serviceSid)) {
            return notFound(servicePath(serviceSid));
        }
        QList<PhoneNumber> numbers;
        for (const int reserved : {0, 1}) { // phone_numbers_selectable: (service_sid, is_reserved, carrier_managed)
            SqlQuery q(db, u"SELECT "_s + Rows::PHONE_NUMBER_COLUMNS +
                               u" FROM phone_numbers WHERE service_sid = :s AND is_reserved = :r AND "
                               u"carrier_managed = 1 ORDER BY id"_s);
            q.bind(u":s"_s, serviceSid).bind(u":r"_s, reserved).exec();
            while (q.next()) {
                numbers.append(Rows::phoneNumber(q));
            }
        }
        return numbers;
    });
}

Status Proxy::checkPoolCapacity(const QSqlDatabase &db, const QString &serviceSid, bool reserved)
{
    SqlQuery q(db, u"SELECT COUNT(*) FROM phone_numbers WHERE service_sid = :s AND is_reserved = :r"_s);
    q.bind(u":s"_s, serviceSid).bind(u":r"_s, int(reserved)).exec();
    const int count = q.next() ? q.value(0).toInt() : 0;
    const int limit = reserved ? MAX_RESERVED_NUMBERS : MAX_UNRESERVED_NUMBERS;
    if (count >= limit) {
        return ApiError::make(
            80622, 400,
            u"The pool of Service %1 already has %2 %3 numbers, the maximum; a Proxy Service pool can "
            u"have up to 500 unreserved and 5000 reserved numbers"_s.arg(serviceSid)
                .arg(count)
                .arg(reserved ? u"reserved"_s : u"unreserved"_s));
    }
    return Ok{};
}

void Proxy::warnPoolNearLimit(const QSqlDatabase &db, const QString &accountSid, const QString &serviceSid,
                              bool reserved)
{
    if (!m_debugger) {
        return;
    }
    SqlQuery q(db, u"SELECT COUNT(*) FROM phone_numbers WHERE service_sid = :s AND is_reserved = :r"_s);
    q.bind(u":s"_s, serviceSid).bind(u":r"_s, int(reserved)).exec();
    const int count = q.next() ? q.value(0).toInt() : 0;
    const int limit = reserved ? MAX_RESERVED_NUMBERS : MAX_UNRESERVED_NUMBERS;
    // Raised once, when the pool crosses 85 % of its limit.
    if (count * 100 >= limit * 85 && (count - 1) * 100 < limit * 85) {
        DebuggerEvent e;
        e.code = 80624;
        e.accountSid = accountSid;
        e.serviceSid = serviceSid;
        e.resourceSid = serviceSid;
        e.message = u"The number pool of Service %1 has reached 85%% of its limit: %2 of %3 %4 numbers. Remove "
                    u"unused numbers or spread traffic over another Service."_s.arg(serviceSid)
                        .arg(count)
                        .arg(limit)
                        .arg(reserved ? u"reserved"_s : u"unreserved"_s);
        m_debugger->record(e);
    }
}

Result<PhoneNumber> Proxy::fetchPhoneNumber(const QString &accountSid, const QString &serviceSid, const QString &sid)
{
    return guarded([&]() -> Result<PhoneNumber> {
        auto n = NumbersTable::bySid(m_db.connection(), sid);
        if (!n || n->accountSid != accountSid || n->serviceSid != serviceSid) {
            return notFound(servicePath(serviceSid) + u"/PhoneNumbers/"_s + sid);
        }
        return *n;
    });
}

Result<PhoneNumber> Proxy::updatePhoneNumber(const QString &accountSid, const QString &serviceSid, const QString &sid,
                                             std::optional<bool> isReserved, std::optional<Capabilities> capabilities)
{
    return guarded([&]() -> Result<PhoneNumber> {
        ProxyTxn txn(*this);
        auto n = NumbersTable::bySid(txn.db(), sid);
        if (!n || n->accountSid != accountSid || n->serviceSid != serviceSid) {
            return notFound(servicePath(serviceSid) + u"/PhoneNumbers/"_s + sid);
        }
        if (isReserved && *isReserved != n->isReserved) {
            if (auto st = checkPoolCapacity(txn.db(), serviceSid, *isReserved); !st) {
                return st.error();
            }
            SqlQuery(txn.db(), u"UPDATE phone_numbers SET is_reserved = :r, date_updated = :u WHERE sid = :sid"_s)
                .bind(u":r"_s, int(*isReserved))
                .bind(u":u"_s, m_clock.nowMs())
                .bind(u":sid"_s, sid)
                .exec();
            warnPoolNearLimit(txn.db(), accountSid, serviceSid, *isReserved);
            txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, sid, serviceSid);
        }
        if (capabilities) {
            if (n->carrierManaged) {
                return ApiError::invalidParameter(
                    u"Capabilities"_s, u"cannot be changed on %1: its capabilities come from the carrier account "
                                       u"(change them there, then remove and add the number again)"_s.arg(sid));
            }
            const Capabilities &c = *capabilities;
            const Capabilities &old = n->capabilities;
            if (c.voice != old.voice || c.sms != old.sms || c.mms != old.mms || c.fax != old.fax) {
                // Sessions already on the number keep it: capabilities steer the choice of numbers for new
                // participants, they do not move existing ones.
                SqlQuery(txn.db(), u"UPDATE phone_numbers SET cap_voice = :v, cap_sms = :sms, cap_mms = :mms, "
                                   u"cap_fax = :fax, date_updated = :u WHERE sid = :sid"_s)
                    .bind(u":v"_s, int(c.voice))
                    .bind(u":sms"_s, int(c.sms))
                    .bind(u":mms"_s, int(c.mms))
                    .bind(u":fax"_s, int(c.fax))
                    .bind(u":u"_s, m_clock.nowMs())
                    .bind(u":sid"_s, sid)
                    .exec();
                txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, sid, serviceSid);
            }
        }
        auto stored = NumbersTable::bySid(txn.db(), sid);
        txn.commit();
        return *stored;
    });
}

Status Proxy::deletePhoneNumber(const QString &accountSid, const QString &serviceSid, const QString &sid)
{
    return guarded([&]() -> Status {
        ProxyTxn txn(*this);
        auto n = NumbersTable::bySid(txn.db(), sid);
        if (!n || n->accountSid != accountSid || n->serviceSid != serviceSid) {
            return notFound(servicePath(serviceSid) + u"/PhoneNumbers/"_s + sid);
        }
        if (n->inUse > 0) {
            return ApiError::make(
                80611, 400,
                u"The Proxy Number %1 cannot be removed from Service %2: %3 active Session(s) use it. "
                u"Mark it reserved, wait until in_use is 0, then remove it."_s.arg(n->phoneNumber, serviceSid)
                    .arg(n->inUse));
        }
        SqlQuery(txn.db(), u"DELETE FROM phone_numbers WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
        txn.changed(Change::Kind::PhoneNumber, Change::Op::Removed, sid, serviceSid);
        txn.commit();
        return Ok{};
    });
}

Result<Page<PhoneNumber>> Proxy::listPhoneNumbers(const QString &accountSid, const QString &serviceSid,
                                                  const PageRequest &page)
{
    return guarded([&]() -> Result<Page<PhoneNumber>> {
        const QSqlDatabase db = m_db.connection();
        if (!ServicesTable::inAccount(db, accountSid, serviceSid)) {
            return notFound(servicePath(serviceSid));
        }
        return listPage<PhoneNumber>(db, Rows::PHONE_NUMBER_COLUMNS, u"phone_numbers"_s, u"service_sid = :s"_s,
                                     {{u":s"_s, serviceSid}}, page, Proxy::MAX_PAGE_SIZE, &Rows::phoneNumber);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Sessions

Result<Session> Proxy::createSession(const QString &accountSid, const QString &serviceSid, const SessionParams &params)
{
    return guarded([&]() -> Result<Session> {
        ProxyTxn txn(*this);
        auto service = ServicesTable::inAccount(txn.db(), accountSid, serviceSid);
        if (!service) {
            return notFound(servicePath(serviceSid));
        }
        const QDateTime now = m_clock.now();
        Session s;
        s.sid = Sid::generate(Sid::SESSION);
        s.accountSid = accountSid;
        s.serviceSid = serviceSid;
        s.uniqueName = params.uniqueName.value_or(QString());
        s.mode = params.mode.value_or(SessionMode::VOICE_AND_MESSAGE);
        s.status = params.status.value_or(SessionStatus::OPEN);
        s.ttl = params.ttl.value_or(service->defaultTtl);
        s.dateExpiry = params.dateExpiry.value_or(QDateTime());
        s.dateCreated = s.dateUpdated = now;

        if (params.uniqueName) {
            if (auto st = validateUniqueName(u"UniqueName"_s, s.uniqueName); !st) {
                return st.error();
            }
        }
        if (auto st = validateTtl(u"Ttl"_s, s.ttl); !st) {
            return st.error();
        }
        if (!SESSION_MODES.contains(s.mode)) {
            return ApiError::invalidParameter(u"Mode"_s, u"must be one of %1"_s.arg(SESSION_MODES.join(u", ")));
        }
        if (!SESSION_STATUSES.contains(s.status)) {
            return ApiError::invalidParameter(u"Status"_s, u"must be one of %1"_s.arg(SESSION_STATUSES.join(u", ")));
        }
        if (s.status != SessionStatus::OPEN && s.status != SessionStatus::IN_PROGRESS) {
            return ApiError::make(80608, 400,
                                  u"Session status change not supported: a new Session starts open or in-progress, "
                                  u"not %1"_s.arg(s.status));
        }
        if (s.dateExpiry.isValid() && s.dateExpiry <= now) {
            return ApiError::invalidParameter(
                u"DateExpiry"_s, u"%1 is in the past; give a future date-time"_s.arg(Time::toIso(s.dateExpiry)));
        }
        if (params.participants.size() > 2) {
            return ApiError::make(
                80609, 400,
                u"A Session may have at most 2 participants; the request names %1"_s.arg(params.participants.size()));
        }
        if (!s.uniqueName.isEmpty()) {
            SqlQuery q(txn.db(), u"SELECT sid FROM sessions WHERE service_sid = :s AND unique_name = :n"_s);
            q.bind(u":s"_s, serviceSid).bind(u":n"_s, s.uniqueName).exec();
            if (q.next()) {
                return ApiError::make(
                    80603, 400,
                    u"Session UniqueName must be unique: Session %1 of this Service is already named "
                    u"'%2' (closed Sessions keep their name until deleted)"_s.arg(q.value(0).toString(), s.uniqueName));
            }
        }
        if (s.status == SessionStatus::IN_PROGRESS) {
            s.dateStarted = now;
        }
        s.expiresAt = deadline(s.dateExpiry, s.ttl, now);
        SqlQuery(txn.db(),
                 u"INSERT INTO sessions (sid, account_sid, service_sid, unique_name, status, mode, ttl, date_expiry, "
                 u"expires_at, date_started, date_created, date_updated) VALUES (:sid, :a, :s, :n, :st, :m, :ttl, "
                 u":de, :ea, :ds, :c, :u)"_s)
            .bind(u":sid"_s, s.sid)
            .bind(u":a"_s, accountSid)
            .bind(u":s"_s, serviceSid)
            .bind(u":n"_s, nullIfEmpty(s.uniqueName))
            .bind(u":st"_s, s.status)
            .bind(u":m"_s, s.mode)
            .bind(u":ttl"_s, s.ttl)
            .bind(u":de"_s, Rows::fromTime(s.dateExpiry))
            .bind(u":ea"_s, Rows::fromTime(s.expiresAt))
            .bind(u":ds"_s, Rows::fromTime(s.dateStarted))
            .bind(u":c"_s, now.toMSecsSinceEpoch())
            .bind(u":u"_s, now.toMSecsSinceEpoch())
            .exec();
        txn.changed(Change::Kind::Session, Change::Op::Added, s.sid, serviceSid);
        for (ParticipantParams p : params.participants) {
            p.failOnParticipantConflict = p.failOnParticipantConflict || params.failOnParticipantConflict;
            auto added = addParticipant(txn, *service, s, p);
            if (!added) {
                return added.error(); // the transaction rolls back: no session without its participants
            }
        }
        auto stored = SessionsTable::inService(txn.db(), accountSid, serviceSid, s.sid);
        txn.commit();
        return *stored;
    });
}

Result<Session> Proxy::fetchSession(const QString &accountSid, const QString &serviceSid,
                                    const QString &sidOrUniqueName)
{
    return guarded([&]() -> Result<Session> {
        const QSqlDatabase db = m_db.connection();
        if (Sid::isValid(sidOrUniqueName, Sid::SESSION)) {
            // The session first: found, it proves its Service (same account, same Service) with one query.
            if (auto s = SessionsTable::inService(db, accountSid, serviceSid, sidOrUniqueName)) {
                return *s;
            }
            if (!ServicesTable::inAccount(db, accountSid, serviceSid)) {
                return notFound(servicePath(serviceSid));
            }
            return notFound(sessionPath(serviceSid, sidOrUniqueName));
        }
        if (!ServicesTable::inAccount(db, accountSid, serviceSid)) {
            return notFound(servicePath(serviceSid));
        }
        SqlQuery q(db, u"SELECT "_s + Rows::SESSION_COLUMNS +
                           u" FROM sessions WHERE service_sid = :s AND account_sid = :a AND unique_name = :n"_s);
        q.bind(u":s"_s, serviceSid).bind(u":a"_s, accountSid).bind(u":n"_s, sidOrUniqueName).exec();
        if (q.next()) {
            return Rows::session(q);
        }
        return ApiError::make(
            80308, 404,
            u"Session with the unique name '%1' not found in Service %2"_s.arg(sidOrUniqueName, serviceSid));
    });
}

Result<Session> Proxy::updateSession(const QString &accountSid, const QString &serviceSid, const QString &sid,
                                     const SessionParams &params)
{
    return guarded([&]() -> Result<Session> {
        ProxyTxn txn(*this);
        auto existing = SessionsTable::inService(txn.db(), accountSid, serviceSid, sid);
        if (!existing) {
            return notFound(sessionPath(serviceSid, sid));
        }
        InUseDelta inUse(txn.db(), sid);
        Session s = *existing;
        const QDateTime now = m_clock.now();
        if (params.status && !SESSION_STATUSES.contains(*params.status)) {
            return ApiError::invalidParameter(u"Status"_s, u"must be one of %1"_s.arg(SESSION_STATUSES.join(u", ")));
        }
        if (params.ttl) {
            if (auto st = validateTtl(u"Ttl"_s, *params.ttl); !st) {
                return st.error();
            }
        }
        if (params.dateExpiry && params.dateExpiry->isValid() && *params.dateExpiry <= now) {
            return ApiError::invalidParameter(
                u"DateExpiry"_s, u"%1 is in the past; give a future date-time"_s.arg(Time::toIso(*params.dateExpiry)));
        }

        const QString target = params.status.value_or(s.status);
        bool reopen = false;
        bool close = false;
        if (s.status == SessionStatus::CLOSED) {
            if (target == SessionStatus::IN_PROGRESS) {
                reopen = true;
            } else if (target == SessionStatus::OPEN) {
                return ApiError::make(80608, 400,
                                      u"Session status change not supported: a closed Session cannot become open. To "
                                      u"re-open Session %1, set Status to in-progress."_s.arg(sid));
            } else if (target != SessionStatus::CLOSED) {
                return ApiError::make(80608, 400, u"Session status change not supported: closed -> %1"_s.arg(target));
            } else {
                return ApiError::make(80607, 400,
                                      u"Session %1 is closed and cannot be updated; re-open it with "
                                      u"Status=in-progress first"_s.arg(sid));
            }
        } else if (target != s.status) {
            if (target == SessionStatus::CLOSED) {
                close = true;
            } else {
                return ApiError::make(80608, 400,
                                      u"Session status change not supported: %1 -> %2. An active Session can only be "
                                      u"closed."_s.arg(s.status, target));
            }
        }

        if (params.ttl) {
            s.ttl = *params.ttl;
        }
        if (params.dateExpiry) {
            s.dateExpiry = *params.dateExpiry;
        }
        const QList<Participant> participants = ParticipantsTable::ofSession(txn.db(), sid);
        QSet<QString> numbers;
        for (const Participant &p : participants) {
            numbers.insert(p.proxyIdentifierSid);
        }

        if (reopen) {
            const auto account = [&]() -> Account {
                SqlQuery q(txn.db(), u"SELECT "_s + Rows::ACCOUNT_COLUMNS + u" FROM accounts WHERE sid = :a"_s);
                q.bind(u":a"_s, accountSid).exec();
                q.next();
                return Rows::account(q);
            }();
            for (const Participant &p : participants) {
                if (p.dateDeleted.isValid()) {
                    continue;
                }
                const auto holder =
                    routeHolder(txn.db(), serviceSid, p.identifier, ChannelAddress::bare(p.proxyIdentifier));
                if (!holder) {
                    continue;
                }
                const bool allow = account.allowParticipantConflict && !params.failOnParticipantConflict;
                if (!allow) {
                    return ApiError::make(
                        80604, 400,
                        u"Proxy identifier already in use with requested identifier: re-opening "
                        u"Session %1 would make %2 active on %3 twice (it is active in Session %4)"_s.arg(
                            sid, p.identifier, p.proxyIdentifier, holder->sessionSid));
                }
                SqlQuery(txn.db(), u"UPDATE participants SET routable = 0 WHERE sid = :sid"_s)
                    .bind(u":sid"_s, holder->sid)
                    .exec();
                txn.changed(Change::Kind::Participant, Change::Op::Updated, holder->sid, holder->sessionSid);
                if (m_debugger) {
                    DebuggerEvent e;
                    e.code = 80801;
                    e.accountSid = accountSid;
                    e.serviceSid = serviceSid;
                    e.sessionSid = sid;
                    e.participantSid = p.sid;
                    e.resourceSid = sid;
                    e.message = u"Session %1 was re-opened although participant %2 (%3 on %4) is active in Session %5. "
                                u"allow_participant_conflict let it through; traffic on that pair now routes to %1. "
                                u"Send FailOnParticipantConflict=true to refuse such re-opens."_s.arg(
                                    sid, p.sid, p.identifier, p.proxyIdentifier, holder->sessionSid);
                    m_debugger->record(e);
                }
            }
            s.status = SessionStatus::IN_PROGRESS;
            s.closedReason.clear();
            s.dateEnded = QDateTime();
            if (!s.dateStarted.isValid()) {
                s.dateStarted = now;
            }
            SqlQuery(txn.db(), u"UPDATE participants SET routable = 1, date_updated = :u WHERE session_sid = :s AND "
                               u"date_deleted IS NULL"_s)
                .bind(u":u"_s, now.toMSecsSinceEpoch())
                .bind(u":s"_s, sid)
                .exec();
        }
        if (close) {
            s.status = SessionStatus::CLOSED;
            s.closedReason = u"api"_s;
            s.dateEnded = now;
            SqlQuery(txn.db(), u"UPDATE participants SET routable = 0 WHERE session_sid = :s"_s)
                .bind(u":s"_s, sid)
                .exec();
        }
        // ttl counts inactivity from creation or the last interaction, whichever is later (reference §4.3): an
        // update that changes Ttl or DateExpiry moves the deadline but is not activity itself. A re-open is: the
        // re-opened session gets its full ttl from now (docs/api.md, TTL and date_expiry).
        QDateTime lastActivity = s.dateLastInteraction.isValid() && s.dateLastInteraction > s.dateCreated
                                     ? s.dateLastInteraction
                                     : s.dateCreated;
        if (reopen) {
            lastActivity = now;
        }
        s.expiresAt = s.status == SessionStatus::CLOSED ? QDateTime() : deadline(s.dateExpiry, s.ttl, lastActivity);
        s.dateUpdated = now;
        SqlQuery(txn.db(), u"UPDATE sessions SET status = :st, ttl = :ttl, date_expiry = :de, expires_at = :ea, "
                           u"closed_reason = :cr, date_started = :ds, date_ended = :dend, date_updated = :u "
                           u"WHERE sid = :sid"_s)
            .bind(u":st"_s, s.status)
            .bind(u":ttl"_s, s.ttl)
            .bind(u":de"_s, Rows::fromTime(s.dateExpiry))
            .bind(u":ea"_s, Rows::fromTime(s.expiresAt))
            .bind(u":cr"_s, nullIfEmpty(s.closedReason))
            .bind(u":ds"_s, Rows::fromTime(s.dateStarted))
            .bind(u":dend"_s, Rows::fromTime(s.dateEnded))
            .bind(u":u"_s, now.toMSecsSinceEpoch())
            .bind(u":sid"_s, sid)
            .exec();
        if (close) {
            restoreRoutes(txn.db(), participants, txn);
        }
        if (close || reopen) {
            inUse.apply();
            for (const QString &n : std::as_const(numbers)) {
                txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, n, serviceSid);
            }
        }
        txn.changed(Change::Kind::Session, Change::Op::Updated, sid, serviceSid);
        auto stored = SessionsTable::inService(txn.db(), accountSid, serviceSid, sid);
        txn.commit();
        return *stored;
    });
}

Status Proxy::deleteSession(const QString &accountSid, const QString &serviceSid, const QString &sid)
{
    return guarded([&]() -> Status {
        ProxyTxn txn(*this);
        if (!SessionsTable::inService(txn.db(), accountSid, serviceSid, sid)) {
            return notFound(sessionPath(serviceSid, sid));
        }
        const QList<Participant> participants = ParticipantsTable::ofSession(txn.db(), sid);
        QSet<QString> numbers;
        for (const Participant &p : participants) {
            numbers.insert(p.proxyIdentifierSid);
        }
        InUseDelta inUse(txn.db(), sid);
        // Participants and interactions go with it (ON DELETE CASCADE); the unique name is free again at once.
        SqlQuery(txn.db(), u"DELETE FROM sessions WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
        restoreRoutes(txn.db(), participants, txn);
        inUse.apply();
        for (const QString &n : std::as_const(numbers)) {
            txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, n, serviceSid);
        }
        txn.changed(Change::Kind::Session, Change::Op::Removed, sid, serviceSid);
        txn.commit();
        return Ok{};
    });
}

Result<Page<Session>> Proxy::listSessions(const QString &accountSid, const QString &serviceSid, const PageRequest &page)
{
    return guarded([&]() -> Result<Page<Session>> {
        const QSqlDatabase db = m_db.connection();
        if (!ServicesTable::inAccount(db, accountSid, serviceSid)) {
            return notFound(servicePath(serviceSid));
        }
        return listPage<Session>(db, Rows::SESSION_COLUMNS, u"sessions"_s, u"service_sid = :s"_s,
                                 {{u":s"_s, serviceSid}}, page, Proxy::MAX_PAGE_SIZE, &Rows::session);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Participants

Result<Participant> Proxy::createParticipant(const QString &accountSid, const QString &serviceSid,
                                             const QString &sessionSid, const ParticipantParams &params)
{
    return guarded([&]() -> Result<Participant> {
        ProxyTxn txn(*this);
        auto service = ServicesTable::inAccount(txn.db(), accountSid, serviceSid);
        if (!service) {
            return notFound(servicePath(serviceSid));
        }
        auto session = SessionsTable::inService(txn.db(), accountSid, serviceSid, sessionSid);
        if (!session) {
            return notFound(sessionPath(serviceSid, sessionSid));
        }
        auto added = addParticipant(txn, *service, *session, params);
        if (!added) {
            return added.error();
        }
        txn.commit();
        return added;
    });
}

Result<Participant> Proxy::addParticipant(ProxyTxn &txn, const Service &service, const Session &session,
                                          const ParticipantParams &params)
{
    const QSqlDatabase &db = txn.db();
    if (!session.isActive()) {
        return ApiError::make(80607, 400,
                              u"Session %1 is closed and cannot be updated: re-open it (Status=in-progress) before "
                              u"adding participants"_s.arg(session.sid));
    }
    if (params.identifier.isEmpty()) {
        return ApiError::invalidParameter(u"Identifier"_s, u"is required: the participant's phone number in E.164"_s);
    }
    if (params.identifier.size() > 191) {
        return ApiError::invalidParameter(u"Identifier"_s, u"may be at most 191 characters"_s);
    }
    if (params.friendlyName && params.friendlyName->size() > 255) {
        return ApiError::invalidParameter(u"FriendlyName"_s, u"may be at most 255 characters"_s);
    }
    const ChannelAddress::Parts address = ChannelAddress::split(params.identifier);
    if (address.channel == ChannelAddress::Channel::Other) {
        return ApiError::make(80404, 400,
                              u"Participant identifier '%1' is a %2: address, which Maskline does not carry; "
                              u"identifiers are phone numbers in E.164 (+14155550100) or WhatsApp addresses "
                              u"(whatsapp:+14155550100)"_s.arg(params.identifier, address.scheme));
    }
    const PhoneNumbers::Info info = PhoneNumbers::parse(address.address);
    if (!info.valid) {
        return ApiError::make(
            80404, 400,
            u"Participant identifier '%1' does not appear to be a valid, reachable phone number; give "
            u"it in E.164 form, e.g. +14155550100"_s.arg(params.identifier));
    }
    const bool whatsApp = address.channel == ChannelAddress::Channel::WhatsApp;
    if (whatsApp && session.mode == SessionMode::VOICE_ONLY) {
        return ApiError::make(80404, 400,
                              u"Participant identifier '%1' is a WhatsApp address, which carries messages only, "
                              u"and Session %2 is voice-only"_s.arg(params.identifier, session.sid));
    }
    // The stored identifier keeps its channel: whatsapp:+1415… and +1415… are different people to route to.
    const QString identifier =
        ChannelAddress::withChannelOf(params.identifier, PhoneNumbers::normalizeForMatching(info.e164));

    // Under the session's row lock (PostgreSQL): two nodes adding to one session see each other's participant.
    lockSessionRow(db, session.sid);
    const QList<Participant> existing = ParticipantsTable::ofSession(db, session.sid);
    int activeCount = 0;
    for (const Participant &p : existing) {
        if (p.identifier == identifier) {
            if (p.dateDeleted.isValid()) {
                return ApiError::make(
                    80612, 400,
                    u"Duplicate Entry: %1 was a participant of Session %2 and was removed; a removed "
                    u"identifier cannot be added to the same Session again"_s.arg(identifier, session.sid));
            }
            return ApiError::make(
                80103, 400,
                u"The identifier %1 is already a participant in Session %2 (%3)"_s.arg(identifier, session.sid, p.sid));
        }
        if (!p.dateDeleted.isValid()) {
            ++activeCount;
        }
    }
    if (activeCount >= 2) {
        return ApiError::make(
            80609, 400, u"A Session may have at most 2 participants; Session %1 already has 2"_s.arg(session.sid));
    }

    // A WhatsApp participant is chosen a number as a message-only participant with the same phone number would be.
    SelectionRequest request{ChannelAddress::bare(identifier), whatsApp ? SessionMode::MESSAGE_ONLY : session.mode,
                             service.geoMatchLevel, service.numberSelectionBehavior};
    auto candidate = [&](const PhoneNumber &n) {
        PoolCandidate c;
        c.sid = n.sid;
        c.phoneNumber = n.phoneNumber;
        c.isoCountry = n.isoCountry;
        c.voice = n.capabilities.voice;
        c.sms = n.capabilities.sms;
        c.reserved = n.isReserved;
        c.inUse = n.inUse;
        return c;
    };

    // What the store knows about this identifier's use of each pool number: held now, and when last used.
    QSet<QString> held;
    QHash<QString, qint64> lastUsed;
    {
        SqlQuery q(db, u"SELECT proxy_identifier_sid, MAX(date_created), MAX(routable) FROM participants WHERE "
                       u"service_sid = :s AND identifier = :i GROUP BY proxy_identifier_sid"_s);
        q.bind(u":s"_s, service.sid).bind(u":i"_s, identifier).exec();
        while (q.next()) {
            lastUsed.insert(q.value(0).toString(), q.value(1).toLongLong());
            if (q.value(2).toInt() != 0) {
                held.insert(q.value(0).toString());
            }
        }
    }

    PoolCandidate chosen;
    const bool explicitNumber = (params.proxyIdentifier && !params.proxyIdentifier->isEmpty()) ||
                                (params.proxyIdentifierSid && !params.proxyIdentifierSid->isEmpty());
    if (explicitNumber) {
        std::optional<PhoneNumber> number;
        if (params.proxyIdentifierSid && !params.proxyIdentifierSid->isEmpty()) {
            if (!Sid::isValid(*params.proxyIdentifierSid, Sid::PHONE_NUMBER)) {
                return ApiError::make(
                    80407, 400,
                    u"Invalid Phone Number Sid '%1' in ProxyIdentifierSid"_s.arg(*params.proxyIdentifierSid));
            }
            number = NumbersTable::bySid(db, *params.proxyIdentifierSid);
            if (!number || number->accountSid != service.accountSid) {
                return ApiError::make(
                    80301, 400,
                    u"Phone Number SID %1 is not associated with this account"_s.arg(*params.proxyIdentifierSid));
            }
        }
        if (params.proxyIdentifier && !params.proxyIdentifier->isEmpty()) {
            if (params.proxyIdentifier->size() > 255) {
                return ApiError::invalidParameter(u"ProxyIdentifier"_s, u"may be at most 255 characters"_s);
            }
            const ChannelAddress::Parts proxyAddress = ChannelAddress::split(*params.proxyIdentifier);
            if (proxyAddress.channel != ChannelAddress::Channel::Phone && proxyAddress.channel != address.channel) {
                return ApiError::invalidParameter(
                    u"ProxyIdentifier"_s, u"%1 is on another channel than the Identifier %2; give the pool number "
                                          u"itself (+1415…) or on the Identifier's channel"_s.arg(
                                              *params.proxyIdentifier, params.identifier));
            }
            const PhoneNumbers::Info proxyInfo = PhoneNumbers::parse(proxyAddress.address);
            auto byNumber = proxyInfo.valid ? NumbersTable::byPhoneNumber(db, proxyInfo.e164) : std::nullopt;
            if (!byNumber || byNumber->accountSid != service.accountSid) {
                return ApiError::make(80304, 400,
                                      u"Unmanaged Proxy Identifier not found: %1 is not a number in any pool of this "
                                      u"account"_s.arg(*params.proxyIdentifier));
            }
            if (number && number->sid != byNumber->sid) {
                return ApiError::invalidParameter(
                    u"ProxyIdentifier"_s,
                    u"%1 and ProxyIdentifierSid %2 name different numbers"_s.arg(*params.proxyIdentifier, number->sid));
            }
            number = byNumber;
        }
        if (number->serviceSid != service.sid) {
            return ApiError::make(80605, 400,
                                  u"Proxy identifier %1 is not associated with Service %2 (it is in Service %3)"_s.arg(
                                      number->phoneNumber, service.sid, number->serviceSid));
        }
        chosen = candidate(*number);
        chosen.heldByIdentifier = held.contains(number->sid);
        chosen.lastUsedByIdentifier = lastUsed.value(number->sid);
        const Status check = checkExplicitProxyNumber(chosen, request);
        if (!check && check.error().code != 80604) {
            return check.error();
        }
        if (!check || routeHolder(db, service.sid, identifier, number->phoneNumber)) {
            const auto holder = routeHolder(db, service.sid, identifier, number->phoneNumber);
            const auto account = [&]() {
                SqlQuery q(db, u"SELECT "_s + Rows::ACCOUNT_COLUMNS + u" FROM accounts WHERE sid = :a"_s);
                q.bind(u":a"_s, service.accountSid).exec();
                q.next();
                return Rows::account(q);
            }();
            const QString otherSession = holder ? holder->sessionSid : QString();
            if (!account.allowParticipantConflict || params.failOnParticipantConflict) {
                return ApiError::make(80623, 409,
                                      u"Possible duplicate Participant: %1 is already active on proxy number %2 in "
                                      u"Session %3; adding it to Session %4 would route its traffic ambiguously"_s.arg(
                                          identifier, number->phoneNumber, otherSession, session.sid));
            }
            if (holder) {
                SqlQuery(db, u"UPDATE participants SET routable = 0 WHERE sid = :sid"_s)
                    .bind(u":sid"_s, holder->sid)
                    .exec();
                txn.changed(Change::Kind::Participant, Change::Op::Updated, holder->sid, holder->sessionSid);
            }
            if (m_debugger) {
                DebuggerEvent e;
                e.code = 80802;
                e.accountSid = service.accountSid;
                e.serviceSid = service.sid;
                e.sessionSid = session.sid;
                e.resourceSid = session.sid;
                e.message =
                    u"Possible duplicate Participant: %1 was added on %2 to Session %3 while active on the same "
                    u"number in Session %4. allow_participant_conflict let it through; traffic on that pair now "
                    u"routes to %3. Send FailOnParticipantConflict=true to refuse."_s.arg(
                        identifier, number->phoneNumber, session.sid, otherSession);
                m_debugger->record(e);
            }
        }
    } else {
        // Only the unreserved numbers (at most 500) are candidates, read by phone_numbers_selectable; when there
        // are none, one reserved row tells the selector "all reserved" (80207) from "pool empty" (80205).
        QList<PoolCandidate> pool;
        for (const int reserved : {0, 1}) {
            SqlQuery q(db, u"SELECT "_s + Rows::PHONE_NUMBER_COLUMNS +
                               u" FROM phone_numbers WHERE service_sid = :s AND is_reserved = :r"_s +
                               (reserved ? u" LIMIT 1"_s : QString()));
            q.bind(u":s"_s, service.sid).bind(u":r"_s, reserved).exec();
            while (q.next()) {
                PoolCandidate c = candidate(Rows::phoneNumber(q));
                c.heldByIdentifier = held.contains(c.sid);
                c.lastUsedByIdentifier = lastUsed.value(c.sid);
                pool.append(c);
            }
            if (!pool.isEmpty()) {
                break;
            }
        }
        auto selected = selectProxyNumber(pool, request);
        if (!selected) {
            return selected.error();
        }
        chosen = *selected;
    }

    Participant p;
    p.sid = Sid::generate(Sid::PARTICIPANT);
    p.accountSid = service.accountSid;
    p.serviceSid = service.sid;
    p.sessionSid = session.sid;
    p.identifier = identifier;
    p.proxyIdentifier = chosen.phoneNumber; // stored bare; Rows::participant shows it on the identifier's channel
    p.proxyIdentifierSid = chosen.sid;
    p.friendlyName = params.friendlyName.value_or(QString());
    const qint64 now = m_clock.nowMs();
    InUseDelta inUse(db, session.sid);
    try {
        SqlQuery(db, u"INSERT INTO participants (sid, account_sid, service_sid, session_sid, identifier, "
                     u"proxy_identifier, proxy_identifier_sid, friendly_name, routable, date_created, date_updated) "
                     u"VALUES (:sid, :a, :s, :ks, :i, :p, :psid, :fn, 1, :c, :u)"_s)
            .bind(u":sid"_s, p.sid)
            .bind(u":a"_s, p.accountSid)
            .bind(u":s"_s, p.serviceSid)
            .bind(u":ks"_s, p.sessionSid)
            .bind(u":i"_s, p.identifier)
            .bind(u":p"_s, p.proxyIdentifier)
            .bind(u":psid"_s, p.proxyIdentifierSid)
            .bind(u":fn"_s, nullIfEmpty(p.friendlyName))
            .bind(u":c"_s, now)
            .bind(u":u"_s, now)
            .exec();
    } catch (const StoreError &e) {
        if (e.isConstraintViolation()) {
            // The routing-key index caught a concurrent create of the same pair (reference §3.4).
            return ApiError::make(80623, 409,
                                  u"Possible duplicate Participant: %1 became active on %2 concurrently; retry the "
                                  u"request"_s.arg(identifier, chosen.phoneNumber));
        }
        throw;
    }
    inUse.apply();
    txn.changed(Change::Kind::Participant, Change::Op::Added, p.sid, session.sid);
    txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, chosen.sid, service.sid);
    return *ParticipantsTable::bySid(db, p.sid);
}

Result<Participant> Proxy::fetchParticipant(const QString &accountSid, const QString &serviceSid,
                                            const QString &sessionSid, const QString &sid)
{
    return guarded([&]() -> Result<Participant> {
        auto p = ParticipantsTable::bySid(m_db.connection(), sid);
        if (!p || p->accountSid != accountSid || p->serviceSid != serviceSid || p->sessionSid != sessionSid) {
            return notFound(sessionPath(serviceSid, sessionSid) + u"/Participants/"_s + sid);
        }
        return *p;
    });
}

Result<Participant> Proxy::deleteParticipant(const QString &accountSid, const QString &serviceSid,
                                             const QString &sessionSid, const QString &sid)
{
    return guarded([&]() -> Result<Participant> {
        ProxyTxn txn(*this);
        auto p = ParticipantsTable::bySid(txn.db(), sid);
        if (!p || p->accountSid != accountSid || p->serviceSid != serviceSid || p->sessionSid != sessionSid) {
            return notFound(sessionPath(serviceSid, sessionSid) + u"/Participants/"_s + sid);
        }
        if (!p->dateDeleted.isValid()) {
            // Soft delete: the row stays so the identifier can never be added to this session again (80612).
            const qint64 now = m_clock.nowMs();
            InUseDelta inUse(txn.db(), sessionSid);
            SqlQuery(txn.db(), u"UPDATE participants SET date_deleted = :d, routable = 0, date_updated = :u WHERE "
                               u"sid = :sid"_s)
                .bind(u":d"_s, now)
                .bind(u":u"_s, now)
                .bind(u":sid"_s, sid)
                .exec();
            restoreRoutes(txn.db(), {*p}, txn);
            inUse.apply();
            txn.changed(Change::Kind::Participant, Change::Op::Removed, sid, sessionSid);
            txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, p->proxyIdentifierSid, serviceSid);
        }
        auto stored = ParticipantsTable::bySid(txn.db(), sid);
        txn.commit();
        return *stored;
    });
}

Result<Page<Participant>> Proxy::listParticipants(const QString &accountSid, const QString &serviceSid,
                                                  const QString &sessionSid, const PageRequest &page)
{
    return guarded([&]() -> Result<Page<Participant>> {
        const QSqlDatabase db = m_db.connection();
        if (!SessionsTable::inService(db, accountSid, serviceSid, sessionSid)) {
            return notFound(sessionPath(serviceSid, sessionSid));
        }
        return listPage<Participant>(db, Rows::PARTICIPANT_COLUMNS, u"participants"_s, u"session_sid = :s"_s,
                                     {{u":s"_s, sessionSid}}, page, Proxy::MAX_PAGE_SIZE, &Rows::participant);
    });
}

// ---------------------------------------------------------------------------------------------------------------
// Interactions

Result<Interaction> Proxy::fetchInteraction(const QString &accountSid, const QString &serviceSid,
                                            const QString &sessionSid, const QString &sid,
                                            const QString &participantSid)
{
    return guarded([&]() -> Result<Interaction> {
        auto i = InteractionsTable::bySid(m_db.connection(), sid);
        if (!i || i->accountSid != accountSid || i->serviceSid != serviceSid || i->sessionSid != sessionSid ||
            (!participantSid.isEmpty() && i->participantSid != participantSid)) {
            return notFound(sessionPath(serviceSid, sessionSid) + u"/Interactions/"_s + sid);
        }
        return *i;
    });
}

Status Proxy::deleteInteraction(const QString &accountSid, const QString &serviceSid, const QString &sessionSid,
                                const QString &sid)
{
    return guarded([&]() -> Status {
        ProxyTxn txn(*this);
        auto i = InteractionsTable::bySid(txn.db(), sid);
        if (!i || i->accountSid != accountSid || i->serviceSid != serviceSid || i->sessionSid != sessionSid) {
            return notFound(sessionPath(serviceSid, sessionSid) + u"/Interactions/"_s + sid);
        }
        SqlQuery(txn.db(), u"DELETE FROM interactions WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
        txn.changed(Change::Kind::Interaction, Change::Op::Removed, sid, sessionSid);
        txn.commit();
        return Ok{};
    });
}

Result<Page<Interaction>> Proxy::listInteractions(const QString &accountSid, const QString &serviceSid,
                                                  const QString &sessionSid, const PageRequest &page,
                                                  const QString &participantSid)
{
    return guarded([&]() -> Result<Page<Interaction>> {
        const QSqlDatabase db = m_db.connection();
        if (!SessionsTable::inService(db, accountSid, serviceSid, sessionSid)) {
            return notFound(sessionPath(serviceSid, sessionSid));
        }
        if (participantSid.isEmpty()) {
            return listPage<Interaction>(db, Rows::INTERACTION_COLUMNS, u"interactions"_s, u"session_sid = :s"_s,
                                         {{u":s"_s, sessionSid}}, page, Proxy::MAX_PAGE_SIZE, &Rows::interaction);
        }
        auto p = ParticipantsTable::bySid(db, participantSid);
        if (!p || p->sessionSid != sessionSid) {
            return notFound(sessionPath(serviceSid, sessionSid) + u"/Participants/"_s + participantSid);
        }
        return listPage<Interaction>(
            db, Rows::INTERACTION_COLUMNS, u"interactions"_s, u"session_sid = :s AND participant_sid = :p"_s,
            {{u":s"_s, sessionSid}, {u":p"_s, participantSid}}, page, Proxy::MAX_PAGE_SIZE, &Rows::interaction);
    });
}

Result<Interaction> Proxy::updateInteractionLegStatus(const QString &interactionSid, bool outbound,
                                                      const QString &resourceStatus, const QString &resourceSid,
                                                      const QString &data)
{
    InteractionLeg leg;
    leg.resourceStatus = resourceStatus;
    leg.resourceSid = resourceSid;
    return updateInteractionLeg(interactionSid, outbound, leg, data);
}

// ---- Traffic support (issue 4: routing, expiry, retention) ----------------------------------------------------------
// Added by the routing work; the methods above are unchanged. recordInteraction(interaction, alsoInTransaction) is
// the same as recordInteraction(interaction) plus the caller's work in the same transaction.

Result<Interaction> Proxy::recordInteraction(const Interaction &interaction, const InTransaction &alsoInTransaction)
{
    return guarded([&]() -> Result<Interaction> {
        ProxyTxn txn(*this);
        auto session = SessionsTable::bySid(txn.db(), interaction.sessionSid);
        if (!session) {
            return notFound(u"/Sessions/"_s + interaction.sessionSid);
        }
        const QDateTime now = m_clock.now();
        Interaction i = interaction;
        if (i.sid.isEmpty()) {
            i.sid = Sid::generate(Sid::INTERACTION);
        }
        i.accountSid = session->accountSid;
        i.serviceSid = session->serviceSid;
        i.sessionSid = session->sid;
        i.dateCreated = now;
        i.dateUpdated = now;
        Rows::writeInteraction(txn.db(), i);
        Session s = *session;
        if (s.status == SessionStatus::OPEN) {
            s.status = SessionStatus::IN_PROGRESS;
        }
        if (!s.dateStarted.isValid()) {
            s.dateStarted = now;
        }
        s.dateLastInteraction = now;
        if (s.isActive()) {
            s.expiresAt = deadline(s.dateExpiry, s.ttl, now);
        }
        SqlQuery(txn.db(), u"UPDATE sessions SET status = :st, date_started = :ds, date_last_interaction = :dl, "
                           u"expires_at = :ea, date_updated = :u WHERE sid = :sid"_s)
            .bind(u":st"_s, s.status)
            .bind(u":ds"_s, Rows::fromTime(s.dateStarted))
            .bind(u":dl"_s, Rows::fromTime(s.dateLastInteraction))
            .bind(u":ea"_s, Rows::fromTime(s.expiresAt))
            .bind(u":u"_s, now.toMSecsSinceEpoch())
            .bind(u":sid"_s, s.sid)
            .exec();
        auto stored = InteractionsTable::bySid(txn.db(), i.sid);
        if (alsoInTransaction) {
            if (auto st = alsoInTransaction(txn.db(), *stored); !st) {
                return st.error(); // the transaction rolls back: no interaction without its follow-up work
            }
        }
        txn.changed(Change::Kind::Interaction, Change::Op::Added, i.sid, s.sid);
        txn.changed(Change::Kind::Session, Change::Op::Updated, s.sid, s.serviceSid);
        txn.commit();
        return *stored;
    });
}

Result<int> Proxy::recountInUse()
{
    return guarded([&]() -> Result<int> {
        ProxyTxn txn(*this);
        QHash<QString, qint64> counted;
        {
            SqlQuery q(txn.db(), u"SELECT p.proxy_identifier_sid, COUNT(DISTINCT p.session_sid) FROM sessions s JOIN "
                                 u"participants p ON p.session_sid = s.sid WHERE s.status IN "_s +
                                     ACTIVE_STATUSES_SQL +
                                     u" AND p.date_deleted IS NULL AND p.proxy_identifier_sid IS NOT NULL "
                                     u"GROUP BY p.proxy_identifier_sid"_s);
            q.exec();
            while (q.next()) {
                counted.insert(q.value(0).toString(), q.value(1).toLongLong());
            }
        }
        QList<std::pair<QString, qint64>> wrong; // sid, recount
        {
            // Numbers counted as used; every counted number not among them is stored as 0.
            SqlQuery q(txn.db(), u"SELECT sid, in_use FROM phone_numbers WHERE in_use <> 0"_s);
            q.exec();
            QSet<QString> seen;
            while (q.next()) {
                const QString sid = q.value(0).toString();
                seen.insert(sid);
                if (q.value(1).toLongLong() != counted.value(sid)) {
                    wrong.append({sid, counted.value(sid)});
                }
            }
            for (auto it = counted.cbegin(); it != counted.cend(); ++it) {
                if (!seen.contains(it.key())) {
                    wrong.append({it.key(), it.value()});
                }
            }
        }
        for (const auto &[sid, recount] : std::as_const(wrong)) {
            const auto number = NumbersTable::bySid(txn.db(), sid);
            if (!number) {
                continue; // a participant's number that has since left the pool
            }
            qCWarning(lcProxy).noquote() << "in_use of" << sid << "was" << number->inUse << "; a recount says"
                                         << recount << ", corrected";
            SqlQuery(txn.db(), u"UPDATE phone_numbers SET in_use = :n WHERE sid = :sid"_s)
                .bind(u":n"_s, recount)
                .bind(u":sid"_s, sid)
                .exec();
            txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, sid, number->serviceSid);
        }
        txn.commit();
        return int(wrong.size());
    });
}

Result<Session> Proxy::closeSession(const QString &sessionSid, const QString &reason)
{
    return guarded([&]() -> Result<Session> {
        ProxyTxn txn(*this);
        lockSessionRow(txn.db(), sessionSid); // read what another node's close may just have committed
        auto session = SessionsTable::bySid(txn.db(), sessionSid);
        if (!session) {
            return notFound(u"/Sessions/"_s + sessionSid);
        }
        if (!session->isActive()) {
            return *session;
        }
        const QDateTime now = m_clock.now();
        const QList<Participant> participants = ParticipantsTable::ofSession(txn.db(), sessionSid);
        QSet<QString> numbers;
        for (const Participant &p : participants) {
            numbers.insert(p.proxyIdentifierSid);
        }
        InUseDelta inUse(txn.db(), sessionSid);
        SqlQuery(txn.db(), u"UPDATE participants SET routable = 0 WHERE session_sid = :s"_s)
            .bind(u":s"_s, sessionSid)
            .exec();
        SqlQuery(txn.db(),
                 u"UPDATE sessions SET status = :st, closed_reason = :cr, date_ended = :de, expires_at = NULL, "
                 u"date_updated = :u WHERE sid = :sid"_s)
            .bind(u":st"_s, SessionStatus::CLOSED)
            .bind(u":cr"_s, nullIfEmpty(reason))
            .bind(u":de"_s, now.toMSecsSinceEpoch())
            .bind(u":u"_s, now.toMSecsSinceEpoch())
            .bind(u":sid"_s, sessionSid)
            .exec();
        restoreRoutes(txn.db(), participants, txn);
        inUse.apply();
        for (const QString &n : std::as_const(numbers)) {
            if (!n.isEmpty()) {
                txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, n, session->serviceSid);
            }
        }
        for (const Participant &p : participants) {
            if (p.routable) {
                txn.changed(Change::Kind::Participant, Change::Op::Updated, p.sid, sessionSid);
            }
        }
        txn.changed(Change::Kind::Session, Change::Op::Updated, sessionSid, session->serviceSid);
        auto stored = SessionsTable::bySid(txn.db(), sessionSid);
        txn.commit();
        return *stored;
    });
}

Result<QStringList> Proxy::purgeClosedSessions(const QDateTime &endedBefore, int limit)
{
    return guarded([&]() -> Result<QStringList> {
        ProxyTxn txn(*this);
        SqlQuery q(txn.db(), u"SELECT sid, service_sid FROM sessions WHERE status = :closed AND date_ended IS NOT NULL "
                             u"AND date_ended < :before ORDER BY date_ended LIMIT :limit"_s);
        q.bind(u":closed"_s, SessionStatus::CLOSED)
            .bind(u":before"_s, endedBefore.toMSecsSinceEpoch())
            .bind(u":limit"_s, std::max(1, limit))
            .exec();
        QList<std::pair<QString, QString>> doomed;
        while (q.next()) {
            doomed.append({q.value(0).toString(), q.value(1).toString()});
        }
        QStringList deleted;
        for (const auto &[sid, serviceSid] : std::as_const(doomed)) {
            // Participants and interactions go with the session (ON DELETE CASCADE). A closed session holds no
            // routing key and counts in no in_use, so nothing else changes.
            SqlQuery(txn.db(), u"DELETE FROM sessions WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
            txn.changed(Change::Kind::Session, Change::Op::Removed, sid, serviceSid);
            deleted.append(sid);
        }
        txn.commit();
        return deleted;
    });
}

Result<Interaction> Proxy::updateInteractionLeg(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                                                const QString &data, const InTransaction &alsoInTransaction)
{
    return guarded([&]() -> Result<Interaction> {
        ProxyTxn txn(*this);
        auto i = InteractionsTable::bySid(txn.db(), interactionSid);
        if (!i) {
            return notFound(u"/Interactions/"_s + interactionSid);
        }
        const QString prefix = outbound ? u"outbound"_s : u"inbound"_s;
        QList<std::pair<QString, QString>> sets;
        if (!leg.resourceSid.isEmpty()) {
            sets.append({prefix + u"_resource_sid"_s, leg.resourceSid});
        }
        if (!leg.resourceStatus.isEmpty()) {
            sets.append({prefix + u"_resource_status"_s, leg.resourceStatus});
        }
        if (!leg.resourceType.isEmpty()) {
            sets.append({prefix + u"_resource_type"_s, leg.resourceType});
        }
        if (!leg.resourceUrl.isEmpty()) {
            sets.append({prefix + u"_resource_url"_s, leg.resourceUrl});
        }
        if (!data.isEmpty()) {
            sets.append({u"data"_s, data});
        }
        QString sql = u"UPDATE interactions SET date_updated = :u"_s;
        for (qsizetype n = 0; n < sets.size(); ++n) {
            sql += u", "_s + sets.at(n).first + u" = :v"_s + QString::number(n);
        }
        SqlQuery q(txn.db(), sql + u" WHERE sid = :sid"_s);
        q.bind(u":u"_s, m_clock.nowMs()).bind(u":sid"_s, interactionSid);
        for (qsizetype n = 0; n < sets.size(); ++n) {
            q.bind(u":v"_s + QString::number(n), sets.at(n).second);
        }
        q.exec();
        txn.changed(Change::Kind::Interaction, Change::Op::Updated, interactionSid, i->sessionSid);
        auto stored = InteractionsTable::bySid(txn.db(), interactionSid);
        if (alsoInTransaction) {
            if (auto st = alsoInTransaction(txn.db(), *stored); !st) {
                return st.error();
            }
        }
        txn.commit();
        return *stored;
    });
}

} // namespace Maskline
