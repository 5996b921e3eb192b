#pragma once

#include <algorithm>
#include <functional>
#include <optional>

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QSqlDatabase>

#include "itemroles.h"
#include "store/consolequeries.h"
#include "store/records.h"
#include "storereader.h"

namespace Maskline {

// The machinery of a large, lazily loaded table over the store (STYLE 12-13): rowCount is what was fetched so far,
// canFetchMore/fetchMore ask the reader thread for the next fixed batch with a keyset cursor on (sort value, id) —
// newest first by id unless a header click chose a column (sort()) — and the engine's change lists are applied
// incrementally: the changed SIDs of one event-loop tick are re-read with one query and updated in place, moved to
// their place in the sort (beginMoveRows, so a selection follows them), inserted (in one beginInsertRows at the top
// when they all come first) or removed. Filters and sorts run in SQL (engine/store/consolequeries); nothing is
// filtered or sorted in memory.
class PagedSqlModelBase : public QAbstractTableModel
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(PagedSqlModelBase)

public:
    static constexpr int BATCH_SIZE = 200;

    explicit PagedSqlModelBase(StoreReader *reader, QObject *parent = nullptr);
    ~PagedSqlModelBase() override;

    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    // Orders by a column that has a stored sort field (sortFieldOf); -1 goes back to newest first. Anything else is
    // ignored. A new order drops what is loaded and pages again from the first row of that order.
    void sort(int column, Qt::SortOrder order = Qt::AscendingOrder) override;
    int sortColumn() const { return m_sortColumn; }
    Qt::SortOrder sortOrder() const { return m_sort.order; }
    const ConsoleQueries::Sort &currentSort() const { return m_sort; }
    bool isSortable(int column) const { return sortFieldOf(column).has_value(); }

    // The row showing this SID, or -1.
    virtual int rowOfSid(const QString &sid) const = 0;

    // Changes are gathered for this long (and at least until the event loop turns) before one re-read; a burst the
    // engine commits over a few milliseconds then lands as one insertion.
    static constexpr int COALESCE_MS = 25;

    bool isLoading() const { return m_fetching; }
    bool hasMore() const { return m_hasMore; }
    // False until the first page after a reload has arrived.
    bool isLoaded() const { return m_loaded; }
    QString lastError() const { return m_lastError; }

public Q_SLOTS:
    // Drops what is loaded and fetches the first page again (a filter changed, the engine started).
    void reload();
    // The engine's change list: SIDs of this model's kind are collected and re-read once per event-loop tick.
    void handleChanges(const QList<Maskline::Change> &changes);

Q_SIGNALS:
    void pageLoaded(int rowsInPage, bool first);
    void readFailed(const QString &message);

protected:
    // Whether this model is showing anything at all (e.g. participants need a session).
    virtual bool isActive() const { return true; }
    // What to re-read for one change; return false to reload everything.
    virtual bool collect(const Change &change, QSet<QString> &sids) = 0;
    // The stored field a column sorts by; none for computed columns (they are not sortable).
    virtual std::optional<ConsoleQueries::SortField> sortFieldOf(int column) const
    {
        Q_UNUSED(column)
        return std::nullopt;
    }
    virtual void requestPage(std::optional<ConsoleQueries::Key> after, quint64 generation) = 0;
    virtual void requestSids(const QStringList &sids, quint64 generation) = 0;
    virtual void clearRows() = 0;
    virtual std::optional<ConsoleQueries::Key> lastKey() const = 0;

    // For headerData: whether the column sorts (SortableRole), and the tooltip of one that does not.
    QVariant sortHeaderData(int section, int role) const;

    void pageArrived(quint64 generation, int count, bool hasMore);
    void readFailedFor(quint64 generation, const QString &message);
    quint64 generation() const { return m_generation; }
    StoreReader *reader() const { return m_reader; }
    void track(const ReadTicketPtr &ticket);

private:
    void scheduleFlush();
    void flush();

    StoreReader *m_reader;
    ConsoleQueries::Sort m_sort;
    int m_sortColumn = -1;
    quint64 m_generation = 0;
    bool m_hasMore = false;
    bool m_fetching = false;
    bool m_loaded = false;
    bool m_flushScheduled = false;
    QSet<QString> m_pending;
    QList<ReadTicketPtr> m_tickets;
    QString m_lastError;
};

// The typed half: rows of T (a resource struct with `id` and `sid`), kept in the current sort's order, read by the
// queries a subclass names (pageQuery, sidsQuery) on the reader thread.
template<typename T>
class PagedSqlModel : public PagedSqlModelBase
{
public:
    using Query = std::function<QList<T>(const QSqlDatabase &)>;

    explicit PagedSqlModel(StoreReader *reader, QObject *parent = nullptr)
        : PagedSqlModelBase(reader, parent)
    {}

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

    const T *rowAt(int row) const { return (row >= 0 && row < m_rows.size()) ? &m_rows.at(row) : nullptr; }
    const QList<T> &rows() const { return m_rows; }
    int rowOfSid(const QString &sid) const override
    {
        const auto it = m_keyOfSid.constFind(sid);
        if (it == m_keyOfSid.cend()) {
            return -1;
        }
        // Rows are kept in strict sort order (ties broken by id), so a binary search on the key finds any of them.
        const int at = lowerBound(*it);
        if (at < m_rows.size() && m_rows.at(at).sid == sid) {
            return at;
        }
        for (int i = 0; i < m_rows.size(); ++i) {
            if (m_rows.at(i).sid == sid) {
                return i;
            }
        }
        return -1;
    }
    QModelIndex indexOfSid(const QString &sid, int column = 0) const
    {
        const int row = rowOfSid(sid);
        return row < 0 ? QModelIndex() : index(row, column);
    }

protected:
    // The rows of one page (page.limit is one more than a batch, to tell whether more follow), and the rows among
    // `sids` that this model shows. Both run on the reader thread: capture copies, not `this`.
    virtual Query pageQuery(const ConsoleQueries::Page &page) const = 0;
    virtual Query sidsQuery(const QStringList &sids) const = 0;

    ConsoleQueries::Key keyOf(const T &row) const
    {
        ConsoleQueries::Key k;
        k.value = ConsoleQueries::sortValue(row, currentSort().field);
        k.id = row.id;
        return k;
    }

    void requestPage(std::optional<ConsoleQueries::Key> after, quint64 gen) override
    {
        ConsoleQueries::Page page;
        page.sort = currentSort();
        page.after = std::move(after);
        page.limit = BATCH_SIZE + 1;
        const Query query = pageQuery(page);
        track(reader()->read(
            this, [query](const QSqlDatabase &db) { return query(db); },
            [this, gen](Result<QList<T>> result) {
                if (!result) {
                    readFailedFor(gen, result.error().message);
                    return;
                }
                appendPage(gen, std::move(*result));
            }));
    }

    void requestSids(const QStringList &sids, quint64 gen) override
    {
        const Query query = sidsQuery(sids);
        track(reader()->read(
            this, [query](const QSqlDatabase &db) { return query(db); },
            [this, gen, sids](Result<QList<T>> result) {
                if (!result) {
                    readFailedFor(gen, result.error().message);
                    return;
                }
                if (gen == generation()) {
                    applyRows(sids, std::move(*result));
                }
            }));
    }

    std::optional<ConsoleQueries::Key> lastKey() const override
    {
        return m_rows.isEmpty() ? std::nullopt : std::optional<ConsoleQueries::Key>(keyOf(m_rows.constLast()));
    }

    void clearRows() override
    {
        m_rows.clear();
        m_keyOfSid.clear();
    }

    // Called after a row was replaced in place; models with caches hook in here.
    virtual void rowReplaced(int row) { Q_UNUSED(row) }

private:
    bool before(const ConsoleQueries::Key &a, const ConsoleQueries::Key &b) const
    {
        return ConsoleQueries::compare(a, b, currentSort()) < 0;
    }

    // The first row that does not come before `key`.
    int lowerBound(const ConsoleQueries::Key &key) const
    {
        const auto it =
            std::lower_bound(m_rows.cbegin(), m_rows.cend(), key,
                             [this](const T &row, const ConsoleQueries::Key &k) { return before(keyOf(row), k); });
        return int(it - m_rows.cbegin());
    }

    // Whether a row at `key` belongs in what is loaded: everything is loaded, or it comes before the last loaded row
    // (later rows arrive with a later page, which starts after that row).
    bool inLoadedRange(const ConsoleQueries::Key &key) const
    {
        return !hasMore() || m_rows.isEmpty() || !before(keyOf(m_rows.constLast()), key);
    }

    void insertRow(int at, T row, const ConsoleQueries::Key &key)
    {
        beginInsertRows({}, at, at);
        m_keyOfSid.insert(row.sid, key);
        m_rows.insert(at, std::move(row));
        endInsertRows();
    }

    void removeRow(int at)
    {
        beginRemoveRows({}, at, at);
        m_keyOfSid.remove(m_rows.at(at).sid);
        m_rows.removeAt(at);
        endRemoveRows();
    }

    void appendPage(quint64 gen, QList<T> rows)
    {
        if (gen != generation()) {
            return;
        }
        const bool more = rows.size() > BATCH_SIZE;
        if (more) {
            rows.resize(BATCH_SIZE);
        }
        // A row inserted by a change while this page was on its way is not added twice; a row that no longer
        // follows the last one (a change moved things meanwhile) goes to its place instead of the end.
        QList<T> fresh;
        QList<T> strays;
        fresh.reserve(rows.size());
        std::optional<ConsoleQueries::Key> last = lastKey();
        for (T &row : rows) {
            if (m_keyOfSid.contains(row.sid)) {
                continue;
            }
            const ConsoleQueries::Key key = keyOf(row);
            if (last && !before(*last, key)) {
                strays.append(std::move(row));
                continue;
            }
            last = key;
            fresh.append(std::move(row));
        }
        for (T &row : strays) {
            const ConsoleQueries::Key key = keyOf(row);
            insertRow(lowerBound(key), std::move(row), key);
        }
        if (!fresh.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(fresh.size()) - 1);
            for (T &row : fresh) {
                m_keyOfSid.insert(row.sid, keyOf(row));
                m_rows.append(std::move(row));
            }
            endInsertRows();
        }
        pageArrived(gen, int(fresh.size() + strays.size()), more);
    }

    void applyRows(const QStringList &asked, QList<T> found)
    {
        QSet<QString> present;
        QList<T> inserts;
        for (T &row : found) {
            present.insert(row.sid);
            const ConsoleQueries::Key key = keyOf(row);
            const int at = rowOfSid(row.sid);
            if (at < 0) {
                if (inLoadedRange(key)) {
                    inserts.append(std::move(row));
                }
                continue;
            }
            if (!inLoadedRange(key)) {
                // Its new sort value takes it past what is loaded: a later page brings it back.
                removeRow(at);
                continue;
            }
            const int last = int(m_rows.size()) - 1;
            const bool afterPrevious = at == 0 || before(keyOf(m_rows.at(at - 1)), key);
            const bool beforeNext = at == last || before(key, keyOf(m_rows.at(at + 1)));
            if (afterPrevious && beforeNext) {
                m_keyOfSid.insert(row.sid, key);
                m_rows[at] = std::move(row);
                rowReplaced(at);
                Q_EMIT dataChanged(index(at, 0), index(at, columnCount() - 1));
                continue;
            }
            // Its sort value changed: it moves to its new place (the row keeps its selection).
            const int destination = lowerBound(key);
            const int landing = destination > at ? destination - 1 : destination;
            if (!beginMoveRows({}, at, at, {}, destination)) {
                m_keyOfSid.insert(row.sid, key);
                m_rows[at] = std::move(row);
                rowReplaced(at);
                Q_EMIT dataChanged(index(at, 0), index(at, columnCount() - 1));
                continue;
            }
            m_rows.move(at, landing);
            m_keyOfSid.insert(row.sid, key);
            m_rows[landing] = std::move(row);
            endMoveRows();
            rowReplaced(landing);
            Q_EMIT dataChanged(index(landing, 0), index(landing, columnCount() - 1));
        }
        for (const QString &sid : asked) {
            if (present.contains(sid)) {
                continue;
            }
            const int at = rowOfSid(sid);
            if (at >= 0) {
                removeRow(at);
            }
        }
        if (inserts.isEmpty()) {
            return;
        }
        std::sort(inserts.begin(), inserts.end(),
                  [this](const T &a, const T &b) { return before(keyOf(a), keyOf(b)); });
        // The common case — new rows, all before anything shown (newest first) — is one insertion at the top.
        qsizetype leading = 0;
        if (m_rows.isEmpty()) {
            leading = inserts.size();
        } else {
            const ConsoleQueries::Key top = keyOf(m_rows.constFirst());
            while (leading < inserts.size() && before(keyOf(inserts.at(leading)), top)) {
                ++leading;
            }
        }
        if (leading > 0) {
            beginInsertRows({}, 0, int(leading) - 1);
            for (qsizetype i = leading - 1; i >= 0; --i) {
                m_keyOfSid.insert(inserts.at(i).sid, keyOf(inserts.at(i)));
                m_rows.prepend(std::move(inserts[i]));
            }
            endInsertRows();
        }
        for (qsizetype i = leading; i < inserts.size(); ++i) {
            const ConsoleQueries::Key key = keyOf(inserts.at(i));
            insertRow(lowerBound(key), std::move(inserts[i]), key);
        }
    }

    QList<T> m_rows;
    QHash<QString, ConsoleQueries::Key> m_keyOfSid; // a row's key as it was placed, to find it again
};

// Rows that belong to one parent (an account's services, a service's numbers, a session's participants or
// interactions): the parent's SID narrows the query, changes of the child kind under that parent are re-read, and the
// parent's removal empties the model. Nothing shows until a parent is set.
template<typename T>
class ChildSqlModel : public PagedSqlModel<T>
{
public:
    using PageOfParent = std::function<QList<T>(const QSqlDatabase &, const QString &, const ConsoleQueries::Page &)>;
    using SidsOfParent = std::function<QList<T>(const QSqlDatabase &, const QString &, const QStringList &)>;

    struct Scope
    {
        Change::Kind childKind;
        Change::Kind parentKind;
        PageOfParent page;     // one page of the parent's children (engine/store/consolequeries)
        SidsOfParent withSids; // the parent's children among these SIDs
    };

    ChildSqlModel(StoreReader *reader, Scope scope, QObject *parent = nullptr)
        : PagedSqlModel<T>(reader, parent)
        , m_scope(std::move(scope))
    {}

    QString parentSid() const { return m_parentSid; }
    void setParentSid(const QString &sid)
    {
        if (sid == m_parentSid) {
            return;
        }
        m_parentSid = sid;
        this->reload();
    }

protected:
    bool isActive() const override { return !m_parentSid.isEmpty(); }

    bool collect(const Change &change, QSet<QString> &sids) override
    {
        if (change.kind == m_scope.childKind && (change.parentSid.isEmpty() || change.parentSid == m_parentSid)) {
            sids.insert(change.sid);
        } else if (change.kind == m_scope.parentKind && change.sid == m_parentSid) {
            if (change.op == Change::Op::Removed) {
                return false;
            }
            parentUpdated(sids);
        }
        return true;
    }

    // The parent itself changed: add the SIDs of rows whose display depends on it.
    virtual void parentUpdated(QSet<QString> &sids) { Q_UNUSED(sids) }

    typename PagedSqlModel<T>::Query pageQuery(const ConsoleQueries::Page &page) const override
    {
        return [fn = m_scope.page, parent = m_parentSid, page](const QSqlDatabase &db) {
            return fn(db, parent, page);
        };
    }

    typename PagedSqlModel<T>::Query sidsQuery(const QStringList &sids) const override
    {
        return [fn = m_scope.withSids, parent = m_parentSid, sids](const QSqlDatabase &db) {
            return fn(db, parent, sids);
        };
    }

private:
    Scope m_scope;
    QString m_parentSid;
};

} // namespace Maskline
