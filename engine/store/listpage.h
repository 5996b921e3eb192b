#pragma once

#include <algorithm>
#include <utility>

#include <QList>
#include <QSqlDatabase>
#include <QString>
#include <QVariant>

#include "core/paging.h"
#include "sqlquery.h"

namespace Maskline {

// The one keyset pager of the store's lists: newest first on id, one extra row to know whether another page follows.
// A previous page (beforeId) is read oldest first from the cursor up, so it holds the rows right before the page it
// came from, and is turned round; Page=N without a token skips N pages from the newest. `where` and `columns` are
// SQL written by the repositories (never user input); values are bound.
template<typename T, typename Reader>
Page<T> listPage(const QSqlDatabase &db, const QString &columns, const QString &table, const QString &where,
                 const QList<std::pair<QString, QVariant>> &binds, const PageRequest &page, int maxPageSize,
                 Reader read)
{
    using namespace Qt::Literals::StringLiterals;
    const int size = std::clamp(page.pageSize, 1, maxPageSize);
    const bool backwards = page.beforeId.has_value() && !page.afterId;
    const bool offset = !page.afterId && !page.beforeId && page.offset > 0;
    QString sql = u"SELECT "_s + columns + u" FROM "_s + table + u" WHERE "_s + where;
    if (page.afterId) {
        sql += u" AND id < :after"_s;
    } else if (backwards) {
        sql += u" AND id > :before"_s;
    }
    sql += backwards ? u" ORDER BY id ASC LIMIT :limit"_s : u" ORDER BY id DESC LIMIT :limit"_s;
    if (offset) {
        sql += u" OFFSET :offset"_s;
    }
    SqlQuery q(db, sql);
    for (const auto &[name, value] : binds) {
        q.bind(name, value);
    }
    if (page.afterId) {
        q.bind(u":after"_s, *page.afterId);
    } else if (backwards) {
        q.bind(u":before"_s, *page.beforeId);
    }
    if (offset) {
        q.bind(u":offset"_s, page.offset);
    }
    q.bind(u":limit"_s, size + 1);
    q.exec();
    Page<T> result;
    bool beyond = false;
    while (q.next()) {
        if (result.items.size() == size) {
            beyond = true;
            break;
        }
        result.items.append(read(q));
    }
    if (backwards) {
        std::reverse(result.items.begin(), result.items.end());
        result.hasNewer = beyond;
        result.hasMore = true; // the page it came from follows
    } else {
        result.hasMore = beyond;
        result.hasNewer = page.afterId.has_value() || offset;
    }
    return result;
}

} // namespace Maskline
