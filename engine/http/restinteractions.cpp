#include "proxy/proxy.h"
#include "restapi.h"
#include "restapi_p.h"
#include "routing/router.h"

namespace Maskline {

using namespace RestDetail;

namespace {

constexpr qsizetype MAX_MESSAGE_BODY = 1600; // the carrier's limit for one message body

} // namespace

// --- Interactions ---------------------------------------------------------------------------------------------------

HttpReply RestApi::listInteractions(const HttpRequest &r)
{
    return listReply<Interaction>(
        r, QStringLiteral("interactions"), ApiPaths::interactions(r.arg(0), r.arg(1)),
        [&](const PageRequest &page) { return m_proxy.listInteractions(r.account.sid, r.arg(0), r.arg(1), page); },
        JsonViews::interaction);
}

HttpReply RestApi::fetchInteraction(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(2)), 200, r.baseUrl,
                     JsonViews::interaction);
}

HttpReply RestApi::deleteInteraction(const HttpRequest &r)
{
    return replyEmpty(m_proxy.deleteInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(2)));
}

// --- Message interactions -------------------------------------------------------------------------------------------

HttpReply RestApi::listMessageInteractions(const HttpRequest &r)
{
    // Check the participant exists (and belongs to this session and account) so a bad SID is a 404, not an empty list.
    const Result<Participant> participant = m_proxy.fetchParticipant(r.account.sid, r.arg(0), r.arg(1), r.arg(2));
    if (!participant) {
        return HttpReply::error(participant.error());
    }
    return listReply<Interaction>(
        r, QStringLiteral("interactions"), ApiPaths::messageInteractions(r.arg(0), r.arg(1), r.arg(2)),
        [&](const PageRequest &page) {
            return m_proxy.listInteractions(r.account.sid, r.arg(0), r.arg(1), page, r.arg(2));
        },
        JsonViews::messageInteraction);
}

HttpReply RestApi::fetchMessageInteraction(const HttpRequest &r)
{
    return replyWith(m_proxy.fetchInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(3), r.arg(2)), 200, r.baseUrl,
                     JsonViews::messageInteraction);
}

HttpReply RestApi::createMessageInteraction(const HttpRequest &r)
{
    const QString body = r.params.value(QStringLiteral("Body")).value_or(QString());
    if (body.isEmpty()) {
        if (r.params.contains(QStringLiteral("MediaUrl"))) {
            return HttpReply::error(ApiError::invalidParameter(
                QStringLiteral("MediaUrl"), QStringLiteral("is not supported (reserved); send a Body")));
        }
        return HttpReply::error(required(QStringLiteral("Body")));
    }
    if (body.size() > MAX_MESSAGE_BODY) {
        return HttpReply::error(ApiError::make(
            21617, 400,
            QStringLiteral("The concatenated message body exceeds the %1 character limit").arg(MAX_MESSAGE_BODY)));
    }

    if (!m_router) {
        return HttpReply::error(ApiError::make(80502, 503,
                                               QStringLiteral("No carrier is configured on this server: messages "
                                                              "cannot be sent")));
    }
    // The addressed participant receives the text on their identifier from their proxy number, through the same
    // outbox and carrier as forwarded traffic (closed 80607, voice-only 80910, removed participant 80405).
    return replyWith(m_router->sendMessageInteraction(r.account.sid, r.arg(0), r.arg(1), r.arg(2), body, {}, r.baseUrl),
                     200, r.baseUrl, JsonViews::messageInteraction);
}

} // namespace Maskline
