#pragma once

#include <utility>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

#include "formdata.h"
#include "store/records.h"

class QJsonObject;

namespace Maskline {

struct ApiError;

enum class HttpMethod
{
    Get,
    Post,
    Delete,
    Put,
    Patch,
    Head,
    Options,
    Other,
};
QString methodName(HttpMethod method);

// A request as route handlers see it, free of any transport type.
struct HttpRequest
{
    HttpMethod method = HttpMethod::Get;
    QString path;     // as sent, still percent-encoded (signature checks need it verbatim)
    QString query;    // as sent, still percent-encoded, without '?'
    QStringList args; // the route's path arguments, percent-decoded, in order
    FormData params;  // GET/DELETE: the query string; POST: the form body, then the query string
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;
    QString baseUrl;           // public base URL without a trailing slash, e.g. "https://proxy.example.com"
    bool baseFromHost = false; // baseUrl came from the Host header (no --public-url)
    Account account;           // the authenticated caller (routes under /v1 only)
    QString apiKeySid;         // SK… when the caller authenticated with an API key, empty with the auth token
    QHostAddress peer;         // the TCP peer (a reverse proxy, when there is one)
    QHostAddress client;       // the client: X-Forwarded-For's nearest untrusted hop behind a trusted proxy, else peer
    // Handled with no write batch open, so it sees exactly what is committed: it may be answered from (and may fill)
    // the caches of committed state kept current by change notifications.
    bool committedView = false;

    QByteArray header(QByteArrayView name) const; // case-insensitive; empty when absent
    QString arg(qsizetype i) const { return args.value(i); }
};

// What a handler answers, free of any transport type: the server writes it to the socket.
struct HttpReply
{
    int status = 200;
    QByteArray contentType;
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers;

    static HttpReply json(int status, const QJsonObject &object);
    // A body already written as JSON text (JsonWriter, JsonViews).
    static HttpReply json(int status, QByteArray jsonText);
    static HttpReply noContent(); // 204, empty body
    static HttpReply text(int status, const QByteArray &contentType, const QByteArray &body);
    // The one place an ApiError becomes HTTP: status (sanitised to 4xx/5xx), Twilio's JSON error body
    // {code, message, more_info, status}, and WWW-Authenticate on 401.
    static HttpReply error(const ApiError &error);

    HttpReply &withHeader(const QByteArray &name, const QByteArray &value);
    QByteArray header(QByteArrayView name) const;
    // Status line, headers (Content-Type, Content-Length, extras, "Connection: close" when asked) and the body,
    // which a reply to HEAD must leave out.
    QByteArray toWire(bool closeConnection, bool withBody = true) const;
};

} // namespace Maskline
