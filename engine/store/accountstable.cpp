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

} // namespace Maskline::AccountsTable
