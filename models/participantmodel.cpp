#include "participantmodel.h"

#include <QColor>
#include <QFont>

#include "formatting.h"
#include "store/rows.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

ParticipantModel::ParticipantModel(StoreReader *reader, QObject *parent)
    : ChildSqlModel<Participant>(reader,
                                 {Change::Kind::Participant, Change::Kind::Session, &ConsoleQueries::participants,
                                  &ConsoleQueries::participantsWithSids},
                                 parent)
{}

int ParticipantModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QHash<QString, QString> ParticipantModel::identifiers() const
{
    QHash<QString, QString> map;
    for (const Participant &p : rows()) {
        map.insert(p.sid, p.identifier);
    }
    return map;
}

QVariant ParticipantModel::data(const QModelIndex &index, int role) const
{
    const Participant *p = rowAt(index.row());
    if (!p || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    const bool removed = p->dateDeleted.isValid();
    switch (role) {
    case SidRole:
        return p->sid;
    case IdRole:
        return p->id;
    case ParentSidRole:
        return p->sessionSid;
    case StatusRole:
        return removed ? u"removed"_s : (p->routable ? u"active"_s : u"inactive"_s);
    case Qt::ForegroundRole:
        return removed ? QVariant(QColor(Qt::gray)) : QVariant();
    case Qt::FontRole:
        if (removed) {
            QFont f;
            f.setStrikeOut(index.column() == IdentifierColumn || index.column() == ProxyNumberColumn);
            return f;
        }
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == MappingColumn ? QVariant(Qt::AlignCenter) : QVariant();
    case Qt::ToolTipRole:
        if (removed) {
            return tr("Removed at %1: %2 can never be added to this session again.")
                .arg(Format::dateTime(p->dateDeleted), p->identifier);
        }
        return tr("%1 texts and calls %2; Maskline forwards it to the other participant from that participant's own "
                  "proxy number, so neither sees the other's real number.")
            .arg(p->identifier, p->proxyIdentifier);
    case Qt::DisplayRole:
    case UnderlyingDataRole: {
        const bool raw = role == UnderlyingDataRole;
        switch (Column(index.column())) {
        case IdentifierColumn:
            return p->identifier;
        case MappingColumn:
            return u"↔"_s;
        case ProxyNumberColumn:
            return p->proxyIdentifier;
        case FriendlyNameColumn:
            return p->friendlyName;
        case StateColumn:
            if (raw) {
                return removed ? u"removed"_s : (p->routable ? u"active"_s : u"inactive"_s);
            }
            return removed ? tr("removed") : (p->routable ? tr("active") : tr("inactive (session closed)"));
        case SidColumn:
            return p->sid;
        case AddedColumn:
            return raw ? QVariant(p->dateCreated) : QVariant(Format::dateTime(p->dateCreated));
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

QVariant ParticipantModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case IdentifierColumn:
        return tr("Identifier (real number)");
    case MappingColumn:
        return QString();
    case ProxyNumberColumn:
        return tr("Proxy number (masked as)");
    case FriendlyNameColumn:
        return tr("Friendly name");
    case StateColumn:
        return tr("State");
    case SidColumn:
        return tr("SID");
    case AddedColumn:
        return tr("Added");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

void ParticipantModel::parentUpdated(QSet<QString> &sids)
{
    // Closing or re-opening the session flips every participant's routability without a change of its own.
    for (const Participant &p : rows()) {
        sids.insert(p.sid);
    }
}

} // namespace Maskline
