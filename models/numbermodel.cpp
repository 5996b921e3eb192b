#include "numbermodel.h"

#include <QBrush>
#include <QPalette>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

NumberModel::NumberModel(StoreReader *reader, QObject *parent)
    : ChildSqlModel<PhoneNumber>(reader,
                                 {Change::Kind::PhoneNumber, Change::Kind::Service, &ConsoleQueries::phoneNumbers,
                                  &ConsoleQueries::phoneNumbersWithSids},
                                 parent)
{}

std::optional<ConsoleQueries::SortField> NumberModel::sortFieldOf(int column) const
{
    using ConsoleQueries::SortField;
    switch (Column(column)) {
    case NumberColumn:
        return SortField::PhoneNumber;
    case CountryColumn:
        return SortField::IsoCountry;
    case ReservedColumn:
        return SortField::IsReserved;
    case InUseColumn:
        return SortField::InUse;
    case FriendlyNameColumn:
        return SortField::FriendlyName;
    case SidColumn:
        return SortField::Sid;
    case CapabilitiesColumn: // a list made from four flags: no one stored value to order by
    case COLUMN_COUNT:
        break;
    }
    return std::nullopt;
}

int NumberModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QString NumberModel::capabilitiesText(const Capabilities &c)
{
    QStringList parts;
    if (c.voice) {
        parts.append(tr("voice"));
    }
    if (c.sms) {
        parts.append(tr("SMS"));
    }
    if (c.mms) {
        parts.append(tr("MMS"));
    }
    if (c.fax) {
        parts.append(tr("fax"));
    }
    return parts.isEmpty() ? tr("none") : parts.join(u", "_s);
}

QVariant NumberModel::data(const QModelIndex &index, int role) const
{
    const PhoneNumber *n = rowAt(index.row());
    if (!n || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    switch (role) {
    case SidRole:
        return n->sid;
    case IdRole:
        return n->id;
    case ParentSidRole:
        return n->serviceSid;
    case StatusRole:
        return n->inUse > 0 ? u"in-use"_s : (n->isReserved ? u"reserved"_s : u"free"_s);
    case Qt::CheckStateRole:
        return index.column() == ReservedColumn ? QVariant(n->isReserved ? Qt::Checked : Qt::Unchecked) : QVariant();
    case Qt::TextAlignmentRole:
        return index.column() == InUseColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::ToolTipRole:
        if (index.column() == InUseColumn) {
            return n->inUse > 0
                       ? tr("%n active session(s) use this number; it cannot be removed until none do.", "", n->inUse)
                       : tr("No active session uses this number.");
        }
        if (index.column() == CapabilitiesColumn) {
            return n->carrierManaged
                       ? tr("From the carrier account: the number's webhooks point at Maskline while it is in the "
                            "pool.")
                       : tr("What number selection may use this number for (Capabilities… to change it).");
        }
        if (index.column() == ReservedColumn) {
            return n->isReserved ? tr("Reserved: only given out when asked for by number or SID.")
                                 : tr("Not reserved: number selection may pick it.");
        }
        return {};
    case Qt::DisplayRole:
    case UnderlyingDataRole: {
        const bool raw = role == UnderlyingDataRole;
        switch (Column(index.column())) {
        case NumberColumn:
            return n->phoneNumber;
        case CountryColumn:
            return n->isoCountry;
        case CapabilitiesColumn:
            return capabilitiesText(n->capabilities);
        case ReservedColumn:
            return raw ? QVariant(n->isReserved) : QVariant(n->isReserved ? tr("reserved") : QString());
        case InUseColumn:
            return n->inUse;
        case FriendlyNameColumn:
            return n->friendlyName;
        case SidColumn:
            return n->sid;
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

QVariant NumberModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        return section == InUseColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    if (role == SortableRole || role == Qt::ToolTipRole) {
        return sortHeaderData(section, role);
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case NumberColumn:
        return tr("Number");
    case CountryColumn:
        return tr("Country");
    case CapabilitiesColumn:
        return tr("Capabilities");
    case ReservedColumn:
        return tr("Reserved");
    case InUseColumn:
        return tr("In use");
    case FriendlyNameColumn:
        return tr("Friendly name");
    case SidColumn:
        return tr("SID");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

} // namespace Maskline
