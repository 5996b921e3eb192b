// The Proxy domain: Interactions and MessageInteractions (reference §3.5), read and deleted through the API, recorded
// and advanced by traffic.

#include "core/sid.h"
#include "proxy.h"
#include "proxy_p.h"
#include "store/interactionstable.h"
#include "store/participantstable.h"
#include "store/sessionstable.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

using namespace ProxyInternal;

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
        InteractionsTable::remove(txn.db(), sid);
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
            return InteractionsTable::page(db, sessionSid, page, Proxy::MAX_PAGE_SIZE);
        }
        auto p = ParticipantsTable::bySid(db, participantSid);
        if (!p || p->sessionSid != sessionSid) {
            return notFound(sessionPath(serviceSid, sessionSid) + u"/Participants/"_s + participantSid);
        }
        return InteractionsTable::page(db, sessionSid, page, Proxy::MAX_PAGE_SIZE, participantSid);
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

// ---- Traffic support (issue 4: routing) -----------------------------------------------------------------------------
// recordInteraction(interaction, alsoInTransaction) is the same as recordInteraction(interaction) plus the caller's
// work in the same transaction.

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
        InteractionsTable::write(txn.db(), i);
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
        s.dateUpdated = now;
        SessionsTable::recordActivity(txn.db(), s);
        const Interaction stored = InteractionsTable::asWritten(i);
        if (alsoInTransaction) {
            if (auto st = alsoInTransaction(txn.db(), stored); !st) {
                return st.error(); // the transaction rolls back: no interaction without its follow-up work
            }
        }
        txn.changed(Change::Kind::Interaction, Change::Op::Added, i.sid, s.sid);
        txn.changed(Change::Kind::Session, Change::Op::Updated, s.sid, s.serviceSid);
        txn.commit();
        return stored;
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
        InteractionsTable::updateLeg(txn.db(), interactionSid, outbound, leg, data, m_clock.nowMs());
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

Result<Interaction> Proxy::advanceInteractionLeg(const QString &interactionSid, bool outbound,
                                                 const InteractionLeg &leg, const QString &data,
                                                 const AfterLegChange &then)
{
    return guarded([&]() -> Result<Interaction> {
        ProxyTxn txn(*this);
        const auto before = InteractionsTable::bySidForUpdate(txn.db(), interactionSid);
        if (!before) {
            return notFound(u"/Interactions/"_s + interactionSid);
        }
        InteractionsTable::advanceLeg(txn.db(), interactionSid, outbound, leg, data, m_clock.nowMs());
        const auto after = InteractionsTable::bySid(txn.db(), interactionSid);
        if (!after) {
            return notFound(u"/Interactions/"_s + interactionSid);
        }
        txn.changed(Change::Kind::Interaction, Change::Op::Updated, interactionSid, before->sessionSid);
        if (then) {
            if (auto st = then(txn.db(), *before, *after); !st) {
                return st.error();
            }
        }
        txn.commit();
        return *after;
    });
}

} // namespace Maskline
