#include "accountstable.h"

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::AccountsTable {

std::optional<Account> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::ACCOUNT_COLUMNS + u" FROM accounts WHERE sid = :sid"_s);
    q.bind(u":sid"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::account(q);
}

// --- app ---
bool setAuthToken(const QSqlDatabase &db, const QString &sid, const QString &token, qint64 nowMs)
{
    SqlQuery update(db, u"UPDATE accounts SET auth_token = :token, date_updated = :now WHERE sid = :sid"_s);
    update.bind(u":token"_s, token).bind(u":now"_s, nowMs).bind(u":sid"_s, sid).exec();
    return update.numRowsAffected() == 1;
}

// --- proxy ---

QList<Account> all(const QSqlDatabase &db)
{
    SqlQuery q(db, u"SELECT "_s + Rows::ACCOUNT_COLUMNS + u" FROM accounts ORDER BY id"_s);
    q.exec();
    QList<Account> accounts;
    while (q.next()) {
        accounts.append(Rows::account(q));
    }
    return accounts;
}

void insert(const QSqlDatabase &db, const QString &sid, const QString &authToken, const QString &friendlyName,
            qint64 nowMs)
{
    SqlQuery(db, u"INSERT INTO accounts (sid, auth_token, friendly_name, date_created, date_updated) "
                 u"VALUES (:sid, :token, :name, :now, :now2)"_s)
        .bind(u":sid"_s, sid)
        .bind(u":token"_s, authToken)
        .bind(u":name"_s, nullIfEmpty(friendlyName))
        .bind(u":now"_s, nowMs)
        .bind(u":now2"_s, nowMs)
        .exec();
}

void updateSettings(const QSqlDatabase &db, const Account &a, qint64 nowMs)
{
    SqlQuery(db, u"UPDATE accounts SET allow_participant_conflict = :apc, respect_sms_stop_filter = :rss, "
                 u"sms_stop_filtering = :ssf, friendly_name = :name, date_updated = :now WHERE sid = :sid"_s)
        .bind(u":apc"_s, int(a.allowParticipantConflict))
        .bind(u":rss"_s, int(a.respectSmsStopFilter))
        .bind(u":ssf"_s, int(a.smsStopFiltering))
        .bind(u":name"_s, nullIfEmpty(a.friendlyName))
        .bind(u":now"_s, nowMs)
        .bind(u":sid"_s, a.sid)
        .exec();
}

// --- front ---

QString authToken(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT auth_token FROM accounts WHERE sid = :a"_s);
    q.bind(u":a"_s, sid).exec();
    return q.next() ? q.value(0).toString() : QString();
}

} // namespace Maskline::AccountsTable
