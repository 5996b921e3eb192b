#include "consoledemo.h"

#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSqlError>
#include <QSqlQuery>

#include "core/clock.h"
#include "core/sid.h"
#include "store/database.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Demo {

namespace {

// Sequential SIDs (a random run prefix, then a counter) keep every UNIQUE index insert an append.
class SidSequence
{
public:
    explicit SidSequence(QStringView prefix)
        : m_prefix(prefix.toString() +
                   u"%1"_s.arg(QRandomGenerator::global()->generate64() & 0xffffffffffffull, 12, 16, QChar(u'0')))
    {}
    QString next() { return m_prefix + u"%1"_s.arg(++m_n, 20, 16, QChar(u'0')); }

private:
    QString m_prefix;
    qint64 m_n = 0;
};

void exec(QSqlQuery &q)
{
    if (!q.exec()) {
        throw StoreError(q.lastError().text(), false);
    }
}

QString customer(qint64 i)
{
    return u"+1415%1"_s.arg(2000000 + (i % 200000));
}

QString driver(qint64 i)
{
    return u"+1628%1"_s.arg(3000000 + (i % 50000));
}

const QString BODIES[] = {u"I'm outside, black Honda"_s,
                          u"Running 5 minutes late, sorry!"_s,
                          u"Can you leave it at the door?"_s,
                          u"On my way"_s,
                          u"Thanks, see you soon"_s,
                          u"Which entrance?"_s,
                          u"Great, thank you!"_s};
const int CODES[] = {80901, 80905, 80902, 80904, 80614, 80910, 80604, 80802};
const QString CODE_MESSAGES[] = {
    u"Opt-out keyword STOP was not forwarded"_s,
    u"Out-of-session message dropped: the sender is not an active participant on this number"_s,
    u"Out-of-session call rejected: the caller is not an active participant on this number"_s,
    u"Message after the session expired was not forwarded"_s,
    u"The session has no partner to forward to"_s,
    u"SMS into a voice-only session was rejected"_s,
    u"Proxy identifier already in use with requested identifier"_s,
    u"Possible duplicate participant let through by allow_participant_conflict"_s,
};

} // namespace

Summary generateWith(const Options &o, const Domain &domain, const std::function<void(const QString &)> &progress)
{
    Summary summary;
    auto say = [&progress](const QString &s) {
        if (progress) {
            progress(s);
        }
    };
    try {
        StoreConfig config;
        config.path = o.path;
        Database database(config);
        if (auto st = database.migrate(); !st) {
            summary.error = st.error().message;
            return summary;
        }
        SystemClock clock;
        auto account = domain.ensureAccount(database, o.accountSid, o.authToken);
        if (!account) {
            summary.error = account.error().message;
            return summary;
        }
        summary.accountSid = account->sid;
        summary.authToken = account->authToken;

        QSqlDatabase db = database.connection();
        execSql(db, u"PRAGMA synchronous=OFF"_s);
        execSql(db, u"PRAGMA cache_size=-262144"_s);
        execSql(db, u"PRAGMA temp_store=MEMORY"_s);

        const qint64 now = clock.nowMs();
        const qint64 span = 90LL * 24 * 3600 * 1000; // sessions spread over the last 90 days
        const qint64 n = std::max<qint64>(1, o.sessions);
        const int k = std::max(0, o.interactionsPerSession);

        // Services and pools through the domain itself: they are few, and their validation is the real one.
        QStringList serviceSids;
        QList<QStringList> poolSids;
        QList<QStringList> poolNumbers;
        for (int s = 0; s < std::max(1, o.services); ++s) {
            ServiceParams sp;
            sp.uniqueName = s == 0 ? u"rides"_s : (s == 1 ? u"deliveries"_s : u"service-%1"_s.arg(s + 1));
            sp.defaultTtl = 3600;
            sp.callbackUrl = u"https://example.com/proxy/%1/status"_s.arg(*sp.uniqueName);
            auto service = domain.createService(database, account->sid, sp);
            if (!service) {
                summary.error = service.error().message;
                return summary;
            }
            serviceSids.append(service->sid);
            poolSids.append(QStringList());
            poolNumbers.append(QStringList());
        }
        {
            SidSequence pn(Sid::PHONE_NUMBER);
            execSql(db, u"BEGIN"_s);
            QSqlQuery q(db);
            q.prepare(u"INSERT INTO phone_numbers (sid, account_sid, service_sid, phone_number, friendly_name, "
                      u"iso_country, is_reserved, in_use, date_created, date_updated) VALUES (?, ?, ?, ?, ?, 'US', ?, "
                      u"0, ?, ?)"_s);
            for (int s = 0; s < serviceSids.size(); ++s) {
                for (int i = 0; i < o.numbersPerService; ++i) {
                    const QString sid = pn.next();
                    const int serial = s * o.numbersPerService + i;
                    const QString number = u"+1650%1"_s.arg(2100000 + serial);
                    q.addBindValue(sid);
                    q.addBindValue(account->sid);
                    q.addBindValue(serviceSids.at(s));
                    q.addBindValue(number);
                    q.addBindValue(u"(650) %1-%2"_s.arg(QString::number(2100000 + serial).left(3),
                                                        QString::number(2100000 + serial).mid(3)));
                    q.addBindValue(int(i % 50 == 49));
                    q.addBindValue(now - span);
                    q.addBindValue(now - span);
                    exec(q);
                    poolSids[s].append(sid);
                    poolNumbers[s].append(number);
                }
            }
            execSql(db, u"COMMIT"_s);
        }

        SidSequence ks(Sid::SESSION), kp(Sid::PARTICIPANT), ki(Sid::INTERACTION), sm(Sid::MESSAGE), ca(Sid::CALL);
        QSqlQuery insSession(db), insParticipant(db), insInteraction(db);
        insSession.prepare(u"INSERT INTO sessions (sid, account_sid, service_sid, unique_name, status, mode, ttl, "
                           u"date_expiry, expires_at, closed_reason, date_started, date_ended, date_last_interaction, "
                           u"date_created, date_updated) VALUES (?, ?, ?, ?, ?, 'voice-and-message', 3600, NULL, ?, ?, "
                           u"?, ?, ?, ?, ?)"_s);
        insParticipant.prepare(u"INSERT INTO participants (sid, account_sid, service_sid, session_sid, identifier, "
                               u"proxy_identifier, proxy_identifier_sid, friendly_name, routable, date_created, "
                               u"date_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);
        insInteraction.prepare(
            u"INSERT INTO interactions (sid, account_sid, service_sid, session_sid, type, data, "
            u"inbound_participant_sid, inbound_resource_sid, inbound_resource_status, inbound_resource_type, "
            u"outbound_participant_sid, outbound_resource_sid, outbound_resource_status, outbound_resource_type, "
            u"date_created, date_updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s);

        // The newest activePercent of sessions (20% by default) are active (open or in progress), the rest closed: the
        // store's usual shape. Open sessions have no interactions yet; the ones they would have had go to the next
        // sessions, so the store holds exactly sessions x interactions-per-session.
        const qint64 firstActive = n - (n * std::clamp(o.activePercent, 0, 100)) / 100;
        qint64 owed = 0;
        QElapsedTimer timer;
        timer.start();
        execSql(db, u"BEGIN"_s);
        for (qint64 i = 0; i < n; ++i) {
            const int s = int(i % serviceSids.size());
            const QString &service = serviceSids.at(s);
            const qint64 created = now - span + (span * i) / n;
            const bool active = i >= firstActive;
            const bool open = active && (i % 3 == 0);
            const qint64 last = open ? created : std::min(now, created + 60000LL * std::max(1, k));
            const QString session = ks.next();
            insSession.addBindValue(session);
            insSession.addBindValue(account->sid);
            insSession.addBindValue(service);
            insSession.addBindValue(u"%1-%2"_s.arg(s == 0 ? u"ride"_s : u"order"_s).arg(i, 8, 10, QChar(u'0')));
            insSession.addBindValue(active ? (open ? u"open"_s : u"in-progress"_s) : u"closed"_s);
            insSession.addBindValue(active ? QVariant(std::max(now, last) + 3600 * 1000)
                                           : QVariant(QMetaType::fromType<qint64>()));
            insSession.addBindValue(active ? QVariant(QMetaType::fromType<QString>()) : QVariant(u"ttl"_s));
            insSession.addBindValue(open ? QVariant(QMetaType::fromType<qint64>()) : QVariant(created));
            insSession.addBindValue(active ? QVariant(QMetaType::fromType<qint64>()) : QVariant(last + 3600 * 1000));
            insSession.addBindValue(open ? QVariant(QMetaType::fromType<qint64>()) : QVariant(last));
            insSession.addBindValue(created);
            insSession.addBindValue(active ? created : last + 3600 * 1000);
            exec(insSession);

            const QStringList &pool = poolSids.at(s);
            const QStringList &numbers = poolNumbers.at(s);
            const int a = int((i / 200000 + i) % pool.size());
            const int b = int((i / 50000 + i * 7 + 1) % pool.size());
            const QString pa = kp.next();
            const QString pb = kp.next();
            const std::pair<QString, std::pair<QString, int>> parts[] = {{pa, {customer(i), a}}, {pb, {driver(i), b}}};
            for (const auto &[psid, who] : parts) {
                insParticipant.addBindValue(psid);
                insParticipant.addBindValue(account->sid);
                insParticipant.addBindValue(service);
                insParticipant.addBindValue(session);
                insParticipant.addBindValue(who.first);
                insParticipant.addBindValue(numbers.at(who.second));
                insParticipant.addBindValue(pool.at(who.second));
                insParticipant.addBindValue(psid == pa ? u"Customer"_s : u"Driver"_s);
                insParticipant.addBindValue(int(active));
                insParticipant.addBindValue(created);
                insParticipant.addBindValue(created);
                exec(insParticipant);
            }
            summary.participants += 2;
            if (open) {
                owed += k;
            } else {
                const int extra = int(std::min<qint64>(owed, k));
                owed -= extra;
                const int count = k + extra;
                for (int j = 0; j < count; ++j) {
                    const bool call = j % 5 == 4;
                    const bool fromA = j % 2 == 0;
                    // Interactions of the newest sessions fall in the last hour (the traffic chart shows them).
                    const qint64 at = i >= n - 600 ? now - (n - i) * 5000 - (count - j) * 200 : created + 30000LL * j;
                    insInteraction.addBindValue(ki.next());
                    insInteraction.addBindValue(account->sid);
                    insInteraction.addBindValue(service);
                    insInteraction.addBindValue(session);
                    insInteraction.addBindValue(call ? u"voice"_s : u"message"_s);
                    insInteraction.addBindValue(call ? u"{\"duration\":%1}"_s.arg(30 + (i + j) % 400)
                                                     : u"{\"body\":\"%1\"}"_s.arg(BODIES[(i + j) % 7]));
                    insInteraction.addBindValue(fromA ? pa : pb);
                    insInteraction.addBindValue(call ? ca.next() : sm.next());
                    insInteraction.addBindValue(call ? u"completed"_s : u"received"_s);
                    insInteraction.addBindValue(call ? u"Call"_s : u"Message"_s);
                    insInteraction.addBindValue(fromA ? pb : pa);
                    insInteraction.addBindValue(call ? ca.next() : sm.next());
                    insInteraction.addBindValue(call ? u"completed"_s : u"delivered"_s);
                    insInteraction.addBindValue(call ? u"Call"_s : u"Message"_s);
                    insInteraction.addBindValue(at);
                    insInteraction.addBindValue(at);
                    exec(insInteraction);
                    ++summary.interactions;
                }
            }
            ++summary.sessions;
            if (i % 100000 == 99999) {
                execSql(db, u"COMMIT"_s);
                execSql(db, u"BEGIN"_s);
                say(u"%1 sessions, %2 interactions (%3 s)"_s.arg(i + 1)
                        .arg(summary.interactions)
                        .arg(timer.elapsed() / 1000.0, 0, 'f', 1));
            }
        }
        execSql(db, u"COMMIT"_s);
        summary.firstCustomer = customer(n - 1);

        // Debugger events, spread over the last day and denser in the last hour.
        const qint64 events = o.debuggerEvents >= 0 ? o.debuggerEvents : std::max<qint64>(50, n / 100);
        {
            SidSequence no(Sid::DEBUGGER_EVENT);
            execSql(db, u"BEGIN"_s);
            QSqlQuery q(db);
            q.prepare(u"INSERT INTO debugger_events (sid, account_sid, service_sid, session_sid, resource_sid, code, "
                      u"log_level, message, request_method, request_url, request_variables, response_body, "
                      u"date_created) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'POST', ?, ?, ?, ?)"_s);
            for (qint64 e = 0; e < events; ++e) {
                const int c = int(e % 8);
                const qint64 at = e >= events - std::min<qint64>(events / 2, 400)
                                      ? now - (events - e) * 7000
                                      : now - 24 * 3600 * 1000 + (e * 12 * 3600 * 1000) / std::max<qint64>(1, events);
                const QString session = u"KC%1"_s.arg(e, 32, 16, QChar(u'0'));
                q.addBindValue(no.next());
                q.addBindValue(account->sid);
                q.addBindValue(serviceSids.at(int(e % serviceSids.size())));
                q.addBindValue(session);
                q.addBindValue(session);
                q.addBindValue(CODES[c]);
                q.addBindValue(domain.levelFor(CODES[c]));
                q.addBindValue(CODE_MESSAGES[c]);
                q.addBindValue(u"/carrier/twilio/sms"_s);
                q.addBindValue(u"From=%2B14155550100&To=%2B16502100000&Body=STOP"_s);
                q.addBindValue(u"<Response/>"_s);
                q.addBindValue(at);
                exec(q);
                ++summary.debuggerEvents;
            }
            execSql(db, u"COMMIT"_s);
        }

        say(u"counting in_use"_s);
        execSql(db, u"BEGIN"_s);
        execSql(db, u"UPDATE phone_numbers SET in_use = (SELECT COUNT(DISTINCT p.session_sid) FROM participants p "
                    u"JOIN sessions s ON s.sid = p.session_sid WHERE p.proxy_identifier_sid = phone_numbers.sid AND "
                    u"p.date_deleted IS NULL AND s.status IN ('open', 'in-progress'))"_s);
        execSql(db, u"COMMIT"_s);
        execSql(db, u"ANALYZE"_s);
        execSql(db, u"PRAGMA synchronous=FULL"_s);
        // Drop every handle on the connection before closing it.
        insSession = QSqlQuery();
        insParticipant = QSqlQuery();
        insInteraction = QSqlQuery();
        db = QSqlDatabase();
        database.closeThreadConnection();
    } catch (const StoreError &e) {
        summary.error = e.message();
    }
    return summary;
}

} // namespace Maskline::Demo
