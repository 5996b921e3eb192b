#pragma once

#include <algorithm>
#include <optional>

#include <QAbstractTableModel>
#include <QHash>
#include <QList>
#include <QSet>
#include <QSqlDatabase>

#include "itemroles.h"
#include "store/records.h"
#include "store/sqlquery.h"
#include "storereader.h"

namespace Maskline {

// A SQL WHERE clause with its bound values. Values are always bound, never pasted into the text.
struct SqlFilter
{
    QString where; // without the WHERE keyword; empty means every row
    QList<std::pair<QString, QVariant>> binds;

    SqlFilter &add(const QString &clause, const QList<std::pair<QString, QVariant>> &values = {});
    void bindTo(SqlQuery &q) const;
    bool operator==(const SqlFilter &other) const = default;
};

// The machinery of a large, lazily loaded table over the store (STYLE 12-13): rowCount is what was fetched so far,
// canFetchMore/fetchMore ask the reader thread for the next fixed batch with the REST API's newest-first keyset cursor
// (ORDER BY id DESC, id < :last), and the engine's change lists are applied incrementally — the changed SIDs of one
// event-loop tick are re-read with one query and updated in place, inserted (in one beginInsertRows at the top) or
// removed. Filters are SQL; nothing is filtered in memory.
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
    virtual void requestPage(std::optional<qint64> beforeId, quint64 generation) = 0;
    virtual void requestSids(const QStringList &sids, quint64 generation) = 0;
    virtual void clearRows() = 0;
    virtual std::optional<qint64> oldestId() const = 0;

    void pageArrived(quint64 generation, int count, bool hasMore);
    void readFailedFor(quint64 generation, const QString &message);
    quint64 generation() const { return m_generation; }
    StoreReader *reader() const { return m_reader; }
    void track(const ReadTicketPtr &ticket);

private:
    void scheduleFlush();
    void flush();

    StoreReader *m_reader;
    quint64 m_generation = 0;
    bool m_hasMore = false;
    bool m_fetching = false;
    bool m_loaded = false;
    bool m_flushScheduled = false;
    QSet<QString> m_pending;
    QList<ReadTicketPtr> m_tickets;
    QString m_lastError;
};

// The typed half: rows of T (a resource struct with `id` and `sid`), read with one of the engine's row readers.
template<typename T>
class PagedSqlModel : public PagedSqlModelBase
{
public:
    using RowReader = T (*)(const SqlQuery &);

    PagedSqlModel(StoreReader *reader, QString table, QString columns, RowReader read, QObject *parent = nullptr)
        : PagedSqlModelBase(reader, parent)
        , m_table(std::move(table))
        , m_columns(std::move(columns))
        , m_read(read)
    {}

    int rowCount(const QModelIndex &parent = {}) const override { return parent.isValid() ? 0 : int(m_rows.size()); }

    const T *rowAt(int row) const { return (row >= 0 && row < m_rows.size()) ? &m_rows.at(row) : nullptr; }
    const QList<T> &rows() const { return m_rows; }
    int rowOfSid(const QString &sid) const
    {
        const auto it = m_idOfSid.constFind(sid);
        return it == m_idOfSid.cend() ? -1 : rowOfId(*it);
    }
    QModelIndex indexOfSid(const QString &sid, int column = 0) const
    {
        const int row = rowOfSid(sid);
        return row < 0 ? QModelIndex() : index(row, column);
    }

protected:
    // The WHERE clause of what this model shows.
    virtual SqlFilter filter() const = 0;

    void requestPage(std::optional<qint64> beforeId, quint64 gen) override
    {
        const SqlFilter f = filter();
        QString sql = QStringLiteral("SELECT ") + m_columns + QStringLiteral(" FROM ") + m_table;
        QStringList clauses;
        if (!f.where.isEmpty()) {
            clauses.append(QStringLiteral("(") + f.where + QStringLiteral(")"));
        }
        if (beforeId) {
            clauses.append(QStringLiteral("id < :before"));
        }
        if (!clauses.isEmpty()) {
            sql += QStringLiteral(" WHERE ") + clauses.join(QStringLiteral(" AND "));
        }
        sql += QStringLiteral(" ORDER BY id DESC LIMIT :limit");
        const RowReader read = m_read;
        track(reader()->read(
            this,
            [sql, f, beforeId, read](const QSqlDatabase &db) {
                SqlQuery q(db, sql);
                f.bindTo(q);
                if (beforeId) {
                    q.bind(QStringLiteral(":before"), *beforeId);
                }
                q.bind(QStringLiteral(":limit"), BATCH_SIZE + 1);
                q.exec();
                QList<T> rows;
                while (q.next()) {
                    rows.append(read(q));
                }
                return rows;
            },
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
        const SqlFilter f = filter();
        QStringList names;
        for (int i = 0; i < sids.size(); ++i) {
            names.append(QStringLiteral(":sid%1").arg(i));
        }
        QString sql = QStringLiteral("SELECT ") + m_columns + QStringLiteral(" FROM ") + m_table +
                      QStringLiteral(" WHERE sid IN (") + names.join(QStringLiteral(", ")) + QStringLiteral(")");
        if (!f.where.isEmpty()) {
            sql += QStringLiteral(" AND (") + f.where + QStringLiteral(")");
        }
        const RowReader read = m_read;
        track(reader()->read(
            this,
            [sql, f, sids, names, read](const QSqlDatabase &db) {
                SqlQuery q(db, sql);
                f.bindTo(q);
                for (int i = 0; i < sids.size(); ++i) {
                    q.bind(names.at(i), sids.at(i));
                }
                q.exec();
                QList<T> rows;
                while (q.next()) {
                    rows.append(read(q));
                }
                return rows;
            },
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

    std::optional<qint64> oldestId() const override
    {
        return m_rows.isEmpty() ? std::nullopt : std::optional<qint64>(m_rows.constLast().id);
    }

    void clearRows() override
    {
        m_rows.clear();
        m_idOfSid.clear();
    }

    // Called after a row was replaced in place; models with caches hook in here.
    virtual void rowReplaced(int row) { Q_UNUSED(row) }

private:
    int rowOfId(qint64 id) const
    {
        // Rows are kept in strictly descending id order, so a binary search finds any of them.
        const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
                                         [](const T &row, qint64 value) { return row.id > value; });
        if (it == m_rows.cend() || it->id != id) {
            return -1;
        }
        return int(it - m_rows.cbegin());
    }

    int insertPosition(qint64 id) const
    {
        const auto it = std::lower_bound(m_rows.cbegin(), m_rows.cend(), id,
                                         [](const T &row, qint64 value) { return row.id > value; });
        return int(it - m_rows.cbegin());
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
        // A row inserted by a change while this page was on its way is not added twice.
        QList<T> fresh;
        fresh.reserve(rows.size());
        const qint64 floor = m_rows.isEmpty() ? std::numeric_limits<qint64>::max() : m_rows.constLast().id;
        for (T &row : rows) {
            if (row.id < floor && !m_idOfSid.contains(row.sid)) {
                fresh.append(std::move(row));
            }
        }
        if (!fresh.isEmpty()) {
            const int first = int(m_rows.size());
            beginInsertRows({}, first, first + int(fresh.size()) - 1);
            for (T &row : fresh) {
                m_idOfSid.insert(row.sid, row.id);
                m_rows.append(std::move(row));
            }
            endInsertRows();
        }
        pageArrived(gen, int(fresh.size()), more);
    }

    void applyRows(const QStringList &asked, QList<T> found)
    {
        QSet<QString> present;
        QList<T> inserts;
        for (T &row : found) {
            present.insert(row.sid);
            const int at = rowOfSid(row.sid);
            if (at >= 0) {
                m_rows[at] = std::move(row);
                rowReplaced(at);
                Q_EMIT dataChanged(index(at, 0), index(at, columnCount() - 1));
                continue;
            }
            // Newer than the oldest loaded row (or everything is loaded): it belongs in the loaded range. Older rows
            // arrive with a later page.
            if (!hasMore() || m_rows.isEmpty() || row.id > m_rows.constLast().id) {
                inserts.append(std::move(row));
            }
        }
        for (const QString &sid : asked) {
            if (present.contains(sid)) {
                continue;
            }
            const int at = rowOfSid(sid);
            if (at >= 0) {
                beginRemoveRows({}, at, at);
                m_idOfSid.remove(sid);
                m_rows.removeAt(at);
                endRemoveRows();
            }
        }
        if (inserts.isEmpty()) {
            return;
        }
        std::sort(inserts.begin(), inserts.end(), [](const T &a, const T &b) { return a.id > b.id; });
        // The common case — new rows, all newer than anything shown — is one insertion at the top.
        const qint64 top = m_rows.isEmpty() ? std::numeric_limits<qint64>::min() : m_rows.constFirst().id;
        qsizetype newer = 0;
        while (newer < inserts.size() && inserts.at(newer).id > top) {
            ++newer;
        }
        if (newer > 0) {
            beginInsertRows({}, 0, int(newer) - 1);
            for (qsizetype i = newer - 1; i >= 0; --i) {
                m_idOfSid.insert(inserts.at(i).sid, inserts.at(i).id);
                m_rows.prepend(std::move(inserts[i]));
            }
            endInsertRows();
        }
        for (qsizetype i = newer; i < inserts.size(); ++i) {
            const int at = insertPosition(inserts.at(i).id);
            beginInsertRows({}, at, at);
            m_idOfSid.insert(inserts.at(i).sid, inserts.at(i).id);
            m_rows.insert(at, std::move(inserts[i]));
            endInsertRows();
        }
    }

    QString m_table;
    QString m_columns;
    RowReader m_read;
    QList<T> m_rows;
    QHash<QString, qint64> m_idOfSid;
};

// Rows that belong to one parent (an account's services, a service's numbers, a session's participants or
// interactions): the parent's SID narrows the SQL, changes of the child kind under that parent are re-read, and the
// parent's removal empties the model. Nothing shows until a parent is set.
template<typename T>
class ChildSqlModel : public PagedSqlModel<T>
{
public:
    struct Scope
    {
        Change::Kind childKind;
        Change::Kind parentKind;
        QString parentColumn; // the child table's column holding the parent's SID
    };

    ChildSqlModel(StoreReader *reader, QString table, QString columns, typename PagedSqlModel<T>::RowReader read,
                  Scope scope, QObject *parent = nullptr)
        : PagedSqlModel<T>(reader, std::move(table), std::move(columns), read, parent)
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

    SqlFilter filter() const override
    {
        return SqlFilter().add(m_scope.parentColumn + QStringLiteral(" = :parent"),
                               {{QStringLiteral(":parent"), m_parentSid}});
    }

private:
    Scope m_scope;
    QString m_parentSid;
};

} // namespace Maskline
