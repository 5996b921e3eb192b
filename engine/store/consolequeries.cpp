#include "consolequeries.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonValue>

#include "core/sid.h"
#include "debuggereventstable.h"
#include "rows.h"
#include "sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace ConsoleQueries {

namespace {

// A WHERE clause with its bound values. Values are always bound, never pasted into the text.
struct Where
{
    QStringList clauses;
    QList<std::pair<QString, QVariant>> binds;

    Where &add(const QString &clause, const QList<std::pair<QString, QVariant>> &values = {})
    {
        clauses.append(clause);
        binds.append(values);
        return *this;
    }
    QString text() const
    {
        QStringList wrapped;
        for (const QString &c : clauses) {
            wrapped.append(u"("_s + c + u")"_s);
        }
        return wrapped.join(u" AND "_s);
    }
    void bindTo(SqlQuery &q) const
    {
        for (const auto &[name, value] : binds) {
            q.bind(name, value);
        }
    }
};

enum class Type
{
    Integer, // integers, times (ms) and booleans (0/1)
    Text,
};

// The SQL expression a field sorts by in one table, with NULLs folded to the smallest value of the type.
struct SortColumn
{
    QString expression;
    Type type = Type::Integer;
};

using ColumnOf = std::optional<SortColumn> (*)(SortField);

SortColumn text(const QString &column, bool nullable = false)
{
    SortColumn c;
    c.expression = nullable ? u"COALESCE("_s + column + u", '')"_s : column;
    c.type = Type::Text;
    return c;
}

SortColumn integer(const QString &column, bool nullable = false)
{
    SortColumn c;
    c.expression = nullable ? u"COALESCE("_s + column + u", -1)"_s : column;
    c.type = Type::Integer;
    return c;
}

std::optional<SortColumn> sessionColumn(SortField field)
{
    switch (field) {
    case SortField::Sid:
        return text(u"sid"_s);
    case SortField::Status:
        return text(u"status"_s);
    case SortField::UniqueName:
        return text(u"unique_name"_s, true);
    case SortField::Mode:
        return text(u"mode"_s);
    case SortField::ExpiresAt:
        return integer(u"expires_at"_s, true);
    case SortField::DateExpiry:
        return integer(u"date_expiry"_s, true);
    case SortField::Ttl:
        return integer(u"ttl"_s);
    case SortField::LastInteraction:
        return integer(u"date_last_interaction"_s, true);
    case SortField::DateCreated:
        return integer(u"date_created"_s);
    default:
        return std::nullopt;
    }
}

std::optional<SortColumn> serviceColumn(SortField field)
{
    switch (field) {
    case SortField::Sid:
        return text(u"sid"_s);
    case SortField::UniqueName:
        return text(u"unique_name"_s);
    case SortField::DefaultTtl:
        return integer(u"default_ttl"_s);
    case SortField::GeoMatchLevel:
        return text(u"geo_match_level"_s);
    case SortField::NumberSelection:
        return text(u"number_selection_behavior"_s);
    case SortField::CallbackUrl:
        return text(u"callback_url"_s, true);
    case SortField::DateUpdated:
        return integer(u"date_updated"_s);
    default:
        return std::nullopt;
    }
}

std::optional<SortColumn> phoneNumberColumn(SortField field)
{
    switch (field) {
    case SortField::Sid:
        return text(u"sid"_s);
    case SortField::PhoneNumber:
        return text(u"phone_number"_s);
    case SortField::IsoCountry:
        return text(u"iso_country"_s, true);
    case SortField::IsReserved:
        return integer(u"is_reserved"_s);
    case SortField::InUse:
        return integer(u"in_use"_s);
    case SortField::FriendlyName:
        return text(u"friendly_name"_s, true);
    default:
        return std::nullopt;
    }
}

std::optional<SortColumn> idOnly(SortField)
{
    return std::nullopt;
}

bool isPostgres(const QSqlDatabase &db)
{
    return db.driverName() == u"QPSQL"_s;
}

qint64 timeValue(const QDateTime &t)
{
    return t.isValid() ? t.toMSecsSinceEpoch() : -1;
}

// SELECT columns FROM table WHERE filter [AND keyset] ORDER BY sort, id LIMIT n. The keyset condition is the
// portable spelling of (value, id) < (:v, :id): value < :v OR (value = :v AND id < :id).
template<typename T>
QList<T> readPage(const QSqlDatabase &db, const QString &table, const QString &columns, Where where, const Page &page,
                  ColumnOf columnOf, T (*read)(const SqlQuery &))
{
    std::optional<SortColumn> column = columnOf(page.sort.field);
    QString expression;
    if (column) {
        expression = column->expression;
        if (column->type == Type::Text && isPostgres(db)) {
            // Byte order, as SQLite's BINARY collation and the model's comparison, whatever the database's locale.
            expression += u" COLLATE \"C\""_s;
        }
    }
    const bool descending = page.sort.order == Qt::DescendingOrder;
    const QString beyond = descending ? u"<"_s : u">"_s;
    if (page.after) {
        if (column) {
            where.add(expression + u" "_s + beyond + u" :after_v1 OR ("_s + expression + u" = :after_v2 AND id "_s +
                          beyond + u" :after_id)"_s,
                      {{u":after_v1"_s, page.after->value},
                       {u":after_v2"_s, page.after->value},
                       {u":after_id"_s, page.after->id}});
        } else {
            where.add(u"id "_s + beyond + u" :after_id"_s, {{u":after_id"_s, page.after->id}});
        }
    }
    const QString direction = descending ? u" DESC"_s : u" ASC"_s;
    QString sql = u"SELECT "_s + columns + u" FROM "_s + table;
    if (!where.clauses.isEmpty()) {
        sql += u" WHERE "_s + where.text();
    }
    sql += u" ORDER BY "_s;
    if (column) {
        sql += expression + direction + u", "_s;
    }
    sql += u"id"_s + direction + u" LIMIT :limit"_s;
    SqlQuery q(db, sql);
    where.bindTo(q);
    q.bind(u":limit"_s, page.limit);
    q.exec();
    QList<T> rows;
    while (q.next()) {
        rows.append(read(q));
    }
    return rows;
}

template<typename T>
QList<T> readSids(const QSqlDatabase &db, const QString &table, const QString &columns, Where where,
                  const QStringList &sids, T (*read)(const SqlQuery &))
{
    if (sids.isEmpty()) {
        return {};
    }
    QStringList names;
    QList<std::pair<QString, QVariant>> binds;
    for (int i = 0; i < sids.size(); ++i) {
        names.append(u":sid%1"_s.arg(i));
        binds.append({names.constLast(), sids.at(i)});
    }
    where.add(u"sid IN ("_s + names.join(u", "_s) + u")"_s, binds);
    SqlQuery q(db, u"SELECT "_s + columns + u" FROM "_s + table + u" WHERE "_s + where.text());
    where.bindTo(q);
    q.exec();
    QList<T> rows;
    while (q.next()) {
        rows.append(read(q));
    }
    return rows;
}

Where sessionWhere(const SessionFilter &filter)
{
    Where f;
    f.add(u"account_sid = :account"_s, {{u":account"_s, filter.accountSid}});
    if (!filter.serviceSid.isEmpty()) {
        f.add(u"service_sid = :service"_s, {{u":service"_s, filter.serviceSid}});
    }
    if (filter.status == u"active"_s) {
        f.add(u"status IN ('open', 'in-progress')"_s);
    } else if (!filter.status.isEmpty()) {
        f.add(u"status = :status"_s, {{u":status"_s, filter.status}});
    }
    const QString text = filter.text.trimmed();
    if (Sid::isValid(text, Sid::SESSION)) {
        f.add(u"sid = :sid_exact"_s, {{u":sid_exact"_s, text}});
    } else if (!text.isEmpty()) {
        // A prefix as a range, so the (service_sid, unique_name) index can answer it.
        f.add(u"unique_name >= :name_lo AND unique_name < :name_hi"_s,
              {{u":name_lo"_s, text}, {u":name_hi"_s, QString(text + QChar(0xFFFF))}});
    }
    if (!filter.identifier.isEmpty()) {
        f.add(u"sid IN (SELECT session_sid FROM participants WHERE identifier = :identifier)"_s,
              {{u":identifier"_s, filter.identifier}});
    }
    if (!filter.proxyNumber.isEmpty()) {
        f.add(u"sid IN (SELECT session_sid FROM participants WHERE date_deleted IS NULL AND proxy_identifier_sid IN "
              u"(SELECT sid FROM phone_numbers WHERE phone_number = :proxy_number))"_s,
              {{u":proxy_number"_s, filter.proxyNumber}});
    }
    if (!filter.proxyNumberSid.isEmpty()) {
        f.add(u"sid IN (SELECT session_sid FROM participants WHERE date_deleted IS NULL AND "
              u"proxy_identifier_sid = :proxy_sid)"_s,
              {{u":proxy_sid"_s, filter.proxyNumberSid}});
    }
    if (filter.createdFrom.isValid()) {
        f.add(u"date_created >= :from"_s, {{u":from"_s, filter.createdFrom.toMSecsSinceEpoch()}});
    }
    if (filter.createdTo.isValid()) {
        f.add(u"date_created < :to"_s, {{u":to"_s, filter.createdTo.toMSecsSinceEpoch()}});
    }
    return f;
}

Where childWhere(const QString &parentColumn, const QString &parentSid)
{
    return Where().add(parentColumn + u" = :parent"_s, {{u":parent"_s, parentSid}});
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------

QVariant sortValue(const Session &s, SortField field)
{
    switch (field) {
    case SortField::Sid:
        return s.sid;
    case SortField::Status:
        return s.status;
    case SortField::UniqueName:
        return s.uniqueName;
    case SortField::Mode:
        return s.mode;
    case SortField::ExpiresAt:
        return timeValue(s.expiresAt);
    case SortField::DateExpiry:
        return timeValue(s.dateExpiry);
    case SortField::Ttl:
        return s.ttl;
    case SortField::LastInteraction:
        return timeValue(s.dateLastInteraction);
    case SortField::DateCreated:
        return timeValue(s.dateCreated);
    default:
        return {};
    }
}

QVariant sortValue(const Service &s, SortField field)
{
    switch (field) {
    case SortField::Sid:
        return s.sid;
    case SortField::UniqueName:
        return s.uniqueName;
    case SortField::DefaultTtl:
        return s.defaultTtl;
    case SortField::GeoMatchLevel:
        return s.geoMatchLevel;
    case SortField::NumberSelection:
        return s.numberSelectionBehavior;
    case SortField::CallbackUrl:
        return s.callbackUrl;
    case SortField::DateUpdated:
        return timeValue(s.dateUpdated);
    default:
        return {};
    }
}

QVariant sortValue(const PhoneNumber &n, SortField field)
{
    switch (field) {
    case SortField::Sid:
        return n.sid;
    case SortField::PhoneNumber:
        return n.phoneNumber;
    case SortField::IsoCountry:
        return n.isoCountry;
    case SortField::IsReserved:
        return qint64(n.isReserved ? 1 : 0);
    case SortField::InUse:
        return qint64(n.inUse);
    case SortField::FriendlyName:
        return n.friendlyName;
    default:
        return {};
    }
}

QVariant sortValue(const Participant &, SortField)
{
    return {};
}

QVariant sortValue(const Interaction &, SortField)
{
    return {};
}

int compare(const Key &a, const Key &b, const Sort &sort)
{
    int c = 0;
    if (a.value.isNull() || b.value.isNull()) {
        c = a.value.isNull() == b.value.isNull() ? 0 : (a.value.isNull() ? -1 : 1);
    } else if (a.value.typeId() == QMetaType::QString || b.value.typeId() == QMetaType::QString) {
        const QByteArray x = a.value.toString().toUtf8();
        const QByteArray y = b.value.toString().toUtf8();
        c = x < y ? -1 : (y < x ? 1 : 0);
    } else {
        const qint64 x = a.value.toLongLong();
        const qint64 y = b.value.toLongLong();
        c = x < y ? -1 : (y < x ? 1 : 0);
    }
    if (c == 0) {
        c = a.id < b.id ? -1 : (b.id < a.id ? 1 : 0);
    }
    return sort.order == Qt::DescendingOrder ? -c : c;
}

bool sessionsSortBy(SortField field)
{
    return field == SortField::Id || sessionColumn(field).has_value();
}

bool servicesSortBy(SortField field)
{
    return field == SortField::Id || serviceColumn(field).has_value();
}

bool phoneNumbersSortBy(SortField field)
{
    return field == SortField::Id || phoneNumberColumn(field).has_value();
}

// ---------------------------------------------------------------------------------------------------------------

QList<Session> sessions(const QSqlDatabase &db, const SessionFilter &filter, const Page &page)
{
    return readPage<Session>(db, u"sessions"_s, Rows::SESSION_COLUMNS, sessionWhere(filter), page, &sessionColumn,
                             &Rows::session);
}

QList<Session> sessionsWithSids(const QSqlDatabase &db, const SessionFilter &filter, const QStringList &sids)
{
    return readSids<Session>(db, u"sessions"_s, Rows::SESSION_COLUMNS, sessionWhere(filter), sids, &Rows::session);
}

QList<Service> services(const QSqlDatabase &db, const QString &accountSid, const Page &page)
{
    return readPage<Service>(db, u"services"_s, Rows::SERVICE_COLUMNS, childWhere(u"account_sid"_s, accountSid), page,
                             &serviceColumn, &Rows::service);
}

QList<Service> servicesWithSids(const QSqlDatabase &db, const QString &accountSid, const QStringList &sids)
{
    return readSids<Service>(db, u"services"_s, Rows::SERVICE_COLUMNS, childWhere(u"account_sid"_s, accountSid), sids,
                             &Rows::service);
}

QList<PhoneNumber> phoneNumbers(const QSqlDatabase &db, const QString &serviceSid, const Page &page)
{
    return readPage<PhoneNumber>(db, u"phone_numbers"_s, Rows::PHONE_NUMBER_COLUMNS,
                                 childWhere(u"service_sid"_s, serviceSid), page, &phoneNumberColumn,
                                 &Rows::phoneNumber);
}

QList<PhoneNumber> phoneNumbersWithSids(const QSqlDatabase &db, const QString &serviceSid, const QStringList &sids)
{
    return readSids<PhoneNumber>(db, u"phone_numbers"_s, Rows::PHONE_NUMBER_COLUMNS,
                                 childWhere(u"service_sid"_s, serviceSid), sids, &Rows::phoneNumber);
}

QList<Participant> participants(const QSqlDatabase &db, const QString &sessionSid, const Page &page)
{
    return readPage<Participant>(db, u"participants"_s, Rows::PARTICIPANT_COLUMNS,
                                 childWhere(u"session_sid"_s, sessionSid), page, &idOnly, &Rows::participant);
}

QList<Participant> participantsWithSids(const QSqlDatabase &db, const QString &sessionSid, const QStringList &sids)
{
    return readSids<Participant>(db, u"participants"_s, Rows::PARTICIPANT_COLUMNS,
                                 childWhere(u"session_sid"_s, sessionSid), sids, &Rows::participant);
}

QList<Interaction> interactions(const QSqlDatabase &db, const QString &sessionSid, const Page &page)
{
    return readPage<Interaction>(db, u"interactions"_s, Rows::INTERACTION_COLUMNS,
                                 childWhere(u"session_sid"_s, sessionSid), page, &idOnly, &Rows::interaction);
}

QList<Interaction> interactionsWithSids(const QSqlDatabase &db, const QString &sessionSid, const QStringList &sids)
{
    return readSids<Interaction>(db, u"interactions"_s, Rows::INTERACTION_COLUMNS,
                                 childWhere(u"session_sid"_s, sessionSid), sids, &Rows::interaction);
}

qint64 activeSessionsOfService(const QSqlDatabase &db, const QString &serviceSid)
{
    SqlQuery q(db, u"SELECT COUNT(*) FROM sessions WHERE service_sid = :service AND status IN ('open', "
                   u"'in-progress')"_s);
    q.bind(u":service"_s, serviceSid);
    q.exec();
    return q.next() ? q.value(0).toLongLong() : qint64(0);
}

// ---------------------------------------------------------------------------------------------------------------

QList<DebuggerEvent> debuggerHistory(const QSqlDatabase &db, const DebuggerLogFilter &filter, int limit)
{
    Where f;
    if (filter.levels != DebuggerLogFilter::AllLevels) {
        QStringList parts;
        if (filter.levels.testFlag(DebuggerLogFilter::Error)) {
            parts.append(u"log_level = 'error'"_s);
        }
        if (filter.levels.testFlag(DebuggerLogFilter::Warning)) {
            parts.append(u"log_level = 'warning'"_s);
        }
        if (filter.levels.testFlag(DebuggerLogFilter::Other)) {
            parts.append(u"log_level NOT IN ('error', 'warning')"_s);
        }
        f.add(parts.isEmpty() ? u"0 = 1"_s : parts.join(u" OR "_s));
    }
    if (filter.code != 0) {
        f.add(u"code = :code"_s, {{u":code"_s, filter.code}});
    }
    if (!filter.sid.isEmpty()) {
        const QString s = filter.sid.trimmed();
        QList<std::pair<QString, QVariant>> binds;
        for (int i = 1; i <= 6; ++i) {
            binds.append({u":s%1"_s.arg(i), s});
        }
        f.add(u"resource_sid = :s1 OR service_sid = :s2 OR session_sid = :s3 OR participant_sid = :s4 OR "
              u"interaction_sid = :s5 OR sid = :s6"_s,
              binds);
    }
    if (!filter.text.isEmpty()) {
        QString escaped = filter.text;
        escaped.replace(u"\\"_s, u"\\\\"_s).replace(u"%"_s, u"\\%"_s).replace(u"_"_s, u"\\_"_s);
        f.add(u"message LIKE :text ESCAPE '\\'"_s, {{u":text"_s, QString(u"%"_s + escaped + u"%"_s)}});
    }
    if (filter.from.isValid()) {
        f.add(u"date_created >= :from"_s, {{u":from"_s, filter.from.toMSecsSinceEpoch()}});
    }
    if (filter.to.isValid()) {
        f.add(u"date_created < :to"_s, {{u":to"_s, filter.to.toMSecsSinceEpoch()}});
    }
    QString sql = u"SELECT "_s + DebuggerRows::COLUMNS + u" FROM debugger_events"_s;
    if (!f.clauses.isEmpty()) {
        sql += u" WHERE "_s + f.text();
    }
    sql += u" ORDER BY id DESC LIMIT :limit"_s;
    SqlQuery q(db, sql);
    f.bindTo(q);
    q.bind(u":limit"_s, limit);
    q.exec();
    QList<DebuggerEvent> events;
    while (q.next()) {
        events.prepend(DebuggerRows::read(q));
    }
    return events;
}

Names names(const QSqlDatabase &db, const QStringList &sids, const QStringList &numbers)
{
    Names names;
    SqlQuery service(db, u"SELECT unique_name FROM services WHERE sid = :sid"_s);
    SqlQuery session(db, u"SELECT unique_name FROM sessions WHERE sid = :sid"_s);
    SqlQuery participant(db, u"SELECT identifier, friendly_name, session_sid FROM participants WHERE sid = :sid"_s);
    SqlQuery number(db, u"SELECT phone_number, friendly_name FROM phone_numbers WHERE sid = :sid"_s);
    SqlQuery pool(db, u"SELECT service_sid, sid FROM phone_numbers WHERE phone_number = :n"_s);
    for (const QString &sid : sids) {
        if (sid.startsWith(u"KS"_s)) {
            service.bind(u":sid"_s, sid).exec();
            if (service.next()) {
                names.bySid.insert(sid, service.value(0).toString());
            }
        } else if (sid.startsWith(u"KC"_s)) {
            session.bind(u":sid"_s, sid).exec();
            if (session.next() && !session.value(0).toString().isEmpty()) {
                names.bySid.insert(sid, session.value(0).toString());
            }
        } else if (sid.startsWith(u"KP"_s)) {
            participant.bind(u":sid"_s, sid).exec();
            if (participant.next()) {
                const QString friendly = participant.value(1).toString();
                const QString identifier = participant.value(0).toString();
                names.bySid.insert(sid, friendly.isEmpty() ? identifier : friendly);
                names.participantSession.insert(sid, participant.value(2).toString());
            }
        } else if (sid.startsWith(u"PN"_s)) {
            number.bind(u":sid"_s, sid).exec();
            if (number.next()) {
                names.bySid.insert(sid, number.value(0).toString());
            }
        }
    }
    for (const QString &n : numbers) {
        pool.bind(u":n"_s, n).exec();
        if (pool.next()) {
            names.poolNumbers.insert(n, {pool.value(0).toString(), pool.value(1).toString()});
        }
    }
    return names;
}

} // namespace ConsoleQueries
} // namespace Maskline
