#include "keysapi.h"

#include <limits>

#include <QLocale>

#include "core/apierror.h"
#include "core/jsonwriter.h"
#include "core/sid.h"
#include "formdata.h"
#include "proxy/proxy.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

constexpr int DEFAULT_PAGE_SIZE = 50;
constexpr int MAX_PAGE_SIZE = 1000; // the 2010-04-01 API's limit

QString keysPath(const QString &accountSid)
{
    return u"/2010-04-01/Accounts/"_s + accountSid + u"/Keys.json"_s;
}

// Only the account's own auth token manages its keys. Twilio answers a Standard API key on /Keys with 20003 (401);
// a path naming another account is answered as a key that does not exist, so it says nothing about that account.
std::optional<HttpReply> refuseCaller(const HttpRequest &r)
{
    if (!r.apiKeySid.isEmpty()) {
        return HttpReply::error(ApiError::make(
            20003, 401, u"Authenticate: API keys cannot manage API keys; use the account's auth token"_s));
    }
    if (r.arg(0) != r.account.sid) {
        const QString what =
            r.args.size() > 1 ? u"/2010-04-01/Accounts/%1/Keys/%2.json"_s.arg(r.arg(0), r.arg(1)) : keysPath(r.arg(0));
        return HttpReply::error(ApiError::notFound(what));
    }
    return std::nullopt;
}

void writeKey(JsonWriter &w, const ApiKey &key, const QString &secret = {})
{
    w.beginObject()
        .field(QLatin1StringView("date_created"), KeysApi::rfc2822(key.dateCreated))
        .field(QLatin1StringView("date_updated"), KeysApi::rfc2822(key.dateUpdated))
        .fieldOrNull(QLatin1StringView("friendly_name"), key.friendlyName);
    if (!secret.isEmpty()) {
        w.field(QLatin1StringView("secret"), secret);
    }
    w.field(QLatin1StringView("sid"), key.sid).endObject();
}

QByteArray keyJson(const ApiKey &key, const QString &secret = {})
{
    JsonWriter w(256);
    writeKey(w, key, secret);
    return w.take();
}

template<typename T>
HttpReply keyReply(const Result<T> &result)
{
    if (!result) {
        return HttpReply::error(result.error());
    }
    return HttpReply::json(200, keyJson(*result));
}

} // namespace

KeysApi::KeysApi(Proxy &proxy)
    : m_proxy(proxy)
{}

QString KeysApi::rfc2822(const QDateTime &t)
{
    return QLocale::c().toString(t.toUTC(), u"ddd, dd MMM yyyy HH:mm:ss"_s) + u" +0000"_s;
}

QString KeysApi::encodePageToken(qint64 lastId)
{
    return u"PA"_s + QString::number(lastId);
}

std::optional<qint64> KeysApi::decodePageToken(const QString &token)
{
    if (!token.startsWith(u"PA") || token.size() < 3 || token.size() > 21) {
        return std::nullopt;
    }
    for (qsizetype i = 2; i < token.size(); ++i) {
        if (token.at(i).unicode() < u'0' || token.at(i).unicode() > u'9') {
            return std::nullopt;
        }
    }
    bool ok = false;
    const qint64 id = token.mid(2).toLongLong(&ok);
    return ok ? std::optional<qint64>(id) : std::nullopt;
}

HttpReply KeysApi::list(const HttpRequest &r)
{
    if (auto refused = refuseCaller(r)) {
        return *refused;
    }
    const auto size = Params::readInt(r.params, u"PageSize"_s, 1, std::numeric_limits<qint32>::max());
    if (!size) {
        return HttpReply::error(size.error());
    }
    const auto pageNumber = Params::readInt(r.params, u"Page"_s, 0, std::numeric_limits<qint32>::max());
    if (!pageNumber) {
        return HttpReply::error(pageNumber.error());
    }
    PageRequest request;
    request.pageSize = int(std::min<qint64>(size->value_or(DEFAULT_PAGE_SIZE), MAX_PAGE_SIZE));
    const int page = int(pageNumber->value_or(0));
    const QString token = r.params.value(u"PageToken").value_or(QString());
    if (!token.isEmpty()) {
        request.afterId = decodePageToken(token);
        if (!request.afterId) {
            return HttpReply::error(ApiError::invalidParameter(u"PageToken"_s, u"is not a token this server issued"_s));
        }
    }
    // Without a token, Page=N is the N-th page from the start; with one, the token says where it starts.
    const qint64 offset = qint64(page) * request.pageSize;
    if (!request.afterId && offset > std::numeric_limits<qint32>::max()) {
        return HttpReply::error(ApiError::invalidParameter(u"Page"_s, u"is beyond the last page"_s));
    }
    const Result<Page<ApiKey>> keys = m_proxy.listApiKeys(r.account.sid, request, int(offset));
    if (!keys) {
        return HttpReply::error(keys.error());
    }

    const QString path = keysPath(r.account.sid);
    const auto pageUri = [&](int n, const QString &pageToken) {
        QString uri = path + u"?PageSize="_s + QString::number(request.pageSize) + u"&Page="_s + QString::number(n);
        if (!pageToken.isEmpty()) {
            uri += u"&PageToken="_s + pageToken;
        }
        return uri;
    };
    const qint64 start = offset;
    JsonWriter w(512 + 200 * keys->items.size());
    w.beginObject();
    w.key(QLatin1StringView("end")).number(keys->items.isEmpty() ? start : start + keys->items.size() - 1);
    w.field(QLatin1StringView("first_page_uri"), pageUri(0, {}));
    w.key(QLatin1StringView("keys")).beginArray();
    for (const ApiKey &key : keys->items) {
        writeKey(w, key);
    }
    w.endArray();
    w.key(QLatin1StringView("next_page_uri"));
    if (keys->hasMore) {
        w.string(pageUri(page + 1, encodePageToken(keys->lastId())));
    } else {
        w.null();
    }
    w.field(QLatin1StringView("page"), page).field(QLatin1StringView("page_size"), request.pageSize);
    w.key(QLatin1StringView("previous_page_uri"));
    if (page > 0) {
        w.string(pageUri(page - 1, {}));
    } else {
        w.null();
    }
    w.key(QLatin1StringView("start")).number(start);
    w.field(QLatin1StringView("uri"), pageUri(page, token));
    w.endObject();
    return HttpReply::json(200, w.take());
}

HttpReply KeysApi::create(const HttpRequest &r)
{
    if (auto refused = refuseCaller(r)) {
        return *refused;
    }
    const Result<NewApiKey> created =
        m_proxy.createApiKey(r.account.sid, r.params.value(u"FriendlyName").value_or(QString()));
    if (!created) {
        return HttpReply::error(created.error());
    }
    return HttpReply::json(201, keyJson(created->key, created->secret));
}

HttpReply KeysApi::fetch(const HttpRequest &r)
{
    if (auto refused = refuseCaller(r)) {
        return *refused;
    }
    return keyReply(m_proxy.fetchApiKey(r.account.sid, r.arg(1)));
}

HttpReply KeysApi::update(const HttpRequest &r)
{
    if (auto refused = refuseCaller(r)) {
        return *refused;
    }
    return keyReply(m_proxy.updateApiKey(r.account.sid, r.arg(1), r.params.value(u"FriendlyName")));
}

HttpReply KeysApi::remove(const HttpRequest &r)
{
    if (auto refused = refuseCaller(r)) {
        return *refused;
    }
    const Status deleted = m_proxy.deleteApiKey(r.account.sid, r.arg(1));
    if (!deleted) {
        return HttpReply::error(deleted.error());
    }
    return HttpReply::noContent();
}

} // namespace Maskline
