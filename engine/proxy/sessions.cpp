// The Proxy domain: Sessions (reference §3.3, §4), their close by expiry and their removal after retention.

#include <algorithm>

#include "core/channeladdress.h"
#include "core/sid.h"
#include "debugger/debugger.h"
#include "proxy.h"
#include "proxy_p.h"
#include "store/accountstable.h"
#include "store/participantstable.h"
#include "store/servicestable.h"
#include "store/sessionstable.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace ProxyInternal;

namespace {

const QStringList SESSION_MODES{SessionMode::MESSAGE_ONLY, SessionMode::VOICE_ONLY, SessionMode::VOICE_AND_MESSAGE};
const QStringList SESSION_STATUSES{SessionStatus::OPEN, SessionStatus::IN_PROGRESS, SessionStatus::CLOSED,
                                   SessionStatus::FAILED, SessionStatus::UNKNOWN};

} // namespace

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
            if (const auto holder = SessionsTable::sidByUniqueName(txn.db(), serviceSid, s.uniqueName)) {
                return ApiError::make(
                    80603, 400,
                    u"Session UniqueName must be unique: Session %1 of this Service is already named "
                    u"'%2' (closed Sessions keep their name until deleted)"_s.arg(*holder, s.uniqueName));
            }
        }
        if (s.status == SessionStatus::IN_PROGRESS) {
            s.dateStarted = now;
        }
        s.expiresAt = deadline(s.dateExpiry, s.ttl, now);
        SessionsTable::insert(txn.db(), s);
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
        if (auto s = SessionsTable::byUniqueName(db, accountSid, serviceSid, sidOrUniqueName)) {
            return *s;
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
            const Account account = AccountsTable::bySid(txn.db(), accountSid).value_or(Account{});
            for (const Participant &p : participants) {
                if (p.dateDeleted.isValid()) {
                    continue;
                }
                const auto holder = ParticipantsTable::routeHolder(txn.db(), serviceSid, p.identifier,
                                                                   ChannelAddress::bare(p.proxyIdentifier));
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
                ParticipantsTable::setRoutable(txn.db(), holder->sid, false);
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
            ParticipantsTable::routeSessionAgain(txn.db(), sid, now.toMSecsSinceEpoch());
        }
        if (close) {
            s.status = SessionStatus::CLOSED;
            s.closedReason = u"api"_s;
            s.dateEnded = now;
            ParticipantsTable::unrouteSession(txn.db(), sid);
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
        SessionsTable::update(txn.db(), s);
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
        SessionsTable::remove(txn.db(), sid);
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
        return SessionsTable::page(db, serviceSid, page, Proxy::MAX_PAGE_SIZE);
    });
}

Result<Session> Proxy::closeSession(const QString &sessionSid, const QString &reason)
{
    return guarded([&]() -> Result<Session> {
        ProxyTxn txn(*this);
        SessionsTable::lockForUpdate(txn.db(), sessionSid); // read what another node's close may just have committed
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
        ParticipantsTable::unrouteSession(txn.db(), sessionSid);
        SessionsTable::close(txn.db(), sessionSid, reason, now.toMSecsSinceEpoch());
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
        const QList<std::pair<QString, QString>> doomed =
            SessionsTable::closedBefore(txn.db(), endedBefore.toMSecsSinceEpoch(), std::max(1, limit));
        QStringList deleted;
        for (const auto &[sid, serviceSid] : std::as_const(doomed)) {
            // Participants and interactions go with the session (ON DELETE CASCADE). A closed session holds no
            // routing key and counts in no in_use, so nothing else changes.
            SessionsTable::remove(txn.db(), sid);
            txn.changed(Change::Kind::Session, Change::Op::Removed, sid, serviceSid);
            deleted.append(sid);
        }
        txn.commit();
        return deleted;
    });
}

} // namespace Maskline
