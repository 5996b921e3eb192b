#include "numberstable.h"

#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::NumbersTable {

std::optional<PhoneNumber> bySid(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PHONE_NUMBER_COLUMNS + u" FROM phone_numbers WHERE sid = :v"_s);
    q.bind(u":v"_s, sid).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::phoneNumber(q);
}

std::optional<PhoneNumber> byPhoneNumber(const QSqlDatabase &db, const QString &e164)
{
    SqlQuery q(db, u"SELECT "_s + Rows::PHONE_NUMBER_COLUMNS + u" FROM phone_numbers WHERE phone_number = :v"_s);
    q.bind(u":v"_s, e164).exec();
    if (!q.next()) {
        return std::nullopt;
    }
    return Rows::phoneNumber(q);
}

} // namespace Maskline::NumbersTable
