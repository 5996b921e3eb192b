#pragma once

#include "pagedsqlmodel.h"

namespace Maskline {

// An Interaction with its `data` JSON already taken apart (on the reader thread, not in data()).
struct InteractionItem : Interaction
{
    QString body;
    qint64 duration = -1; // seconds; -1 when the data has none
    QStringList media;
};

// The interactions of one session as a timeline, newest first; statuses update live.
class InteractionModel final : public ChildSqlModel<InteractionItem>
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(InteractionModel)

public:
    enum Column
    {
        TimeColumn,
        TypeColumn,
        DirectionColumn,
        ContentColumn,
        MediaColumn,
        InboundStatusColumn,
        OutboundStatusColumn,
        SidColumn,
        COLUMN_COUNT
    };

    explicit InteractionModel(StoreReader *reader, QObject *parent = nullptr);

    void setSessionSid(const QString &sessionSid) { setParentSid(sessionSid); }
    QString sessionSid() const { return parentSid(); }
    // participant SID -> identifier, so the direction reads "+1415… → +1416…".
    void setParticipantNames(const QHash<QString, QString> &names);

    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    static InteractionItem item(const Interaction &interaction);
    static QList<InteractionItem> items(const QList<Interaction> &interactions);

private:
    QString nameOf(const QString &participantSid) const;

    QHash<QString, QString> m_names;
};

} // namespace Maskline
