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

// --- front ---

QString authToken(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT auth_token FROM accounts WHERE sid = :a"_s);
    q.bind(u":a"_s, sid).exec();
    return q.next() ? q.value(0).toString() : QString();
}

} // namespace Maskline::AccountsTable
