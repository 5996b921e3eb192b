#include "pagedsqlmodel.h"

#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

PagedSqlModelBase::PagedSqlModelBase(StoreReader *reader, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
{}

PagedSqlModelBase::~PagedSqlModelBase()
{
    for (const ReadTicketPtr &t : std::as_const(m_tickets)) {
        t->cancel();
    }
}

bool PagedSqlModelBase::canFetchMore(const QModelIndex &parent) const
{
    return !parent.isValid() && m_hasMore && !m_fetching;
}

void PagedSqlModelBase::fetchMore(const QModelIndex &parent)
{
    if (parent.isValid() || !m_hasMore || m_fetching || !m_reader) {
        return;
    }
    m_fetching = true;
    requestPage(lastKey(), m_generation);
}

void PagedSqlModelBase::sort(int column, Qt::SortOrder order)
{
    ConsoleQueries::Sort sort;
    if (column >= 0) {
        const std::optional<ConsoleQueries::SortField> field = sortFieldOf(column);
        if (!field) {
            return;
        }
        sort.field = *field;
        sort.order = order;
    } else {
        column = -1;
    }
    m_sortColumn = column;
    if (sort == m_sort) {
        return;
    }
    m_sort = sort;
    reload();
}

QVariant PagedSqlModelBase::sortHeaderData(int section, int role) const
{
    if (role == SortableRole) {
        return isSortable(section);
    }
    if (role == Qt::ToolTipRole && !isSortable(section)) {
        return tr("Computed from several stored values: this column cannot be sorted.");
    }
    return {};
}

void PagedSqlModelBase::track(const ReadTicketPtr &ticket)
{
    // Keep the tickets of this generation only; older ones are cancelled on reload.
    m_tickets.removeIf([](const ReadTicketPtr &t) { return t.use_count() == 1 && t->cancelled; });
    m_tickets.append(ticket);
    if (m_tickets.size() > 64) {
        m_tickets.removeFirst();
    }
}

void PagedSqlModelBase::reload()
{
    ++m_generation;
    for (const ReadTicketPtr &t : std::as_const(m_tickets)) {
        t->cancel();
    }
    m_tickets.clear();
    m_pending.clear();
    beginResetModel();
    clearRows();
    m_hasMore = false;
    m_loaded = false;
    m_lastError.clear();
    endResetModel();
    if (!m_reader || !isActive()) {
        m_fetching = false;
        return;
    }
    m_fetching = true;
    requestPage(std::nullopt, m_generation);
}

void PagedSqlModelBase::pageArrived(quint64 generation, int count, bool hasMore)
{
    if (generation != m_generation) {
        return;
    }
    const bool first = !m_loaded;
    m_fetching = false;
    m_hasMore = hasMore;
    m_loaded = true;
    Q_EMIT pageLoaded(count, first);
    if (first && !m_pending.isEmpty()) {
        scheduleFlush();
    }
}

void PagedSqlModelBase::readFailedFor(quint64 generation, const QString &message)
{
    if (generation != m_generation) {
        return;
    }
    m_fetching = false;
    m_lastError = message;
    Q_EMIT readFailed(message);
}

void PagedSqlModelBase::handleChanges(const QList<Change> &changes)
{
    if (!m_reader || !isActive()) {
        return;
    }
    for (const Change &c : changes) {
        if (!collect(c, m_pending)) {
            reload();
            return;
        }
    }
    if (!m_pending.isEmpty()) {
        scheduleFlush();
    }
}

void PagedSqlModelBase::scheduleFlush()
{
    if (m_flushScheduled) {
        return;
    }
    m_flushScheduled = true;
    // One re-read per burst, however many change lists arrived in it.
    QTimer::singleShot(COALESCE_MS, this, &PagedSqlModelBase::flush);
}

void PagedSqlModelBase::flush()
{
    m_flushScheduled = false;
    if (m_pending.isEmpty() || !m_loaded) {
        // Before the first page arrives, changes wait: the page may have been read before they were committed.
        return;
    }
    QStringList sids(m_pending.cbegin(), m_pending.cend());
    m_pending.clear();
    constexpr int CHUNK = 400; // below SQLite's default host-parameter limit, with room for the filter's own
    for (qsizetype i = 0; i < sids.size(); i += CHUNK) {
        requestSids(sids.mid(i, CHUNK), m_generation);
    }
}

} // namespace Maskline
