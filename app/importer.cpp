#include "importer.h"

#include <algorithm>
#include <cstdio>
#include <unistd.h>

#include <QJsonDocument>
#include <QTextStream>

#include "core/redact.h"
#include "core/sid.h"
#include "http/jsonviews.h"
#include "importsource.h"
#include "proxy/proxy.h"
#include "store/database.h"
#include "store/importwriter.h"
#include "store/sqlquery.h"
#include "store/storelock.h"
#include "store/transaction.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Import {

namespace {

const QString DEFAULT_URL = u"https://proxy.twilio.com"_s;
// Views are compared with one base URL: `url` and `links` name the server that answers, not the record.
const QString SAME_BASE = u"https://compare.invalid"_s;

enum Kind
{
    ACCOUNTS,
    SERVICES,
    NUMBERS,
    SESSIONS,
    PARTICIPANTS,
    INTERACTIONS,
    KIND_COUNT
};
const char *const KIND_NAMES[KIND_COUNT] = {"accounts", "services",     "phone numbers",
                                            "sessions", "participants", "interactions"};
const char *const KIND_NAME[KIND_COUNT] = {"account", "service",     "phone number",
                                           "session", "participant", "interaction"};

struct Tally
{
    qsizetype read = 0;
    qsizetype added = 0;
    qsizetype unchanged = 0;
    qsizetype refused = 0;
    qsizetype overwritten = 0;
};

enum class Verdict
{
    Add,
    Same,
    Refuse,
    Overwrite,
};

// The top-level keys whose values differ between two JSON views of one record.
QStringList differingFields(const QByteArray &a, const QByteArray &b)
{
    const QJsonObject x = QJsonDocument::fromJson(a).object();
    const QJsonObject y = QJsonDocument::fromJson(b).object();
    QStringList keys = x.keys();
    for (const QString &k : y.keys()) {
        if (!keys.contains(k)) {
            keys.append(k);
        }
    }
    QStringList out;
    for (const QString &k : std::as_const(keys)) {
        if (x.value(k) != y.value(k)) {
            out.append(k);
        }
    }
    return out;
}

class Importer final
{
public:
    Importer(Source &source, Database &db, const QString &accountSid, const QString &authToken, bool force)
        : m_source(source)
        , m_db(db)
        , m_writer(db.connection())
        , m_accountSid(accountSid)
        , m_authToken(authToken)
        , m_force(force)
        , m_tty(::isatty(STDERR_FILENO) == 1)
    {}

    int run();

private:
    template<typename T, typename View>
    Verdict judge(Kind kind, const std::optional<T> &existing, const T &incoming, View view)
    {
        ++m_tally[kind].read;
        if (!existing) {
            ++m_tally[kind].added;
            return Verdict::Add;
        }
        const QByteArray have = view(*existing, SAME_BASE);
        const QByteArray want = view(incoming, SAME_BASE);
        if (have == want) {
            ++m_tally[kind].unchanged;
            return Verdict::Same;
        }
        const QString fields = differingFields(have, want).join(u", "_s);
        if (m_force) {
            ++m_tally[kind].overwritten;
            m_notes.append(u"overwrote %1 %2 (%3)"_s.arg(QLatin1StringView(KIND_NAME[kind]), incoming.sid, fields));
            return Verdict::Overwrite;
        }
        ++m_tally[kind].refused;
        m_notes.append(u"refused %1 %2: it exists here with other %3 (--force overwrites)"_s.arg(
            QLatin1StringView(KIND_NAME[kind]), incoming.sid, fields));
        return Verdict::Refuse;
    }

    // A write the schema refused (a number or unique name another record holds here): counted as refused.
    void refuseOnConstraint(Kind kind, const QString &sid, const StoreError &e, Verdict verdict)
    {
        if (verdict == Verdict::Add) {
            --m_tally[kind].added;
        } else {
            --m_tally[kind].overwritten;
        }
        ++m_tally[kind].refused;
        m_notes.append(u"refused %1 %2: the store refused it (%3)"_s.arg(QLatin1StringView(KIND_NAME[kind]), sid,
                                                                         redactText(e.message().section(u'\n', 0, 0))));
    }

    bool importAccount();
    std::optional<Source::Failure> importService(const QJsonObject &json);
    std::optional<Source::Failure> importSession(const Service &service, const QJsonObject &json);
    void progress(const QString &text);
    void printSummary();

    Source &m_source;
    Database &m_db;
    ImportWriter m_writer;
    QString m_accountSid;
    QString m_authToken;
    bool m_force;
    bool m_tty;
    Tally m_tally[KIND_COUNT];
    QStringList m_notes;
    QString m_serviceProgress;
};

void Importer::progress(const QString &text)
{
    QTextStream err(stderr);
    if (m_tty) {
        err << "\r\x1b[K" << text;
    } else {
        err << text << "\n";
    }
    err.flush();
}

bool Importer::importAccount()
{
    Account a;
    a.sid = m_accountSid;
    a.authToken = m_authToken;
    a.dateCreated = a.dateUpdated = QDateTime::currentDateTimeUtc();
    const std::optional<Account> existing = m_writer.findAccount(a.sid);
    ++m_tally[ACCOUNTS].read;
    Transaction txn(m_db.connection());
    if (!existing) {
        m_writer.putAccount(a, false);
        ++m_tally[ACCOUNTS].added;
    } else if (existing->authToken == a.authToken) {
        ++m_tally[ACCOUNTS].unchanged;
    } else if (m_force) {
        m_writer.putAccount(a, true);
        ++m_tally[ACCOUNTS].overwritten;
        m_notes.append(u"overwrote account %1 (auth_token)"_s.arg(a.sid));
    } else {
        ++m_tally[ACCOUNTS].refused;
        m_notes.append(u"refused account %1: it exists here with another auth token; its records are imported "
                       u"under it, and clients must use this store's token (--force takes the source's)"_s.arg(a.sid));
    }
    txn.commit();
    return true;
}

std::optional<Source::Failure> Importer::importSession(const Service &service, const QJsonObject &json)
{
    Session s = sessionFromJson(json);
    s.accountSid = m_accountSid;
    s.serviceSid = service.sid;
    const QString base = ApiPaths::session(service.sid, s.sid);
    QList<QJsonObject> participants;
    QList<QJsonObject> interactions;
    if (auto failure = m_source.listAll(base + u"/Participants"_s, u"participants"_s, &participants)) {
        return failure;
    }
    if (auto failure = m_source.listAll(base + u"/Interactions"_s, u"interactions"_s, &interactions)) {
        return failure;
    }
    // The session with its participants and interactions is one transaction: interrupted, it is all there or not.
    Transaction txn(m_db.connection());
    const Verdict verdict = judge(SESSIONS, m_writer.findSession(s.sid), s, JsonViews::session);
    if (verdict == Verdict::Add || verdict == Verdict::Overwrite) {
        try {
            Transaction one(m_db.connection());
            m_writer.putSession(s, verdict == Verdict::Overwrite);
            one.commit();
        } catch (const StoreError &e) {
            if (!e.isConstraintViolation()) {
                throw;
            }
            refuseOnConstraint(SESSIONS, s.sid, e, verdict);
            if (verdict == Verdict::Add) {
                txn.commit();
                return std::nullopt; // nothing of it is here: its participants and interactions cannot be either
            }
        }
    }
    const bool active = m_writer.findSession(s.sid).value_or(s).isActive();
    // Lists come newest first; rows are listed by insertion order, so each list goes in oldest first.
    std::reverse(participants.begin(), participants.end());
    for (const QJsonObject &o : std::as_const(participants)) {
        Participant p = participantFromJson(o);
        p.accountSid = m_accountSid;
        p.serviceSid = service.sid;
        p.sessionSid = s.sid;
        Verdict v = judge(PARTICIPANTS, m_writer.findParticipant(p.sid), p, JsonViews::participant);
        // An overwritten session may have changed between active and closed: its participants' routing follows.
        if (v == Verdict::Same && verdict == Verdict::Overwrite) {
            v = Verdict::Overwrite;
        }
        if (v == Verdict::Add || v == Verdict::Overwrite) {
            try {
                Transaction one(m_db.connection());
                m_writer.putParticipant(p, active, v == Verdict::Overwrite);
                one.commit();
            } catch (const StoreError &e) {
                if (!e.isConstraintViolation()) {
                    throw;
                }
                refuseOnConstraint(PARTICIPANTS, p.sid, e, v);
            }
        }
    }
    std::reverse(interactions.begin(), interactions.end());
    for (const QJsonObject &o : std::as_const(interactions)) {
        Interaction i = interactionFromJson(o);
        i.accountSid = m_accountSid;
        i.serviceSid = service.sid;
        i.sessionSid = s.sid;
        const Verdict v = judge(INTERACTIONS, m_writer.findInteraction(i.sid), i, JsonViews::interaction);
        if (v == Verdict::Add || v == Verdict::Overwrite) {
            try {
                Transaction one(m_db.connection());
                m_writer.putInteraction(i, v == Verdict::Overwrite);
                one.commit();
            } catch (const StoreError &e) {
                if (!e.isConstraintViolation()) {
                    throw;
                }
                refuseOnConstraint(INTERACTIONS, i.sid, e, v);
            }
        }
    }
    txn.commit();
    return std::nullopt;
}

std::optional<Source::Failure> Importer::importService(const QJsonObject &json)
{
    Service service = serviceFromJson(json);
    service.accountSid = m_accountSid;
    if (!Sid::isValid(service.sid, Sid::SERVICE)) {
        ++m_tally[SERVICES].read;
        ++m_tally[SERVICES].refused;
        m_notes.append(u"refused a service whose sid is not KS + 32 hex digits"_s);
        return std::nullopt;
    }
    {
        Transaction txn(m_db.connection());
        const Verdict verdict = judge(SERVICES, m_writer.findService(service.sid), service, JsonViews::service);
        if (verdict == Verdict::Add || verdict == Verdict::Overwrite) {
            try {
                Transaction one(m_db.connection());
                m_writer.putService(service, verdict == Verdict::Overwrite);
                one.commit();
            } catch (const StoreError &e) {
                if (!e.isConstraintViolation()) {
                    throw;
                }
                refuseOnConstraint(SERVICES, service.sid, e, verdict);
                if (verdict == Verdict::Add) {
                    return std::nullopt; // rolled back; what belongs to it cannot come in without it
                }
            }
        }
        txn.commit();
    }

    QList<QJsonObject> numbers;
    if (auto failure = m_source.listAll(ApiPaths::phoneNumbers(service.sid), u"phone_numbers"_s, &numbers)) {
        return failure;
    }
    std::reverse(numbers.begin(), numbers.end());
    {
        Transaction txn(m_db.connection());
        for (const QJsonObject &o : std::as_const(numbers)) {
            PhoneNumber n = phoneNumberFromJson(o);
            n.accountSid = m_accountSid;
            n.serviceSid = service.sid;
            const std::optional<PhoneNumber> existing = m_writer.findPhoneNumber(n.sid);
            // in_use follows from the sessions (recounted at the end), so it is no reason to refuse a number.
            PhoneNumber compared = n;
            if (existing) {
                compared.inUse = existing->inUse;
            }
            const Verdict v = judge(NUMBERS, existing, compared, JsonViews::phoneNumber);
            if (v == Verdict::Add || v == Verdict::Overwrite) {
                try {
                    Transaction one(m_db.connection());
                    m_writer.putPhoneNumber(n, v == Verdict::Overwrite);
                    one.commit();
                } catch (const StoreError &e) {
                    if (!e.isConstraintViolation()) {
                        throw;
                    }
                    refuseOnConstraint(NUMBERS, n.sid, e, v);
                }
            }
        }
        txn.commit();
    }

    QList<QJsonObject> sessions;
    if (auto failure = m_source.listAll(ApiPaths::sessions(service.sid), u"sessions"_s, &sessions, [&](qsizetype n) {
            progress(m_serviceProgress + u": listing sessions (%1)"_s.arg(n));
        })) {
        return failure;
    }
    std::reverse(sessions.begin(), sessions.end());
    qsizetype done = 0;
    for (const QJsonObject &o : std::as_const(sessions)) {
        if (auto failure = importSession(service, o)) {
            return failure;
        }
        ++done;
        if (m_tty || done == sessions.size() || done % 100 == 0) {
            progress(m_serviceProgress +
                     u": %1 numbers, sessions %2/%3"_s.arg(numbers.size()).arg(done).arg(sessions.size()));
        }
    }
    return std::nullopt;
}

void Importer::printSummary()
{
    QTextStream out(stdout);
    out << Qt::left << qSetFieldWidth(15) << "kind" << qSetFieldWidth(0) << Qt::right;
    for (const char *h : {"read", "added", "unchanged", "refused", "overwritten"}) {
        out << qSetFieldWidth(12) << h;
    }
    out << qSetFieldWidth(0) << "\n";
    for (int k = 0; k < KIND_COUNT; ++k) {
        const Tally &t = m_tally[k];
        out << Qt::left << qSetFieldWidth(15) << KIND_NAMES[k] << qSetFieldWidth(0) << Qt::right;
        for (qsizetype n : {t.read, t.added, t.unchanged, t.refused, t.overwritten}) {
            out << qSetFieldWidth(12) << n;
        }
        out << qSetFieldWidth(0) << "\n";
    }
    for (const QString &note : std::as_const(m_notes)) {
        out << note << "\n";
    }
}

int Importer::run()
{
    QTextStream err(stderr);
    QList<QJsonObject> services;
    progress(u"import: listing services"_s);
    // The account comes in only once the source has accepted its credentials.
    std::optional<Source::Failure> failure = m_source.listAll(ApiPaths::services(), u"services"_s, &services);
    if (!failure) {
        importAccount();
    }
    std::reverse(services.begin(), services.end());
    for (qsizetype i = 0; !failure && i < services.size(); ++i) {
        m_serviceProgress = u"import: service %1/%2 %3"_s.arg(i + 1)
                                .arg(services.size())
                                .arg(services.at(i).value(u"sid"_s).toString());
        progress(m_serviceProgress);
        failure = importService(services.at(i));
    }
    if (m_tty) {
        err << "\n";
    }
    // in_use is kept by deltas in the engine and checked by a recount at its start: the same recount here makes the
    // imported numbers' in_use exactly what their imported sessions hold.
    SystemClock clock;
    Proxy proxy(m_db, clock, nullptr);
    const Result<int> recounted = proxy.recountInUse();
    printSummary();
    QTextStream out(stdout);
    out << m_source.requests() << " requests, " << m_source.retries() << " retried";
    if (recounted && *recounted > 0) {
        out << "; in_use recounted on " << *recounted << " numbers";
    }
    out << "\n";
    if (failure) {
        err << "maskline-server: import stopped: " << failure->message << "\n"
            << "What was written stays; running the same command again resumes where this one stopped.\n";
        return EXIT_FAILED;
    }
    qsizetype added = 0;
    qsizetype refused = 0;
    for (const Tally &t : m_tally) {
        added += t.added + t.overwritten;
        refused += t.refused;
    }
    if (added == 0 && refused == 0) {
        out << "nothing to add: the store already holds everything the source has\n";
    }
    return refused > 0 ? EXIT_REFUSED : EXIT_OK;
}

} // namespace

void addOptions(QCommandLineParser &parser)
{
    parser.addOption({u"from-url"_s, u"With 'import': the Proxy v1 API to read (default: %1)."_s.arg(DEFAULT_URL),
                      u"url"_s, DEFAULT_URL});
    parser.addOption(
        {u"account-sid"_s, u"With 'import': the account (AC…) to copy, created here with that SID."_s, u"AC…"_s});
    parser.addOption({u"auth-token"_s,
                      u"With 'import': its auth token, kept as this account's token here (env: "
                      u"MASKLINE_IMPORT_AUTH_TOKEN, which other users cannot read from the process list)."_s,
                      u"token"_s});
    parser.addOption({u"force"_s, u"With 'import': overwrite records that exist here with other content."_s});
    parser.addOption({u"page-size"_s, u"With 'import': records asked for per list page (1-100)."_s, u"n"_s, u"100"_s});
}

int run(const QCommandLineParser &parser, const QStringList &args, const StoreConfig &store)
{
    QTextStream err(stderr);
    if (args.size() != 1) {
        err << "usage: maskline-server [--db PATH] import [--from-url URL] --account-sid AC… --auth-token TOKEN "
               "[--force] [--page-size N]\n";
        return EXIT_USAGE;
    }
    Source::Options options;
    QString url = parser.value(u"from-url"_s);
    while (url.endsWith(u'/')) {
        url.chop(1);
    }
    options.baseUrl = QUrl(url, QUrl::StrictMode);
    if (!options.baseUrl.isValid() || options.baseUrl.host().isEmpty() ||
        (options.baseUrl.scheme() != u"https"_s && options.baseUrl.scheme() != u"http"_s)) {
        err << "maskline-server: --from-url expects an http or https URL, not '" << url << "'\n";
        return EXIT_USAGE;
    }
    options.accountSid = parser.value(u"account-sid"_s);
    if (!Sid::isValid(options.accountSid, Sid::ACCOUNT)) {
        err << "maskline-server: import needs --account-sid AC followed by 32 hex digits\n";
        return EXIT_USAGE;
    }
    options.authToken = parser.isSet(u"auth-token"_s) ? parser.value(u"auth-token"_s)
                                                      : qEnvironmentVariable("MASKLINE_IMPORT_AUTH_TOKEN");
    if (options.authToken.isEmpty()) {
        err << "maskline-server: import needs --auth-token (or MASKLINE_IMPORT_AUTH_TOKEN)\n";
        return EXIT_USAGE;
    }
    bool ok = false;
    options.pageSize = parser.value(u"page-size"_s).toInt(&ok);
    if (!ok || options.pageSize < 1 || options.pageSize > Proxy::MAX_PAGE_SIZE) {
        err << "maskline-server: --page-size expects a number from 1 to 100\n";
        return EXIT_USAGE;
    }
    // Tests shorten the back-off; the default suits a real Twilio (its docs ask for exponential back-off).
    if (const int base = qEnvironmentVariableIntValue("MASKLINE_IMPORT_RETRY_BASE_MS"); base > 0) {
        options.retryBaseMs = base;
    }

    // An engine serving this store while records arrive would answer with half an import: run it before the switch.
    std::unique_ptr<StoreLock> lock;
    if (store.isSqlite()) {
        lock = std::make_unique<StoreLock>(store.path);
        if (!lock->tryLock()) {
            err << "maskline-server: " << lock->errorString() << "; stop that engine before importing\n";
            return EXIT_FAILED;
        }
    }
    Database db(store);
    if (auto st = db.migrate(); !st) {
        err << "maskline-server: " << st.error().message << "\n";
        return EXIT_FAILED;
    }
    Source source(options);
    try {
        Importer importer(source, db, options.accountSid, options.authToken, parser.isSet(u"force"_s));
        return importer.run();
    } catch (const StoreError &e) {
        err << "maskline-server: import stopped: the store failed: " << redactText(e.message()) << "\n"
            << "What was committed stays; running the same command again resumes.\n";
        return EXIT_FAILED;
    }
}

} // namespace Maskline::Import
