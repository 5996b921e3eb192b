#include "routingcontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QUrl>

#include "carrier/carrier.h"
#include "core/redact.h"
#include "debugger/debugger.h"
#include "proxy/proxy.h"
#include "store/database.h"

Q_LOGGING_CATEGORY(lcRouter, "maskline.routing", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

RoutingContext::RoutingContext(QObject *owner, Proxy &proxy, Carrier &carrier, Outbox &outbox, Debugger *debugger,
                               RouterConfig config, std::function<void(const RouteResult &)> routed)
    : owner(owner)
    , proxy(proxy)
    , carrier(carrier)
    , outbox(outbox)
    , debugger(debugger)
    , config(std::move(config))
    , hooks(&defaultHooks)
    , routed(std::move(routed))
{
    while (this->config.publicUrl.endsWith(u'/')) {
        this->config.publicUrl.chop(1);
    }
}

QSqlDatabase RoutingContext::db() const
{
    return proxy.database().connection();
}

void RoutingContext::raise(RouteResult &result, DebuggerEvent event) const
{
    if (event.accountSid.isEmpty()) {
        event.accountSid = result.accountSid;
    }
    if (event.serviceSid.isEmpty()) {
        event.serviceSid = result.serviceSid;
    }
    if (event.sessionSid.isEmpty()) {
        event.sessionSid = result.sessionSid;
    }
    // The carrier request that caused it (the webhook's URL and form), unless the event names another exchange.
    if (event.requestUrl.isEmpty() && event.requestVariables.isEmpty() &&
        (!result.requestUrl.isEmpty() || !result.requestVariables.isEmpty())) {
        event.requestMethod = u"POST"_s;
        event.requestUrl = result.requestUrl;
        event.requestVariables = result.requestVariables;
    }
    result.debuggerCodes.append(event.code);
    if (debugger) {
        debugger->record(event);
    } else {
        // The message quotes numbers and keywords; its code and SIDs say what happened.
        qCInfo(lcRouter).noquote() << "debugger event" << event.code << "resource" << event.resourceSid;
    }
}

RouteResult RoutingContext::finish(RouteResult result) const
{
    // The detail names numbers (masked here) and, for an opt-out, the keyword: that is the message's text.
    if (result.outcome == RouteResult::Outcome::OptOut) {
        qCInfo(lcRouter).noquote() << "routed:" << sidsIn(result.detail).join(u' ')
                                   << "is an opt-out or opt-in keyword: not forwarded";
    } else {
        qCInfo(lcRouter).noquote() << "routed:" << redactText(result.detail);
    }
    if (routed) {
        routed(result);
    }
    return result;
}

QString RoutingContext::statusCallbackUrl(const QString &base, const QString &interactionSid) const
{
    const QString path = carrier.statusCallbackPath();
    QString root = config.publicUrl.isEmpty() ? base : config.publicUrl;
    while (root.endsWith(u'/')) {
        root.chop(1);
    }
    if (path.isEmpty() || root.isEmpty()) {
        return {};
    }
    return root + path + u"?interaction="_s + interactionSid;
}

QString InboundTraffic::kind() const
{
    return isCall ? u"call"_s : u"message"_s;
}

namespace Routing {

const QString TYPE_MESSAGE = u"Message"_s;
const QString TYPE_CALL = u"Call"_s;

QString jsonText(const QJsonObject &object)
{
    return QString::fromUtf8(QJsonDocument(object).toJson(QJsonDocument::Compact));
}

QString messageData(const QString &body, const QStringList &mediaUrls)
{
    QJsonObject data{{u"body"_s, body}};
    if (!mediaUrls.isEmpty()) {
        data.insert(u"media_urls"_s, QJsonArray::fromStringList(mediaUrls));
    }
    return jsonText(data);
}

QStringList usableMediaUrls(const QStringList &urls)
{
    QStringList result;
    for (const QString &url : urls) {
        const QUrl parsed(url, QUrl::StrictMode);
        const QString scheme = parsed.scheme().toLower();
        if (parsed.isValid() && !parsed.host().isEmpty() && (scheme == u"https"_s || scheme == u"http"_s)) {
            result.append(url);
        }
        if (result.size() == MAX_MEDIA) {
            break;
        }
    }
    return result;
}

std::optional<Participant> partnerOf(const QList<Participant> &participants, const QString &participantSid)
{
    for (const Participant &p : participants) {
        if (p.sid != participantSid && !p.dateDeleted.isValid()) {
            return p;
        }
    }
    return std::nullopt;
}

} // namespace Routing
} // namespace Maskline
