#pragma once

// Shared by the RestApi sources, one per resource family: restapi.cpp (paging, page tokens, debugger events),
// restservices.cpp (Services, PhoneNumbers), restsessions.cpp (Sessions, Participants), restinteractions.cpp
// (Interactions, MessageInteractions). Not part of the engine's interface.

#include <limits>
#include <optional>

#include "core/apierror.h"
#include "core/result.h"
#include "formdata.h"
#include "httpmessage.h"
#include "jsonviews.h"
#include "restapi.h"

// Unwraps a Params::read…() result into `target`, or returns its error from the enclosing handler.
#define READ_PARAM(target, expr)                                                                                       \
    do {                                                                                                               \
        auto read_ = (expr);                                                                                           \
        if (!read_) {                                                                                                  \
            return HttpReply::error(read_.error());                                                                    \
        }                                                                                                              \
        target = *read_;                                                                                               \
    } while (false)

namespace Maskline::RestDetail {

inline constexpr qint64 MAX_TTL = std::numeric_limits<qint32>::max() - 1; // reference §10: 0 <= ttl < 2147483647

inline std::optional<QString> optionalString(const FormData &form, const QString &name)
{
    return form.value(name);
}

inline ApiError required(const QString &name)
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

inline HttpReply replyEmpty(const Status &status)
{
    if (!status) {
        return HttpReply::error(status.error());
    }
    return HttpReply::noContent();
}

struct Paging
{
    PageRequest request;
    int page = 0;
    QString token;
};

// PageSize, Page and PageToken of a list request.
Result<Paging> readPaging(const FormData &params);

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

} // namespace Maskline::RestDetail
