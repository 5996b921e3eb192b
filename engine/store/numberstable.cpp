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

// --- front ---

std::optional<PoolUse> poolUse(const QSqlDatabase &db)
{
    SqlQuery pool(db, QStringLiteral("SELECT "
                                     "COALESCE(SUM(CASE WHEN in_use > 0 THEN 1 ELSE 0 END), 0), "
                                     "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :no THEN 1 ELSE 0 END), 0), "
                                     "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :yes THEN 1 ELSE 0 END), 0) "
                                     "FROM phone_numbers"));
    // Integers: is_reserved is SMALLINT on PostgreSQL, which refuses to compare it with a boolean.
    pool.bind(QStringLiteral(":no"), 0).bind(QStringLiteral(":yes"), 1).exec();
    if (!pool.next()) {
        return std::nullopt;
    }
    PoolUse use;
    use.inUse = pool.value(0).toLongLong();
    use.idle = pool.value(1).toLongLong();
    use.reserved = pool.value(2).toLongLong();
    return use;
}

QList<std::pair<QString, PoolUse>> poolUseByService(const QSqlDatabase &db)
{
    SqlQuery poolBy(db,
                    QStringLiteral("SELECT service_sid, "
                                   "COALESCE(SUM(CASE WHEN in_use > 0 THEN 1 ELSE 0 END), 0), "
                                   "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :no THEN 1 ELSE 0 END), 0), "
                                   "COALESCE(SUM(CASE WHEN in_use = 0 AND is_reserved = :yes THEN 1 ELSE 0 END), 0) "
                                   "FROM phone_numbers GROUP BY service_sid"));
    poolBy.bind(QStringLiteral(":no"), 0).bind(QStringLiteral(":yes"), 1).exec();
    QList<std::pair<QString, PoolUse>> uses;
    while (poolBy.next()) {
        PoolUse use;
        use.inUse = poolBy.value(1).toLongLong();
        use.idle = poolBy.value(2).toLongLong();
        use.reserved = poolBy.value(3).toLongLong();
        uses.append({poolBy.value(0).toString(), use});
    }
    return uses;
}

} // namespace Maskline::NumbersTable
