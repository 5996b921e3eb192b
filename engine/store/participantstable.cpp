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

} // namespace Maskline::ParticipantsTable
