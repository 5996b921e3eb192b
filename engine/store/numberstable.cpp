#include "numberstable.h"

#include "listpage.h"
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

// --- proxy ---

void insert(const QSqlDatabase &db, const PhoneNumber &n)
{
    const NumberWebhooks &prev = n.previousWebhooks;
    SqlQuery(db, u"INSERT INTO phone_numbers (sid, account_sid, service_sid, phone_number, friendly_name, iso_country, "
                 u"cap_voice, cap_sms, cap_mms, cap_fax, is_reserved, in_use, date_created, date_updated, "
                 u"carrier_managed, prev_sms_url, prev_sms_method, prev_voice_url, prev_voice_method) VALUES "
                 u"(:sid, :a, :s, :n, :fn, :iso, :v, :sms, :mms, :fax, :r, 0, :c, :u, :cm, :psu, :psm, :pvu, :pvm)"_s)
        .bind(u":sid"_s, n.sid)
        .bind(u":a"_s, n.accountSid)
        .bind(u":s"_s, n.serviceSid)
        .bind(u":n"_s, n.phoneNumber)
        .bind(u":fn"_s, n.friendlyName)
        .bind(u":iso"_s, nullIfEmpty(n.isoCountry))
        .bind(u":v"_s, int(n.capabilities.voice))
        .bind(u":sms"_s, int(n.capabilities.sms))
        .bind(u":mms"_s, int(n.capabilities.mms))
        .bind(u":fax"_s, int(n.capabilities.fax))
        .bind(u":r"_s, int(n.isReserved))
        .bind(u":c"_s, Rows::fromTime(n.dateCreated))
        .bind(u":u"_s, Rows::fromTime(n.dateUpdated))
        .bind(u":cm"_s, int(n.carrierManaged))
        .bind(u":psu"_s, nullIfEmpty(prev.smsUrl))
        .bind(u":psm"_s, nullIfEmpty(prev.smsMethod))
        .bind(u":pvu"_s, nullIfEmpty(prev.voiceUrl))
        .bind(u":pvm"_s, nullIfEmpty(prev.voiceMethod))
        .exec();
}

int countInPool(const QSqlDatabase &db, const QString &serviceSid, bool reserved)
{
    SqlQuery q(db, u"SELECT COUNT(*) FROM phone_numbers WHERE service_sid = :s AND is_reserved = :r"_s);
    q.bind(u":s"_s, serviceSid).bind(u":r"_s, int(reserved)).exec();
    return q.next() ? q.value(0).toInt() : 0;
}

QList<PhoneNumber> carrierManagedInPool(const QSqlDatabase &db, const QString &serviceSid)
{
    QList<PhoneNumber> numbers;
    for (const int reserved : {0, 1}) { // phone_numbers_selectable: (service_sid, is_reserved, carrier_managed)
        SqlQuery q(db, u"SELECT "_s + Rows::PHONE_NUMBER_COLUMNS +
                           u" FROM phone_numbers WHERE service_sid = :s AND is_reserved = :r AND "
                           u"carrier_managed = 1 ORDER BY id"_s);
        q.bind(u":s"_s, serviceSid).bind(u":r"_s, reserved).exec();
        while (q.next()) {
            numbers.append(Rows::phoneNumber(q));
        }
    }
    return numbers;
}

namespace {

const QString POOL_ENTRY_COLUMNS = u"sid, phone_number, iso_country, cap_voice, cap_sms, is_reserved, in_use"_s;

QList<PoolEntry> poolEntries(SqlQuery &q)
{
    QList<PoolEntry> numbers;
    while (q.next()) {
        PoolEntry e;
        e.sid = q.value(0).toString();
        e.phoneNumber = q.value(1).toString();
        e.isoCountry = q.value(2).toString();
        e.voice = q.value(3).toInt() != 0;
        e.sms = q.value(4).toInt() != 0;
        e.reserved = q.value(5).toInt() != 0;
        e.inUse = q.value(6).toLongLong();
        numbers.append(std::move(e));
    }
    return numbers;
}

} // namespace

QList<PoolEntry> inPool(const QSqlDatabase &db, const QString &serviceSid, bool reserved, bool firstOnly)
{
    SqlQuery q(db, u"SELECT "_s + POOL_ENTRY_COLUMNS +
                       u" FROM phone_numbers WHERE service_sid = :s AND is_reserved = :r"_s +
                       (firstOnly ? u" LIMIT 1"_s : QString()));
    q.bind(u":s"_s, serviceSid).bind(u":r"_s, int(reserved)).exec();
    return poolEntries(q);
}

QList<PoolEntry> underived(const QSqlDatabase &db, const QString &serviceSid, int limit)
{
    SqlQuery q(db, u"SELECT "_s + POOL_ENTRY_COLUMNS +
                       u" FROM phone_numbers WHERE service_sid = :s AND is_reserved = 0 AND dial_code IS NULL "
                       u"LIMIT :n"_s);
    q.bind(u":s"_s, serviceSid).bind(u":n"_s, limit).exec();
    return poolEntries(q);
}

void setGeography(const QSqlDatabase &db, const QString &sid, const Geography &geography)
{
    SqlQuery(db, u"UPDATE phone_numbers SET dial_code = :cc, geo_region = :r, nanp_area = :npa, overlay_area = :ov "
                 u"WHERE sid = :sid"_s)
        .bind(u":cc"_s, geography.dialCode)
        .bind(u":r"_s, geography.region)
        .bind(u":npa"_s, geography.nanpArea)
        .bind(u":ov"_s, geography.overlayArea)
        .bind(u":sid"_s, sid)
        .exec();
}

QList<PoolEntry> leastLoaded(const QSqlDatabase &db, const QString &serviceSid, const Fit &fit, int limit)
{
    Q_ASSERT(fit.regions.size() <= Fit::MAX_REGIONS);
    // One statement for every fit (reused from the cache): an empty (or NULL) value switches its condition off. The
    // order is phone_numbers_by_load's, so SQLite reads the index from the front and stops at `limit`.
    SqlQuery q(db,
               u"SELECT "_s + POOL_ENTRY_COLUMNS +
                   u" FROM phone_numbers WHERE service_sid = :s AND is_reserved = 0 AND dial_code = :cc "
                   u"AND (:any = 1 OR COALESCE(geo_region, '') = '' OR geo_region IN (:r0, :r1, :r2, :r3, :r4, :r5)) "
                   u"AND (COALESCE(:npa0, '') = '' OR nanp_area = :npa1) "
                   u"AND (COALESCE(:ov0, '') = '' OR overlay_area = :ov1) "
                   u"AND (:v = 0 OR cap_voice = 1) AND (:m = 0 OR cap_sms = 1) "
                   u"ORDER BY in_use, sid LIMIT :n"_s);
    q.bind(u":s"_s, serviceSid).bind(u":cc"_s, fit.dialCode).bind(u":any"_s, fit.regions.isEmpty() ? 1 : 0);
    for (int i = 0; i < Fit::MAX_REGIONS; ++i) {
        // Unused places repeat the first region, which changes nothing.
        q.bind(u":r%1"_s.arg(i), fit.regions.value(i, fit.regions.value(0)));
    }
    q.bind(u":npa0"_s, fit.nanpArea).bind(u":npa1"_s, fit.nanpArea);
    q.bind(u":ov0"_s, fit.overlayArea).bind(u":ov1"_s, fit.overlayArea);
    q.bind(u":v"_s, int(fit.voice)).bind(u":m"_s, int(fit.sms)).bind(u":n"_s, limit).exec();
    return poolEntries(q);
}

void setReserved(const QSqlDatabase &db, const QString &sid, bool reserved, qint64 nowMs)
{
    SqlQuery(db, u"UPDATE phone_numbers SET is_reserved = :r, date_updated = :u WHERE sid = :sid"_s)
        .bind(u":r"_s, int(reserved))
        .bind(u":u"_s, nowMs)
        .bind(u":sid"_s, sid)
        .exec();
}

void setCapabilities(const QSqlDatabase &db, const QString &sid, const Capabilities &c, qint64 nowMs)
{
    SqlQuery(db, u"UPDATE phone_numbers SET cap_voice = :v, cap_sms = :sms, cap_mms = :mms, "
                 u"cap_fax = :fax, date_updated = :u WHERE sid = :sid"_s)
        .bind(u":v"_s, int(c.voice))
        .bind(u":sms"_s, int(c.sms))
        .bind(u":mms"_s, int(c.mms))
        .bind(u":fax"_s, int(c.fax))
        .bind(u":u"_s, nowMs)
        .bind(u":sid"_s, sid)
        .exec();
}

void remove(const QSqlDatabase &db, const QString &sid)
{
    SqlQuery(db, u"DELETE FROM phone_numbers WHERE sid = :sid"_s).bind(u":sid"_s, sid).exec();
}

Page<PhoneNumber> page(const QSqlDatabase &db, const QString &serviceSid, const PageRequest &request, int maxPageSize)
{
    return listPage<PhoneNumber>(db, Rows::PHONE_NUMBER_COLUMNS, u"phone_numbers"_s, u"service_sid = :s"_s,
                                 {{u":s"_s, serviceSid}}, request, maxPageSize, &Rows::phoneNumber);
}

QSet<QString> heldBySession(const QSqlDatabase &db, const QString &sessionSid)
{
    SqlQuery q(db, u"SELECT DISTINCT p.proxy_identifier_sid FROM participants p JOIN sessions s ON s.sid = "
                   u"p.session_sid WHERE p.session_sid = :s AND p.date_deleted IS NULL AND "
                   u"p.proxy_identifier_sid IS NOT NULL AND s.status IN "_s +
                       Rows::ACTIVE_SESSION_STATUSES);
    q.bind(u":s"_s, sessionSid).exec();
    QSet<QString> numbers;
    while (q.next()) {
        numbers.insert(q.value(0).toString());
    }
    return numbers;
}

void addToInUse(const QSqlDatabase &db, const QString &sid, int by)
{
    SqlQuery(db, u"UPDATE phone_numbers SET in_use = in_use + :by WHERE sid = :sid"_s)
        .bind(u":by"_s, by)
        .bind(u":sid"_s, sid)
        .exec();
}

void setInUse(const QSqlDatabase &db, const QString &sid, qint64 inUse)
{
    SqlQuery(db, u"UPDATE phone_numbers SET in_use = :n WHERE sid = :sid"_s)
        .bind(u":n"_s, inUse)
        .bind(u":sid"_s, sid)
        .exec();
}

QHash<QString, qint64> activeSessionsPerNumber(const QSqlDatabase &db)
{
    SqlQuery q(db, u"SELECT p.proxy_identifier_sid, COUNT(DISTINCT p.session_sid) FROM sessions s JOIN "
                   u"participants p ON p.session_sid = s.sid WHERE s.status IN "_s +
                       Rows::ACTIVE_SESSION_STATUSES +
                       u" AND p.date_deleted IS NULL AND p.proxy_identifier_sid IS NOT NULL "
                       u"GROUP BY p.proxy_identifier_sid"_s);
    q.exec();
    QHash<QString, qint64> counted;
    while (q.next()) {
        counted.insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    return counted;
}

QList<std::pair<QString, qint64>> inUseNotZero(const QSqlDatabase &db)
{
    SqlQuery q(db, u"SELECT sid, in_use FROM phone_numbers WHERE in_use <> 0"_s);
    q.exec();
    QList<std::pair<QString, qint64>> numbers;
    while (q.next()) {
        numbers.append({q.value(0).toString(), q.value(1).toLongLong()});
    }
    return numbers;
}

QHash<QString, qint64> activeSessionsPerNumber(const QSqlDatabase &db, const QString &first, const QString &last)
{
    SqlQuery q(db, u"SELECT p.proxy_identifier_sid, COUNT(DISTINCT p.session_sid) FROM sessions s JOIN "
                   u"participants p ON p.session_sid = s.sid WHERE s.status IN "_s +
                       Rows::ACTIVE_SESSION_STATUSES +
                       u" AND p.date_deleted IS NULL AND p.proxy_identifier_sid >= :first "
                       u"AND p.proxy_identifier_sid <= :last GROUP BY p.proxy_identifier_sid"_s);
    q.bind(u":first"_s, first).bind(u":last"_s, last).exec();
    QHash<QString, qint64> counted;
    while (q.next()) {
        counted.insert(q.value(0).toString(), q.value(1).toLongLong());
    }
    return counted;
}

QList<std::pair<QString, qint64>> inUseNotZero(const QSqlDatabase &db, const QString &first, const QString &last)
{
    SqlQuery q(db, u"SELECT sid, in_use FROM phone_numbers WHERE sid >= :first AND sid <= :last AND in_use <> 0"_s);
    q.bind(u":first"_s, first).bind(u":last"_s, last).exec();
    QList<std::pair<QString, qint64>> numbers;
    while (q.next()) {
        numbers.append({q.value(0).toString(), q.value(1).toLongLong()});
    }
    return numbers;
}

QStringList sidsAfter(const QSqlDatabase &db, const QString &after, int limit)
{
    // (An empty QString would bind as NULL, and nothing is greater than NULL.)
    SqlQuery q(db, after.isEmpty() ? u"SELECT sid FROM phone_numbers ORDER BY sid LIMIT :n"_s
                                   : u"SELECT sid FROM phone_numbers WHERE sid > :after ORDER BY sid LIMIT :n"_s);
    if (!after.isEmpty()) {
        q.bind(u":after"_s, after);
    }
    q.bind(u":n"_s, limit).exec();
    QStringList sids;
    while (q.next()) {
        sids.append(q.value(0).toString());
    }
    return sids;
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
