#include "simulator.h"

#include <QColor>
#include <QTimer>

#include "formatting.h"
#include "itemroles.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

SimulatorBackend::SimulatorBackend(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Maskline::SimulatedTraffic>();
}

SimulatorBackend::~SimulatorBackend() = default;

UnavailableSimulator::UnavailableSimulator(QString reason, QObject *parent)
    : SimulatorBackend(parent)
    , m_reason(std::move(reason))
{}

void UnavailableSimulator::sendSms(const QString &, const QString &, const QString &, const QStringList &,
                                   QObject *context, Done done)
{
    // Answer asynchronously like a real backend, so the pane has one code path.
    QTimer::singleShot(0, context, [done, reason = m_reason]() { done(ApiError::make(0, 503, reason)); });
}

void UnavailableSimulator::placeCall(const QString &, const QString &, QObject *context, Done done)
{
    QTimer::singleShot(0, context, [done, reason = m_reason]() { done(ApiError::make(0, 503, reason)); });
}

// ---------------------------------------------------------------------------------------------------------------

SimulatorTrafficModel::SimulatorTrafficModel(QObject *parent)
    : QAbstractTableModel(parent)
{}

int SimulatorTrafficModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : int(m_rows.size());
}

int SimulatorTrafficModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

const SimulatedTraffic *SimulatorTrafficModel::at(int row) const
{
    return (row >= 0 && row < m_rows.size()) ? &m_rows.at(row) : nullptr;
}

QVariant SimulatorTrafficModel::data(const QModelIndex &index, int role) const
{
    const SimulatedTraffic *t = at(index.row());
    if (!t || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const bool inbound = t->direction == SimulatedTraffic::Direction::Inbound;
    switch (role) {
    case SidRole:
        return t->sid;
    case StatusRole:
        return t->status;
    case Qt::ForegroundRole:
        if (index.column() == StatusColumn &&
            (t->status.startsWith(u"dropped"_s) || t->status.startsWith(u"failed"_s) ||
             t->status.startsWith(u"refused"_s))) {
            return QColor(0xc6, 0x28, 0x28);
        }
        return {};
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case TimeColumn:
            return Format::dateTime(t->time);
        case DirectionColumn:
            return inbound ? tr("handset → Maskline") : tr("Maskline → handset");
        case KindColumn:
            return t->kind == SimulatedTraffic::Kind::Sms ? (t->media.isEmpty() ? tr("SMS") : tr("MMS")) : tr("Call");
        case FromColumn:
            return t->from;
        case ToColumn:
            return t->to;
        case ContentColumn:
            return t->body;
        case StatusColumn:
            return t->status;
        case COLUMN_COUNT:
            break;
        }
        break;
    default:
        break;
    }
    return {};
}

QVariant SimulatorTrafficModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case DirectionColumn:
        return tr("Direction");
    case KindColumn:
        return tr("Kind");
    case FromColumn:
        return tr("From");
    case ToColumn:
        return tr("To");
    case ContentColumn:
        return tr("Body");
    case StatusColumn:
        return tr("Outcome");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

void SimulatorTrafficModel::append(const SimulatedTraffic &traffic)
{
    if (m_rows.size() >= CAPACITY) {
        beginRemoveRows({}, int(m_rows.size()) - 1, int(m_rows.size()) - 1);
        m_rows.removeLast();
        endRemoveRows();
    }
    beginInsertRows({}, 0, 0);
    m_rows.prepend(traffic);
    endInsertRows();
}

void SimulatorTrafficModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

} // namespace Maskline
