#include "renderedsessions.h"

#include <algorithm>

namespace Maskline {

std::optional<QByteArray> RenderedSessions::find(const QString &accountSid, const QString &serviceSid,
                                                 const QString &sessionSid, const QString &baseUrl) const
{
    const auto it = m_entries.constFind(sessionSid);
    if (it == m_entries.cend() || it->accountSid != accountSid || it->serviceSid != serviceSid ||
        it->baseUrl != baseUrl) {
        return std::nullopt;
    }
    return it->body;
}

void RenderedSessions::insert(const Session &session, const QString &baseUrl, QByteArray body)
{
    if (m_entries.size() >= MAX_ENTRIES && !m_entries.contains(session.sid)) {
        // Drop the older half: amortised O(1) per insert, and what is fetched again comes back on its next miss.
        QList<quint64> ages;
        ages.reserve(m_entries.size());
        for (const Entry &e : std::as_const(m_entries)) {
            ages.append(e.age);
        }
        auto middle = ages.begin() + ages.size() / 2;
        std::nth_element(ages.begin(), middle, ages.end());
        const quint64 cut = *middle;
        m_entries.removeIf([cut](const auto &it) { return it.value().age < cut; });
    }
    m_entries.insert(session.sid, {session.accountSid, session.serviceSid, baseUrl, std::move(body), m_next++});
}

void RenderedSessions::apply(const QList<Change> &changes)
{
    for (const Change &c : changes) {
        switch (c.kind) {
        case Change::Kind::Session:
            m_entries.remove(c.sid);
            break;
        case Change::Kind::Service:
            // A Service going away takes its Sessions with it.
            m_entries.removeIf([&c](const auto &it) { return it.value().serviceSid == c.sid; });
            break;
        case Change::Kind::Account:
            m_entries.removeIf([&c](const auto &it) { return it.value().accountSid == c.sid; });
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

void RenderedSessions::clear()
{
    m_entries.clear();
}

} // namespace Maskline
