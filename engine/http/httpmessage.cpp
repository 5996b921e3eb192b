#include "httpmessage.h"

#include <QJsonDocument>
#include <QJsonObject>

#include "core/apierror.h"
#include "jsonviews.h"

namespace Maskline {

namespace {

QByteArray reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return QByteArrayLiteral("Continue");
    case 200:
        return QByteArrayLiteral("OK");
    case 201:
        return QByteArrayLiteral("Created");
    case 204:
        return QByteArrayLiteral("No Content");
    case 400:
        return QByteArrayLiteral("Bad Request");
    case 401:
        return QByteArrayLiteral("Unauthorized");
    case 403:
        return QByteArrayLiteral("Forbidden");
    case 404:
        return QByteArrayLiteral("Not Found");
    case 405:
        return QByteArrayLiteral("Method Not Allowed");
    case 409:
        return QByteArrayLiteral("Conflict");
    case 411:
        return QByteArrayLiteral("Length Required");
    case 413:
        return QByteArrayLiteral("Payload Too Large");
    case 414:
        return QByteArrayLiteral("URI Too Long");
    case 429:
        return QByteArrayLiteral("Too Many Requests");
    case 431:
        return QByteArrayLiteral("Request Header Fields Too Large");
    case 500:
        return QByteArrayLiteral("Internal Server Error");
    case 502:
        return QByteArrayLiteral("Bad Gateway");
    case 503:
        return QByteArrayLiteral("Service Unavailable");
    default:
        return QByteArrayLiteral("Status");
    }
}

const QByteArray JSON_TYPE = QByteArrayLiteral("application/json");

} // namespace

QString methodName(HttpMethod method)
{
    switch (method) {
    case HttpMethod::Get:
        return QStringLiteral("GET");
    case HttpMethod::Post:
        return QStringLiteral("POST");
    case HttpMethod::Delete:
        return QStringLiteral("DELETE");
    case HttpMethod::Put:
        return QStringLiteral("PUT");
    case HttpMethod::Patch:
        return QStringLiteral("PATCH");
    case HttpMethod::Head:
        return QStringLiteral("HEAD");
    case HttpMethod::Options:
        return QStringLiteral("OPTIONS");
    case HttpMethod::Other:
        break;
    }
    return QStringLiteral("OTHER");
}

QByteArray HttpRequest::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0) {
            return value;
        }
    }
    return {};
}

QByteArray HttpReply::header(QByteArrayView name) const
{
    for (const auto &[key, value] : headers) {
        if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0) {
            return value;
        }
    }
    return {};
}

HttpReply HttpReply::json(int status, const QJsonObject &object)
{
    HttpReply r;
    r.status = status;
    r.contentType = JSON_TYPE;
    r.body = QJsonDocument(object).toJson(QJsonDocument::Compact);
    return r;
}

HttpReply HttpReply::json(int status, QByteArray jsonText)
{
    HttpReply r;
    r.status = status;
    r.contentType = JSON_TYPE;
    r.body = std::move(jsonText);
    return r;
}

HttpReply HttpReply::noContent()
{
    HttpReply r;
    r.status = 204;
    return r;
}

HttpReply HttpReply::text(int status, const QByteArray &contentType, const QByteArray &body)
{
    HttpReply r;
    r.status = status;
    r.contentType = contentType;
    r.body = body;
    return r;
}

HttpReply HttpReply::error(const ApiError &error)
{
    ApiError e = error;
    if (e.status < 400 || e.status > 599) {
        e.status = 500;
    }
    HttpReply r = json(e.status, JsonViews::error(e));
    if (e.status == 401) {
        r.withHeader(QByteArrayLiteral("WWW-Authenticate"), QByteArrayLiteral("Basic realm=\"Maskline\""));
    }
    return r;
}

HttpReply &HttpReply::withHeader(const QByteArray &name, const QByteArray &value)
{
    headers.append({name, value});
    return *this;
}

QByteArray HttpReply::toWire(bool closeConnection, bool withBody) const
{
    QByteArray out;
    out.reserve(body.size() + 256);
    out += "HTTP/1.1 " + QByteArray::number(status) + ' ' + reasonPhrase(status) + "\r\n";
    if (!contentType.isEmpty()) {
        out += "Content-Type: " + contentType + "\r\n";
    }
    if (status != 204) {
        out += "Content-Length: " + QByteArray::number(body.size()) + "\r\n";
    }
    for (const auto &[name, value] : headers) {
        out += name + ": " + value + "\r\n";
    }
    if (closeConnection) {
        out += "Connection: close\r\n";
    }
    out += "\r\n";
    if (status != 204 && withBody) {
        out += body;
    }
    return out;
}

} // namespace Maskline
