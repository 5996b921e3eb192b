#include "sessionmodel.h"

#include "core/clock.h"
#include "formatting.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

SessionModel::SessionModel(StoreReader *reader, const Clock *clock, QObject *parent)
    : PagedSqlModel<Session>(reader, parent)
    , m_clock(clock ? clock : SystemClock::instance())
{
    m_tick.setInterval(1000);
    connect(&m_tick, &QTimer::timeout, this, &SessionModel::handleTick);
    m_tick.start();
}

void SessionModel::setFilter(const SessionFilter &filter)
{
    if (filter == m_filter && isLoaded()) {
        return;
    }
    m_filter = filter;
    reload();
}

int SessionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QString SessionModel::statusText(const QString &status)
{
    if (status == SessionStatus::OPEN) {
        return tr("Open");
    }
    if (status == SessionStatus::IN_PROGRESS) {
        return tr("In progress");
    }
    if (status == SessionStatus::CLOSED) {
        return tr("Closed");
    }
    if (status == SessionStatus::FAILED) {
        return tr("Failed");
    }
    return tr("Unknown");
}

QVariant SessionModel::data(const QModelIndex &index, int role) const
{
    const Session *s = rowAt(index.row());
    if (!s || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    switch (role) {
    case SidRole:
        return s->sid;
    case IdRole:
        return s->id;
    case StatusRole:
        return s->status;
    case ParentSidRole:
        return s->serviceSid;
    case Qt::TextAlignmentRole:
        return (index.column() == TtlColumn || index.column() == ExpiresInColumn)
                   ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                   : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == ExpiresInColumn && s->isActive()) {
            return s->dateExpiry.isValid()
                       ? tr("Closes at its date_expiry, %1").arg(Format::dateTime(s->dateExpiry))
                       : (s->ttl > 0 ? tr("Closes %1 after the last interaction (TTL), at %2")
                                           .arg(Format::duration(s->ttl), Format::dateTime(s->expiresAt))
                                     : tr("No TTL and no date_expiry: stays open until closed"));
        }
        if (index.column() == StatusColumn && !s->closedReason.isEmpty()) {
            return tr("Closed (%1) at %2").arg(s->closedReason, Format::dateTime(s->dateEnded));
        }
        return {};
    case Qt::DisplayRole:
    case UnderlyingDataRole: {
        const bool raw = role == UnderlyingDataRole;
        switch (Column(index.column())) {
        case StatusColumn:
            return raw ? QVariant(s->status) : QVariant(statusText(s->status));
        case UniqueNameColumn:
            return s->uniqueName;
        case SidColumn:
            return s->sid;
        case ModeColumn:
            return s->mode;
        case ExpiresInColumn:
            if (raw) {
                return s->expiresAt;
            }
            return s->isActive() ? Format::countdown(s->expiresAt, m_clock->now()) : u"—"_s;
        case DateExpiryColumn:
            return raw ? QVariant(s->dateExpiry) : QVariant(Format::dateTime(s->dateExpiry));
        case TtlColumn:
            return raw ? QVariant(s->ttl) : QVariant(Format::duration(s->ttl));
        case LastInteractionColumn:
            return raw ? QVariant(s->dateLastInteraction) : QVariant(Format::dateTime(s->dateLastInteraction));
        case CreatedColumn:
            return raw ? QVariant(s->dateCreated) : QVariant(Format::dateTime(s->dateCreated));
        case COLUMN_COUNT:
            break;
        }
        break;
    }
    default:
        break;
    }
    return {};
}

QVariant SessionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        return (section == TtlColumn || section == ExpiresInColumn) ? QVariant(Qt::AlignRight | Qt::AlignVCenter)
                                                                    : QVariant();
    }
    if (role == Qt::ToolTipRole && section == ExpiresInColumn) {
        return tr("When the session closes; sorts by that time (expires_at)");
    }
    if (role == SortableRole || role == Qt::ToolTipRole) {
        return sortHeaderData(section, role);
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case StatusColumn:
        return tr("Status");
    case UniqueNameColumn:
        return tr("Unique name");
    case SidColumn:
        return tr("SID");
    case ModeColumn:
        return tr("Mode");
    case ExpiresInColumn:
        return tr("Expires");
    case DateExpiryColumn:
        return tr("date_expiry");
    case TtlColumn:
        return tr("TTL");
    case LastInteractionColumn:
        return tr("Last interaction");
    case CreatedColumn:
        return tr("Created");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

bool SessionModel::collect(const Change &change, QSet<QString> &sids)
{
    switch (change.kind) {
    case Change::Kind::Session:
        if (m_filter.serviceSid.isEmpty() || change.parentSid.isEmpty() || change.parentSid == m_filter.serviceSid) {
            sids.insert(change.sid);
        }
        return true;
    case Change::Kind::Participant:
        // A participant joining or leaving can make its session match an identifier or number filter, or not.
        if (m_filter.needsParticipants() && !change.parentSid.isEmpty()) {
            sids.insert(change.parentSid);
        }
        return true;
    case Change::Kind::Service:
        // Deleting a Service cascades to its sessions without a change per session.
        return change.op != Change::Op::Removed;
    default:
        return true;
    }
}

SessionFilter SessionModel::storeFilter() const
{
    SessionFilter f = m_filter;
    if (!f.identifier.isEmpty()) {
        f.identifier = Format::compactNumber(f.identifier);
    }
    if (!f.proxyNumber.isEmpty()) {
        f.proxyNumber = Format::compactNumber(f.proxyNumber);
    }
    return f;
}

std::optional<ConsoleQueries::SortField> SessionModel::sortFieldOf(int column) const
{
    using ConsoleQueries::SortField;
    switch (Column(column)) {
    case StatusColumn:
        return SortField::Status;
    case UniqueNameColumn:
        return SortField::UniqueName;
    case SidColumn:
        return SortField::Sid;
    case ModeColumn:
        return SortField::Mode;
    case ExpiresInColumn:
        return SortField::ExpiresAt;
    case DateExpiryColumn:
        return SortField::DateExpiry;
    case TtlColumn:
        return SortField::Ttl;
    case LastInteractionColumn:
        return SortField::LastInteraction;
    case CreatedColumn:
        return SortField::DateCreated;
    case COLUMN_COUNT:
        break;
    }
    return std::nullopt;
}

SessionModel::Query SessionModel::pageQuery(const ConsoleQueries::Page &page) const
{
    return [f = storeFilter(), page](const QSqlDatabase &db) {
        return ConsoleQueries::sessions(db, f, page);
    };
}

SessionModel::Query SessionModel::sidsQuery(const QStringList &sids) const
{
    return [f = storeFilter(), sids](const QSqlDatabase &db) {
        return ConsoleQueries::sessionsWithSids(db, f, sids);
    };
}

void SessionModel::setCountdownInterval(int ms)
{
    if (ms <= 0) {
        m_tick.stop();
        return;
    }
    m_tick.start(ms);
}

void SessionModel::handleTick()
{
    if (rowCount() == 0) {
        return;
    }
    bool anyActive = false;
    for (const Session &s : rows()) {
        if (s.isActive() && s.expiresAt.isValid()) {
            anyActive = true;
            break;
        }
    }
    if (anyActive) {
        Q_EMIT dataChanged(index(0, ExpiresInColumn), index(rowCount() - 1, ExpiresInColumn), {Qt::DisplayRole});
    }
}

} // namespace Maskline
