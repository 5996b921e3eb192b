#include "restapi.h"

#include <limits>

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/apierror.h"
#include "core/sid.h"
#include "formdata.h"
#include "jsonviews.h"
#include "proxy/proxy.h"
#include "routing/router.h"

namespace Maskline {

namespace {

constexpr int DEFAULT_PAGE_SIZE = 50;
constexpr qint64 MAX_TTL = std::numeric_limits<qint32>::max() - 1; // reference §10: 0 <= ttl < 2147483647
constexpr qsizetype MAX_MESSAGE_BODY = 1600;                       // the carrier's limit for one message body
constexpr int MAX_LEARNT_BASES = 32;

// Unwraps a Params::read…() result into `target`, or returns its error from the enclosing handler.
#define READ_PARAM(target, expr)                                                                                       \
    do {                                                                                                               \
        auto read_ = (expr);                                                                                           \
        if (!read_) {                                                                                                  \
            return HttpReply::error(read_.error());                                                                    \
        }                                                                                                              \
        target = *read_;                                                                                               \
    } while (false)

std::optional<QString> optionalString(const FormData &form, const QString &name)
{
    return form.value(name);
}

ApiError required(const QString &name)
{
    return ApiError::invalidParameter(name, QStringLiteral("is required"));
}

template<typename T, typename View>
HttpReply replyWith(const Result<T> &result, int status, const QString &baseUrl, View view)
{
    if (!result) {
        return HttpReply::error(result.error());
    }
    return HttpReply::json(status, view(*result, baseUrl));
}

HttpReply replyEmpty(const Status &status)
{
    if (!status) {
        return HttpReply::error(status.error());
    }
    return HttpReply::noContent();
}

// Maskline extension (docs/api.md): a pool number's capabilities, as a comma list ("voice,sms,mms") or as the
// object the JSON shows ({"voice":true,"sms":false}; keys left out are false). Not given: std::nullopt.
Result<std::optional<Capabilities>> readCapabilities(const FormData &form)
{
    const std::optional<QString> given = form.value(u"Capabilities");
    if (!given) {
        return std::optional<Capabilities>();
    }
    const QString text = given->trimmed();
    const QString usage = QStringLiteral("give a comma list of voice, sms, mms, fax (e.g. voice,sms) or a JSON object "
                                         "like {\"voice\":true,\"sms\":true}");
    Capabilities caps{false, false, false, false};
    const auto set = [&caps](const QString &name, bool on) {
        const QString key = name.trimmed().toLower();
        bool *flag = key == QLatin1String("voice") ? &caps.voice
                     : key == QLatin1String("sms") ? &caps.sms
                     : key == QLatin1String("mms") ? &caps.mms
                     : key == QLatin1String("fax") ? &caps.fax
                                                   : nullptr;
        if (flag) {
            *flag = on;
        }
        return flag != nullptr;
    };
    if (text.startsWith(u'{')) {
        QJsonParseError error{};
        const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
        if (error.error != QJsonParseError::NoError || !doc.isObject()) {
            return ApiError::invalidParameter(QStringLiteral("Capabilities"),
                                              QStringLiteral("is not a JSON object; ") + usage);
        }
        const QJsonObject object = doc.object();
        for (auto it = object.constBegin(); it != object.constEnd(); ++it) {
            if (!it.value().isBool()) {
                return ApiError::invalidParameter(
                    QStringLiteral("Capabilities"),
                    QStringLiteral("'%1' must be true or false; ").arg(it.key().left(32)) + usage);
            }
            if (!set(it.key(), it.value().toBool())) {
                return ApiError::invalidParameter(QStringLiteral("Capabilities"),
                                                  QStringLiteral("'%1' is not a capability; ").arg(it.key().left(32)) +
                                                      usage);
            }
        }
    } else {
        for (const QString &name : text.split(u',')) {
            if (name.trimmed().isEmpty() || !set(name, true)) {
                return ApiError::invalidParameter(
                    QStringLiteral("Capabilities"),
                    QStringLiteral("'%1' is not a capability; ").arg(name.trimmed().left(32)) + usage);
            }
        }
    }
    if (!caps.voice && !caps.sms && !caps.mms && !caps.fax) {
        return ApiError::invalidParameter(QStringLiteral("Capabilities"),
                                          QStringLiteral("names no capability: a pool number needs at least one; ") +
                                              usage);
    }
    return std::optional<Capabilities>(caps);
}

struct Paging
{
    PageRequest request;
    int page = 0;
    QString token;
};

Result<Paging> readPaging(const FormData &params)
{
    Paging paging;
    std::optional<qint64> size;
    {
        auto read = Params::readInt(params, QStringLiteral("PageSize"), 1, std::numeric_limits<qint32>::max());
        if (!read) {
            return read.error();
        }
        size = *read;
    }
    // The spec allows up to 1000, but Proxy returns at most 100 records per page (changelog 2019-06-06).
    paging.request.pageSize = int(std::min<qint64>(size.value_or(DEFAULT_PAGE_SIZE), Proxy::MAX_PAGE_SIZE));

    auto page = Params::readInt(params, QStringLiteral("Page"), 0, std::numeric_limits<qint32>::max());
    if (!page) {
        return page.error();
    }
    paging.page = int(page->value_or(0));

    const QString token = params.value(QStringLiteral("PageToken")).value_or(QString());
    if (!token.isEmpty()) {
        const std::optional<RestApi::PageCursor> cursor = RestApi::decodePageToken(token);
        if (!cursor) {
            return ApiError::invalidParameter(QStringLiteral("PageToken"),
                                              QStringLiteral("is not a token this server issued"));
        }
        (cursor->before ? paging.request.beforeId : paging.request.afterId) = cursor->id;
        paging.token = token;
    } else {
        // Page=N alone: the Nth page of PageSize rows, newest first (docs/api.md, Paging).
        paging.request.offset = qint64(paging.page) * paging.request.pageSize;
    }
    return paging;
}

template<typename T, typename Fetch, typename View>
HttpReply listReply(const HttpRequest &r, const QString &key, const QString &path, Fetch fetch, View view,
                    const QString &filterQuery = {})
{
    const Result<Paging> paging = readPaging(r.params);
    if (!paging) {
        return HttpReply::error(paging.error());
    }
    const Result<Page<T>> page = fetch(paging->request);
    if (!page) {
        return HttpReply::error(page.error());
    }
    QList<QByteArray> items;
    items.reserve(page->items.size());
    for (const T &item : page->items) {
        items.append(view(item, r.baseUrl));
    }
    JsonViews::ListMeta meta;
    meta.key = key;
    meta.path = path;
    meta.page = paging->page;
    meta.pageSize = paging->request.pageSize;
    meta.pageToken = paging->token;
    meta.filterQuery = filterQuery;
    if (page->hasMore && !page->items.isEmpty()) {
        meta.nextToken = RestApi::encodePageToken(page->lastId());
    }
    if (page->hasNewer && !page->items.isEmpty()) {
        meta.previousToken = RestApi::encodePreviousPageToken(page->firstId());
    }
    return HttpReply::json(200, JsonViews::listPage(key, items, JsonViews::meta(meta, r.baseUrl)));
}

Result<ServiceParams> readServiceParams(const FormData &form)
{
    ServiceParams p;
    p.uniqueName = optionalString(form, QStringLiteral("UniqueName"));
    if (const Status text = Params::checkText(QStringLiteral("UniqueName"), p.uniqueName); !text) {
        return text.error();
    }
    auto ttl = Params::readInt(form, QStringLiteral("DefaultTtl"), 0, MAX_TTL);
    if (!ttl) {
        return ttl.error();
    }
    p.defaultTtl = *ttl;
    // Given but empty clears a URL (std::optional holding an empty string).
    p.callbackUrl = optionalString(form, QStringLiteral("CallbackUrl"));
    p.interceptCallbackUrl = optionalString(form, QStringLiteral("InterceptCallbackUrl"));
    p.outOfSessionCallbackUrl = optionalString(form, QStringLiteral("OutOfSessionCallbackUrl"));
    p.chatInstanceSid = optionalString(form, QStringLiteral("ChatInstanceSid"));
    // Enum values (and callback URLs, unique names) are the domain's to validate: one list of allowed values.
    p.geoMatchLevel = optionalString(form, QStringLiteral("GeoMatchLevel"));
    p.numberSelectionBehavior = optionalString(form, QStringLiteral("NumberSelectionBehavior"));
    // Maskline extensions (docs/api.md): the country dialling flags Twilio set per account on request.
    for (const auto &[name, target] : {std::pair{QStringLiteral("MexicoInsertOne"), &p.mxInsertOne},
                                       std::pair{QStringLiteral("ArgentinaInsertNine"), &p.arInsertNine}}) {
        auto flag = Params::readBool(form, name);
        if (!flag) {
            return flag.error();
        }
        *target = *flag;
    }
    return p;
}

// What QJsonDocument would resolve silently in a Participants element, checked on the text first: a key given twice
// in one object (keys are matched case-insensitively, so `Identifier` and `identifier` are the same key), a \u escape
// that is half a surrogate pair (Qt would turn it into U+FFFD and shift its neighbour), and nesting too deep to mean
// anything. Returns why the text is refused, or an empty string. Syntax errors are left to QJsonDocument.
QString participantJsonProblem(const QString &text)
{
    constexpr int MAX_DEPTH = 16;
    struct Frame
    {
        bool object = false;
        bool expectKey = false;
        QStringList keys;
    };
    QList<Frame> stack;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const QChar c = text.at(i);
        if (c == u'{' || c == u'[') {
            if (stack.size() >= MAX_DEPTH) {
                return QStringLiteral("is nested too deeply");
            }
            stack.append({c == u'{', c == u'{', {}});
        } else if (c == u'}' || c == u']') {
            if (!stack.isEmpty()) {
                stack.removeLast();
            }
        } else if (c == u',') {
            if (!stack.isEmpty() && stack.constLast().object) {
                stack.last().expectKey = true;
            }
        } else if (c == u'"') {
            QString value;
            qsizetype j = i + 1;
            for (; j < n && text.at(j) != u'"'; ++j) {
                if (text.at(j) != u'\\') {
                    value.append(text.at(j));
                    continue;
                }
                if (++j >= n) {
                    break;
                }
                if (text.at(j) != u'u') {
                    value.append(text.at(j));
                    continue;
                }
                bool ok = false;
                const uint unit = text.mid(j + 1, 4).toUInt(&ok, 16);
                if (!ok || j + 4 >= n) {
                    break; // malformed: QJsonDocument reports it
                }
                j += 4;
                if (QChar::isLowSurrogate(unit)) {
                    return QStringLiteral("has a lone surrogate escape (\\u%1)").arg(unit, 4, 16, QLatin1Char('0'));
                }
                if (QChar::isHighSurrogate(unit)) {
                    bool lowOk = false;
                    const uint low = text.mid(j + 3, 4).toUInt(&lowOk, 16);
                    if (text.mid(j + 1, 2) != u"\\u" || !lowOk || !QChar::isLowSurrogate(low)) {
                        return QStringLiteral("has a lone surrogate escape (\\u%1)").arg(unit, 4, 16, QLatin1Char('0'));
                    }
                    j += 6;
                    value.append(QChar(char16_t(unit)));
                    value.append(QChar(char16_t(low)));
                    continue;
                }
                value.append(QChar(char16_t(unit)));
            }
            i = j;
            if (!stack.isEmpty() && stack.constLast().object && stack.constLast().expectKey) {
                Frame &frame = stack.last();
                frame.expectKey = false;
                const QString key = value.toLower();
                if (frame.keys.contains(key)) {
                    return QStringLiteral("has the key %1 more than once").arg(Params::printable(value));
                }
                frame.keys.append(key);
            }
        }
    }
    return {};
}

} // namespace

// One element of Session create's `Participants`: a JSON object (twilio-python/-node send each as its own form
// field). Keys are matched case-insensitively (each may appear once); values must be strings.
Result<ParticipantParams> readParticipantJson(const QString &text, qsizetype index)
{
    const QString name = QStringLiteral("Participants");
    const auto bad = [&](const QString &why) {
        return ApiError::invalidParameter(name, QStringLiteral("element %1 %2").arg(QString::number(index), why));
    };
    if (const QString problem = participantJsonProblem(text); !problem.isEmpty()) {
        return bad(problem);
    }
    QJsonParseError parseError{};
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError || !doc.isObject()) {
        return bad(QStringLiteral("is not a JSON object"));
    }
    ParticipantParams p;
    bool haveIdentifier = false;
    const QJsonObject o = doc.object();
    for (auto it = o.constBegin(); it != o.constEnd(); ++it) {
        const QString key = it.key();
        if (!it->isString()) {
            if (it->isNull()) {
                continue;
            }
            return bad(QStringLiteral("has a non-string value for %1").arg(Params::printable(key)));
        }
        const QString value = it->toString();
        if (key.compare(u"Identifier", Qt::CaseInsensitive) == 0) {
            p.identifier = value;
            haveIdentifier = true;
        } else if (key.compare(u"ProxyIdentifier", Qt::CaseInsensitive) == 0) {
            p.proxyIdentifier = value;
        } else if (key.compare(u"ProxyIdentifierSid", Qt::CaseInsensitive) == 0) {
            p.proxyIdentifierSid = value;
        } else if (key.compare(u"FriendlyName", Qt::CaseInsensitive) == 0) {
            if (!Params::checkText(QStringLiteral("FriendlyName"), value)) {
                return bad(QStringLiteral("has a FriendlyName with control characters"));
            }
            p.friendlyName = value;
        }
    }
    if (!haveIdentifier || p.identifier.isEmpty()) {
        return bad(QStringLiteral("has no Identifier"));
    }
    return p;
}

QString RestApi::encodePageToken(qint64 lastId)
{
    return QStringLiteral("PA") + QString::number(lastId);
}

QString RestApi::encodePreviousPageToken(qint64 firstId)
{
    return QStringLiteral("PB") + QString::number(firstId);
}

std::optional<RestApi::PageCursor> RestApi::decodePageToken(const QString &token)
{
    const bool before = token.startsWith(u"PB");
    if (!(before || token.startsWith(u"PA") || token.startsWith(u"PT")) || token.size() < 3 || token.size() > 21) {
        return std::nullopt;
    }
    for (qsizetype i = 2; i < token.size(); ++i) {
        if (!token.at(i).isDigit() || token.at(i).unicode() > 127) {
            return std::nullopt;
        }
    }
    bool ok = false;
    const qint64 id = token.mid(2).toLongLong(&ok);
    if (!ok || id <= 0) {
        return std::nullopt;
    }
    return PageCursor{before, id};
}

RestApi::RestApi(Proxy &proxy, Debugger *debugger)
    : m_proxy(proxy)
    , m_debugger(debugger)
{}

void RestApi::rememberOwnBase(const HttpRequest &r)
{
    if (!r.baseFromHost || r.baseUrl.isEmpty()) {
        return;
    }
    QStringList own = m_proxy.ownBaseUrls();
    if (own.contains(r.baseUrl, Qt::CaseInsensitive) || m_learntBases >= MAX_LEARNT_BASES) {
        return;
    }
    own.append(r.baseUrl);
    ++m_learntBases;
    m_proxy.setOwnBaseUrls(own);
}

// --- Services -------------------------------------------------------------------------------------------------------

HttpReply RestApi::listServices(const HttpRequest &r)
{
    return listReply<Service>(
        r, QStringLiteral("services"), ApiPaths::services(),
        [&](const PageRequest &page) { return m_proxy.listServices(r.account.sid, page); }, JsonViews::service);
}

HttpReply RestApi::createService(const HttpRequest &r)
{
    const Result<ServiceParams> params = readServiceParams(r.params);
    if (!params) {
        return HttpReply::error(params.error());
    }
    if (!params->uniqueName || params->uniqueName->trimmed().isEmpty()) {
        return HttpReply::error(required(QStringLiteral("UniqueName")));
    }
    rememberOwnBase(r);
    return replyWith(m_proxy.createService(r.account.sid, *params), 201, r.baseUrl, JsonViews::service);
}

HttpReply RestApi::fetchService(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchService(r.account.sid, r.arg(0)), 200, r.baseUrl, JsonViews::service);
}

HttpReply RestApi::updateService(const HttpRequest &r)
{
    const Result<ServiceParams> params = readServiceParams(r.params);
    if (!params) {
        return HttpReply::error(params.error());
    }
    rememberOwnBase(r);
    return replyWith(m_proxy.updateService(r.account.sid, r.arg(0), *params), 200, r.baseUrl, JsonViews::service);
}

HttpReply RestApi::deleteService(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deleteService(r.account.sid, r.arg(0)));
}

// --- Phone numbers --------------------------------------------------------------------------------------------------

HttpReply RestApi::listPhoneNumbers(const HttpRequest &r)
{
    return listReply<PhoneNumber>(
        r, QStringLiteral("phone_numbers"), ApiPaths::phoneNumbers(r.arg(0)),
        [&](const PageRequest &page) { return m_proxy.listPhoneNumbers(r.account.sid, r.arg(0), page); },
        JsonViews::phoneNumber);
}

HttpReply RestApi::createPhoneNumber(const HttpRequest &r)
{
    PhoneNumberParams p;
    p.sid = r.params.value(QStringLiteral("Sid")).value_or(QString()).trimmed();
    p.phoneNumber = r.params.value(QStringLiteral("PhoneNumber")).value_or(QString()).trimmed();
    READ_PARAM(p.isReserved, Params::readBool(r.params, QStringLiteral("IsReserved")));
    READ_PARAM(p.capabilities, readCapabilities(r.params));
    if (p.sid.isEmpty() && p.phoneNumber.isEmpty()) {
        return HttpReply::error(ApiError::invalidParameter(QStringLiteral("PhoneNumber"),
                                                           QStringLiteral("is required when Sid is not given")));
    }
    return replyWith(m_proxy.createPhoneNumber(r.account.sid, r.arg(0), p), 201, r.baseUrl, JsonViews::phoneNumber);
}

HttpReply RestApi::fetchPhoneNumber(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchPhoneNumber(r.account.sid, r.arg(0), r.arg(1)), 200, r.baseUrl,
                     JsonViews::phoneNumber);
}

HttpReply RestApi::updatePhoneNumber(const HttpRequest &r)
{
    std::optional<bool> isReserved;
    READ_PARAM(isReserved, Params::readBool(r.params, QStringLiteral("IsReserved")));
    std::optional<Capabilities> capabilities;
    READ_PARAM(capabilities, readCapabilities(r.params));
    return replyWith(m_proxy.updatePhoneNumber(r.account.sid, r.arg(0), r.arg(1), isReserved, capabilities), 200,
                     r.baseUrl, JsonViews::phoneNumber);
}

HttpReply RestApi::deletePhoneNumber(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deletePhoneNumber(r.account.sid, r.arg(0), r.arg(1)));
}

// --- Sessions -------------------------------------------------------------------------------------------------------

HttpReply RestApi::listSessions(const HttpRequest &r)
{
    return listReply<Session>(
        r, QStringLiteral("sessions"), ApiPaths::sessions(r.arg(0)),
        [&](const PageRequest &page) { return m_proxy.listSessions(r.account.sid, r.arg(0), page); },
        JsonViews::session);
}

HttpReply RestApi::createSession(const HttpRequest &r)
{
    SessionParams p;
    p.uniqueName = optionalString(r.params, QStringLiteral("UniqueName"));
    if (const Status text = Params::checkText(QStringLiteral("UniqueName"), p.uniqueName); !text) {
        return HttpReply::error(text.error());
    }
    READ_PARAM(p.dateExpiry, Params::readDateTime(r.params, QStringLiteral("DateExpiry"), true));
    READ_PARAM(p.ttl, Params::readInt(r.params, QStringLiteral("Ttl"), 0, MAX_TTL));
    p.mode = optionalString(r.params, QStringLiteral("Mode"));
    p.status = optionalString(r.params, QStringLiteral("Status"));
    std::optional<bool> failOnConflict;
    READ_PARAM(failOnConflict, Params::readBool(r.params, QStringLiteral("FailOnParticipantConflict")));
    p.failOnParticipantConflict = failOnConflict.value_or(false);

    const QStringList participants = r.params.values(QStringLiteral("Participants"));
    for (qsizetype i = 0; i < participants.size(); ++i) {
        Result<ParticipantParams> participant = readParticipantJson(participants.at(i), i);
        if (!participant) {
            return HttpReply::error(participant.error());
        }
        participant->failOnParticipantConflict = p.failOnParticipantConflict;
        p.participants.append(*participant);
    }
    return replyWith(m_proxy.createSession(r.account.sid, r.arg(0), p), 201, r.baseUrl, JsonViews::session);
}

HttpReply RestApi::fetchSession(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchSession(r.account.sid, r.arg(0), r.arg(1)), 200, r.baseUrl, JsonViews::session);
}

HttpReply RestApi::updateSession(const HttpRequest &r)
{
    // Only DateExpiry, Ttl and Status are updatable (Mode and Participants left the update in 2019-06).
    SessionParams p;
    READ_PARAM(p.dateExpiry, Params::readDateTime(r.params, QStringLiteral("DateExpiry"), true));
    READ_PARAM(p.ttl, Params::readInt(r.params, QStringLiteral("Ttl"), 0, MAX_TTL));
    p.status = optionalString(r.params, QStringLiteral("Status"));
    std::optional<bool> failOnConflict;
    READ_PARAM(failOnConflict, Params::readBool(r.params, QStringLiteral("FailOnParticipantConflict")));
    p.failOnParticipantConflict = failOnConflict.value_or(false);
    return replyWith(m_proxy.updateSession(r.account.sid, r.arg(0), r.arg(1), p), 200, r.baseUrl, JsonViews::session);
}

HttpReply RestApi::deleteSession(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deleteSession(r.account.sid, r.arg(0), r.arg(1)));
}

// --- Participants ---------------------------------------------------------------------------------------------------

HttpReply RestApi::listParticipants(const HttpRequest &r)
{
    return listReply<Participant>(
        r, QStringLiteral("participants"), ApiPaths::participants(r.arg(0), r.arg(1)),
        [&](const PageRequest &page) { return m_proxy.listParticipants(r.account.sid, r.arg(0), r.arg(1), page); },
        JsonViews::participant);
}

HttpReply RestApi::createParticipant(const HttpRequest &r)
{
    ParticipantParams p;
    const std::optional<QString> identifier = r.params.value(QStringLiteral("Identifier"));
    if (!identifier || identifier->trimmed().isEmpty()) {
        return HttpReply::error(required(QStringLiteral("Identifier")));
    }
    p.identifier = *identifier;
    p.friendlyName = optionalString(r.params, QStringLiteral("FriendlyName"));
    if (const Status text = Params::checkText(QStringLiteral("FriendlyName"), p.friendlyName); !text) {
        return HttpReply::error(text.error());
    }
    p.proxyIdentifier = optionalString(r.params, QStringLiteral("ProxyIdentifier"));
    p.proxyIdentifierSid = optionalString(r.params, QStringLiteral("ProxyIdentifierSid"));
    std::optional<bool> failOnConflict;
    READ_PARAM(failOnConflict, Params::readBool(r.params, QStringLiteral("FailOnParticipantConflict")));
    p.failOnParticipantConflict = failOnConflict.value_or(false);
    return replyWith(m_proxy.createParticipant(r.account.sid, r.arg(0), r.arg(1), p), 201, r.baseUrl,
                     JsonViews::participant);
}

HttpReply RestApi::fetchParticipant(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchParticipant(r.account.sid, r.arg(0), r.arg(1), r.arg(2)), 200, r.baseUrl,
                     JsonViews::participant);
}

HttpReply RestApi::deleteParticipant(const HttpRequest &r)
{
    // The current spec answers 200 with the (soft-deleted) participant, not 204.
    return replyWith(m_proxy.deleteParticipant(r.account.sid, r.arg(0), r.arg(1), r.arg(2)), 200, r.baseUrl,
                     JsonViews::participant);
}

// --- Interactions ---------------------------------------------------------------------------------------------------

HttpReply RestApi::listInteractions(const HttpRequest &r)
{
    return listReply<Interaction>(
        r, QStringLiteral("interactions"), ApiPaths::interactions(r.arg(0), r.arg(1)),
        [&](const PageRequest &page) { return m_proxy.listInteractions(r.account.sid, r.arg(0), r.arg(1), page); },
        JsonViews::interaction);
}

HttpReply RestApi::fetchInteraction(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(2)), 200, r.baseUrl,
                     JsonViews::interaction);
}

HttpReply RestApi::deleteInteraction(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deleteInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(2)));
}

// --- Message interactions -------------------------------------------------------------------------------------------

HttpReply RestApi::listMessageInteractions(const HttpRequest &r)
{
    // Check the participant exists (and belongs to this session and account) so a bad SID is a 404, not an empty list.
    const Result<Participant> participant = m_proxy.fetchParticipant(r.account.sid, r.arg(0), r.arg(1), r.arg(2));
    if (!participant) {
        return HttpReply::error(participant.error());
    }
    return listReply<Interaction>(
        r, QStringLiteral("interactions"), ApiPaths::messageInteractions(r.arg(0), r.arg(1), r.arg(2)),
        [&](const PageRequest &page) {
            return m_proxy.listInteractions(r.account.sid, r.arg(0), r.arg(1), page, r.arg(2));
        },
        JsonViews::messageInteraction);
}

HttpReply RestApi::fetchMessageInteraction(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(3), r.arg(2)), 200, r.baseUrl,
                     JsonViews::messageInteraction);
}

HttpReply RestApi::createMessageInteraction(const HttpRequest &r)
{
    const QString body = r.params.value(QStringLiteral("Body")).value_or(QString());
    if (body.isEmpty()) {
        if (r.params.contains(QStringLiteral("MediaUrl"))) {
            return HttpReply::error(ApiError::invalidParameter(
                QStringLiteral("MediaUrl"), QStringLiteral("is not supported (reserved); send a Body")));
        }
        return HttpReply::error(required(QStringLiteral("Body")));
    }
    if (body.size() > MAX_MESSAGE_BODY) {
        return HttpReply::error(ApiError::make(
            21617, 400,
            QStringLiteral("The concatenated message body exceeds the %1 character limit").arg(MAX_MESSAGE_BODY)));
    }

    if (!m_router) {
        return HttpReply::error(ApiError::make(80502, 503,
                                               QStringLiteral("No carrier is configured on this server: messages "
                                                              "cannot be sent")));
    }
    // The addressed participant receives the text on their identifier from their proxy number, through the same
    // outbox and carrier as forwarded traffic (closed 80607, voice-only 80910, removed participant 80405).
    return replyWith(m_router->sendMessageInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(2), body, {}, r.baseUrl),
                     200, r.baseUrl, JsonViews::messageInteraction);
}

} // namespace Maskline

namespace Maskline {

HttpReply RestApi::listDebuggerEvents(const HttpRequest &r)
{
    if (!m_debugger) {
        return HttpReply::error(ApiError::notFound(ApiPaths::debuggerEvents()));
    }
    DebuggerFilter filter;
    filter.accountSid = r.account.sid; // an account sees only its own events
    QString filterQuery;
    auto carry = [&filterQuery](const QString &name, const QString &value) {
        filterQuery += u'&' + name + u'=' + FormData::encodeComponent(value);
    };
    if (const auto level = r.params.value(QStringLiteral("LogLevel")); level && !level->isEmpty()) {
        const QString lower = level->toLower();
        if (lower != QLatin1String("error") && lower != QLatin1String("warning")) {
            return HttpReply::error(
                ApiError::invalidParameter(QStringLiteral("LogLevel"), QStringLiteral("must be error or warning")));
        }
        filter.logLevel = lower;
        carry(QStringLiteral("LogLevel"), lower);
    }
    const auto code = Params::readInt(r.params, QStringLiteral("Code"), 1, 99999);
    if (!code) {
        return HttpReply::error(code.error());
    }
    if (*code) {
        filter.code = int(**code);
        carry(QStringLiteral("Code"), QString::number(filter.code));
    }
    if (const auto sid = r.params.value(QStringLiteral("ResourceSid")); sid && !sid->isEmpty()) {
        filter.resourceSid = *sid;
        carry(QStringLiteral("ResourceSid"), *sid);
    }
    for (const auto &[name, target] : {std::pair{QStringLiteral("StartDate"), &filter.startDate},
                                       std::pair{QStringLiteral("EndDate"), &filter.endDate}}) {
        const auto date = Params::readDateTime(r.params, name, false);
        if (!date) {
            return HttpReply::error(date.error());
        }
        if (*date) {
            *target = **date;
            carry(name, Time::toIso(**date));
        }
    }
    return listReply<DebuggerEvent>(
        r, QStringLiteral("events"), ApiPaths::debuggerEvents(),
        [&](const PageRequest &page) { return m_debugger->list(filter, page); }, JsonViews::debuggerEvent, filterQuery);
}

} // namespace Maskline
