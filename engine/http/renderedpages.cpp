#include "renderedpages.h"

#include <algorithm>

#include "httpmessage.h"

namespace Maskline {

RenderedPages::Ticket RenderedPages::ticket(const HttpRequest &request) const
{
    Ticket t;
    const QString scope = request.arg(0);
    t.key.reserve(request.account.sid.size() + request.baseUrl.size() + request.path.size() + request.query.size() + 3);
    t.key.append(request.account.sid).append(u' ').append(request.baseUrl).append(u' ').append(request.path);
    t.key.append(u'?').append(request.query);
    t.scope = scope;
    t.generation = generationOf(scope);
    t.epoch = m_epoch;
    return t;
}

std::optional<QByteArray> RenderedPages::find(const Ticket &ticket)
{
    const auto it = m_entries.find(ticket.key);
    if (it == m_entries.end()) {
        return std::nullopt;
    }
    if (it->epoch != m_epoch || it->generation != generationOf(it->scope)) {
        m_bytes -= it->body.size();
        m_entries.erase(it);
        return std::nullopt;
    }
    return it->body;
}

void RenderedPages::insert(const Ticket &ticket, QByteArray body)
{
    if (ticket.epoch != m_epoch || ticket.generation != generationOf(ticket.scope) || body.size() > MAX_BYTES / 4) {
        return; // read before a commit that changed its scope landed, or too large to be worth holding
    }
    if (const auto it = m_entries.find(ticket.key); it != m_entries.end()) {
        m_bytes -= it->body.size();
        m_entries.erase(it);
    }
    if (m_bytes + body.size() > MAX_BYTES) {
        dropOlderHalf();
    }
    m_bytes += body.size();
    m_entries.insert(ticket.key, {ticket.scope, ticket.generation, ticket.epoch, std::move(body), m_nextAge++});
}

void RenderedPages::dropOlderHalf()
{
    // Amortised O(1) per insert; stale pages go first whatever their age.
    QList<quint64> ages;
    ages.reserve(m_entries.size());
    for (const Entry &e : std::as_const(m_entries)) {
        ages.append(e.age);
    }
    quint64 cut = 0;
    if (!ages.isEmpty()) {
        auto middle = ages.begin() + ages.size() / 2;
        std::nth_element(ages.begin(), middle, ages.end());
        cut = *middle;
    }
    m_entries.removeIf([this, cut](const auto &it) {
        const Entry &e = it.value();
        const bool drop = e.age < cut || e.epoch != m_epoch || e.generation != generationOf(e.scope);
        if (drop) {
            m_bytes -= e.body.size();
        }
        return drop;
    });
}

void RenderedPages::apply(const QList<Change> &changes)
{
    for (const Change &c : changes) {
        switch (c.kind) {
        case Change::Kind::Session:
            if (c.parentSid.isEmpty()) {
                ++m_epoch; // a Session change that does not say its Service: every page may show it
            } else {
                bump(c.parentSid); // the Service the Session is listed under
            }
            break;
        case Change::Kind::Service:
            bump(c.sid);
            break;
        case Change::Kind::Account:
            ++m_epoch;
            break;
        case Change::Kind::PhoneNumber:
        case Change::Kind::Participant:
        case Change::Kind::Interaction:
        case Change::Kind::DebuggerEvent:
            break; // not part of a Session's resource (an interaction's effect on its Session comes as a Session
                   // change)
        }
    }
}

} // namespace Maskline
