#pragma once

#include <optional>

#include <QByteArray>
#include <QHash>
#include <QList>
#include <QString>

#include "store/records.h"

namespace Maskline {

struct HttpRequest;

// List pages as the REST API rendered them (today: a Service's Sessions), so a repeated GET of the same page is
// answered from memory: no SQL, no JSON writing. A page is held under everything its body depends on (account, base
// URL, path and query as sent) and belongs to one scope, the Service whose Sessions it lists. Kept exact by the change
// notifications of every commit: a change to one of a Service's Sessions, or to the Service, makes every page of that
// Service stale; a change to an account makes every page stale. Bounded by bytes: when full, the older half goes.
//
// A page read on a reader thread is kept only if nothing in its scope changed between the moment the request was
// taken (its Ticket) and the moment its reply came back: then what it read is what is committed now. The same rules
// as RenderedSessions otherwise: only a store no other process writes, only requests with no write batch open
// (HttpRequest::committedView), one thread, the HTTP server's.
class RenderedPages final
{
public:
    static constexpr qsizetype MAX_BYTES = qsizetype(64) << 20;

    struct Ticket
    {
        QString key;
        QString scope;
        quint64 generation = 0; // the scope's, when the request was taken
        quint64 epoch = 0;
    };

    // What a request's page is held under; scope is the Service SID (the route's first argument).
    Ticket ticket(const HttpRequest &request) const;
    // The rendered body for this ticket's page if it is held and nothing in its scope changed since it was.
    std::optional<QByteArray> find(const Ticket &ticket);
    // Holds body for the ticket's page, unless its scope changed since the ticket was taken.
    void insert(const Ticket &ticket, QByteArray body);
    void apply(const QList<Change> &changes);

    qsizetype size() const { return m_entries.size(); }
    qsizetype bytes() const { return m_bytes; }

private:
    struct Entry
    {
        QString scope;
        quint64 generation = 0;
        quint64 epoch = 0;
        QByteArray body;
        quint64 age = 0;
    };
    quint64 generationOf(const QString &scope) const { return m_generations.value(scope, 0); }
    void bump(const QString &scope) { m_generations.insert(scope, ++m_counter); }
    void dropOlderHalf();

    QHash<QString, Entry> m_entries; // by Ticket::key
    // Each scope's generation: the counter's value at its last change (0: unchanged since start). Never removed, so
    // a scope that went away can never come back to a generation a held page was filled at.
    QHash<QString, quint64> m_generations;
    quint64 m_counter = 0;
    quint64 m_epoch = 0; // moves on every account change
    quint64 m_nextAge = 0;
    qsizetype m_bytes = 0;
};

} // namespace Maskline
