#pragma once

// A fake Twilio REST API on loopback for the carrier tests: records every request byte for byte and answers from a
// script (default: 201 with a fresh SM sid, as the Messages API does).

#include <memory>
#include <utility>

#include <QByteArray>
#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

#include "core/sid.h"
#include "rawhttprequest.h"

namespace Maskline::Testing {

class FakeTwilio final
{
public:
    using Request = RawHttpRequest;
    struct Response
    {
        int status = 201;
        QByteArray body;   // empty: a Messages API success body with a fresh sid
        bool hang = false; // never answer (timeout tests)
    };

    QList<Request> requests;
    QList<Response> script; // consumed front first; when empty, the default answer
    QList<QByteArray> sidsIssued;

    FakeTwilio()
    {
        m_server = std::make_unique<QTcpServer>();
        if (!m_server->listen(QHostAddress::LocalHost, 0)) {
            qFatal("fake Twilio cannot listen");
        }
        QObject::connect(m_server.get(), &QTcpServer::newConnection, m_server.get(), [this]() {
            while (QTcpSocket *socket = m_server->nextPendingConnection()) {
                auto buffer = std::make_shared<QByteArray>();
                QObject::connect(socket, &QTcpSocket::readyRead, socket, [this, socket, buffer]() {
                    buffer->append(socket->readAll());
                    serve(socket, *buffer);
                });
                QObject::connect(socket, &QTcpSocket::disconnected, socket, &QObject::deleteLater);
            }
        });
    }

    // Scripts the two answers that adding `number` to a pool by PhoneNumber= takes with --carrier twilio: the
    // IncomingPhoneNumbers lookup finds it in the account (voice and SMS), and the webhook update is accepted.
    void ownNumber(const QString &sid, const QString &number)
    {
        const QJsonObject owned{{QStringLiteral("sid"), sid},
                                {QStringLiteral("phone_number"), number},
                                {QStringLiteral("capabilities"),
                                 QJsonObject{{QStringLiteral("voice"), true}, {QStringLiteral("sms"), true}}}};
        script.append(
            {200, QJsonDocument(QJsonObject{{QStringLiteral("incoming_phone_numbers"), QJsonArray{owned}}}).toJson(),
             false});
        script.append({200, QJsonDocument(owned).toJson(), false});
    }

    quint16 port() const { return m_server->serverPort(); }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }

private:
    void serve(QTcpSocket *socket, QByteArray &buffer)
    {
        auto parsed = RawHttpRequest::take(buffer);
        if (!parsed) {
            return;
        }
        Request request = std::move(*parsed);
        requests.append(request);

        Response response = script.isEmpty() ? Response{} : script.takeFirst();
        if (response.hang) {
            return;
        }
        if (response.body.isEmpty() && response.status == 201) {
            const QByteArray sid = Sid::generate(Sid::MESSAGE).toLatin1();
            sidsIssued.append(sid);
            response.body = QJsonDocument(QJsonObject{{QStringLiteral("sid"), QString::fromLatin1(sid)},
                                                      {QStringLiteral("status"), QStringLiteral("queued")},
                                                      {QStringLiteral("direction"), QStringLiteral("outbound-api")}})
                                .toJson(QJsonDocument::Compact);
        }
        socket->write("HTTP/1.1 " + QByteArray::number(response.status) +
                      " X\r\nContent-Type: application/json\r\n"
                      "Content-Length: " +
                      QByteArray::number(response.body.size()) + "\r\nConnection: close\r\n\r\n" + response.body);
        socket->disconnectFromHost();
    }

    std::unique_ptr<QTcpServer> m_server;
};

} // namespace Maskline::Testing
