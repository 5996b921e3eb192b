// The Proxy domain: Participants (reference §3.4) and the choice of their proxy numbers (§5, numberselector.h).

#include <QHash>

#include "core/channeladdress.h"
#include "core/phonenumbers.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "numberselector.h"
#include "proxy.h"
#include "proxy_p.h"
#include "store/accountstable.h"
#include "store/numberstable.h"
#include "store/participantstable.h"
#include "store/servicestable.h"
#include "store/sessionstable.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace ProxyInternal;

namespace {

// An identifier's use of the pool numbers: held now (routable), and when each was last given to it.
struct IdentifierHistory
{
    QSet<QString> held;
    QHash<QString, qint64> lastUsed;

    PoolCandidate candidate(const NumbersTable::PoolEntry &n) const
    {
        PoolCandidate c;
        c.sid = n.sid;
        c.phoneNumber = n.phoneNumber;
        c.isoCountry = n.isoCountry;
        c.voice = n.voice;
        c.sms = n.sms;
        c.reserved = n.reserved;
        c.inUse = int(n.inUse);
        c.heldByIdentifier = held.contains(n.sid);
        c.lastUsedByIdentifier = lastUsed.value(n.sid);
        return c;
    }
};

NumbersTable::PoolEntry poolEntry(const PhoneNumber &n)
{
    return {n.sid, n.phoneNumber, n.isoCountry, n.capabilities.voice, n.capabilities.sms, n.isReserved, n.inUse};
}

// Reference §5 over the index (numberselector.h, fitFor): the selector sees the identifier's own numbers and the
// least-loaded number that fits which the identifier never used; that is the whole pool's answer whenever such a
// number exists. Nothing when it does not (or the history is long): the caller then reads the whole pool, which
// also words every refusal. A create on a 5,000-number pool read and parsed all 5,000 for each participant.
std::optional<PoolCandidate> selectByIndex(const QSqlDatabase &db, const QString &serviceSid,
                                           const SelectionRequest &request, const IdentifierHistory &history)
{
    constexpr int MAX_HISTORY = 64;
    constexpr int DERIVE_BATCH = 500;
    const std::optional<NumbersTable::Fit> fit = fitFor(request);
    if (!fit || history.lastUsed.size() > MAX_HISTORY) {
        return std::nullopt;
    }
    // Numbers written without their geography (before it was stored, by the importer or a bulk load) get it now.
    for (qsizetype derived = DERIVE_BATCH; derived == DERIVE_BATCH;) {
        const QList<NumbersTable::PoolEntry> pending = NumbersTable::underived(db, serviceSid, DERIVE_BATCH);
        for (const NumbersTable::PoolEntry &n : pending) {
            NumbersTable::setGeography(db, n.sid, geographyOf(n.phoneNumber, n.isoCountry));
        }
        derived = pending.size();
    }
    QList<PoolCandidate> pool;
    // The identifier's numbers come first in load order too, so one more row than it has is enough.
    const int limit = int(history.lastUsed.size()) + 1;
    for (const NumbersTable::PoolEntry &n : NumbersTable::leastLoaded(db, serviceSid, *fit, limit)) {
        if (!history.lastUsed.contains(n.sid)) {
            pool.append(history.candidate(n));
            break;
        }
    }
    if (pool.isEmpty()) {
        return std::nullopt;
    }
    for (auto it = history.lastUsed.cbegin(); it != history.lastUsed.cend(); ++it) {
        const std::optional<PhoneNumber> number = NumbersTable::bySid(db, it.key());
        if (number && number->serviceSid == serviceSid) {
            pool.append(history.candidate(poolEntry(*number)));
        }
    }
    Result<PoolCandidate> selected = selectProxyNumber(pool, request);
    if (!selected) {
        return std::nullopt;
    }
    return *selected;
}

} // namespace

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
    SessionsTable::lockForUpdate(db, session.sid);
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
    // What the store knows about this identifier's use of each pool number: held now, and when last used.
    IdentifierHistory history;
    for (const ParticipantsTable::NumberUse &use : ParticipantsTable::numberUseOf(db, service.sid, identifier)) {
        history.lastUsed.insert(use.numberSid, use.lastCreatedMs);
        if (use.routable) {
            history.held.insert(use.numberSid);
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
        chosen = history.candidate(poolEntry(*number));
        const Status check = checkExplicitProxyNumber(chosen, request);
        if (!check && check.error().code != 80604) {
            return check.error();
        }
        if (!check || ParticipantsTable::routeHolder(db, service.sid, identifier, number->phoneNumber)) {
            const auto holder = ParticipantsTable::routeHolder(db, service.sid, identifier, number->phoneNumber);
            const Account account = AccountsTable::bySid(db, service.accountSid).value_or(Account{});
            const QString otherSession = holder ? holder->sessionSid : QString();
            if (!account.allowParticipantConflict || params.failOnParticipantConflict) {
                return ApiError::make(80623, 409,
                                      u"Possible duplicate Participant: %1 is already active on proxy number %2 in "
                                      u"Session %3; adding it to Session %4 would route its traffic ambiguously"_s.arg(
                                          identifier, number->phoneNumber, otherSession, session.sid));
            }
            if (holder) {
                ParticipantsTable::setRoutable(db, holder->sid, false);
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
        std::optional<PoolCandidate> byIndex = selectByIndex(db, service.sid, request, history);
        if (byIndex) {
            chosen = *byIndex;
        } else {
            // The whole pool, which decides every case and words every refusal. Only the unreserved numbers are
            // candidates; when there are none, one reserved row tells the selector "all reserved" (80207) from
            // "pool empty" (80205).
            QList<PoolCandidate> pool;
            for (const bool reserved : {false, true}) { // reserved: at most one row
                const QList<NumbersTable::PoolEntry> numbers =
                    NumbersTable::inPool(db, service.sid, reserved, reserved);
                pool.reserve(numbers.size());
                for (const NumbersTable::PoolEntry &n : numbers) {
                    pool.append(history.candidate(n));
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
    p.dateCreated = p.dateUpdated = Time::fromMs(m_clock.nowMs());
    InUseDelta inUse(db, session.sid);
    try {
        ParticipantsTable::insert(db, p);
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
            ParticipantsTable::markDeleted(txn.db(), sid, now);
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
        return ParticipantsTable::page(db, sessionSid, page, Proxy::MAX_PAGE_SIZE);
    });
}

} // namespace Maskline
