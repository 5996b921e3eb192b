#include "callbackclient.h"

#include <memory>

#include <QHostInfo>
#include <QLoggingCategory>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPointer>
#include <QTimer>
#include <QUrl>

#include "carrier/signature.h"
#include "core/redact.h"
#include "routing/traffic.h"

Q_LOGGING_CATEGORY(lcCallbackClient, "maskline.callbacks.client", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace {

constexpr qsizetype SUMMARY_BODY = 4096;

} // namespace

QString CallbackResponse::describe() const
{
    if (status != 0) {
        return u"HTTP %1"_s.arg(status);
    }
    return error.isEmpty() ? u"no answer"_s : error;
}

QString CallbackResponse::summary() const
{
    if (status == 0) {
        return describe();
    }
    QString text = u"HTTP %1"_s.arg(status);
    if (!contentType.isEmpty()) {
        text += u" ("_s + QString::fromLatin1(contentType.left(200)) + u')';
    }
    if (!body.isEmpty()) {
        text += u"\n"_s + QString::fromUtf8(body.left(SUMMARY_BODY));
        if (body.size() > SUMMARY_BODY) {
            text += u"…"_s;
        }
    }
    return text;
}

CallbackClient::CallbackClient(QObject *parent)
    : QObject(parent)
{
    // Callback URLs are the customer's: never send them through a proxy the environment happens to name.
    m_network.setProxy(QNetworkProxy::NoProxy);
}

CallbackClient::~CallbackClient() = default;

QString CallbackClient::requestUrl(const QString &url)
{
    QUrl parsed(url, QUrl::StrictMode);
    if (!parsed.isValid()) {
        return url;
    }
    parsed.setUserInfo(QString());
    if (parsed.path().isEmpty()) {
        parsed.setPath(u"/"_s);
    }
    parsed.setFragment(QString());
    return parsed.toString(QUrl::FullyEncoded);
}

void CallbackClient::post(const CallbackRequest &request, Done done)
{
    CallbackResponse base;
    base.url = requestUrl(request.url);
    base.form = formEncode(request.params);

    const QUrl target(base.url, QUrl::StrictMode);
    const QString scheme = target.scheme().toLower();
    if (!target.isValid() || target.host().isEmpty() || (scheme != u"http"_s && scheme != u"https"_s)) {
        base.error = u"the callback URL is not an absolute http or https URL"_s;
        done(base);
        return;
    }
    if (!m_addressCheck) {
        send(request, std::move(base), std::move(done));
        return;
    }
    // The host is resolved first and its addresses checked, so a name that points at this server or (with
    // --callback-targets public) at an internal address is never called. The request that follows finds the answer
    // in Qt's host cache, so the two see the same addresses unless the record changes in between.
    const QHostAddress literal(target.host());
    if (!literal.isNull()) {
        const QString why = m_addressCheck(target, {literal});
        if (!why.isEmpty()) {
            base.error = u"refused: the callback URL %1"_s.arg(why);
            done(base);
            return;
        }
        send(request, std::move(base), std::move(done));
        return;
    }
    QHostInfo::lookupHost(
        target.host(), this,
        [this, request, base = std::move(base), done = std::move(done), target](const QHostInfo &info) {
            CallbackResponse response = base;
            if (info.error() != QHostInfo::NoError || info.addresses().isEmpty()) {
                response.error = u"cannot resolve %1: %2"_s.arg(target.host(), info.errorString());
                done(response);
                return;
            }
            const QString why = m_addressCheck(target, info.addresses());
            if (!why.isEmpty()) {
                response.error = u"refused: the callback URL's host %1"_s.arg(why);
                done(response);
                return;
            }
            send(request, std::move(response), done);
        });
}

void CallbackClient::send(const CallbackRequest &request, CallbackResponse base, Done done)
{
    const QUrl configured(request.url, QUrl::StrictMode);
    const QUrl target(base.url, QUrl::StrictMode);
    QNetworkRequest r(target);
    r.setHeader(QNetworkRequest::ContentTypeHeader,
                QByteArrayLiteral("application/x-www-form-urlencoded; charset=utf-8"));
    r.setRawHeader("X-Twilio-Signature", TwilioSignature::compute(request.authToken, base.url, request.params));
    r.setRawHeader("User-Agent", USER_AGENT.toByteArray());
    r.setRawHeader("Accept", "*/*");
    if (!request.idempotencyToken.isEmpty()) {
        r.setRawHeader("I-Twilio-Idempotency-Token", request.idempotencyToken);
    }
    if (!configured.userName().isEmpty()) {
        r.setRawHeader("Authorization",
                       "Basic " + (configured.userName() + u':' + configured.password()).toUtf8().toBase64());
    }
    r.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);

    QNetworkReply *reply = m_network.post(r, base.form.toLatin1());
    struct State
    {
        bool timedOut = false;
        bool tooLarge = false;
    };
    auto state = std::make_shared<State>();
    auto *timer = new QTimer(reply);
    timer->setSingleShot(true);
    connect(timer, &QTimer::timeout, reply, [reply, state]() {
        state->timedOut = true;
        reply->abort();
    });
    timer->start(std::max(1, request.timeoutMs));
    // A server that streams an endless answer is cut off at MAX_BODY instead of filling memory.
    connect(reply, &QNetworkReply::readyRead, reply, [reply, state]() {
        if (reply->bytesAvailable() > MAX_BODY && !state->tooLarge) {
            state->tooLarge = true;
            reply->abort();
        }
    });
    const int timeoutMs = request.timeoutMs;
    connect(reply, &QNetworkReply::finished, this, [reply, state, base, timeoutMs, done = std::move(done)]() {
        reply->deleteLater();
        CallbackResponse response = base;
        response.timedOut = state->timedOut;
        response.tooLarge = state->tooLarge;
        const QVariant status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute);
        if (state->timedOut) {
            response.error = u"no answer within %1 ms"_s.arg(timeoutMs);
        } else if (state->tooLarge) {
            response.error = u"the answer was longer than %1 bytes"_s.arg(MAX_BODY);
        } else if (!status.isValid()) {
            response.error = u"cannot connect: %1"_s.arg(reply->errorString());
        } else {
            response.status = status.toInt();
            response.contentType = reply->header(QNetworkRequest::ContentTypeHeader).toByteArray();
            response.body = reply->isOpen() ? reply->read(MAX_BODY) : QByteArray();
        }
        qCDebug(lcCallbackClient).noquote()
            << "POST" << redactText(response.url) << "->" << redactText(response.describe());
        done(response);
    });
}

} // namespace Maskline
