#include "changefeed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QLoggingCategory>

#include "database.h"
#include "sqlquery.h"

Q_LOGGING_CATEGORY(lcChangeFeed, "maskline.store.changefeed", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

const QString CHANNEL = u"maskline_changes"_s;

} // namespace

ChangeFeed::ChangeFeed(Database &db, QObject *parent)
    : QObject(parent)
    , m_db(db)
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FLUSH_MS);
    connect(&m_timer, &QTimer::timeout, this, &ChangeFeed::flush);
}

ChangeFeed::~ChangeFeed() = default;

void ChangeFeed::publish(const QList<Change> &changes)
{
    m_queued += changes;
    if (!m_timer.isActive()) {
        m_timer.start();
    }
}

void ChangeFeed::flush()
{
    m_timer.stop();
    if (m_queued.isEmpty()) {
        return;
    }
    const QList<Change> changes = std::exchange(m_queued, {});
    try {
        const QSqlDatabase db = m_db.connection();
        for (const QByteArray &payload : encode(changes)) {
            SqlQuery(db, u"SELECT pg_notify(:channel, :payload)"_s)
                .bind(u":channel"_s, CHANNEL)
                .bind(u":payload"_s, QString::fromUtf8(payload))
                .exec();
        }
    } catch (const StoreError &e) {
        qCWarning(lcChangeFeed).noquote() << "could not tell the other nodes what changed:" << e.message();
    }
}

bool ChangeFeed::listen()
{
    QSqlDatabase db = m_db.connection();
    if (!db.driver()->hasFeature(QSqlDriver::EventNotifications) || !db.driver()->subscribeToNotification(CHANNEL)) {
        return false;
    }
    connect(db.driver(), &QSqlDriver::notification, this, &ChangeFeed::handleNotification, Qt::UniqueConnection);
    return true;
}

void ChangeFeed::handleNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload)
{
    if (name != CHANNEL || source == QSqlDriver::SelfSource) {
        return; // this engine announced its own changes already
    }
    const QList<Change> changes = decode(payload.toString().toUtf8());
    if (!changes.isEmpty()) {
        Q_EMIT changedElsewhere(changes);
    }
}

QList<QByteArray> ChangeFeed::encode(const QList<Change> &changes, qsizetype maxBytes)
{
    QList<QByteArray> payloads;
    QJsonArray current;
    qsizetype size = 2;
    for (const Change &c : changes) {
        const QJsonArray entry{int(c.kind), int(c.op), c.sid, c.parentSid};
        const qsizetype entrySize = QJsonDocument(entry).toJson(QJsonDocument::Compact).size() + 1;
        if (!current.isEmpty() && size + entrySize > maxBytes) {
            payloads.append(QJsonDocument(current).toJson(QJsonDocument::Compact));
            current = {};
            size = 2;
        }
        current.append(entry);
        size += entrySize;
    }
    if (!current.isEmpty()) {
        payloads.append(QJsonDocument(current).toJson(QJsonDocument::Compact));
    }
    return payloads;
}

QList<Change> ChangeFeed::decode(const QByteArray &payload)
{
    QList<Change> changes;
    const QJsonArray entries = QJsonDocument::fromJson(payload).array();
    for (const QJsonValue &v : entries) {
        const QJsonArray entry = v.toArray();
        const int kind = entry.at(0).toInt(-1);
        const int op = entry.at(1).toInt(-1);
        if (entry.size() != 4 || kind < int(Change::Kind::Account) || kind > int(Change::Kind::DebuggerEvent) ||
            op < int(Change::Op::Added) || op > int(Change::Op::Removed)) {
            continue; // a newer node's kind, or noise on the channel
        }
        changes.append(Change{Change::Kind(kind), Change::Op(op), entry.at(2).toString(), entry.at(3).toString()});
    }
    return changes;
}

} // namespace Maskline
