#include "importsource.h"

#include <algorithm>

#include <QEventLoop>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QNetworkReply>
#include <QTimer>

#include "core/channeladdress.h"
#include "core/clock.h"

Q_LOGGING_CATEGORY(lcImport, "maskline.import", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline::Import {

namespace {

// Services created before this date insert Mexico's mobile '1' (changelog 2020-11-11), as Proxy::createService.
const QDateTime MEXICO_ONE_CUTOFF(QDate(2020, 10, 5), QTime(0, 0), Qt::UTC);

QString str(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1StringView(key));
    if (v.isString()) {
        return v.toString();
    }
    if (v.isDouble()) {
        return QString::number(v.toInteger());
    }
    return {};
}

QDateTime date(const QJsonObject &o, const char *key)
{
    return Time::parseIso(str(o, key));
}

qint64 integer(const QJsonObject &o, const char *key)
{
    const QJsonValue v = o.value(QLatin1StringView(key));
    return v.isString() ? v.toString().toLongLong() : v.toInteger();
}

bool flag(const QJsonValue &v)
{
    return v.isBool() ? v.toBool() : (v.isString() && v.toString() == u"true"_s);
}

// Retry-After as seconds or as an HTTP date; -1 when absent or unreadable.
int retryAfterMs(const QNetworkReply *reply)
{
    const QByteArray header = reply->rawHeader("Retry-After").trimmed();
    if (header.isEmpty()) {
        return -1;
    }
    bool ok = false;
    const int seconds = header.toInt(&ok);
    if (ok && seconds >= 0) {
        return seconds * 1000;
    }
    const QDateTime when = QDateTime::fromString(QString::fromLatin1(header), Qt::RFC2822Date);
    if (when.isValid()) {
        return int(std::clamp<qint64>(QDateTime::currentDateTimeUtc().msecsTo(when), 0, 3600 * 1000));
    }
    return -1;
}

} // namespace

Source::Source(Options options)
    : m_options(std::move(options))
    , m_authorization("Basic " + (m_options.accountSid + u':' + m_options.authToken).toUtf8().toBase64())
{}

void Source::wait(int ms)
{
    QEventLoop loop;
    QTimer::singleShot(ms, &loop, &QEventLoop::quit);
    loop.exec();
}

QUrl Source::onOrigin(const QString &link) const
{
    QUrl url(link);
    if (url.isRelative()) {
        url = m_options.baseUrl.resolved(url);
    }
    url.setScheme(m_options.baseUrl.scheme());
    url.setHost(m_options.baseUrl.host());
    url.setPort(m_options.baseUrl.port());
    url.setUserInfo({});
    return url;
}

std::optional<Source::Failure> Source::get(const QUrl &url, QJsonObject *body)
{
    for (int attempt = 0;; ++attempt) {
        QNetworkRequest request(url);
        request.setRawHeader("Authorization", m_authorization);
        request.setRawHeader("Accept", "application/json");
        request.setTransferTimeout(m_options.timeoutMs);
        ++m_requests;
        QNetworkReply *reply = m_nam.get(request);
        QEventLoop loop;
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray data = reply->readAll();
        if (status == 200) {
            QJsonParseError error{};
            const QJsonDocument doc = QJsonDocument::fromJson(data, &error);
            if (error.error != QJsonParseError::NoError || !doc.isObject()) {
                return Failure{u"%1 answered 200 with a body that is not a JSON object"_s.arg(url.path())};
            }
            *body = doc.object();
            return std::nullopt;
        }
        const QString twilioMessage = QJsonDocument::fromJson(data).object().value(u"message"_s).toString();
        if (status == 401 || status == 403) {
            return Failure{u"the source refused the credentials (HTTP %1%2): check --account-sid and --auth-token "
                           u"(an account's auth token, or an API key's secret with its SK… SID)"_s.arg(
                               QString::number(status), twilioMessage.isEmpty() ? QString() : u": "_s + twilioMessage),
                           true};
        }
        const bool retryable = status == 429 || status >= 500 || status == 0;
        const QString what = status == 0 ? reply->errorString() : u"HTTP %1"_s.arg(status);
        if (!retryable || attempt >= m_options.maxRetries) {
            return Failure{u"GET %1 failed: %2%3%4"_s.arg(
                url.path(), what, twilioMessage.isEmpty() ? QString() : u": "_s + twilioMessage,
                retryable ? u" (gave up after %1 retries)"_s.arg(m_options.maxRetries) : QString())};
        }
        int delay = status == 429 ? retryAfterMs(reply) : -1;
        if (delay < 0) {
            delay = int(
                std::min<qint64>(qint64(m_options.retryBaseMs) << std::min(attempt, 20), m_options.maxRetryDelayMs));
        }
        delay = std::min(delay, m_options.maxRetryDelayMs);
        qCInfo(lcImport).noquote() << "GET" << url.path() << "->" << what << "; retrying in" << delay << "ms";
        ++m_retries;
        wait(delay);
    }
}

std::optional<Source::Failure> Source::listAll(const QString &path, const QString &key, QList<QJsonObject> *items,
                                               const std::function<void(qsizetype)> &onPage)
{
    QString base = m_options.baseUrl.toString(QUrl::StripTrailingSlash);
    QUrl url(base + path + u"?PageSize="_s + QString::number(m_options.pageSize));
    // A source that keeps answering with a next page must still end: more pages than records can exist is a loop.
    for (int pages = 0; pages < 10'000'000; ++pages) {
        QJsonObject page;
        if (auto failure = get(url, &page)) {
            return failure;
        }
        const QJsonValue list = page.value(key);
        if (!list.isArray()) {
            return Failure{u"%1 answered without a \"%2\" list"_s.arg(path, key)};
        }
        const QJsonArray array = list.toArray();
        for (const QJsonValue &v : array) {
            items->append(v.toObject());
        }
        if (onPage) {
            onPage(items->size());
        }
        const QJsonValue next = page.value(u"meta"_s).toObject().value(u"next_page_url"_s);
        if (!next.isString() || next.toString().isEmpty() || array.isEmpty()) {
            return std::nullopt;
        }
        url = onOrigin(next.toString());
    }
    return Failure{u"%1 never reached its last page"_s.arg(path)};
}

Service serviceFromJson(const QJsonObject &o)
{
    Service s;
    s.sid = str(o, "sid");
    s.accountSid = str(o, "account_sid");
    s.uniqueName = str(o, "unique_name");
    s.chatInstanceSid = str(o, "chat_instance_sid");
    s.callbackUrl = str(o, "callback_url");
    s.interceptCallbackUrl = str(o, "intercept_callback_url");
    s.outOfSessionCallbackUrl = str(o, "out_of_session_callback_url");
    s.defaultTtl = integer(o, "default_ttl");
    s.geoMatchLevel = str(o, "geo_match_level");
    if (s.geoMatchLevel.isEmpty()) {
        s.geoMatchLevel = u"country"_s;
    }
    s.numberSelectionBehavior = str(o, "number_selection_behavior");
    if (s.numberSelectionBehavior.isEmpty()) {
        s.numberSelectionBehavior = u"prefer-sticky"_s;
    }
    s.dateCreated = date(o, "date_created");
    s.dateUpdated = date(o, "date_updated");
    // Maskline shows the country flags as extensions; Twilio has none and decides Mexico by the creation date.
    const QJsonValue mx = o.value(u"mexico_insert_one"_s);
    s.mxInsertOne = mx.isBool() ? mx.toBool() : (s.dateCreated.isValid() && s.dateCreated < MEXICO_ONE_CUTOFF);
    s.arInsertNine = flag(o.value(u"argentina_insert_nine"_s));
    return s;
}

PhoneNumber phoneNumberFromJson(const QJsonObject &o)
{
    PhoneNumber n;
    n.sid = str(o, "sid");
    n.accountSid = str(o, "account_sid");
    n.serviceSid = str(o, "service_sid");
    n.phoneNumber = str(o, "phone_number");
    n.friendlyName = str(o, "friendly_name");
    n.isoCountry = str(o, "iso_country");
    // The schema says {fax, mms, sms, voice}; Twilio's examples show {sms_outbound, voice_inbound, …} (reference
    // §11): a direction-qualified capability counts for the plain one.
    const QJsonObject caps = o.value(u"capabilities"_s).toObject();
    if (!caps.isEmpty()) {
        const auto any = [&](const QString &name) {
            for (auto it = caps.constBegin(); it != caps.constEnd(); ++it) {
                if ((it.key() == name || it.key().startsWith(name + u'_')) && flag(it.value())) {
                    return true;
                }
            }
            return false;
        };
        n.capabilities.voice = any(u"voice"_s);
        n.capabilities.sms = any(u"sms"_s);
        n.capabilities.mms = any(u"mms"_s);
        n.capabilities.fax = any(u"fax"_s);
    }
    n.isReserved = flag(o.value(u"is_reserved"_s));
    n.inUse = int(integer(o, "in_use"));
    n.dateCreated = date(o, "date_created");
    n.dateUpdated = date(o, "date_updated");
    return n;
}

Session sessionFromJson(const QJsonObject &o)
{
    Session s;
    s.sid = str(o, "sid");
    s.accountSid = str(o, "account_sid");
    s.serviceSid = str(o, "service_sid");
    s.uniqueName = str(o, "unique_name");
    s.status = str(o, "status");
    s.mode = str(o, "mode");
    if (s.mode.isEmpty()) {
        s.mode = SessionMode::VOICE_AND_MESSAGE;
    }
    s.ttl = integer(o, "ttl");
    s.dateExpiry = date(o, "date_expiry");
    s.closedReason = str(o, "closed_reason");
    s.dateStarted = date(o, "date_started");
    s.dateEnded = date(o, "date_ended");
    s.dateLastInteraction = date(o, "date_last_interaction");
    s.dateCreated = date(o, "date_created");
    s.dateUpdated = date(o, "date_updated");
    return s;
}

Participant participantFromJson(const QJsonObject &o)
{
    Participant p;
    p.sid = str(o, "sid");
    p.accountSid = str(o, "account_sid");
    p.serviceSid = str(o, "service_sid");
    p.sessionSid = str(o, "session_sid");
    p.identifier = str(o, "identifier");
    // Stored bare, shown on the identifier's channel (engine/proxy/channeladdress.h): whatsapp:+1415… -> +1415….
    p.proxyIdentifier = ChannelAddress::bare(str(o, "proxy_identifier"));
    p.proxyIdentifierSid = str(o, "proxy_identifier_sid");
    p.friendlyName = str(o, "friendly_name");
    p.dateDeleted = date(o, "date_deleted");
    p.dateCreated = date(o, "date_created");
    p.dateUpdated = date(o, "date_updated");
    return p;
}

Interaction interactionFromJson(const QJsonObject &o)
{
    Interaction i;
    i.sid = str(o, "sid");
    i.accountSid = str(o, "account_sid");
    i.serviceSid = str(o, "service_sid");
    i.sessionSid = str(o, "session_sid");
    i.type = str(o, "type");
    i.data = str(o, "data");
    i.inbound = {str(o, "inbound_participant_sid"), str(o, "inbound_resource_sid"), str(o, "inbound_resource_status"),
                 str(o, "inbound_resource_type"), str(o, "inbound_resource_url")};
    i.outbound = {str(o, "outbound_participant_sid"), str(o, "outbound_resource_sid"),
                  str(o, "outbound_resource_status"), str(o, "outbound_resource_type"),
                  str(o, "outbound_resource_url")};
    // A MessageInteraction is the one kind with no inbound leg (reference §3.6): it addressed its outbound
    // participant, which is what lists it under that participant's MessageInteractions.
    if (i.inbound.participantSid.isEmpty() && i.inbound.resourceSid.isEmpty() && !i.outbound.participantSid.isEmpty() &&
        i.type == u"message"_s) {
        i.participantSid = i.outbound.participantSid;
    }
    i.dateCreated = date(o, "date_created");
    i.dateUpdated = date(o, "date_updated");
    return i;
}

} // namespace Maskline::Import
