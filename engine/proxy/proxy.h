#pragma once

#include <functional>
#include <optional>

#include <QElapsedTimer>
#include <QHash>
#include <QMutex>
#include <QObject>
#include <QSqlDatabase>
#include <QStringList>

#include "core/clock.h"
#include "core/result.h"
#include "store/apikeys.h"
#include "store/records.h"

namespace Maskline {

class Database;
class Debugger;
class ProxyTxn;

// The Proxy domain as a C++ API with no HTTP in it (reference §3-§5, §10). Every call runs on the thread that owns
// the engine's write connection, is one transaction, and either returns the resource or an ApiError carrying the
// Twilio code, HTTP status and a message a person can act on. After a commit, changed() says what changed.
//
// Every call is scoped to an account: a resource of another account is reported as not found, never as forbidden.
class Proxy final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(Proxy)

public:
    static constexpr int MAX_UNRESERVED_NUMBERS = 500;
    static constexpr int MAX_RESERVED_NUMBERS = 5000;
    static constexpr int MAX_UNIQUE_NAME = 191;
    static constexpr int MAX_CALLBACK_URL = 4000;
    static constexpr int MAX_PAGE_SIZE = 100;

    Proxy(Database &db, const Clock &clock, Debugger *debugger, QObject *parent = nullptr);
    ~Proxy() override;

    // Callback URLs may never point at Maskline itself (changelog 2019-05-21): these are its own base URLs.
    void setOwnBaseUrls(const QStringList &urls);
    QStringList ownBaseUrls() const { return m_ownBaseUrls; }
    // --callback-targets public: refuse callback URLs on loopback, private and link-local addresses (off by default).
    void setPublicCallbackTargetsOnly(bool on) { m_publicCallbackTargetsOnly = on; }
    bool publicCallbackTargetsOnly() const { return m_publicCallbackTargetsOnly; }

    // Accounts
    Result<Account> createAccount(const QString &sid = {}, const QString &authToken = {},
                                  const QString &friendlyName = {});
    Result<QList<Account>> listAccounts();
    Result<Account> fetchAccount(const QString &sid);
    // Constant-time check of the token; an unknown SID costs the same comparison as a wrong token.
    Result<Account> authenticate(const QString &sid, const QString &authToken);
    Result<Account> updateAccountSettings(const QString &sid, const AccountSettings &settings);
    // Creates the first account when the store has none: from the given SID/token, else generated.
    Result<Account> ensureAccount(const QString &sid = {}, const QString &authToken = {});

    // API keys (2010-04-01 Keys): authenticate() takes SK…:secret for the key's account too. The secret is in the
    // result of create only; the store keeps a salted hash. A key of another account is "not found". Deleting a key
    // stops it at once in this engine (another process's delete counts within ACCOUNT_CACHE_MS).
    static constexpr int MAX_KEY_FRIENDLY_NAME = 64;
    Result<NewApiKey> createApiKey(const QString &accountSid, const QString &friendlyName = {});
    Result<ApiKey> fetchApiKey(const QString &accountSid, const QString &sid);
    Result<ApiKey> updateApiKey(const QString &accountSid, const QString &sid, const std::optional<QString> &name);
    Status deleteApiKey(const QString &accountSid, const QString &sid);
    // Newest first; `offset` applies when the request has no cursor (afterId).
    Result<Page<ApiKey>> listApiKeys(const QString &accountSid, const PageRequest &page, int offset = 0);

    // Services (fetch also by unique name)
    Result<Service> createService(const QString &accountSid, const ServiceParams &params);
    Result<Service> fetchService(const QString &accountSid, const QString &sidOrUniqueName);
    Result<Service> updateService(const QString &accountSid, const QString &sid, const ServiceParams &params);
    Status deleteService(const QString &accountSid, const QString &sid);
    Result<Page<Service>> listServices(const QString &accountSid, const PageRequest &page);

    // Phone numbers (the pool)
    Result<PhoneNumber> createPhoneNumber(const QString &accountSid, const QString &serviceSid,
                                          const PhoneNumberParams &params);
    Result<PhoneNumber> fetchPhoneNumber(const QString &accountSid, const QString &serviceSid, const QString &sid);
    Result<PhoneNumber> updatePhoneNumber(const QString &accountSid, const QString &serviceSid, const QString &sid,
                                          std::optional<bool> isReserved,
                                          std::optional<Capabilities> capabilities = std::nullopt);
    // The checks createPhoneNumber makes before it writes (Service exists, number and SID in no pool, pool not
    // full), without writing: run before a carrier lookup so a doomed add changes nothing at the carrier either.
    // Either of e164 / sid may be empty.
    Status checkPhoneNumberAddable(const QString &accountSid, const QString &serviceSid, const QString &e164,
                                   const QString &sid, bool reserved);
    // The carrier-managed numbers of a Service (their webhooks are restored before the Service is deleted).
    Result<QList<PhoneNumber>> carrierManagedNumbers(const QString &accountSid, const QString &serviceSid);
    Status deletePhoneNumber(const QString &accountSid, const QString &serviceSid, const QString &sid);
    Result<Page<PhoneNumber>> listPhoneNumbers(const QString &accountSid, const QString &serviceSid,
                                               const PageRequest &page);

    // Sessions (fetch also by unique name)
    Result<Session> createSession(const QString &accountSid, const QString &serviceSid, const SessionParams &params);
    Result<Session> fetchSession(const QString &accountSid, const QString &serviceSid, const QString &sidOrUniqueName);
    Result<Session> updateSession(const QString &accountSid, const QString &serviceSid, const QString &sid,
                                  const SessionParams &params);
    Status deleteSession(const QString &accountSid, const QString &serviceSid, const QString &sid);
    Result<Page<Session>> listSessions(const QString &accountSid, const QString &serviceSid, const PageRequest &page);

    // Participants (delete is soft: the identifier can never be added to that session again)
    Result<Participant> createParticipant(const QString &accountSid, const QString &serviceSid,
                                          const QString &sessionSid, const ParticipantParams &params);
    Result<Participant> fetchParticipant(const QString &accountSid, const QString &serviceSid,
                                         const QString &sessionSid, const QString &sid);
    Result<Participant> deleteParticipant(const QString &accountSid, const QString &serviceSid,
                                          const QString &sessionSid, const QString &sid);
    Result<Page<Participant>> listParticipants(const QString &accountSid, const QString &serviceSid,
                                               const QString &sessionSid, const PageRequest &page);

    // Interactions (read and delete; created by traffic) and MessageInteractions (participantSid filter)
    Result<Interaction> fetchInteraction(const QString &accountSid, const QString &serviceSid,
                                         const QString &sessionSid, const QString &sid,
                                         const QString &participantSid = {});
    Status deleteInteraction(const QString &accountSid, const QString &serviceSid, const QString &sessionSid,
                             const QString &sid);
    Result<Page<Interaction>> listInteractions(const QString &accountSid, const QString &serviceSid,
                                               const QString &sessionSid, const PageRequest &page,
                                               const QString &participantSid = {});
    Result<Interaction> updateInteractionLegStatus(const QString &interactionSid, bool outbound,
                                                   const QString &resourceStatus, const QString &resourceSid = {},
                                                   const QString &data = {});

    Database &database() { return m_db; }
    const Clock &clock() const { return m_clock; }

    // ---- Traffic support (issue 4: routing, expiry, retention) ------------------------------------------------------
    // Work that must commit together with a recorded interaction (the carrier send queued in the outbox): it runs in
    // recordInteraction's transaction after the interaction row is written. An error from it rolls everything back
    // and is returned.
    using InTransaction = std::function<Status(const QSqlDatabase &db, const Interaction &recorded)>;
    // Records an interaction produced by traffic or by a MessageInteraction; moves the session open -> in-progress,
    // sets date_started / date_last_interaction and slides the TTL deadline.
    Result<Interaction> recordInteraction(const Interaction &interaction, const InTransaction &alsoInTransaction = {});
    // Closes an active session for a reason other than the API (expiry: "ttl" / "date_expiry"): status closed,
    // closed_reason, date_ended, its participants give up their routing keys (a participant that lost its key to
    // this session under allow_participant_conflict gets it back) and in_use is recomputed. A session that is not
    // active comes back unchanged.
    Result<Session> closeSession(const QString &sessionSid, const QString &reason);
    // in_use is kept by each change to a session, never recounted on the way. This checks every number's in_use
    // against a full recount (one grouped query over the active sessions) and corrects any that differ, with a
    // warning; it returns how many were corrected. The engine runs it at start-up.
    Result<int> recountInUse();
    // The same check in two halves, so it need not hold up the start: measureInUseDrift reads, on `db` (a
    // connection of any thread), every number whose stored in_use differs from a recount of the same snapshot;
    // correctInUseDrift then moves each by the difference (in_use += counted - stored), which stays right whatever
    // was committed after the snapshot, since every commit moves a number's in_use and its recount alike. Returns
    // how many were corrected. The measure reads `numbersPerSnapshot` numbers (in SID order) per read transaction:
    // on a large store the whole recount takes seconds, and one snapshot held that long would keep SQLite's WAL
    // from being checkpointed while traffic goes on. A pool number counts only its own snapshot, so the difference
    // is still exact; a number outside the pool is not checked (there is nothing to correct).
    struct InUseDrift
    {
        QString numberSid;
        qint64 stored = 0;
        qint64 counted = 0;
    };
    static Result<QList<InUseDrift>> measureInUseDrift(const QSqlDatabase &db, int numbersPerSnapshot = 16);
    Result<int> correctInUseDrift(const QList<InUseDrift> &drift);
    // Retention (reference §4.4): deletes at most `limit` sessions closed before `endedBefore`, with their
    // participants and interactions; returns the deleted sessions' SIDs.
    Result<QStringList> purgeClosedSessions(const QDateTime &endedBefore, int limit = 500);
    // Sets the non-empty resource fields of `leg` (sid, status, type, url; not the participant) on the inbound or
    // outbound leg, and `data` when non-empty, in one update; `alsoInTransaction` runs in it with the updated
    // interaction (the callbacks queue the status callback of a status change there).
    Result<Interaction> updateInteractionLeg(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                                             const QString &data = {}, const InTransaction &alsoInTransaction = {});
    // Traffic's step of a leg (routing's LegAdvancer): the same fields, but a status only replaces one of the same or
    // a lower rank (InteractionsTable::advanceLeg, compared in the UPDATE). The row is read locked before the change
    // and once after it; `then` runs in the transaction with both, and an error from it rolls the change back.
    using AfterLegChange =
        std::function<Status(const QSqlDatabase &db, const Interaction &before, const Interaction &after)>;
    Result<Interaction> advanceInteractionLeg(const QString &interactionSid, bool outbound, const InteractionLeg &leg,
                                              const QString &data, const AfterLegChange &then);

Q_SIGNALS:
    // Emitted after each commit, on the engine thread, with everything that transaction changed.
    void changed(const QList<Maskline::Change> &changes);

private:
    friend class ProxyTxn;
    Status validateService(const QSqlDatabase &db, const Service &service);
    Status checkPoolCapacity(const QSqlDatabase &db, const QString &serviceSid, bool reserved);
    void warnPoolNearLimit(const QSqlDatabase &db, const QString &accountSid, const QString &serviceSid, bool reserved);
    Result<Participant> addParticipant(ProxyTxn &txn, const Service &service, const Session &session,
                                       const ParticipantParams &params);

    std::optional<Account> cachedAccount(const QString &sid);
    std::optional<ApiKeyCredential> cachedKey(const QString &sid);
    void forgetAccounts();
    void forgetKey(const QString &sid);

    Database &m_db;
    const Clock &m_clock;
    Debugger *m_debugger;
    QStringList m_ownBaseUrls;
    // Credentials checked from memory: accounts as last read, each for at most ACCOUNT_CACHE_MS (changes made by
    // another process, such as `maskline-server account set`, count within that time; this engine's own changes
    // clear it at once).
    struct CachedAccount
    {
        Account account;
        qint64 readAtMs;
    };
    struct CachedKey
    {
        ApiKeyCredential credential;
        qint64 readAtMs;
    };
    QMutex m_accountsMutex;
    QHash<QString, CachedAccount> m_accounts;
    QHash<QString, CachedKey> m_keys; // SK… -> its account, salt and hash, as last read (same rules as m_accounts)
    QElapsedTimer m_sinceStart;
    bool m_publicCallbackTargetsOnly = false;
};

} // namespace Maskline
