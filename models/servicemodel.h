#pragma once

#include "pagedsqlmodel.h"

namespace Maskline {

// The account's Proxy Services, newest first.
class ServiceModel final : public PagedSqlModel<Service>
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

    void setAccountSid(const QString &accountSid);
    QString accountSid() const { return m_accountSid; }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

protected:
    bool isActive() const override { return !m_accountSid.isEmpty(); }
    bool collect(const Change &change, QSet<QString> &sids) override;
    SqlFilter filter() const override;

private:
    QString m_accountSid;
};

} // namespace Maskline
