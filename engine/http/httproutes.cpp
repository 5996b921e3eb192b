#include <optional>

#include <QVarLengthArray>

#include "httpserver.h"

// The route table and the matching of a request's path against it.

#include "core/sid.h"
#include "formdata.h"
#include "keysapi.h"
#include "numberprovisioning.h"
#include "restapi.h"
#include "webhookroute.h"

namespace Maskline {

// THE route table. One line per operation; {Name:KS} arguments only match SIDs with that prefix. Later issues add
// their routes here (carrier webhooks as Access::Public, checking their own signatures).
QList<HttpServer::Route> HttpServer::routeTable()
{
    using M = HttpMethod;
    const auto api = [this](HttpMethod method, const char16_t *pattern, HttpReply (RestApi::*fn)(const HttpRequest &)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Account,
                     [this, fn](const HttpRequest &r) { return (m_api.get()->*fn)(r); },
                     {}};
    };
    // A list: read-only, so with no write waiting it is read and rendered on a reader thread (HttpConfig::readThreads).
    const auto list = [&api](HttpMethod method, const char16_t *pattern,
                             HttpReply (RestApi::*fn)(const HttpRequest &)) {
        Route route = api(method, pattern, fn);
        route.reader = true;
        return route;
    };
    // …whose pages are also held rendered (RenderedPages), kept exact by the change notifications of its scope.
    const auto renderedList = [&list](HttpMethod method, const char16_t *pattern,
                                      HttpReply (RestApi::*fn)(const HttpRequest &)) {
        Route route = list(method, pattern, fn);
        route.rendered = true;
        return route;
    };
    const auto keys = [this](HttpMethod method, const char16_t *pattern,
                             HttpReply (KeysApi::*fn)(const HttpRequest &)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Account,
                     [this, fn](const HttpRequest &r) { return (m_keys.get()->*fn)(r); },
                     {}};
    };
    const auto open = [this](HttpMethod method, const char16_t *pattern,
                             HttpReply (HttpServer::*fn)(const HttpRequest &)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Public,
                     [this, fn](const HttpRequest &r) { return (this->*fn)(r); },
                     {}};
    };
    // Carrier webhooks (engine/carrier/webhooks.h): Twilio's check X-Twilio-Signature themselves; the simulator's
    // take an account's HTTP Basic credentials.
    const auto carrier = [this](HttpMethod method, const char16_t *pattern, Access access) {
        return Route{method, QString::fromUtf16(pattern), access, {}, [this](const HttpRequest &r, Respond respond) {
                         WebhookRoute::handle(m_webhooks, r, std::move(respond));
                     }};
    };
    // Pool changes that may wait on the carrier's number inventory (NumberProvisioning): deferred, so a lookup never
    // holds the write batch or the requests behind it.
    const auto pool = [this](HttpMethod method, const char16_t *pattern,
                             void (NumberProvisioning::*fn)(const HttpRequest &, NumberProvisioning::Respond)) {
        return Route{method,
                     QString::fromUtf16(pattern),
                     Access::Account,
                     {},
                     [this, fn](const HttpRequest &r, Respond respond) {
                         (m_provisioning.get()->*fn)(r, std::move(respond));
                     }};
    };
    // clang-format off
    return {
        list(M::Get,    u"/v1/Services",                                                 &RestApi::listServices),
        api(M::Post,   u"/v1/Services",                                                 &RestApi::createService),
        api(M::Get,    u"/v1/Services/{Sid}",                                           &RestApi::fetchService),
        api(M::Post,   u"/v1/Services/{Sid:KS}",                                        &RestApi::updateService),
        pool(M::Delete, u"/v1/Services/{Sid:KS}",                                       &NumberProvisioning::deleteService),

        list(M::Get,    u"/v1/Services/{ServiceSid:KS}/PhoneNumbers",                    &RestApi::listPhoneNumbers),
        pool(M::Post,  u"/v1/Services/{ServiceSid:KS}/PhoneNumbers",                    &NumberProvisioning::createPhoneNumber),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/PhoneNumbers/{Sid:PN}",           &RestApi::fetchPhoneNumber),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/PhoneNumbers/{Sid:PN}",           &RestApi::updatePhoneNumber),
        pool(M::Delete, u"/v1/Services/{ServiceSid:KS}/PhoneNumbers/{Sid:PN}",          &NumberProvisioning::deletePhoneNumber),

        renderedList(M::Get, u"/v1/Services/{ServiceSid:KS}/Sessions",                   &RestApi::listSessions),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions",                        &RestApi::createSession),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{Sid}",                  &RestApi::fetchSession),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions/{Sid:KC}",               &RestApi::updateSession),
        api(M::Delete, u"/v1/Services/{ServiceSid:KS}/Sessions/{Sid:KC}",               &RestApi::deleteSession),

        list(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants",          &RestApi::listParticipants),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants",          &RestApi::createParticipant),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{Sid:KP}", &RestApi::fetchParticipant),
        api(M::Delete, u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{Sid:KP}", &RestApi::deleteParticipant),

        list(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Interactions",          &RestApi::listInteractions),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Interactions/{Sid:KI}", &RestApi::fetchInteraction),
        api(M::Delete, u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Interactions/{Sid:KI}", &RestApi::deleteInteraction),

        list(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{ParticipantSid:KP}/MessageInteractions",          &RestApi::listMessageInteractions),
        api(M::Post,   u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{ParticipantSid:KP}/MessageInteractions",          &RestApi::createMessageInteraction),
        api(M::Get,    u"/v1/Services/{ServiceSid:KS}/Sessions/{SessionSid:KC}/Participants/{ParticipantSid:KP}/MessageInteractions/{Sid:KI}", &RestApi::fetchMessageInteraction),

        list(M::Get,    u"/v1/Debugger/Events",                                          &RestApi::listDebuggerEvents),

        // Twilio's API keys (2010-04-01), so clients authenticating with SK…:secret can be set up against Maskline.
        keys(M::Get,    u"/2010-04-01/Accounts/{AccountSid:AC}/Keys.json",              &KeysApi::list),
        keys(M::Post,   u"/2010-04-01/Accounts/{AccountSid:AC}/Keys.json",              &KeysApi::create),
        keys(M::Get,    u"/2010-04-01/Accounts/{AccountSid:AC}/Keys/{Sid:SK}.json",     &KeysApi::fetch),
        keys(M::Post,   u"/2010-04-01/Accounts/{AccountSid:AC}/Keys/{Sid:SK}.json",     &KeysApi::update),
        keys(M::Delete, u"/2010-04-01/Accounts/{AccountSid:AC}/Keys/{Sid:SK}.json",     &KeysApi::remove),

        carrier(M::Post, u"/carrier/twilio/sms",                                        Access::Public),
        carrier(M::Post, u"/carrier/twilio/voice",                                      Access::Public),
        carrier(M::Post, u"/carrier/twilio/status",                                     Access::Public),
        carrier(M::Post, u"/carrier/simulator/sms",                                     Access::Account),
        carrier(M::Post, u"/carrier/simulator/voice",                                   Access::Account),

        open(M::Get,   u"/healthz",                                                     &HttpServer::healthz),
        open(M::Get,   u"/readyz",                                                      &HttpServer::readyz),
        open(M::Get,   u"/metrics",                                                     &HttpServer::metricsPage),
    };
    // clang-format on
}

void HttpServer::compileRoutes()
{
    m_routes = routeTable();
    m_compiled.clear();
    for (const Route &route : std::as_const(m_routes)) {
        CompiledRoute compiled;
        QStringList labelParts;
        const QStringList parts = route.pattern.split(u'/');
        for (const QString &part : parts) {
            Segment segment;
            const qsizetype close = part.indexOf(u'}');
            if (part.startsWith(u'{') && close > 0) {
                const QString inner = part.mid(1, close - 1);
                const qsizetype colon = inner.indexOf(u':');
                segment.isArg = true;
                segment.literal = colon < 0 ? inner : inner.left(colon);
                segment.sidPrefix = colon < 0 ? QString() : inner.mid(colon + 1);
                segment.suffix = part.mid(close + 1);
                labelParts.append(u'{' + segment.literal + u'}' + segment.suffix);
            } else {
                segment.literal = part;
                labelParts.append(part);
            }
            compiled.segments.append(segment);
        }
        compiled.label = labelParts.join(u'/');
        m_compiled.append(compiled);
    }
}

HttpServer::Match HttpServer::match(HttpMethod requested, const QString &encodedPath) const
{
    // HEAD is GET without the body (RFC 9110 9.3.2): it runs the GET route; the transport leaves the body out.
    const HttpMethod method = requested == HttpMethod::Head ? HttpMethod::Get : requested;
    Match result;
    // The path's segments as views of it: matching allocates nothing until a route fits.
    QVarLengthArray<QStringView, 16> parts;
    for (qsizetype from = 0;;) {
        const qsizetype slash = encodedPath.indexOf(u'/', from);
        parts.append(QStringView(encodedPath).sliced(from, (slash < 0 ? encodedPath.size() : slash) - from));
        if (slash < 0) {
            break;
        }
        from = slash + 1;
    }
    // Each path segment is percent-decoded once, when a route first needs it as an argument.
    QVarLengthArray<std::optional<QString>, 16> decoded(parts.size());
    const auto decodedAt = [&](qsizetype s, QStringView encoded, bool whole) {
        const auto decode = [](QStringView text) {
            return text.contains(u'%') ? FormData::decodeComponent(text.toUtf8(), false) : text.toString();
        };
        if (!whole) {
            return decode(encoded);
        }
        std::optional<QString> &once = decoded[s];
        if (!once) {
            once = decode(encoded);
        }
        return *once;
    };
    for (qsizetype i = 0; i < m_routes.size(); ++i) {
        const CompiledRoute &compiled = m_compiled.at(i);
        if (compiled.segments.size() != parts.size()) {
            continue;
        }
        // The literal segments first: most routes of the same length differ there, and they cost a comparison.
        bool shapeFits = true;
        for (qsizetype s = 0; s < parts.size() && shapeFits; ++s) {
            const Segment &segment = compiled.segments.at(s);
            shapeFits = segment.isArg || parts.at(s) == segment.literal;
        }
        if (!shapeFits) {
            continue;
        }
        const Route &route = m_routes.at(i);
        // The arguments are kept only for the route that answers: the others need only to know that they fit.
        const bool candidate = route.method == method && !result.route;
        QStringList args;
        bool typesFit = true;
        for (qsizetype s = 0; s < parts.size() && shapeFits; ++s) {
            const Segment &segment = compiled.segments.at(s);
            if (!segment.isArg) {
                continue;
            }
            QStringView encoded = parts.at(s);
            if (!segment.suffix.isEmpty()) {
                if (!encoded.endsWith(segment.suffix)) {
                    shapeFits = false;
                    continue;
                }
                encoded.chop(segment.suffix.size());
            }
            const QString value = decodedAt(s, encoded, segment.suffix.isEmpty());
            if (value.isEmpty()) {
                shapeFits = false;
                continue;
            }
            if (!segment.sidPrefix.isEmpty() && !Sid::isValid(value, segment.sidPrefix)) {
                typesFit = false;
            }
            if (candidate) {
                args.append(value);
            }
        }
        if (!shapeFits) {
            continue;
        }
        result.pathKnown = true;
        if (!result.allowed.contains(route.method)) {
            result.allowed.append(route.method);
            if (route.method == HttpMethod::Get) {
                result.allowed.append(HttpMethod::Head);
            }
        }
        if (route.method != method) {
            continue;
        }
        if (result.label.isEmpty()) {
            result.label = compiled.label;
        }
        if (typesFit && !result.route) {
            result.route = &route;
            result.label = compiled.label;
            result.args = std::move(args);
        }
    }
    return result;
}

QByteArray HttpServer::Match::allowHeader() const
{
    QByteArray header;
    for (const HttpMethod m : allowed) {
        header += (header.isEmpty() ? "" : ", ") + methodName(m).toLatin1();
    }
    return header;
}

} // namespace Maskline
