#pragma once

#include <optional>

#include <QSqlDatabase>
#include <QString>

#include "store/records.h"

namespace Maskline {

// The store side of `maskline-server import`: finds records by SID and writes them with the SIDs, timestamps and
// statuses they had on the server they came from (the domain's create calls mint new SIDs and stamp "now", so they
// cannot be used). It checks nothing a Proxy call would check: the importer compares and decides, this only reads
// and writes rows. Every write runs inside the caller's Transaction; a constraint the schema enforces (a phone
// number or unique name another record already holds) surfaces as a StoreError with isConstraintViolation().
class ImportWriter final
{
public:
    explicit ImportWriter(const QSqlDatabase &db);

    std::optional<Account> findAccount(const QString &sid) const;
    std::optional<Service> findService(const QString &sid) const;
    std::optional<PhoneNumber> findPhoneNumber(const QString &sid) const;
    std::optional<Session> findSession(const QString &sid) const;
    std::optional<Participant> findParticipant(const QString &sid) const;
    std::optional<Interaction> findInteraction(const QString &sid) const;

    // Insert, or with `replace` overwrite the row of that SID in place (its row id, and so its place in lists, is
    // kept). Rows are listed newest first by row id, so callers insert each list oldest first.
    void putAccount(const Account &a, bool replace);
    void putService(const Service &s, bool replace);
    // in_use is written as given; the caller recounts it once the sessions are in (Proxy::recountInUse).
    void putPhoneNumber(const PhoneNumber &n, bool replace);
    // The internal expiry deadline is derived as the engine keeps it: date_expiry when set, else the later of
    // creation and last interaction plus ttl; none for a session that is not active.
    void putSession(const Session &s, bool replace);
    // `routable` (holding the routing key) is derived: the session is active, the participant not deleted, and no
    // other routable participant of the service holds the same (identifier, proxy number) pair.
    void putParticipant(const Participant &p, bool sessionActive, bool replace);
    void putInteraction(const Interaction &i, bool replace);

    static QDateTime expiryDeadline(const Session &s);

private:
    QSqlDatabase m_db;
};

} // namespace Maskline
