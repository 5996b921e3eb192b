#pragma once

#include <memory>

#include <QList>

#include "core/result.h"
#include "httpmessage.h"
#include "store/records.h"

namespace Maskline {

class Debugger;
class Proxy;
class RenderedPages;
class RenderedSessions;
class Router;

// One element of Session create's `Participants` (the JSON object of one participant); refusals are 80701 errors
// naming `Participants` and the element's index. Declared here for the fuzz target (tests/fuzz).
Result<ParticipantParams> readParticipantJson(const QString &text, qsizetype index);

// The Proxy v1 REST operations (twilio_proxy_v1.json, 25 operations): form parameters in, Proxy calls, schema JSON
// out. No transport here: the server matches the route, authenticates and rate-limits, then calls one of these with
// the path arguments in order. Every refusal is an ApiError turned into HTTP by HttpReply::error().
class RestApi final
{
public:
    // PageToken is opaque to clients and shaped like Twilio's: "PA" + the last row id of a page asks for the page
    // after it (next_page_url), "PB" + the first row id for the page before it (previous_page_url). "PT" + id, the
    // form earlier versions issued, still reads as "PA".
    struct PageCursor
    {
        bool before = false;
        qint64 id = 0;
        friend bool operator==(const PageCursor &, const PageCursor &) = default;
    };
    static QString encodePageToken(qint64 lastId);
    static QString encodePreviousPageToken(qint64 firstId);
    static std::optional<PageCursor> decodePageToken(const QString &token);

    explicit RestApi(Proxy &proxy, Debugger *debugger = nullptr);
    ~RestApi();
    RestApi(const RestApi &) = delete;
    RestApi &operator=(const RestApi &) = delete;

    // Services: /v1/Services[/{Sid}]
    HttpReply listServices(const HttpRequest &r);
    HttpReply createService(const HttpRequest &r);
    HttpReply fetchService(const HttpRequest &r);
    HttpReply updateService(const HttpRequest &r);
    HttpReply deleteService(const HttpRequest &r);

    // Phone numbers: /v1/Services/{ServiceSid}/PhoneNumbers[/{Sid}]
    HttpReply listPhoneNumbers(const HttpRequest &r);
    HttpReply createPhoneNumber(const HttpRequest &r);
    HttpReply fetchPhoneNumber(const HttpRequest &r);
    HttpReply updatePhoneNumber(const HttpRequest &r);
    HttpReply deletePhoneNumber(const HttpRequest &r);

    // Sessions: /v1/Services/{ServiceSid}/Sessions[/{Sid}]
    HttpReply listSessions(const HttpRequest &r);
    HttpReply createSession(const HttpRequest &r);
    HttpReply fetchSession(const HttpRequest &r);
    HttpReply updateSession(const HttpRequest &r);
    HttpReply deleteSession(const HttpRequest &r);

    // Participants: …/Sessions/{SessionSid}/Participants[/{Sid}]
    HttpReply listParticipants(const HttpRequest &r);
    HttpReply createParticipant(const HttpRequest &r);
    HttpReply fetchParticipant(const HttpRequest &r);
    HttpReply deleteParticipant(const HttpRequest &r);

    // Interactions: …/Sessions/{SessionSid}/Interactions[/{Sid}]
    HttpReply listInteractions(const HttpRequest &r);
    HttpReply fetchInteraction(const HttpRequest &r);
    HttpReply deleteInteraction(const HttpRequest &r);

    // Message interactions: …/Participants/{ParticipantSid}/MessageInteractions[/{Sid}]
    HttpReply listMessageInteractions(const HttpRequest &r);
    HttpReply createMessageInteraction(const HttpRequest &r);
    HttpReply fetchMessageInteraction(const HttpRequest &r);

    // Maskline extension: the account's debugger events, Monitor-Alert shaped (docs/api.md).
    HttpReply listDebuggerEvents(const HttpRequest &r);

    // MessageInteractions send through the engine's router (none: they are refused).
    void setRouter(Router *router) { m_router = router; }

    // Whether a fetched Session is answered from its rendered copy (RenderedSessions) and a page of a Service's
    // Sessions from its rendered page (RenderedPages): only for a store no other process writes. Off by default.
    void setRenderedSessionsCached(bool cached);
    // The rendered list pages, for the server to answer from and fill around its reader threads; null when off.
    RenderedPages *renderedPages() { return m_renderedPages.get(); }
    // Every commit's changes, so what is held in memory stays exact.
    void apply(const QList<Change> &changes);

private:
    // Callback URLs may not point at Maskline itself: a base URL learnt from a request's Host header counts as own.
    void rememberOwnBase(const HttpRequest &r);

    Proxy &m_proxy;
    Debugger *m_debugger;
    Router *m_router = nullptr;
    std::unique_ptr<RenderedSessions> m_renderedSessions; // null: fetches always read the store
    std::unique_ptr<RenderedPages> m_renderedPages;       // null: lists always read the store
    int m_learntBases = 0;
};

} // namespace Maskline
