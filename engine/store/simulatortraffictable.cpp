#include "simulatortraffictable.h"

#include <QJsonArray>
#include <QJsonDocument>

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::SimulatorTrafficTable {

qint64 insert(const QSqlDatabase &db, const SimulatorRecord &r)
{
    SqlQuery q(
        db, u"INSERT INTO simulator_traffic (sid, kind, direction, from_number, to_number, body, media_urls, status, "
            u"account_sid, service_sid, session_sid, interaction_sid, date_created) VALUES (:sid, :k, :d, :f, :t, "
            u":b, :m, :st, :a, :s, :ks, :i, :c)"_s);
    q.bind(u":sid"_s, r.sid)
        .bind(u":k"_s, r.kind)
        .bind(u":d"_s, r.direction)
        .bind(u":f"_s, r.from)
        .bind(u":t"_s, r.to)
        .bind(u":b"_s, nullIfEmpty(r.body))
        .bind(u":m"_s,
              r.mediaUrls.isEmpty()
                  ? QVariant()
                  : QVariant(QString::fromUtf8(
                        QJsonDocument(QJsonArray::fromStringList(r.mediaUrls)).toJson(QJsonDocument::Compact))))
        .bind(u":st"_s, r.status)
        .bind(u":a"_s, nullIfEmpty(r.accountSid))
        .bind(u":s"_s, nullIfEmpty(r.serviceSid))
        .bind(u":ks"_s, nullIfEmpty(r.sessionSid))
        .bind(u":i"_s, nullIfEmpty(r.interactionSid))
        .bind(u":c"_s, r.dateCreated.toMSecsSinceEpoch())
        .exec();
    return idOfSid(db, u"simulator_traffic"_s, r.sid);
}

QList<SimulatorRecord> recent(const QSqlDatabase &db, int limit)
{
    QList<SimulatorRecord> result;
    SqlQuery q(db, u"SELECT id, sid, kind, direction, from_number, to_number, body, media_urls, status, account_sid, "
                   u"service_sid, session_sid, interaction_sid, date_created FROM simulator_traffic ORDER BY id DESC "
                   u"LIMIT :limit"_s);
    q.bind(u":limit"_s, limit).exec();
    while (q.next()) {
        SimulatorRecord r;
        r.id = q.value(0).toLongLong();
        r.sid = q.value(1).toString();
        r.kind = q.value(2).toString();
        r.direction = q.value(3).toString();
        r.from = q.value(4).toString();
        r.to = q.value(5).toString();
        r.body = q.value(6).toString();
        for (const QJsonValue &url : QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array()) {
            r.mediaUrls.append(url.toString());
        }
        r.status = q.value(8).toString();
        r.accountSid = q.value(9).toString();
        r.serviceSid = q.value(10).toString();
        r.sessionSid = q.value(11).toString();
        r.interactionSid = q.value(12).toString();
        r.dateCreated = Rows::toTime(q.value(13));
        result.append(r);
    }
    return result;
}

} // namespace Maskline::SimulatorTrafficTable
