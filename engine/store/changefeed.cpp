#include "changefeed.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QSqlError>
#include <QUuid>

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
    , m_node(QUuid::createUuid().toString(QUuid::Id128).left(16))
{
    m_timer.setSingleShot(true);
    m_timer.setInterval(FLUSH_MS);
    connect(&m_timer, &QTimer::timeout, this, &ChangeFeed::flush);
}

ChangeFeed::~ChangeFeed()
{
    if (m_listenerConnection.isEmpty()) {
        return;
    }
    {
        QSqlDatabase db = QSqlDatabase::database(m_listenerConnection, false);
        db.close();
    }
    QSqlDatabase::removeDatabase(m_listenerConnection);
}

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
        for (const QByteArray &payload : encode(m_node, changes)) {
            SqlQuery q(db, u"SELECT pg_notify(:channel, :payload)"_s);
            q.bind(u":channel"_s, CHANNEL).bind(u":payload"_s, QString::fromUtf8(payload)).exec();
            while (q.next()) {
                // read to the end: the connection is left with nothing pending
            }
        }
    } catch (const StoreError &e) {
        qCWarning(lcChangeFeed).noquote() << "could not tell the other nodes what changed:" << e.message();
    }
}

bool ChangeFeed::listen()
{
    const StoreConfig &config = m_db.config();
    if (config.isSqlite() || !m_listenerConnection.isEmpty()) {
        return !m_listenerConnection.isEmpty();
    }
    const QString name = u"maskline-feed-"_s + m_node;
    QSqlDatabase db = QSqlDatabase::addDatabase(u"QPSQL"_s, name);
    db.setHostName(config.pgHost);
    db.setPort(config.pgPort);
    db.setDatabaseName(config.pgDatabase);
    db.setUserName(config.pgUser);
    db.setPassword(config.pgPassword);
    if (!db.open() || !db.driver()->subscribeToNotification(CHANNEL)) {
        qCWarning(lcChangeFeed).noquote() << "cannot listen for the other nodes' changes:" << db.lastError().text();
        db = QSqlDatabase();
        QSqlDatabase::removeDatabase(name);
        return false;
    }
    m_listenerConnection = name;
    connect(db.driver(), &QSqlDriver::notification, this, &ChangeFeed::handleNotification);
    return true;
}

void ChangeFeed::handleNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload)
{
    Q_UNUSED(source); // the listener is a connection of its own: every notification is "other" to it
    if (name != CHANNEL) {
        return;
    }
    QString node;
    const QList<Change> changes = decode(payload.toString().toUtf8(), &node);
    if (node != m_node && !changes.isEmpty()) { // this engine announced its own changes already
        Q_EMIT changedElsewhere(changes);
    }
}

QList<QByteArray> ChangeFeed::encode(const QString &node, const QList<Change> &changes, qsizetype maxBytes)
{
    QList<QByteArray> payloads;
    const auto payload = [&node](const QJsonArray &entries) {
        return QJsonDocument(QJsonObject{{u"node"_s, node}, {u"changes"_s, entries}}).toJson(QJsonDocument::Compact);
    };
    const qsizetype frame = payload({}).size();
    QJsonArray current;
    qsizetype size = frame;
    for (const Change &c : changes) {
        const QJsonArray entry{int(c.kind), int(c.op), c.sid, c.parentSid};
        const qsizetype entrySize = QJsonDocument(entry).toJson(QJsonDocument::Compact).size() + 1;
        if (!current.isEmpty() && size + entrySize > maxBytes) {
            payloads.append(payload(current));
            current = {};
            size = frame;
        }
        current.append(entry);
        size += entrySize;
    }
    if (!current.isEmpty()) {
        payloads.append(payload(current));
    }
    return payloads;
}

QList<Change> ChangeFeed::decode(const QByteArray &payload, QString *node)
{
    QList<Change> changes;
    const QJsonObject message = QJsonDocument::fromJson(payload).object();
    if (node) {
        *node = message.value(u"node"_s).toString();
    }
    const QJsonArray entries = message.value(u"changes"_s).toArray();
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
