#pragma once

// A fake Twilio REST API on loopback for the carrier tests: records every request byte for byte and answers from a
// script (default: 201 with a fresh SM sid, as the Messages API does).

#include <memory>
#include <utility>

#include <QByteArray>
#include <QHostAddress>
#include <QJsonDocument>
#include <QJsonObject>
#include <QList>
#include <QTcpServer>
#include <QTcpSocket>

#include "core/sid.h"

namespace Maskline::Testing {

class FakeTwilio final
{
public:
    struct Request
    {
        QByteArray method;
        QByteArray target; // path and query as sent
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;

        QByteArray header(QByteArrayView name) const
        {
            for (const auto &[key, value] : headers) {
                if (QByteArrayView(key).compare(name, Qt::CaseInsensitive) == 0) {
                    return value;
                }
            }
            return {};
        }
    };
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

    quint16 port() const { return m_server->serverPort(); }
    QString url() const { return QStringLiteral("http://127.0.0.1:%1").arg(port()); }

private:
    void serve(QTcpSocket *socket, QByteArray &buffer)
    {
        const qsizetype headerEnd = buffer.indexOf("\r\n\r\n");
        if (headerEnd < 0) {
            return;
        }
        Request request;
        const QList<QByteArray> lines = buffer.left(headerEnd).split('\n');
        const QList<QByteArray> start = lines.value(0).trimmed().split(' ');
        request.method = start.value(0);
        request.target = start.value(1);
        qsizetype length = 0;
        for (qsizetype i = 1; i < lines.size(); ++i) {
            const QByteArray line = lines.at(i).trimmed();
            const qsizetype colon = line.indexOf(':');
            if (colon > 0) {
                request.headers.append({line.left(colon).trimmed(), line.mid(colon + 1).trimmed()});
                if (line.left(colon).trimmed().compare("content-length", Qt::CaseInsensitive) == 0) {
                    length = line.mid(colon + 1).trimmed().toLongLong();
                }
            }
        }
        if (buffer.size() < headerEnd + 4 + length) {
            return;
        }
        request.body = buffer.mid(headerEnd + 4, length);
        buffer.remove(0, headerEnd + 4 + length);
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
