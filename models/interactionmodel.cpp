#include "interactionmodel.h"

#include <QColor>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

#include "formatting.h"
#include "store/rows.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

InteractionModel::InteractionModel(StoreReader *reader, QObject *parent)
    : ChildSqlModel<InteractionItem>(
          reader,
          {Change::Kind::Interaction, Change::Kind::Session,
           [](const QSqlDatabase &db, const QString &session, const ConsoleQueries::Page &page) {
               return items(ConsoleQueries::interactions(db, session, page));
           },
           [](const QSqlDatabase &db, const QString &session, const QStringList &sids) {
               return items(ConsoleQueries::interactionsWithSids(db, session, sids));
           }},
          parent)
{}

QList<InteractionItem> InteractionModel::items(const QList<Interaction> &interactions)
{
    QList<InteractionItem> list;
    list.reserve(interactions.size());
    for (const Interaction &i : interactions) {
        list.append(item(i));
    }
    return list;
}

InteractionItem InteractionModel::item(const Interaction &interaction)
{
    InteractionItem item;
    static_cast<Interaction &>(item) = interaction;
    const QJsonObject data = QJsonDocument::fromJson(item.data.toUtf8()).object();
    item.body = data.value(u"body"_s).toString();
    if (data.contains(u"duration"_s)) {
        const QJsonValue d = data.value(u"duration"_s);
        item.duration = d.isString() ? d.toString().toLongLong() : qint64(d.toDouble());
    }
    for (const QString &key : {u"media"_s, u"media_urls"_s, u"mediaUrls"_s}) {
        const QJsonValue v = data.value(key);
        if (v.isArray()) {
            for (const QJsonValue &m : v.toArray()) {
                item.media.append(m.isObject() ? m.toObject().value(u"url"_s).toString() : m.toString());
            }
        }
    }
    return item;
}

void InteractionModel::setParticipantNames(const QHash<QString, QString> &names)
{
    if (names == m_names) {
        return;
    }
    m_names = names;
    if (rowCount() > 0) {
        Q_EMIT dataChanged(index(0, DirectionColumn), index(rowCount() - 1, DirectionColumn), {Qt::DisplayRole});
    }
}

QString InteractionModel::nameOf(const QString &participantSid) const
{
    if (participantSid.isEmpty()) {
        return u"?"_s;
    }
    return m_names.value(participantSid, participantSid.left(10) + u"…"_s);
}

int InteractionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : COLUMN_COUNT;
}

namespace {
QColor statusColour(const QString &status)
{
    if (status == u"delivered"_s || status == u"completed"_s || status == u"received"_s) {
        return QColor(0x2e, 0x7d, 0x32);
    }
    if (status == u"failed"_s || status == u"undelivered"_s || status == u"busy"_s || status == u"no-answer"_s ||
        status == u"canceled"_s) {
        return QColor(0xc6, 0x28, 0x28);
    }
    return {};
}
} // namespace

QVariant InteractionModel::data(const QModelIndex &index, int role) const
{
    const InteractionItem *i = rowAt(index.row());
    if (!i || !checkIndex(index, CheckIndexOption::IndexIsValid)) {
        return {};
    }
    switch (role) {
    case SidRole:
        return i->sid;
    case IdRole:
        return i->id;
    case ParentSidRole:
        return i->sessionSid;
    case StatusRole:
        return i->outbound.resourceStatus;
    case Qt::ForegroundRole:
        if (index.column() == InboundStatusColumn) {
            const QColor c = statusColour(i->inbound.resourceStatus);
            return c.isValid() ? QVariant(c) : QVariant();
        }
        if (index.column() == OutboundStatusColumn) {
            const QColor c = statusColour(i->outbound.resourceStatus);
            return c.isValid() ? QVariant(c) : QVariant();
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == ContentColumn && !i->body.isEmpty()) {
            return i->body;
        }
        if (index.column() == MediaColumn && !i->media.isEmpty()) {
            return i->media.join(u'\n');
        }
        if (index.column() == InboundStatusColumn) {
            return tr("Inbound %1 %2").arg(i->inbound.resourceType, i->inbound.resourceSid);
        }
        if (index.column() == OutboundStatusColumn) {
            return tr("Outbound %1 %2").arg(i->outbound.resourceType, i->outbound.resourceSid);
        }
        return {};
    case Qt::DisplayRole:
    case UnderlyingDataRole: {
        const bool raw = role == UnderlyingDataRole;
        switch (Column(index.column())) {
        case TimeColumn:
            return raw ? QVariant(i->dateCreated) : QVariant(Format::dateTime(i->dateCreated));
        case TypeColumn:
            if (raw) {
                return i->type;
            }
            return i->type == u"message"_s ? tr("Message") : (i->type == u"voice"_s ? tr("Call") : tr("Unknown"));
        case DirectionColumn:
            return u"%1 → %2"_s.arg(nameOf(i->inbound.participantSid), nameOf(i->outbound.participantSid));
        case ContentColumn:
            if (i->type == u"voice"_s) {
                return i->duration >= 0 ? tr("%1 call").arg(Format::duration(i->duration)) : tr("call");
            }
            return i->body;
        case MediaColumn:
            return raw ? QVariant(i->media)
                       : QVariant(i->media.isEmpty() ? QString() : tr("%n file(s)", "", int(i->media.size())));
        case InboundStatusColumn:
            return i->inbound.resourceStatus;
        case OutboundStatusColumn:
            return i->outbound.resourceStatus;
        case SidColumn:
            return i->sid;
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

QVariant InteractionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) {
        return {};
    }
    switch (Column(section)) {
    case TimeColumn:
        return tr("Time");
    case TypeColumn:
        return tr("Type");
    case DirectionColumn:
        return tr("From → to");
    case ContentColumn:
        return tr("Body / duration");
    case MediaColumn:
        return tr("Media");
    case InboundStatusColumn:
        return tr("Inbound");
    case OutboundStatusColumn:
        return tr("Outbound");
    case SidColumn:
        return tr("SID");
    case COLUMN_COUNT:
        break;
    }
    return {};
}

} // namespace Maskline
