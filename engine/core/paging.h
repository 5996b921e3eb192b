#pragma once

#include <optional>

#include <QList>
#include <QtGlobal>

namespace Maskline {

// Lists page newest-first on the row id. `afterId` (exclusive) asks for the rows older than the last row of the page
// before, `beforeId` for the rows newer than the first row of the page after (the previous page); with neither,
// `offset` rows are skipped from the newest (Page=N without a PageToken).
struct PageRequest
{
    int pageSize = 50;
    std::optional<qint64> afterId;
    std::optional<qint64> beforeId;
    qint64 offset = 0;
};

template<typename T>
struct Page
{
    QList<T> items;
    bool hasMore = false;  // older rows follow this page
    bool hasNewer = false; // newer rows precede it (there is a previous page)
    qint64 lastId() const { return items.isEmpty() ? 0 : items.constLast().id; }
    qint64 firstId() const { return items.isEmpty() ? 0 : items.constFirst().id; }
};

} // namespace Maskline
