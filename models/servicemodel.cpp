#include "servicemodel.h"

#include "formatting.h"
#include "storereader.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

ServiceModel::ServiceModel(StoreReader *reader, QObject *parent)
    : ChildSqlModel<Service>(
          reader,
          {Change::Kind::Service, Change::Kind::Account, &ConsoleQueries::services, &ConsoleQueries::servicesWithSids},
          parent)
{}

std::optional<ConsoleQueries::SortField> ServiceModel::sortFieldOf(int column) const
{
    using ConsoleQueries::SortField;
    switch (Column(column)) {
    case UniqueNameColumn:
        return SortField::UniqueName;
    case SidColumn:
        return SortField::Sid;
    case DefaultTtlColumn:
        return SortField::DefaultTtl;
    case GeoMatchColumn:
        return SortField::GeoMatchLevel;
    case NumberSelectionColumn:
        return SortField::NumberSelection;
    case CallbackColumn:
        return SortField::CallbackUrl;
    case UpdatedColumn:
        return SortField::DateUpdated;
    case COLUMN_COUNT:
        break;
    }
    return std::nullopt;
}

int ServiceModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

QVariant ServiceModel::data(const QModelIndex &index, int role) const
{
    const Service *s = rowAt(index.row());
    if (!s || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    switch (role) {
    case SidRole:
        return s->sid;
    case IdRole:
        return s->id;
    case Qt::ToolTipRole:
        return tr("%1 (%2)").arg(s->uniqueName, s->sid);
    case Qt::TextAlignmentRole:
        return index.column() == DefaultTtlColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    case Qt::DisplayRole:
    case UnderlyingDataRole: {
        const bool raw = role == UnderlyingDataRole;
        switch (Column(index.column())) {
        case UniqueNameColumn:
            return s->uniqueName;
        case SidColumn:
            return s->sid;
        case DefaultTtlColumn:
            return raw ? QVariant(s->defaultTtl) : QVariant(Format::duration(s->defaultTtl));
        case GeoMatchColumn:
            return s->geoMatchLevel;
        case NumberSelectionColumn:
            return s->numberSelectionBehavior;
        case CallbackColumn:
            return s->callbackUrl;
        case UpdatedColumn:
            return raw ? QVariant(s->dateUpdated) : QVariant(Format::dateTime(s->dateUpdated));
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

QVariant ServiceModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal) {
        return {};
    }
    if (role == Qt::TextAlignmentRole) {
        return section == DefaultTtlColumn ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    if (role == SortableRole || role == Qt::ToolTipRole) {
        return sortHeaderData(section, role);
    }
    if (role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case UniqueNameColumn:
        return tr("Unique name");
    case SidColumn:
        return tr("SID");
    case DefaultTtlColumn:
        return tr("Default TTL");
    case GeoMatchColumn:
        return tr("Geo match");
    case NumberSelectionColumn:
        return tr("Number selection");
    case CallbackColumn:
        return tr("Callback URL");
    case UpdatedColumn:
        return tr("Updated");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

void ServiceModel::countActiveSessions(const QString &serviceSid, QObject *context,
                                       std::function<void(Result<qint64>)> done)
{
    if (!reader()) {
        done(qint64(0));
        return;
    }
    reader()->read(
        context,
        [serviceSid](const QSqlDatabase &db) { return ConsoleQueries::activeSessionsOfService(db, serviceSid); },
        std::move(done));
}

} // namespace Maskline
