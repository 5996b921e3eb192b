#pragma once

#include "pagedsqlmodel.h"

namespace Maskline {

// One Service's pool of proxy numbers, newest first or by a column (not by Capabilities, which is computed).
class NumberModel final : public ChildSqlModel<PhoneNumber>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NumberModel)

public:
    enum Column
    {
        NumberColumn,
        CountryColumn,
        CapabilitiesColumn,
        ReservedColumn,
        InUseColumn,
        FriendlyNameColumn,
        SidColumn,
        COLUMN_COUNT
    };

    explicit NumberModel(StoreReader *reader, QObject *parent = nullptr);

    void setServiceSid(const QString &serviceSid) { setParentSid(serviceSid); }
    QString serviceSid() const { return parentSid(); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static QString capabilitiesText(const Capabilities &c);

protected:
    std::optional<ConsoleQueries::SortField> sortFieldOf(int column) const override;
};

} // namespace Maskline
