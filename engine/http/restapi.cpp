#include "restapi.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "core/sid.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "renderedpages.h"
#include "renderedsessions.h"
#include "restapi_p.h"

namespace Maskline {

using namespace RestDetail;

namespace {

constexpr int DEFAULT_PAGE_SIZE = 50;
constexpr int MAX_LEARNT_BASES = 32;

} // namespace

namespace RestDetail {

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

} // namespace RestDetail

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

RestApi::~RestApi() = default;

void RestApi::setRenderedSessionsCached(bool cached)
{
    m_renderedSessions = cached ? std::make_unique<RenderedSessions>() : nullptr;
    m_renderedPages = cached ? std::make_unique<RenderedPages>() : nullptr;
}

void RestApi::apply(const QList<Change> &changes)
{
    if (m_renderedSessions) {
        m_renderedSessions->apply(changes);
    }
    if (m_renderedPages) {
        m_renderedPages->apply(changes);
    }
}

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

// --- Debugger events ------------------------------------------------------------------------------------------------

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
