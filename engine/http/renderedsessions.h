#pragma once

#include <optional>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include "store/records.h"

namespace Maskline {

// Fetched Sessions as the REST API rendered them, so a repeated GET of the same Session is answered from memory: no
// SQL, no JSON writing. Kept exact by the change notifications of every commit (Proxy::changed): a Session that
// changed is dropped, and so is everything under a Service or an account that changed or went away. Bounded: when
// full, the oldest half goes.
//
// Only a store no other process writes may use it (SQLite: this engine holds the lock file); on a PostgreSQL store
// shared by several nodes another node's commit is heard only later, so the server leaves the cache off there. And it
// is read and filled only by a GET run with no write batch open, which sees exactly what is committed (docs/
// decisions.md). One thread, the HTTP server's.
class RenderedSessions final
{
public:
    static constexpr qsizetype MAX_ENTRIES = 50'000;

    // The rendered body of this Session if it is held for this account, Service and base URL.
    std::optional<QByteArray> find(const QString &accountSid, const QString &serviceSid, const QString &sessionSid,
                                   const QString &baseUrl) const;
    void insert(const Session &session, const QString &baseUrl, QByteArray body);
    void apply(const QList<Change> &changes);
    void clear();
    qsizetype size() const { return m_entries.size(); }

private:
    struct Entry
    {
        QString accountSid;
        QString serviceSid;
        QString baseUrl;
        QByteArray body;
        quint64 age = 0;
    };
    QHash<QString, Entry> m_entries; // by Session SID
    quint64 m_next = 0;
};

} // namespace Maskline
