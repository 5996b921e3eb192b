#include "debuggerlogmodel.h"

#include <QColor>
#include <QIcon>
#include <QTimer>

#include "formatting.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

QString csvField(const QString &s)
{
    if (s.contains(u',') || s.contains(u'"') || s.contains(u'\n') || s.contains(u'\r')) {
        QString quoted = s;
        quoted.replace(u"\""_s, u"\"\""_s);
        return u"\""_s + quoted + u"\""_s;
    }
    return s;
}

} // namespace

// ---------------------------------------------------------------------------------------------------------------

DebuggerLogModel::DebuggerLogModel(StoreReader *reader, int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_reader(reader)
    , m_capacity(std::max(1, capacity))
{
    qRegisterMetaType<Maskline::DebuggerEvent>();
}

void DebuggerLogModel::setHistoryFilter(const DebuggerLogFilter &filter)
{
    if (filter == m_historyFilter && m_loaded) {
        return;
    }
    m_historyFilter = filter;
    replay();
}

void DebuggerLogModel::replay()
{
    if (!m_reader) {
        return;
    }
    if (m_ticket) {
        m_ticket->cancel();
    }
    const quint64 gen = ++m_generation;
    m_replaying = true;
    const int limit = std::min(m_historySize, m_capacity);
    m_ticket = m_reader->read(
        this,
        [filter = m_historyFilter, limit](const QSqlDatabase &db) {
            return ConsoleQueries::debuggerHistory(db, filter, limit);
        },
        [this, gen](Result<QList<DebuggerEvent>> result) {
            if (gen != m_generation) {
                return;
            }
            m_replaying = false;
            if (!result) {
                Q_EMIT readFailed(result.error().message);
                return;
            }
            QList<DebuggerEvent> history = std::move(*result);
            const qint64 newest = history.isEmpty() ? 0 : history.constLast().id;
            // Live events that arrived while the history was read, and are not in it, follow it.
            for (DebuggerEvent &e : m_incoming) {
                if (e.id > newest || e.id == 0) {
                    history.append(std::move(e));
                }
            }
            m_incoming.clear();
            if (history.size() > m_capacity) {
                history.remove(0, history.size() - m_capacity);
            }
            beginResetModel();
            m_events = std::move(history);
            endResetModel();
            m_loaded = true;
            Q_EMIT historyLoaded(int(m_events.size()));
        });
}

void DebuggerLogModel::handleEventRecorded(const DebuggerEvent &event)
{
    m_incoming.append(event);
    if (m_replaying || m_flushScheduled) {
        return;
    }
    m_flushScheduled = true;
    QTimer::singleShot(COALESCE_MS, this, &DebuggerLogModel::flushLive);
}

void DebuggerLogModel::flushLive()
{
    m_flushScheduled = false;
    if (m_replaying || m_incoming.isEmpty()) {
        return;
    }
    insertEvents(std::exchange(m_incoming, {}));
}

void DebuggerLogModel::insertEvents(QList<DebuggerEvent> events)
{
    if (events.size() > m_capacity) {
        events.remove(0, events.size() - m_capacity);
    }
    const qsizetype overflow = m_events.size() + events.size() - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, int(overflow) - 1);
        m_events.remove(0, overflow);
        endRemoveRows();
    }
    const int first = int(m_events.size());
    beginInsertRows({}, first, first + int(events.size()) - 1);
    m_events.append(std::move(events));
    endInsertRows();
}

const DebuggerEvent *DebuggerLogModel::eventAt(int row) const
{
    return (row >= 0 && row < m_events.size()) ? &m_events.at(row) : nullptr;
}

int DebuggerLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_events.size());
}

int DebuggerLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant DebuggerLogModel::data(const QModelIndex &index, int role) const
{
    const DebuggerEvent *e = eventAt(index.row());
    if (!e || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    switch (role) {
    case SidRole:
        return e->resourceSid;
    case IdRole:
        return e->id;
    case StatusRole:
    case LevelRole:
        return e->logLevel;
    case SessionSidRole:
        return e->sessionSid;
    case CodeRole:
        return e->code;
    case TimeRole:
        return e->dateCreated;
    case Qt::ForegroundRole:
        if (index.column() == LevelColumn || index.column() == CodeColumn) {
            if (e->logLevel == u"error"_s) {
                return QColor(0xc6, 0x28, 0x28);
            }
            if (e->logLevel == u"warning"_s) {
                return QColor(0xb2, 0x6a, 0x00);
            }
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == LevelColumn) {
            return QIcon::fromTheme(e->logLevel == u"error"_s ? u"dialog-error"_s : u"dialog-warning"_s);
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == CodeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        return index.column() == MessageColumn ? QVariant(e->message) : QVariant();
    case Qt::DisplayRole:
    case UnderlyingDataRole: {
        const bool raw = role == UnderlyingDataRole;
        switch (Column(index.column())) {
        case TimeColumn:
            return raw ? QVariant(e->dateCreated) : QVariant(Format::dateTime(e->dateCreated));
        case LevelColumn:
            return e->logLevel;
        case CodeColumn:
            return e->code;
        case MessageColumn:
            return e->message;
        case SidColumn:
            return e->resourceSid;
        case SessionColumn:
            return e->sessionSid;
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

QVariant DebuggerLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        return section == CodeColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case LevelColumn:
        return tr("Level");
    case CodeColumn:
        return tr("Code");
    case MessageColumn:
        return tr("Message");
    case SidColumn:
        return tr("Resource SID");
    case SessionColumn:
        return tr("Session");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

QString DebuggerLogModel::toCsv(const QList<DebuggerEvent> &events)
{
    QString out = u"time,level,code,message,sid,resource_sid,service_sid,session_sid,participant_sid,"
                  u"interaction_sid,request_method,request_url,request_variables,response_body\r\n"_s;
    for (const DebuggerEvent &e : events) {
        const QStringList fields{Time::toIso(e.dateCreated),
                                 e.logLevel,
                                 QString::number(e.code),
                                 e.message,
                                 e.sid,
                                 e.resourceSid,
                                 e.serviceSid,
                                 e.sessionSid,
                                 e.participantSid,
                                 e.interactionSid,
                                 e.requestMethod,
                                 e.requestUrl,
                                 e.requestVariables,
                                 e.responseBody};
        QStringList escaped;
        for (const QString &f : fields) {
            escaped.append(csvField(f));
        }
        out += escaped.join(u',') + u"\r\n"_s;
    }
    return out;
}

QString DebuggerLogModel::describe(const DebuggerEvent &e)
{
    QString text =
        tr("%1 %2 — %3\n%4\n\n").arg(e.logLevel.toUpper()).arg(e.code).arg(Format::dateTime(e.dateCreated), e.message);
    const std::pair<QString, QString> sids[] = {{tr("Event"), e.sid},
                                                {tr("Service"), e.serviceSid},
                                                {tr("Session"), e.sessionSid},
                                                {tr("Participant"), e.participantSid},
                                                {tr("Interaction"), e.interactionSid},
                                                {tr("Resource"), e.resourceSid}};
    for (const auto &[label, sid] : sids) {
        if (!sid.isEmpty()) {
            text += u"%1: %2\n"_s.arg(label, sid);
        }
    }
    text += u"\n"_s + tr("Request") + u"\n"_s;
    if (e.requestMethod.isEmpty() && e.requestUrl.isEmpty() && e.requestVariables.isEmpty()) {
        text += tr("(none recorded)") + u"\n"_s;
    } else {
        text += u"%1 %2\n%3\n"_s.arg(e.requestMethod, e.requestUrl, e.requestVariables);
    }
    text += u"\n"_s + tr("Response") + u"\n"_s;
    text += (e.responseBody.isEmpty() ? tr("(none recorded)") : e.responseBody) + u"\n"_s;
    return text;
}

// ---------------------------------------------------------------------------------------------------------------

DebuggerLogFilterModel::DebuggerLogFilterModel(DebuggerLogModel *log, QObject *parent)
    : QSortFilterProxyModel(parent)
    , m_log(log)
{
    setSourceModel(log);
    // Sorting is in memory here: the log is a bounded buffer, not a paged table. Ties keep the log's order.
    setSortRole(UnderlyingDataRole);
}

void DebuggerLogFilterModel::setLevels(DebuggerLogFilter::Levels levels)
{
    DebuggerLogFilter f = m_filter;
    f.levels = levels;
    setFilter(f);
}

void DebuggerLogFilterModel::setCode(int code)
{
    DebuggerLogFilter f = m_filter;
    f.code = code;
    setFilter(f);
}

void DebuggerLogFilterModel::setSid(const QString &sid)
{
    DebuggerLogFilter f = m_filter;
    f.sid = sid.trimmed();
    setFilter(f);
}

void DebuggerLogFilterModel::setText(const QString &text)
{
    DebuggerLogFilter f = m_filter;
    f.text = text;
    setFilter(f);
}

void DebuggerLogFilterModel::setTimeRange(const QDateTime &from, const QDateTime &to)
{
    DebuggerLogFilter f = m_filter;
    f.from = from;
    f.to = to;
    setFilter(f);
}

void DebuggerLogFilterModel::setFilter(const DebuggerLogFilter &filter)
{
    if (filter == m_filter) {
        return;
    }
    m_filter = filter;
    apply();
}

void DebuggerLogFilterModel::apply()
{
    invalidateRowsFilter();
    if (m_log) {
        m_log->setHistoryFilter(m_filter);
    }
}

bool DebuggerLogFilterModel::filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const
{
    if (sourceParent.isValid() || !m_log) {
        return false;
    }
    const DebuggerEvent *e = m_log->eventAt(sourceRow);
    return e && m_filter.matches(*e);
}

QList<DebuggerEvent> DebuggerLogFilterModel::visibleEvents() const
{
    QList<DebuggerEvent> events;
    for (int r = 0; r < rowCount(); ++r) {
        const QModelIndex src = mapToSource(index(r, 0));
        if (const DebuggerEvent *e = m_log->eventAt(src.row())) {
            events.append(*e);
        }
    }
    return events;
}

} // namespace Maskline
