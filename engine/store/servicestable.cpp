#include "servicestable.h"

#include "listpage.h"
#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::ServicesTable {

std::optional<Service> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SERVICE_COLUMNS + u" FROM services WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::service(q);
}

std::optional<Service> inAccount(const QSqlDatabase &db, const QString &accountSid, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::SERVICE_COLUMNS + u" FROM services WHERE sid = :sid AND account_sid = :a"_s);
    q.bind(u":sid"_s, sid).bind(u":a"_s, accountSid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::service(q);
}

// --- proxy ---

void write(const QSqlDatabase &db, const Service &s, bool replace)
{
    const QString sql =
        replace ? u"UPDATE services SET account_sid = :a, unique_name = :n, chat_instance_sid = :chat, "
                  u"callback_url = :cb, intercept_callback_url = :icb, out_of_session_callback_url = :ocb, "
                  u"default_ttl = :ttl, geo_match_level = :geo, number_selection_behavior = :nsb, "
                  u"mx_insert_one = :mx, ar_insert_nine = :ar, date_created = :c, date_updated = :u WHERE sid = :sid"_s
                : u"INSERT INTO services (sid, account_sid, unique_name, chat_instance_sid, callback_url, "
                  u"intercept_callback_url, out_of_session_callback_url, default_ttl, geo_match_level, "
                  u"number_selection_behavior, mx_insert_one, ar_insert_nine, date_created, date_updated) VALUES "
                  u"(:sid, :a, :n, :chat, :cb, :icb, :ocb, :ttl, :geo, :nsb, :mx, :ar, :c, :u)"_s;
    SqlQuery(db, sql)
        .bind(u":sid"_s, s.sid)
        .bind(u":a"_s, s.accountSid)
        .bind(u":n"_s, s.uniqueName)
        .bind(u":chat"_s, nullIfEmpty(s.chatInstanceSid))
        .bind(u":cb"_s, nullIfEmpty(s.callbackUrl))
        .bind(u":icb"_s, nullIfEmpty(s.interceptCallbackUrl))
        .bind(u":ocb"_s, nullIfEmpty(s.outOfSessionCallbackUrl))
        .bind(u":ttl"_s, s.defaultTtl)
        .bind(u":geo"_s, s.geoMatchLevel)
        .bind(u":nsb"_s, s.numberSelectionBehavior)
        .bind(u":mx"_s, int(s.mxInsertOne))
        .bind(u":ar"_s, int(s.arInsertNine))
        .bind(u":c"_s, Rows::fromTime(s.dateCreated))
        .bind(u":u"_s, Rows::fromTime(s.dateUpdated))
        .exec();
}

bool uniqueNameTaken(const QSqlDatabase &db, const QString &accountSid, const QString &uniqueName,
                     const QString &exceptSid)
{
    SqlQuery q(db, u"SELECT sid FROM services WHERE account_sid = :a AND unique_name = :n AND sid <> :sid"_s);
    q.bind(u":a"_s, accountSid).bind(u":n"_s, uniqueName).bind(u":sid"_s, exceptSid).exec();
    return q.next();
}

std::optional<Service> byUniqueName(const QSqlDatabase &db, const QString &accountSid, const QString &uniqueName)
{
    SqlQuery q(db,
               u"SELECT "_s + Rows::SERVICE_COLUMNS + u" FROM services WHERE account_sid = :a AND unique_name = :n"_s);
    q.bind(u":a"_s, accountSid).bind(u":n"_s, uniqueName).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::service(q);
}

void update(const QSqlDatabase &db, const Service &s, qint64 nowMs)
{
    SqlQuery(db, u"UPDATE services SET unique_name = :name, chat_instance_sid = :chat, callback_url = :cb, "
                 u"intercept_callback_url = :icb, out_of_session_callback_url = :oos, default_ttl = :ttl, "
                 u"geo_match_level = :geo, number_selection_behavior = :nsb, mx_insert_one = :mx, "
                 u"ar_insert_nine = :ar, date_updated = :u WHERE sid = :sid"_s)
        .bind(u":name"_s, s.uniqueName)
        .bind(u":chat"_s, nullIfEmpty(s.chatInstanceSid))
        .bind(u":cb"_s, nullIfEmpty(s.callbackUrl))
        .bind(u":icb"_s, nullIfEmpty(s.interceptCallbackUrl))
        .bind(u":oos"_s, nullIfEmpty(s.outOfSessionCallbackUrl))
        .bind(u":ttl"_s, s.defaultTtl)
        .bind(u":geo"_s, s.geoMatchLevel)
        .bind(u":nsb"_s, s.numberSelectionBehavior)
        .bind(u":mx"_s, int(s.mxInsertOne))
        .bind(u":ar"_s, int(s.arInsertNine))
        .bind(u":u"_s, nowMs)
        .bind(u":sid"_s, s.sid)
        .exec();
}

void remove(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery(db, u"DELETE FROM services WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
}

Page<Service> page(const QSqlDatabase &db, const QString &accountSid, const PageRequest &request, int maxPageSize)
{
    return listPage<Service>(db, Rows::SERVICE_COLUMNS, u"services"_s, u"account_sid = :a"_s, {{u":a"_s, accountSid}},
                             request, maxPageSize, &Rows::service);
}

// --- front ---

QString callbackUrl(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT callback_url FROM services WHERE sid = :s"_s);
    q.bind(u":s"_s, sid).exec();
    if (!q.next() || q.value(0).isNull()) {
        return {};
    }
    return q.value(0).toString();
}

QList<QString> firstSids(const QSqlDatabase &db, int limit)
{
    SqlQuery services(db, QStringLiteral("SELECT sid FROM services ORDER BY sid LIMIT %1").arg(limit));
    services.exec();
    QList<QString> sids;
    while (services.next()) {
        sids.append(services.value(0).toString());
    }
    return sids;
}

} // namespace Maskline::ServicesTable
