#pragma once

#include "pagedsqlmodel.h"

namespace Maskline {

// The account's Proxy Services, newest first.
class ServiceModel final : public ChildSqlModel<Service>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServiceModel)

public:
    enum Column
    {
        UniqueNameColumn,
        SidColumn,
        DefaultTtlColumn,
        GeoMatchColumn,
        NumberSelectionColumn,
        CallbackColumn,
        UpdatedColumn,
        COLUMN_COUNT
    };

    explicit ServiceModel(StoreReader *reader, QObject *parent = nullptr);

    void setAccountSid(const QString &accountSid) { setParentSid(accountSid); }
    QString accountSid() const { return parentSid(); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
};

} // namespace Maskline
