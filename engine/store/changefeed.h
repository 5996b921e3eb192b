#pragma once

#include <QList>
#include <QObject>
#include <QSqlDriver>
#include <QTimer>

#include "store/records.h"

namespace Maskline {

class Database;

// What changed, told to the other engines on a shared PostgreSQL store (LISTEN/NOTIFY on channel "maskline_changes"),
// so a console that opens the deployment shows the fleet's changes live, not only its own engine's. Changes are
// coalesced: at most one NOTIFY per FLUSH_MS per node, split to fit PostgreSQL's 8000-byte payload. Notifications are
// delivered only after their transaction commits and are lost when no one listens: they are a hint to re-read, the
// store stays the truth.
class ChangeFeed final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ChangeFeed)

public:
    static constexpr int FLUSH_MS = 200;

    explicit ChangeFeed(Database &db, QObject *parent = nullptr);
    ~ChangeFeed() override;

    // Queues changes for the other nodes (sent within FLUSH_MS).
    void publish(const QList<Change> &changes);
    // Sends what is queued now. Throws nothing: a failed NOTIFY is logged and dropped.
    void flush();
    // Opens a connection of its own that only LISTENs (the engine's connection leaves a statement's unread rows in
    // libpq, which holds back the notifications behind them); changedElsewhere() then reports every other node's
    // changes. False when that connection cannot be opened or cannot listen (not PostgreSQL).
    bool listen();

    // Encoding of a payload (exposed for tests): {"node": id, "changes": [[kind, op, sid, parentSid], …]}. decode()
    // gives the sending node's id through `node`.
    static QList<QByteArray> encode(const QString &node, const QList<Change> &changes, qsizetype maxBytes = 7900);
    static QList<Change> decode(const QByteArray &payload, QString *node = nullptr);

Q_SIGNALS:
    void changedElsewhere(const QList<Maskline::Change> &changes);

private:
    void handleNotification(const QString &name, QSqlDriver::NotificationSource source, const QVariant &payload);

    Database &m_db;
    QString m_node;               // this feed's id, so it ignores its own notifications
    QString m_listenerConnection; // the LISTEN connection's name, once open
    QList<Change> m_queued;
    QTimer m_timer;
};

} // namespace Maskline
