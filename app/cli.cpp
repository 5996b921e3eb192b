#include "cli.h"

#include <cstdio>
#include <utility>

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QSettings>
#include <QTextStream>
#include <QUrl>

#include "core/sid.h"
#include "proxy/proxy.h"
#include "store/accountstable.h"
#include "store/database.h"
#include "store/importwriter.h"
#include "store/sqlquery.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Cli {

namespace {

struct Option
{
    QString name;
    QString env;
    QString iniKey;
    QString description;
    QString valueName;
    QString defaultValue;
};

// Older spellings of INI keys, still read when the current key is absent.
QString legacyIniKey(const QString &iniKey)
{
    return iniKey == u"callbacks/callback_timeout_ms"_s ? u"callbacks/status_timeout_ms"_s : QString();
}

const QList<Option> &options()
{
    static const QList<Option> list{
        {u"db"_s,
         u"MASKLINE_DB"_s,
         u"store/db"_s,
         u"The store: a SQLite file (default: %1) or postgresql://user:pass@host:port/db."_s.arg(
             StoreConfig::defaultSqlitePath()),
         u"path"_s,
         {}},
        {u"listen"_s, u"MASKLINE_LISTEN"_s, u"http/listen"_s,
         u"Address and port of the HTTP API and carrier webhooks; port 0 picks a free one."_s, u"host:port"_s,
         u"127.0.0.1:8080"_s},
        {u"public-url"_s,
         u"MASKLINE_PUBLIC_URL"_s,
         u"http/public_url"_s,
         u"The base URL clients and the carrier use to reach this server (for absolute URLs in responses and "
         u"signature checks); default: derived from each request's Host header."_s,
         u"url"_s,
         {}},
        {u"rate-limit"_s, u"MASKLINE_RATE_LIMIT"_s, u"http/rate_limit"_s,
         u"Requests per second per endpoint per Service before 429 (bursts of 5x over 5 s); 'off' disables."_s,
         u"N|off"_s, u"30"_s},
        {u"read-threads"_s, u"MASKLINE_READ_THREADS"_s, u"http/read_threads"_s,
         u"Threads that read and render REST list pages beside the engine thread, each on its own store connection; "
         u"0 runs them on the engine thread."_s,
         u"n"_s, u"2"_s},
        {u"debugger-retention-days"_s, u"MASKLINE_DEBUGGER_RETENTION_DAYS"_s, u"debugger/retention_days"_s,
         u"Days debugger events are kept."_s, u"days"_s, u"30"_s},
        {u"session-retention-days"_s, u"MASKLINE_SESSION_RETENTION_DAYS"_s, u"store/session_retention_days"_s,
         u"Days a closed session is kept (with its participants and interactions) before it is deleted."_s, u"days"_s,
         u"90"_s},
        {u"carrier"_s,
         u"MASKLINE_CARRIER"_s,
         u"carrier/kind"_s,
         u"The carrier that carries masked traffic: 'twilio', or 'simulator' (built in; nothing leaves the "
         u"machine). Default: twilio when Twilio credentials are set, else simulator."_s,
         u"simulator|twilio"_s,
         {}},
        {u"twilio-api-url"_s, u"MASKLINE_TWILIO_API_URL"_s, u"carrier/twilio_api_url"_s,
         u"Base URL of Twilio's REST API (tests point it at a fake Twilio)."_s, u"url"_s, u"https://api.twilio.com"_s},
        {u"twilio-account-sid"_s,
         u"MASKLINE_TWILIO_ACCOUNT_SID"_s,
         u"carrier/twilio_account_sid"_s,
         u"The Twilio account (AC…) whose numbers are in the pools."_s,
         u"AC…"_s,
         {}},
        {u"twilio-auth-token"_s,
         u"MASKLINE_TWILIO_AUTH_TOKEN"_s,
         u"carrier/twilio_auth_token"_s,
         u"That account's auth token: sends messages and checks X-Twilio-Signature. Prefer the environment "
         u"variable, which other users cannot read from the process list."_s,
         u"token"_s,
         {}},
        {u"webhook-signature"_s, u"MASKLINE_WEBHOOK_SIGNATURE"_s, u"carrier/webhook_signature"_s,
         u"Check X-Twilio-Signature on /carrier/twilio/* requests; 'off' is for local testing only."_s, u"on|off"_s,
         u"on"_s},
        {u"carrier-sends-in-flight"_s, u"MASKLINE_CARRIER_SENDS_IN_FLIGHT"_s, u"carrier/sends_in_flight"_s,
         u"How many carrier sends (Messages API requests) may be under way at once; more wait in the durable "
         u"outbox, and wait for one of the --carrier-connections. Keep it under the carrier account's own limit on "
         u"concurrent API requests (Twilio's is commonly 100; above it, sends are refused with 429 and retried)."_s,
         u"n"_s, u"64"_s},
        {u"carrier-connections"_s, u"MASKLINE_CARRIER_CONNECTIONS"_s, u"carrier/connections"_s,
         u"How many keep-alive connections carry message sends to the carrier's API host, one send at a time "
         u"each."_s,
         u"n"_s, u"32"_s},
        {u"intercept-timeout-ms"_s, u"MASKLINE_INTERCEPT_TIMEOUT_MS"_s, u"callbacks/intercept_timeout_ms"_s,
         u"How long traffic waits for a Service's intercept callback before it is let through anyway."_s, u"ms"_s,
         u"5000"_s},
        {u"out-of-session-timeout-ms"_s, u"MASKLINE_OUT_OF_SESSION_TIMEOUT_MS"_s,
         u"callbacks/out_of_session_timeout_ms"_s,
         u"How long a call waits for a Service's out-of-session callback before it is rejected (keep it under "
         u"Twilio's 15 s webhook timeout; a message is asked again later)."_s,
         u"ms"_s, u"10000"_s},
        {u"callback-timeout-ms"_s, u"MASKLINE_CALLBACK_TIMEOUT_MS"_s, u"callbacks/callback_timeout_ms"_s,
         u"How long a status callback may take before it counts as failed and is retried."_s, u"ms"_s, u"10000"_s},
        {u"tls-cert"_s,
         u"MASKLINE_TLS_CERT"_s,
         u"http/tls_cert"_s,
         u"Serve HTTPS only, with this PEM certificate (chain); needs --tls-key."_s,
         u"file"_s,
         {}},
        {u"tls-key"_s,
         u"MASKLINE_TLS_KEY"_s,
         u"http/tls_key"_s,
         u"The PEM private key (RSA or EC, unencrypted) of --tls-cert."_s,
         u"file"_s,
         {}},
        {u"trusted-proxy"_s,
         u"MASKLINE_TRUSTED_PROXY"_s,
         u"http/trusted_proxy"_s,
         u"A reverse proxy's address or subnet (CIDR) whose X-Forwarded-Proto, -Host and -For are believed; "
         u"repeat the flag (or separate with commas) for several. From any other peer those headers are ignored."_s,
         u"cidr"_s,
         {}},
        {u"ready-max-outbox-lag"_s, u"MASKLINE_READY_MAX_OUTBOX_LAG"_s, u"http/ready_max_outbox_lag"_s,
         u"/readyz answers 503 when due outbox work (sends, callbacks) has waited longer than this."_s, u"seconds"_s,
         u"300"_s},
        {u"callback-targets"_s, u"MASKLINE_CALLBACK_TARGETS"_s, u"callbacks/targets"_s,
         u"Which hosts a Service's callback URLs may name: 'any', or 'public' to refuse loopback, private and "
         u"link-local addresses (10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7, fe80::/10, ...) where tenants "
         u"must not reach the internal network. URLs that reach this server itself are always refused."_s,
         u"any|public"_s, u"any"_s},
        {u"log-level"_s, u"MASKLINE_LOG_LEVEL"_s, u"log/level"_s,
         u"The least severe messages printed to stderr; QT_LOGGING_RULES overrides it per category."_s,
         u"debug|info|warning|error"_s, u"info"_s},
        {u"log-format"_s, u"MASKLINE_LOG_FORMAT"_s, u"log/format"_s,
         u"'text' (one line per message; journald priorities under systemd) or 'json' (one object per line: time, "
         u"level, category, message, sids)."_s,
         u"text|json"_s, u"text"_s},
    };
    return list;
}

QString valueOf(const QCommandLineParser &parser, const QSettings *ini, const Option &option)
{
    if (parser.isSet(option.name)) {
        return parser.values(option.name).join(u',');
    }
    const QString env = qEnvironmentVariable(option.env.toLatin1().constData());
    if (!env.isEmpty()) {
        return env;
    }
    for (const QString &key : {option.iniKey, legacyIniKey(option.iniKey)}) {
        if (ini && !key.isEmpty() && ini->contains(key)) {
            // QSettings reads an unquoted "a, b" as a list.
            const QVariant value = ini->value(key);
            return value.typeId() == QMetaType::QStringList ? value.toStringList().join(u',') : value.toString();
        }
    }
    return option.defaultValue;
}

} // namespace

void addEngineOptions(QCommandLineParser &parser)
{
    parser.addOption(
        {u"config"_s, u"An INI file with defaults for the options below (env: MASKLINE_CONFIG)."_s, u"file"_s});
    for (const Option &o : options()) {
        parser.addOption({o.name, o.description + u" (env: %1)"_s.arg(o.env), o.valueName, o.defaultValue});
    }
    parser.addOption({u"sid"_s, u"With 'account create': the new account's SID (AC + 32 hex)."_s, u"AC…"_s});
    parser.addOption({u"token"_s, u"With 'account create': the new account's auth token."_s, u"token"_s});
    parser.addOption(
        {u"friendly-name"_s, u"With 'account key create': the new API key's name (up to 64 characters)."_s, u"name"_s});
}

std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments)
{
    if (!parser.parse(arguments)) {
        QTextStream(stderr) << QCoreApplication::applicationName() << ": " << parser.errorText() << "\n"
                            << "Try '" << QCoreApplication::applicationName() << " --help'.\n";
        return 2; // a usage error, as getopt-style tools exit
    }
    if (parser.isSet(u"version"_s)) {
        parser.showVersion(); // exits 0
    }
    if (parser.isSet(u"help"_s) || parser.isSet(u"help-all"_s)) {
        parser.showHelp(0);
    }
    return std::nullopt;
}

bool parseListen(const QString &text, QHostAddress *address, quint16 *port)
{
    const qsizetype colon = text.lastIndexOf(u':');
    if (colon < 0) {
        return false;
    }
    QString host = text.left(colon);
    bool ok = false;
    const uint p = text.mid(colon + 1).toUInt(&ok);
    if (!ok || p > 65535) {
        return false;
    }
    if (host.startsWith(u'[') && host.endsWith(u']')) {
        host = host.mid(1, host.size() - 2);
    }
    if (host.isEmpty() || host == u"localhost"_s) {
        host = u"127.0.0.1"_s;
    }
    QHostAddress parsed;
    if (!parsed.setAddress(host)) {
        return false;
    }
    *address = parsed;
    *port = static_cast<quint16>(p);
    return true;
}

Parsed engineConfig(const QCommandLineParser &parser)
{
    Parsed result;
    std::unique_ptr<QSettings> ini;
    QString configPath = parser.value(u"config"_s);
    if (configPath.isEmpty()) {
        configPath = qEnvironmentVariable("MASKLINE_CONFIG");
    }
    if (!configPath.isEmpty()) {
        if (!QFile::exists(configPath)) {
            result.error = u"config file %1 does not exist"_s.arg(configPath);
            return result;
        }
        ini = std::make_unique<QSettings>(configPath, QSettings::IniFormat);
    }
    auto get = [&](const QString &name) {
        for (const Option &o : options()) {
            if (o.name == name) {
                return valueOf(parser, ini.get(), o);
            }
        }
        return QString();
    };

    EngineConfig &config = result.engine;
    config.store = StoreConfig::fromLocation(get(u"db"_s));
    if (!parseListen(get(u"listen"_s), &config.http.address, &config.http.port)) {
        result.error = u"--listen expects host:port, e.g. 127.0.0.1:8080, not '%1'"_s.arg(get(u"listen"_s));
        return result;
    }
    config.http.tlsCertFile = get(u"tls-cert"_s);
    config.http.tlsKeyFile = get(u"tls-key"_s);
    if (config.http.tlsCertFile.isEmpty() != config.http.tlsKeyFile.isEmpty()) {
        result.error = u"--tls-cert and --tls-key go together: give both or neither"_s;
        return result;
    }
    for (const QString &cidr : get(u"trusted-proxy"_s).split(u',', Qt::SkipEmptyParts)) {
        const QString trimmed = cidr.trimmed();
        auto subnet = QHostAddress::parseSubnet(
            trimmed.contains(u'/') ? trimmed : trimmed + u"/"_s + (trimmed.contains(u':') ? u"128"_s : u"32"_s));
        if (subnet.first.isNull()) {
            result.error = u"--trusted-proxy expects an address or a subnet like 10.0.0.0/8, not '%1'"_s.arg(trimmed);
            return result;
        }
        config.http.trustedProxies.append(subnet);
    }
    {
        bool lagOk = false;
        config.http.readyMaxOutboxLagSeconds = get(u"ready-max-outbox-lag"_s).toInt(&lagOk);
        if (!lagOk || config.http.readyMaxOutboxLagSeconds < 1) {
            result.error = u"--ready-max-outbox-lag expects a whole number of seconds"_s;
            return result;
        }
    }
    config.http.publicUrl = get(u"public-url"_s);
    while (config.http.publicUrl.endsWith(u'/')) {
        config.http.publicUrl.chop(1);
    }
    const QString rate = get(u"rate-limit"_s);
    if (rate.compare(u"off"_s, Qt::CaseInsensitive) == 0) {
        config.http.rateLimitPerSecond = 0;
    } else {
        bool ok = false;
        config.http.rateLimitPerSecond = rate.toInt(&ok);
        if (!ok || config.http.rateLimitPerSecond < 0) {
            result.error = u"--rate-limit expects a number of requests per second or 'off', not '%1'"_s.arg(rate);
            return result;
        }
    }
    bool ok = false;
    config.http.readThreads = get(u"read-threads"_s).toInt(&ok);
    if (!ok || config.http.readThreads < 0 || config.http.readThreads > 64) {
        result.error = u"--read-threads expects a number from 0 to 64, not '%1'"_s.arg(get(u"read-threads"_s));
        return result;
    }
    config.debuggerRetentionDays = get(u"debugger-retention-days"_s).toInt(&ok);
    if (!ok || config.debuggerRetentionDays < 1) {
        result.error = u"--debugger-retention-days expects a whole number of days"_s;
        return result;
    }
    config.sessionRetentionDays = get(u"session-retention-days"_s).toInt(&ok);
    if (!ok || config.sessionRetentionDays < 1) {
        result.error = u"--session-retention-days expects a whole number of days"_s;
        return result;
    }
    for (const auto &[name, into] : {std::pair{u"intercept-timeout-ms"_s, &config.callbacks.interceptTimeoutMs},
                                     std::pair{u"out-of-session-timeout-ms"_s, &config.callbacks.outOfSessionTimeoutMs},
                                     std::pair{u"callback-timeout-ms"_s, &config.callbacks.statusTimeoutMs}}) {
        *into = get(name).toInt(&ok);
        if (!ok || *into < 100 || *into > 60000) {
            result.error = u"--%1 expects milliseconds from 100 to 60000, not '%2'"_s.arg(name, get(name));
            return result;
        }
    }

    TwilioConfig &twilio = config.carrier.twilio;
    twilio.apiUrl = get(u"twilio-api-url"_s);
    while (twilio.apiUrl.endsWith(u'/')) {
        twilio.apiUrl.chop(1);
    }
    const QUrl apiUrl(twilio.apiUrl, QUrl::StrictMode);
    if (!apiUrl.isValid() || apiUrl.host().isEmpty() ||
        (apiUrl.scheme() != u"https"_s && apiUrl.scheme() != u"http"_s)) {
        result.error = u"--twilio-api-url expects an http or https URL, not '%1'"_s.arg(twilio.apiUrl);
        return result;
    }
    twilio.accountSid = get(u"twilio-account-sid"_s);
    twilio.authToken = get(u"twilio-auth-token"_s);
    if (!twilio.accountSid.isEmpty() && !Sid::isValid(twilio.accountSid, Sid::ACCOUNT)) {
        result.error = u"--twilio-account-sid expects AC followed by 32 hex digits"_s;
        return result;
    }
    const QString carrier = get(u"carrier"_s).toLower();
    if (carrier == u"twilio"_s || (carrier.isEmpty() && twilio.isComplete())) {
        config.carrier.kind = CarrierConfig::Kind::Twilio;
        if (!twilio.isComplete()) {
            result.error = u"--carrier twilio needs --twilio-account-sid and --twilio-auth-token (or "
                           u"MASKLINE_TWILIO_ACCOUNT_SID and MASKLINE_TWILIO_AUTH_TOKEN)"_s;
            return result;
        }
    } else if (carrier == u"simulator"_s || carrier.isEmpty()) {
        config.carrier.kind = CarrierConfig::Kind::Simulator;
    } else {
        result.error = u"--carrier expects 'simulator' or 'twilio', not '%1'"_s.arg(carrier);
        return result;
    }
    const QString signature = get(u"webhook-signature"_s).toLower();
    if (signature != u"on"_s && signature != u"off"_s) {
        result.error = u"--webhook-signature expects 'on' or 'off', not '%1'"_s.arg(signature);
        return result;
    }
    config.carrier.verifyWebhookSignatures = signature == u"on"_s;
    config.carrier.sendsInFlight = get(u"carrier-sends-in-flight"_s).toInt(&ok);
    if (!ok || config.carrier.sendsInFlight < 1 || config.carrier.sendsInFlight > 1024) {
        result.error = u"--carrier-sends-in-flight expects a number from 1 to 1024, not '%1'"_s.arg(
            get(u"carrier-sends-in-flight"_s));
        return result;
    }
    twilio.connections = get(u"carrier-connections"_s).toInt(&ok);
    if (!ok || twilio.connections < 1 || twilio.connections > 1024) {
        result.error =
            u"--carrier-connections expects a number from 1 to 1024, not '%1'"_s.arg(get(u"carrier-connections"_s));
        return result;
    }
    const QString targets = get(u"callback-targets"_s).toLower();
    if (targets != u"any"_s && targets != u"public"_s) {
        result.error = u"--callback-targets expects 'any' or 'public', not '%1'"_s.arg(targets);
        return result;
    }
    config.publicCallbackTargetsOnly = targets == u"public"_s;

    const QString level = get(u"log-level"_s);
    if (const auto parsedLevel = Logging::parseLevel(level)) {
        result.log.level = *parsedLevel;
    } else {
        result.error = u"--log-level expects 'debug', 'info', 'warning' or 'error', not '%1'"_s.arg(level);
        return result;
    }
    const QString format = get(u"log-format"_s);
    if (const auto parsedFormat = Logging::parseFormat(format)) {
        result.log.format = *parsedFormat;
    } else {
        result.error = u"--log-format expects 'text' or 'json', not '%1'"_s.arg(format);
        return result;
    }

    config.accountSid = qEnvironmentVariable("MASKLINE_ACCOUNT_SID");
    config.authToken = qEnvironmentVariable("MASKLINE_AUTH_TOKEN");
    return result;
}

namespace {

const char ACCOUNT_USAGE[] = "usage: maskline-server [--db PATH] account create [--sid AC… --token …]\n"
                             "       maskline-server [--db PATH] account list\n"
                             "       maskline-server [--db PATH] account token AC…\n"
                             "       maskline-server [--db PATH] account token rotate AC…\n"
                             "       maskline-server [--db PATH] account set AC… SETTING=on|off …\n"
                             "       maskline-server [--db PATH] account key create AC… [--friendly-name NAME]\n"
                             "       maskline-server [--db PATH] account key list AC…\n"
                             "       maskline-server [--db PATH] account key delete AC… SK…\n"
                             "settings: allow_participant_conflict, respect_sms_stop_filter, sms_stop_filtering\n";

QString onOff(bool value)
{
    return value ? u"on"_s : u"off"_s;
}

// "allow_participant_conflict=on" and friends into AccountSettings; the error names the word it could not read.
Result<AccountSettings> parseAccountSettings(const QStringList &words)
{
    AccountSettings settings;
    if (words.isEmpty()) {
        return ApiError::invalidParameter(u"setting"_s, u"name at least one SETTING=on|off"_s);
    }
    for (const QString &word : words) {
        const qsizetype eq = word.indexOf(u'=');
        const QString key = word.left(eq);
        const QString value = eq < 0 ? QString() : word.mid(eq + 1).toLower();
        std::optional<bool> flag;
        if (value == u"on"_s || value == u"true"_s || value == u"1"_s) {
            flag = true;
        } else if (value == u"off"_s || value == u"false"_s || value == u"0"_s) {
            flag = false;
        } else {
            return ApiError::invalidParameter(key, u"'%1' is not SETTING=on|off"_s.arg(word));
        }
        if (key == u"allow_participant_conflict"_s) {
            settings.allowParticipantConflict = flag;
        } else if (key == u"respect_sms_stop_filter"_s) {
            settings.respectSmsStopFilter = flag;
        } else if (key == u"sms_stop_filtering"_s) {
            settings.smsStopFiltering = flag;
        } else {
            return ApiError::invalidParameter(key, u"unknown setting '%1'"_s.arg(key));
        }
    }
    return settings;
}

// `account key create|list|delete`: API keys (the 2010-04-01 Keys resource, from the command line). The secret is
// printed by create only, on stdout and nowhere else; the store keeps a salted hash of it.
int runKeyCommand(const QCommandLineParser &parser, const QStringList &args, const StoreConfig &store)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString verb = args.value(2);
    const bool known = (verb == u"create"_s && args.size() == 4) || (verb == u"list"_s && args.size() == 4) ||
                       (verb == u"delete"_s && args.size() == 5);
    if (!known || (verb != u"create"_s && parser.isSet(u"friendly-name"_s))) {
        err << ACCOUNT_USAGE;
        return 2;
    }
    const QString accountSid = args.at(3);
    if (!Sid::isValid(accountSid, Sid::ACCOUNT)) {
        err << "maskline-server: '" << accountSid << "' is not an account SID (AC followed by 32 hex digits)\n";
        return 2;
    }
    if (verb == u"delete"_s && !Sid::isValid(args.at(4), Sid::API_KEY)) {
        err << "maskline-server: '" << args.at(4) << "' is not an API key SID (SK followed by 32 hex digits)\n";
        return 2;
    }
    if (store.isSqlite() && !QFileInfo::exists(store.path)) {
        err << "maskline-server: the store " << store.path << " does not exist (check --db or MASKLINE_DB)\n";
        return 1;
    }
    // `list` only reads: the store is opened read-only and its schema left as it is (a store from before API keys
    // simply has none).
    const bool readOnly = verb == u"list"_s;
    StoreConfig config = store;
    config.readOnly = readOnly;
    Database db(config);
    int version = 0;
    try {
        if (readOnly) {
            version = db.schemaVersion();
            if (version <= 0) {
                err << "maskline-server: " << store.describe() << " is not a Maskline store\n";
                return 1;
            }
        } else if (auto st = db.migrate(); !st) {
            err << "maskline-server: " << st.error().message << "\n";
            return 1;
        }
    } catch (const StoreError &e) {
        err << "maskline-server: " << e.message() << "\n";
        return 1;
    }
    SystemClock clock;
    Proxy proxy(db, clock, nullptr);
    if (!proxy.fetchAccount(accountSid)) {
        err << "maskline-server: no account " << accountSid << " in this store\n";
        return 1;
    }
    if (verb == u"create"_s) {
        auto created = proxy.createApiKey(accountSid, parser.value(u"friendly-name"_s));
        if (!created) {
            err << "maskline-server: " << created.error().message << "\n";
            return 1;
        }
        out << "sid " << created->key.sid << "\n"
            << "secret " << created->secret << "\n";
        return 0;
    }
    if (verb == u"delete"_s) {
        // A running engine refuses the key within a second: it re-reads key credentials from the store that often.
        const Status deleted = proxy.deleteApiKey(accountSid, args.at(4));
        if (!deleted) {
            err << "maskline-server: "
                << (deleted.error().status == 404 ? u"account %1 has no API key %2"_s.arg(accountSid, args.at(4))
                                                  : deleted.error().message)
                << "\n";
            return 1;
        }
        return 0;
    }
    constexpr int API_KEYS_SCHEMA = 7;
    if (version < API_KEYS_SCHEMA) {
        return 0; // the store predates API keys: there are none
    }
    PageRequest page;
    page.pageSize = 1000;
    for (;;) {
        const auto keys = proxy.listApiKeys(accountSid, page);
        if (!keys) {
            err << "maskline-server: " << keys.error().message << "\n";
            return 1;
        }
        for (const ApiKey &key : keys->items) {
            out << key.sid << "  created " << Time::toIso(key.dateCreated)
                << (key.friendlyName.isEmpty() ? QString() : u"  "_s + key.friendlyName) << "\n";
        }
        if (!keys->hasMore) {
            return 0;
        }
        page.afterId = keys->lastId();
    }
}

} // namespace

int runAccountCommand(const QCommandLineParser &parser, const QStringList &args, const StoreConfig &store)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const QString verb = args.value(1);
    if (verb == u"key"_s) {
        return runKeyCommand(parser, args, store);
    }
    const bool rotate = verb == u"token"_s && args.size() == 4 && args.at(2) == u"rotate"_s;
    const bool known = verb == u"create"_s || (verb == u"list"_s && args.size() == 2) ||
                       ((verb == u"token"_s) && args.size() == 3) || rotate || (verb == u"set"_s && args.size() >= 3);
    if (!known) {
        err << ACCOUNT_USAGE;
        return 2;
    }
    // Only `create` may make a new store; the others name one that must exist (a mistyped --db must not quietly
    // create an empty store next to the real one).
    if (verb != u"create"_s && store.isSqlite() && !QFileInfo::exists(store.path)) {
        err << "maskline-server: the store " << store.path << " does not exist (check --db or MASKLINE_DB)\n";
        return 1;
    }
    // `list` and `token` only read: the store is opened read-only and its schema left as it is.
    const bool readOnly = verb == u"list"_s || (verb == u"token"_s && !rotate);
    StoreConfig config = store;
    config.readOnly = readOnly;
    // Admin commands run beside a live engine: they take no engine lock; SQLite serialises the writes.
    Database db(config);
    if (readOnly) {
        int version = 0;
        try {
            version = db.schemaVersion();
        } catch (const StoreError &e) {
            err << "maskline-server: " << e.message() << "\n";
            return 1;
        }
        if (version <= 0) {
            err << "maskline-server: " << store.describe() << " is not a Maskline store\n";
            return 1;
        }
    } else if (auto st = db.migrate(); !st) {
        err << "maskline-server: " << st.error().message << "\n";
        return 1;
    }
    SystemClock clock;
    Proxy proxy(db, clock, nullptr);
    if (rotate) {
        // A running engine takes the new token within a second: it re-reads credentials from the store that often.
        const QString sid = args.at(3);
        const QString token = Sid::generateToken();
        try {
            if (!AccountsTable::setAuthToken(db.connection(), sid, token, clock.nowMs())) {
                err << "maskline-server: no account " << sid << " in this store\n";
                return 1;
            }
        } catch (const StoreError &e) {
            err << "maskline-server: " << e.message() << "\n";
            return 1;
        }
        out << token << "\n";
        return 0;
    }
    if (verb == u"create"_s) {
        auto account = proxy.createAccount(parser.value(u"sid"_s), parser.value(u"token"_s));
        if (!account) {
            err << "maskline-server: " << account.error().message << "\n";
            return 1;
        }
        out << "sid " << account->sid << "\n"
            << "token " << account->authToken << "\n";
        return 0;
    }
    Result<QList<Account>> accounts = QList<Account>{};
    if (verb == u"token"_s || verb == u"set"_s) {
        Result<Account> account = proxy.fetchAccount(args.at(2));
        if (account && verb == u"set"_s) {
            auto settings = parseAccountSettings(args.mid(3));
            if (!settings) {
                err << "maskline-server: " << settings.error().message << "\n" << ACCOUNT_USAGE;
                return 2;
            }
            account = proxy.updateAccountSettings(args.at(2), *settings);
        }
        if (!account) {
            err << "maskline-server: no account " << args.at(2) << " in this store\n";
            return 1;
        }
        if (verb == u"token"_s) {
            // Whoever can read the store file can read the token; printing it on request is no new exposure.
            out << account->authToken << "\n";
            return 0;
        }
        accounts->append(*account);
    } else {
        accounts = proxy.listAccounts();
    }
    if (!accounts) {
        err << "maskline-server: " << accounts.error().message << "\n";
        return 1;
    }
    for (const Account &a : std::as_const(*accounts)) {
        out << a.sid << "  created " << Time::toIso(a.dateCreated)
            << "  allow_participant_conflict=" << onOff(a.allowParticipantConflict)
            << " respect_sms_stop_filter=" << onOff(a.respectSmsStopFilter)
            << " sms_stop_filtering=" << onOff(a.smsStopFiltering)
            << (a.friendlyName.isEmpty() ? QString() : u"  "_s + a.friendlyName) << "\n";
    }
    return 0;
}

int runServiceCommand(const QStringList &args, const StoreConfig &store)
{
    QTextStream out(stdout);
    QTextStream err(stderr);
    const char usage[] = "usage: maskline-server [--db PATH] service flags KS… [mexico_insert_one=on|off] "
                         "[argentina_insert_nine=on|off]\n";
    if (args.size() < 3 || args.at(1) != u"flags"_s) {
        err << usage;
        return 2;
    }
    ServiceParams params;
    for (const QString &word : args.mid(3)) {
        const QString key = word.section(u'=', 0, 0);
        const QString value = word.section(u'=', 1).toLower();
        const bool on = value == u"on"_s || value == u"true"_s || value == u"1"_s;
        if (!on && value != u"off"_s && value != u"false"_s && value != u"0"_s) {
            err << "maskline-server: '" << word << "' is not FLAG=on|off\n" << usage;
            return 2;
        }
        if (key == u"mexico_insert_one"_s) {
            params.mxInsertOne = on;
        } else if (key == u"argentina_insert_nine"_s) {
            params.arInsertNine = on;
        } else {
            err << "maskline-server: unknown flag '" << key << "'\n" << usage;
            return 2;
        }
    }
    if (store.isSqlite() && !QFileInfo::exists(store.path)) {
        err << "maskline-server: the store " << store.path << " does not exist (check --db or MASKLINE_DB)\n";
        return 1;
    }
    Database db(store);
    if (auto st = db.migrate(); !st) {
        err << "maskline-server: " << st.error().message << "\n";
        return 1;
    }
    SystemClock clock;
    Proxy proxy(db, clock, nullptr);
    std::optional<Service> found;
    try {
        found = ImportWriter(db.connection()).findService(args.at(2));
    } catch (const StoreError &e) {
        err << "maskline-server: " << e.message() << "\n";
        return 1;
    }
    if (!found) {
        err << "maskline-server: no service " << args.at(2) << " in this store\n";
        return 1;
    }
    Result<Service> service = *found;
    if (params.mxInsertOne || params.arInsertNine) {
        service = proxy.updateService(found->accountSid, found->sid, params);
        if (!service) {
            err << "maskline-server: " << service.error().message << "\n";
            return 1;
        }
    }
    out << service->sid << "  mexico_insert_one=" << onOff(service->mxInsertOne)
        << " argentina_insert_nine=" << onOff(service->arInsertNine) << "\n";
    return 0;
}

} // namespace Maskline::Cli
