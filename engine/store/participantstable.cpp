#include "participantstable.h"

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::ParticipantsTable {

std::optional<Participant> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS + u" FROM participants WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::participant(q);
}

QList<Participant> ofSession(const QSqlDatabase &db, const QString &sessionSid)
{
    SqlQuery q(db,
               u"SELECT "_s + Rows::PARTICIPANT_COLUMNS + u" FROM participants WHERE session_sid = :s ORDER BY id"_s);
    q.bind(u":s"_s, sessionSid).exec();
    QList<Participant> result;
    while (q.next()) {
        result.append(Rows::participant(q));
    }
    return result;
}

// --- routing ---

std::optional<Participant> routableBy(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                      const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS +
                       u" FROM participants WHERE service_sid = :s AND identifier = :i AND "
                       u"proxy_identifier = :p AND routable = 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::participant(q);
}

bool hasRoutable(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                 const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT 1 FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                   u"AND routable = 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    return q.next();
}

std::optional<Participant> latestBy(const QSqlDatabase &db, const QString &serviceSid, const QString &identifier,
                                    const QString &proxyIdentifier)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PARTICIPANT_COLUMNS +
                       u" FROM participants WHERE service_sid = :s AND identifier = :i AND proxy_identifier = :p "
                       u"ORDER BY id DESC LIMIT 1"_s);
    q.bind(u":s"_s, serviceSid).bind(u":i"_s, identifier).bind(u":p"_s, proxyIdentifier).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::participant(q);
}

bool isRoutable(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT routable FROM participants WHERE sid = :p"_s);
    q.bind(u":p"_s, sid).exec();
    return q.next() && q.value(0).toInt() != 0;
}

} // namespace Maskline::ParticipantsTable
