#include "importwriter.h"

#include "interactionstable.h"
#include "servicestable.h"
#include "sqlquery.h"
#include "store/rows.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

template<typename T, typename Reader>
std::optional<T> findBySid(const QSqlDatabase &db, const QString &columns, const QString &table, const QString &sid,
                           Reader read)
{
    SqlQuery q(db, u"SELECT "_s + columns + u" FROM "_s + table + u" WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return read(q);
}

QVariant ms(const QDateTime &t)
{
    return Rows::fromTime(t);
}

} // namespace

ImportWriter::ImportWriter(const QSqlDatabase &db)
    : m_db(db)
{}

std::optional<Account> ImportWriter::findAccount(const QString &sid) const
{
    return findBySid<Account>(m_db, Rows::ACCOUNT_COLUMNS, u"accounts"_s, sid, Rows::account);
}

std::optional<Service> ImportWriter::findService(const QString &sid) const
{
    return findBySid<Service>(m_db, Rows::SERVICE_COLUMNS, u"services"_s, sid, Rows::service);
}

std::optional<PhoneNumber> ImportWriter::findPhoneNumber(const QString &sid) const
{
    return findBySid<PhoneNumber>(m_db, Rows::PHONE_NUMBER_COLUMNS, u"phone_numbers"_s, sid, Rows::phoneNumber);
}

std::optional<Session> ImportWriter::findSession(const QString &sid) const
{
    return findBySid<Session>(m_db, Rows::SESSION_COLUMNS, u"sessions"_s, sid, Rows::session);
}

std::optional<Participant> ImportWriter::findParticipant(const QString &sid) const
{
    return findBySid<Participant>(m_db, Rows::PARTICIPANT_COLUMNS, u"participants"_s, sid, Rows::participant);
}

std::optional<Interaction> ImportWriter::findInteraction(const QString &sid) const
{
    return findBySid<Interaction>(m_db, Rows::INTERACTION_COLUMNS, u"interactions"_s, sid, Rows::interaction);
}

void ImportWriter::putAccount(const Account &a, bool replace)
{
    const QString sql =
        replace
            ? u"UPDATE accounts SET auth_token = :t, date_updated = :u WHERE sid = :sid"_s
            : u"INSERT INTO accounts (sid, auth_token, friendly_name, date_created, date_updated) VALUES (:sid, :t, "
              u":f, :c, :u)"_s;
    SqlQuery q(m_db, sql);
    q.bind(u":sid"_s, a.sid).bind(u":t"_s, a.authToken).bind(u":u"_s, ms(a.dateUpdated));
    if (!replace) {
        q.bind(u":f"_s, nullIfEmpty(a.friendlyName)).bind(u":c"_s, ms(a.dateCreated));
    }
    q.exec();
}

void ImportWriter::putService(const Service &s, bool replace)
{
    ServicesTable::write(m_db, s, replace);
}

void ImportWriter::putPhoneNumber(const PhoneNumber &n, bool replace)
{
    const QString sql =
        replace ? u"UPDATE phone_numbers SET account_sid = :a, service_sid = :s, phone_number = :pn, "
                  u"friendly_name = :f, iso_country = :iso, cap_voice = :cv, cap_sms = :cs, cap_mms = :cm, "
                  u"cap_fax = :cf, is_reserved = :r, in_use = :iu, date_created = :c, date_updated = :u, "
                  u"dial_code = NULL WHERE sid = :sid"_s
                : u"INSERT INTO phone_numbers (sid, account_sid, service_sid, phone_number, friendly_name, "
                  u"iso_country, cap_voice, cap_sms, cap_mms, cap_fax, is_reserved, in_use, date_created, "
                  u"date_updated) VALUES (:sid, :a, :s, :pn, :f, :iso, :cv, :cs, :cm, :cf, :r, :iu, :c, :u)"_s;
    SqlQuery(m_db, sql)
        .bind(u":sid"_s, n.sid)
        .bind(u":a"_s, n.accountSid)
        .bind(u":s"_s, n.serviceSid)
        .bind(u":pn"_s, n.phoneNumber)
        .bind(u":f"_s, nullIfEmpty(n.friendlyName))
        .bind(u":iso"_s, nullIfEmpty(n.isoCountry))
        .bind(u":cv"_s, int(n.capabilities.voice))
        .bind(u":cs"_s, int(n.capabilities.sms))
        .bind(u":cm"_s, int(n.capabilities.mms))
        .bind(u":cf"_s, int(n.capabilities.fax))
        .bind(u":r"_s, int(n.isReserved))
        .bind(u":iu"_s, n.inUse)
        .bind(u":c"_s, ms(n.dateCreated))
        .bind(u":u"_s, ms(n.dateUpdated))
        .exec();
}

QDateTime ImportWriter::expiryDeadline(const Session &s)
{
    if (!s.isActive()) {
        return {};
    }
    if (s.dateExpiry.isValid()) {
        return s.dateExpiry;
    }
    if (s.ttl <= 0) {
        return {};
    }
    const QDateTime from = s.dateLastInteraction.isValid() && s.dateLastInteraction > s.dateCreated
                               ? s.dateLastInteraction
                               : s.dateCreated;
    return from.addSecs(s.ttl);
}

void ImportWriter::putSession(const Session &s, bool replace)
{
    const QString sql =
        replace ? u"UPDATE sessions SET account_sid = :a, service_sid = :s, unique_name = :n, status = :st, "
                  u"mode = :m, ttl = :ttl, date_expiry = :de, expires_at = :ea, closed_reason = :cr, "
                  u"date_started = :ds, date_ended = :dend, date_last_interaction = :dl, date_created = :c, "
                  u"date_updated = :u WHERE sid = :sid"_s
                : u"INSERT INTO sessions (sid, account_sid, service_sid, unique_name, status, mode, ttl, "
                  u"date_expiry, expires_at, closed_reason, date_started, date_ended, date_last_interaction, "
                  u"date_created, date_updated) VALUES (:sid, :a, :s, :n, :st, :m, :ttl, :de, :ea, :cr, :ds, "
                  u":dend, :dl, :c, :u)"_s;
    SqlQuery(m_db, sql)
        .bind(u":sid"_s, s.sid)
        .bind(u":a"_s, s.accountSid)
        .bind(u":s"_s, s.serviceSid)
        .bind(u":n"_s, nullIfEmpty(s.uniqueName))
        .bind(u":st"_s, s.status)
        .bind(u":m"_s, s.mode)
        .bind(u":ttl"_s, s.ttl)
        .bind(u":de"_s, ms(s.dateExpiry))
        .bind(u":ea"_s, ms(expiryDeadline(s)))
        .bind(u":cr"_s, nullIfEmpty(s.closedReason))
        .bind(u":ds"_s, ms(s.dateStarted))
        .bind(u":dend"_s, ms(s.dateEnded))
        .bind(u":dl"_s, ms(s.dateLastInteraction))
        .bind(u":c"_s, ms(s.dateCreated))
        .bind(u":u"_s, ms(s.dateUpdated))
        .exec();
}

void ImportWriter::putParticipant(const Participant &p, bool sessionActive, bool replace)
{
    bool routable = sessionActive && !p.dateDeleted.isValid();
    if (routable) {
        // The partial unique index allows one holder per key; an earlier import (or a conflict the source allowed)
        // may already hold it, and then this one stays unroutable, as a participant that lost its key does.
        SqlQuery q(m_db, u"SELECT sid FROM participants WHERE service_sid = :s AND identifier = :i AND "
                         u"proxy_identifier = :pi AND routable = 1 AND sid <> :sid"_s);
        q.bind(u":s"_s, p.serviceSid)
            .bind(u":i"_s, p.identifier)
            .bind(u":pi"_s, p.proxyIdentifier)
            .bind(u":sid"_s, p.sid)
            .exec();
        routable = !q.next();
    }
    const QString sql =
        replace ? u"UPDATE participants SET account_sid = :a, service_sid = :s, session_sid = :ks, identifier = :i, "
                  u"proxy_identifier = :pi, proxy_identifier_sid = :pis, friendly_name = :f, routable = :r, "
                  u"date_deleted = :dd, date_created = :c, date_updated = :u WHERE sid = :sid"_s
                : u"INSERT INTO participants (sid, account_sid, service_sid, session_sid, identifier, "
                  u"proxy_identifier, proxy_identifier_sid, friendly_name, routable, date_deleted, date_created, "
                  u"date_updated) VALUES (:sid, :a, :s, :ks, :i, :pi, :pis, :f, :r, :dd, :c, :u)"_s;
    SqlQuery(m_db, sql)
        .bind(u":sid"_s, p.sid)
        .bind(u":a"_s, p.accountSid)
        .bind(u":s"_s, p.serviceSid)
        .bind(u":ks"_s, p.sessionSid)
        .bind(u":i"_s, p.identifier)
        .bind(u":pi"_s, p.proxyIdentifier)
        .bind(u":pis"_s, nullIfEmpty(p.proxyIdentifierSid))
        .bind(u":f"_s, nullIfEmpty(p.friendlyName))
        .bind(u":r"_s, int(routable))
        .bind(u":dd"_s, ms(p.dateDeleted))
        .bind(u":c"_s, ms(p.dateCreated))
        .bind(u":u"_s, ms(p.dateUpdated))
        .exec();
}

void ImportWriter::putInteraction(const Interaction &i, bool replace)
{
    InteractionsTable::write(m_db, i, replace);
}

} // namespace Maskline
