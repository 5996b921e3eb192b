#include "webhookroute.h"

#include "carrierwebhooks.h"
#include "core/apierror.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline::WebhookRoute {

namespace {

QString carrierBase(const HttpRequest &request)
{
    QString base = request.baseUrl;
    if (request.baseFromHost && base.startsWith(u"http://"_s) &&
        request.header("x-forwarded-proto").trimmed().compare("https", Qt::CaseInsensitive) == 0) {
        base = u"https://"_s + base.mid(7);
    }
    return base;
}

} // namespace

QString carrierUrl(const HttpRequest &request)
{
    return carrierBase(request) + request.path + (request.query.isEmpty() ? QString() : u'?' + request.query);
}

void handle(CarrierWebhooks *webhooks, const HttpRequest &request, std::function<void(HttpReply reply)> respond)
{
    if (!webhooks) {
        respond(HttpReply::error(ApiError::notFound(request.path)));
        return;
    }
    WebhookRequest w;
    w.method = methodName(request.method);
    w.path = request.path;
    w.url = carrierUrl(request);
    w.baseUrl = carrierBase(request);
    w.headers = request.headers;
    w.form = FormData::parse(request.body).items();
    w.query = FormData::parse(request.query.toUtf8()).items();
    w.body = request.body;
    w.accountSid = request.account.sid;
    webhooks->handle(w, [respond = std::move(respond)](const WebhookResponse &response) {
        if (response.status == 204) {
            respond(HttpReply::noContent());
            return;
        }
        respond(HttpReply::text(response.status, response.contentType, response.body));
    });
}

} // namespace Maskline::WebhookRoute
