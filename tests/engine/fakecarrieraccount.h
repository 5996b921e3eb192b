#pragma once

// A fake Twilio account's number inventory on loopback, for the carrier-number tests: IncomingPhoneNumbers fetch by
// SID, list with ?PhoneNumber=, update (POST), and Messages create. It keeps the numbers' state (webhooks change on
// POST), records every request byte for byte, checks HTTP Basic, and lets a test fail or stall any request.

#include <functional>
#include <memory>
#include <optional>

#include <QByteArray>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QMap>
#include <QTcpServer>
#include <QTcpSocket>
#include <QUrlQuery>

#include "core/sid.h"
#include "rawhttprequest.h"

namespace Maskline::Testing {

class FakeCarrierAccount final
{
public:
    struct Response
    {
        int status = 200;
        QByteArray body;
        bool hang = false; // never answer (timeout tests)
    };
    struct Number
    {
        QString sid;
        QString phoneNumber;
        bool voice = true;
        bool sms = true;
        bool mms = true;
        bool fax = false;
        QString smsUrl;
        QString smsMethod;
        QString voiceUrl;
        QString voiceMethod;
    };

    QString accountSid;
    QString authToken;
    QMap<QString, Number> numbers; // by SID
    QList<RawHttpRequest> requests;
    // Consulted first for every request: an answer here replaces the fake's own (failure injection).
    std::function<std::optional<Response>(const RawHttpRequest &)> override;

    FakeCarrierAccount(QString account, QString token)
        : accountSid(std::move(account))
        , authToken(std::move(token))
    {
        m_server = std::make_unique<QTcpServer>();
        if (!m_server->listen(QHostAddress::LocalHost, 0)) {
            qFatal("fake carrier cannot listen");
        }
        QObject::connect(m_server.get(), &QTcpServer::newConnection, m_server.get(), [this]() {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer]() {
                    buffer->append(socket->readAll());
                    while (auto request = RawHttpRequest::take(*buffer)) {
                        serve(socket, std::move(*request));
                    }
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(m_server->serverPort()); }

    Number &add(const QString &phoneNumber)
    {
        Number n;
        n.sid = Sid::generate(Sid::PHONE_NUMBER);
        n.phoneNumber = phoneNumber;
        return numbers[n.sid] = n;
    }

    // The requests whose method and path (without query) match.
    QList<RawHttpRequest> seen(const QByteArray &method, const QByteArray &pathSuffix) const
    {
        QList<RawHttpRequest> found;
        for (const RawHttpRequest &r : requests) {
            if (r.method == method && r.target.split('?').value(0).endsWith(pathSuffix)) {
                found.append(r);
            }
        }
        return found;
    }

    static QJsonObject json(const Number &n)
    {
        return QJsonObject{
            {QStringLiteral("sid"), n.sid},
            {QStringLiteral("account_sid"), QStringLiteral("AC")},
            {QStringLiteral("friendly_name"), QStringLiteral("(415) fake")},
            {QStringLiteral("phone_number"), n.phoneNumber},
            {QStringLiteral("capabilities"), QJsonObject{{QStringLiteral("voice"), n.voice},
                                                         {QStringLiteral("sms"), n.sms},
                                                         {QStringLiteral("mms"), n.mms},
                                                         {QStringLiteral("fax"), n.fax}}},
            {QStringLiteral("sms_url"), n.smsUrl},
            {QStringLiteral("sms_method"), n.smsMethod},
            {QStringLiteral("voice_url"), n.voiceUrl},
            {QStringLiteral("voice_method"), n.voiceMethod},
        };
    }

private:
    static QByteArray text(const QJsonObject &o) { return QJsonDocument(o).toJson(QJsonDocument::Compact); }

    static QByteArray error(int status, int code, const char *message)
    {
        return text(QJsonObject{{QStringLiteral("code"), code},
                                {QStringLiteral("message"), QString::fromLatin1(message)},
                                {QStringLiteral("status"), status}});
    }

    Response answer(const RawHttpRequest &r)
    {
        const QByteArray expected = "Basic " + (accountSid + u':' + authToken).toUtf8().toBase64();
        if (r.header("authorization") != expected) {
            return {401, error(401, 20003, "Authenticate"), false};
        }
        const QString target = QString::fromLatin1(r.target);
        const QString path = target.section(u'?', 0, 0);
        const QString prefix = QStringLiteral("/2010-04-01/Accounts/%1/").arg(accountSid);
        if (!path.startsWith(prefix)) {
            return {404, error(404, 20404, "not found"), false};
        }
        const QString rest = path.mid(prefix.size());
        if (rest == u"Messages.json" && r.method == "POST") {
            return {201,
                    text(QJsonObject{{QStringLiteral("sid"), Sid::generate(Sid::MESSAGE)},
                                     {QStringLiteral("status"), QStringLiteral("queued")}}),
                    false};
        }
        if (rest == u"IncomingPhoneNumbers.json" && r.method == "GET") {
            const QString wanted =
                QUrlQuery(target.section(u'?', 1)).queryItemValue(QStringLiteral("PhoneNumber"), QUrl::FullyDecoded);
            QJsonArray list;
            for (const Number &n : std::as_const(numbers)) {
                if (n.phoneNumber == wanted) {
                    list.append(json(n));
                }
            }
            return {200, text(QJsonObject{{QStringLiteral("incoming_phone_numbers"), list}}), false};
        }
        if (rest.startsWith(u"IncomingPhoneNumbers/") && rest.endsWith(u".json")) {
            const QString sid = rest.mid(21).chopped(5);
            if (!numbers.contains(sid)) {
                return {404, error(404, 20404, "The requested resource was not found"), false};
            }
            Number &n = numbers[sid];
            if (r.method == "POST") {
                const QUrlQuery form(QString::fromUtf8(r.body).replace(u'+', u' '));
                const auto set = [&form](const char *key, QString &field) {
                    if (form.hasQueryItem(QString::fromLatin1(key))) {
                        field = form.queryItemValue(QString::fromLatin1(key), QUrl::FullyDecoded);
                    }
                };
                set("SmsUrl", n.smsUrl);
                set("SmsMethod", n.smsMethod);
                set("VoiceUrl", n.voiceUrl);
                set("VoiceMethod", n.voiceMethod);
            }
            return {200, text(json(n)), false};
        }
        return {404, error(404, 20404, "not found"), false};
    }

    void serve(QTcpSocket *socket, RawHttpRequest request)
    {
        requests.append(request);
        std::optional<Response> scripted = override ? override(request) : std::nullopt;
        // A scripted failure must not change state: the fake's own answer runs only when nothing replaced it.
        const Response response = scripted ? *scripted : answer(request);
        if (response.hang) {
            return;
        }
        socket->write("HTTP/1.1 " + QByteArray::number(response.status) +
                      " X\r\nContent-Type: application/json\r\nContent-Length: " +
                      QByteArray::number(response.body.size()) + "\r\n\r\n" + response.body);
    }

    std::unique_ptr<QTcpServer> m_server;
};

} // namespace Maskline::Testing
