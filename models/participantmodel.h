#pragma once

#include "pagedsqlmodel.h"

namespace Maskline {

// The participants of one session, removed ones included (greyed): a removed identifier can never join that session
// again, and the operator should see why.
class ParticipantModel final : public ChildSqlModel<Participant>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ParticipantModel)

public:
    enum Column
    {
        IdentifierColumn,
        MappingColumn,
        ProxyNumberColumn,
        FriendlyNameColumn,
        StateColumn,
        SidColumn,
        AddedColumn,
        COLUMN_COUNT
    };

    explicit ParticipantModel(StoreReader *reader, QObject *parent = nullptr);

    void setSessionSid(const QString &sessionSid) { setParentSid(sessionSid); }
    QString sessionSid() const { return parentSid(); }

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // participant SID -> identifier, for the interactions timeline.
    QHash<QString, QString> identifiers() const;

protected:
    void parentUpdated(QSet<QString> &sids) override;
};

} // namespace Maskline
