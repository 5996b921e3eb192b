#pragma once

// A customer's callback server on loopback for the callback tests: records every request byte for byte (with its
// form decoded) and answers from a script — any status, content type and body, after a delay, or never.

#include <functional>
#include <memory>
#include <utility>

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPointer>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTimer>

#include "carrier/signature.h"
#include "http/formdata.h"
#include "rawhttprequest.h"

namespace Maskline::Testing {

class FakeCallbackServer final
{
public:
    struct Request : RawHttpRequest
    {
        QList<std::pair<QString, QString>> params; // the form body, decoded, order and repeats kept

        QString param(const QString &name) const
        {
            for (const auto &[key, value] : params) {
                if (key == name) {
                    return value;
                }
            }
            return {};
        }
        bool has(const QString &name) const
        {
            for (const auto &[key, value] : params) {
                if (key == name) {
                    return true;
                }
            }
            return false;
        }
        QStringList names() const
        {
            QStringList list;
            for (const auto &[key, value] : params) {
                list.append(key);
            }
            return list;
        }
    };
    struct Response
    {
        int status = 200;
        QByteArray contentType = "text/plain";
        QByteArray body;
        int delayMs = 0;   // answer after this long
        bool hang = false; // never answer (timeout tests)
    };

    QList<Request> requests;
    QList<Response> script; // consumed front first; when empty, `fallback`
    Response fallback;
    // When set, decides every answer from the request itself (for requests that arrive in no fixed order).
    std::function<Response(const Request &request)> responder;

    FakeCallbackServer()
    {
        m_server = std::make_unique<QTcpServer>();
        if (!m_server->listen(QHostAddress::LocalHost, 0)) {
            qFatal("fake callback server cannot listen");
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

    quint16 port() const { return m_server->serverPort(); }
    QString url(const QString &path = QStringLiteral("/callback")) const
    {
        return QStringLiteral("http://127.0.0.1:%1").arg(port()) + path;
    }
    // Stops listening: connections are refused from now on (the port stays reserved by nobody, which is the point).
    void shutDown() { m_server->close(); }

    // X-Twilio-Signature of request `n` checked with Maskline's own validator against the URL it was sent to.
    bool signatureValid(const Request &request, const QString &authToken) const
    {
        const QString url = QStringLiteral("http://127.0.0.1:%1").arg(port()) + QString::fromLatin1(request.target);
        return TwilioSignature::validate(authToken, url, request.params, request.header("x-twilio-signature"));
    }

private:
    void serve(QTcpSocket *socket, QByteArray &buffer)
    {
        auto parsed = RawHttpRequest::take(buffer);
        if (!parsed) {
            return;
        }
        Request request{std::move(*parsed), {}};
        request.params = FormData::parse(request.body).items();
        requests.append(request);

        const Response response = responder ? responder(request) : script.isEmpty() ? fallback : script.takeFirst();
        if (response.hang) {
            return;
        }
        const QByteArray wire = "HTTP/1.1 " + QByteArray::number(response.status) +
                                " X\r\nContent-Type: " + response.contentType +
                                "\r\nContent-Length: " + QByteArray::number(response.body.size()) +
                                "\r\nConnection: close\r\n\r\n" + response.body;
        QPointer<QTcpSocket> target(socket);
        const auto answer = [target, wire]() {
            if (target) {
                target->write(wire);
                target->disconnectFromHost();
            }
        };
        if (response.delayMs > 0) {
            QTimer::singleShot(response.delayMs, socket, answer);
        } else {
            answer();
        }
    }

    std::unique_ptr<QTcpServer> m_server;
};

} // namespace Maskline::Testing
