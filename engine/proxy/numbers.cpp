// The Proxy domain: a Service's pool of phone numbers (reference §3.2), and the check of in_use at start-up.

#include <algorithm>

#include "core/phonenumbers.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "proxy.h"
#include "proxy_p.h"
#include "store/numberstable.h"
#include "store/servicestable.h"
#include "store/transaction.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace ProxyInternal;

namespace {

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

} // namespace

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
        PhoneNumber n;
        n.sid = newSid;
        n.accountSid = accountSid;
        n.serviceSid = serviceSid;
        n.phoneNumber = e164;
        n.friendlyName = params.friendlyName.isEmpty() ? friendlyNameFor(e164) : params.friendlyName;
        n.isoCountry = iso;
        n.capabilities = caps;
        n.isReserved = reserved;
        n.dateCreated = n.dateUpdated = Time::fromMs(now);
        n.carrierManaged = params.carrierManaged;
        n.previousWebhooks = params.previousWebhooks;
        NumbersTable::insert(txn.db(), n);
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
        return NumbersTable::carrierManagedInPool(db, serviceSid);
    });
}

Status Proxy::checkPoolCapacity(const QSqlDatabase &db, const QString &serviceSid, bool reserved)
{
    const int count = NumbersTable::countInPool(db, serviceSid, reserved);
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
    const int count = NumbersTable::countInPool(db, serviceSid, reserved);
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
            NumbersTable::setReserved(txn.db(), sid, *isReserved, m_clock.nowMs());
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
                NumbersTable::setCapabilities(txn.db(), sid, c, m_clock.nowMs());
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
        NumbersTable::remove(txn.db(), sid);
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
        return NumbersTable::page(db, serviceSid, page, Proxy::MAX_PAGE_SIZE);
    });
}

namespace {

// Every number whose stored in_use differs from its recount, both read on one snapshot.
QList<Proxy::InUseDrift> driftBetween(const QHash<QString, qint64> &counted,
                                      const QList<std::pair<QString, qint64>> &stored)
{
    QList<Proxy::InUseDrift> drift;
    // Numbers counted as used; every counted number not among them is stored as 0.
    QSet<QString> seen;
    for (const auto &[sid, inUse] : stored) {
        seen.insert(sid);
        if (inUse != counted.value(sid)) {
            drift.append({sid, inUse, counted.value(sid)});
        }
    }
    for (auto it = counted.cbegin(); it != counted.cend(); ++it) {
        if (!seen.contains(it.key())) {
            drift.append({it.key(), 0, it.value()});
        }
    }
    return drift;
}

QList<Proxy::InUseDrift> driftOn(const QSqlDatabase &db)
{
    return driftBetween(NumbersTable::activeSessionsPerNumber(db), NumbersTable::inUseNotZero(db));
}

} // namespace

Result<int> Proxy::recountInUse()
{
    return guarded([&]() -> Result<int> {
        ProxyTxn txn(*this);
        const QList<InUseDrift> wrong = driftOn(txn.db());
        for (const InUseDrift &d : wrong) {
            const auto number = NumbersTable::bySid(txn.db(), d.numberSid);
            if (!number) {
                continue; // a participant's number that has since left the pool
            }
            qCWarning(lcProxy).noquote() << "in_use of" << d.numberSid << "was" << number->inUse << "; a recount says"
                                         << d.counted << ", corrected";
            NumbersTable::setInUse(txn.db(), d.numberSid, d.counted);
            txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, d.numberSid, number->serviceSid);
        }
        txn.commit();
        return int(wrong.size());
    });
}

Result<QList<Proxy::InUseDrift>> Proxy::measureInUseDrift(const QSqlDatabase &db, int numbersPerSnapshot)
{
    try {
        QList<InUseDrift> drift;
        QString after;
        for (;;) {
            const QStringList sids = NumbersTable::sidsAfter(db, after, std::max(1, numbersPerSnapshot));
            if (sids.isEmpty()) {
                return drift;
            }
            {
                Transaction snapshot(db); // rolled back: it only reads
                drift.append(driftBetween(NumbersTable::activeSessionsPerNumber(db, sids.first(), sids.last()),
                                          NumbersTable::inUseNotZero(db, sids.first(), sids.last())));
            }
            after = sids.last();
        }
    } catch (const StoreError &e) {
        return ApiError::make(80501, 503, u"Cannot check in_use against a recount: "_s + e.message());
    }
}

Result<int> Proxy::correctInUseDrift(const QList<InUseDrift> &drift)
{
    if (drift.isEmpty()) {
        return 0;
    }
    return guarded([&]() -> Result<int> {
        ProxyTxn txn(*this);
        int corrected = 0;
        for (const InUseDrift &d : drift) {
            const auto number = NumbersTable::bySid(txn.db(), d.numberSid);
            if (!number) {
                continue; // a participant's number that has since left the pool
            }
            qCWarning(lcProxy).noquote() << "in_use of" << d.numberSid << "was" << d.stored << "; a recount says"
                                         << d.counted << ", corrected";
            NumbersTable::addToInUse(txn.db(), d.numberSid, int(d.counted - d.stored));
            txn.changed(Change::Kind::PhoneNumber, Change::Op::Updated, d.numberSid, number->serviceSid);
            ++corrected;
        }
        txn.commit();
        return corrected;
    });
}

} // namespace Maskline
