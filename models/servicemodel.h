#pragma once

#include <functional>

#include "pagedsqlmodel.h"

namespace Maskline {

// The account's Proxy Services, newest first or by a column.
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

    // How many of a Service's sessions are active (open or in progress): what deleting it would end. Read on the
    // reader thread; done runs on this model's thread while `context` exists.
    void countActiveSessions(const QString &serviceSid, QObject *context, std::function<void(Result<qint64>)> done);

protected:
    std::optional<ConsoleQueries::SortField> sortFieldOf(int column) const override;
};

} // namespace Maskline
