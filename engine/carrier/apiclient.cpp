#include "apiclient.h"

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <optional>
#include <utility>

#include <QPointer>
#include <QSslSocket>
#include <QTcpSocket>
#include <QTimer>

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace http = boost::beast::http;

namespace {

constexpr std::uint32_t MAX_HEADER_BYTES = 64 * 1024;

QString originText(const QUrl &origin)
{
    return origin.toString(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
}

} // namespace

// One keep-alive connection: one request at a time, its answer parsed as it arrives.
class ApiClient::Connection final : public QObject
{
public:
    explicit Connection(ApiClient &client)
        : m_client(client)
    {
        m_timer.setSingleShot(true);
        connect(&m_timer, &QTimer::timeout, this, &Connection::timedOut);
    }

    ~Connection() override
    {
        if (m_socket) {
            m_socket->disconnect(this);
            m_socket->abort();
        }
    }

    bool busy() const { return m_current.has_value(); }
    bool open() const { return m_socket && m_socket->state() != QAbstractSocket::UnconnectedState; }

    void start(Pending pending)
    {
        m_current = std::move(pending);
        ++m_started;
        m_parser.emplace();
        m_parser->header_limit(MAX_HEADER_BYTES);
        m_parser->body_limit(std::uint64_t(std::max<qint64>(0, m_client.m_config.maxBodyBytes)));
        m_in.clear();
        m_gotBytes = false;
        m_timer.start(std::max(1, m_client.m_config.timeoutMs));
        if (m_socket && m_socket->state() == QAbstractSocket::ConnectedState && m_ready) {
            writeCurrent();
            return;
        }
        if (m_socket && m_socket->state() != QAbstractSocket::UnconnectedState) {
            return; // still connecting: written once it is up
        }
        connectSocket();
    }

private:
    void connectSocket()
    {
        dropSocket();
        m_served = 0;
        m_ready = false;
        const QUrl &origin = m_client.m_config.origin;
        const bool tls = origin.scheme() == u"https"_s;
        const quint16 port = quint16(origin.port(tls ? 443 : 80));
        QTcpSocket *socket = tls ? new QSslSocket(this) : new QTcpSocket(this);
        m_socket = socket;
        connect(socket, &QAbstractSocket::readyRead, this, &Connection::readAnswer);
        connect(socket, &QAbstractSocket::disconnected, this, &Connection::closed);
        connect(socket, &QAbstractSocket::errorOccurred, this, &Connection::failed);
        if (tls) {
            auto *ssl = static_cast<QSslSocket *>(socket);
            connect(ssl, &QSslSocket::encrypted, this, &Connection::up);
            ssl->connectToHostEncrypted(origin.host(), port);
        } else {
            connect(socket, &QAbstractSocket::connected, this, &Connection::up);
            socket->connectToHost(origin.host(), port);
        }
    }

    void dropSocket()
    {
        if (m_socket) {
            m_socket->disconnect(this);
            m_socket->abort();
            m_socket->deleteLater();
            m_socket = nullptr;
        }
    }

    void up()
    {
        m_socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
        m_ready = true;
        if (m_current) {
            writeCurrent();
        }
    }

    void writeCurrent() { m_socket->write(m_client.serialize(m_current->request)); }

    void readAnswer()
    {
        m_in.append(m_socket->readAll());
        if (!m_current) {
            dropSocket(); // nothing asked: an idle connection has nothing to say
            return;
        }
        m_gotBytes = m_gotBytes || !m_in.isEmpty();
        while (!m_in.isEmpty() && !m_parser->is_done()) {
            boost::beast::error_code ec;
            const std::size_t used = m_parser->put(boost::asio::buffer(m_in.constData(), size_t(m_in.size())), ec);
            m_in.remove(0, qsizetype(used));
            if (ec == http::error::need_more) {
                break;
            }
            if (ec) {
                unreadable(ec);
                return;
            }
        }
        if (m_parser->is_done()) {
            answered();
        }
    }

    void answered()
    {
        const auto &message = m_parser->get();
        Response response;
        response.status = int(message.result_int());
        response.body = QByteArray(message.body().data(), qsizetype(message.body().size()));
        const bool keepAlive = message.keep_alive() && m_in.isEmpty();
        ++m_served;
        if (!keepAlive) {
            dropSocket();
        }
        finish(std::move(response));
    }

    void unreadable(const boost::beast::error_code &ec)
    {
        Response response;
        if (ec == http::error::body_limit && m_parser->is_header_done()) {
            // Only the start of a long answer is read (its status decides); the rest is left with the connection.
            const auto &message = m_parser->get();
            response.status = int(message.result_int());
            response.body = QByteArray(message.body().data(), qsizetype(message.body().size()));
            response.truncated = true;
        } else {
            response.error = u"unreadable answer from %1: %2"_s.arg(originText(m_client.m_config.origin),
                                                                    QString::fromStdString(ec.message()));
        }
        dropSocket();
        finish(std::move(response));
    }

    void closed()
    {
        if (!m_current) {
            dropSocket(); // the server closed an idle connection; the next request opens another
            return;
        }
        m_in.append(m_socket->readAll());
        if (!m_in.isEmpty()) {
            const quint64 request = m_started;
            readAnswer(); // what came with the close
            if (!m_current || m_started != request) {
                return; // answered, and perhaps the next request has this connection already
            }
        }
        if (m_parser->got_some() && !m_parser->is_done()) {
            boost::beast::error_code ec;
            m_parser->put_eof(ec); // an answer without a length ends where the connection does
            if (!ec && m_parser->is_done()) {
                answered();
                return;
            }
        }
        if (!m_gotBytes && m_served > 0 && !m_current->resent) {
            // It had served answers and was closed as this request went out: the server never read it.
            Pending again = std::move(*m_current);
            again.resent = true;
            m_current.reset();
            dropSocket();
            start(std::move(again));
            return;
        }
        dropSocket();
        Response response;
        response.error =
            u"cannot reach %1: the connection closed before an answer"_s.arg(originText(m_client.m_config.origin));
        finish(std::move(response));
    }

    void failed(QAbstractSocket::SocketError error)
    {
        if (error == QAbstractSocket::RemoteHostClosedError) {
            return; // `closed` follows and decides
        }
        if (!m_current) {
            dropSocket();
            return;
        }
        Response response;
        response.error = u"cannot reach %1: %2"_s.arg(originText(m_client.m_config.origin), m_socket->errorString());
        dropSocket();
        finish(std::move(response));
    }

    void timedOut()
    {
        if (!m_current) {
            return;
        }
        dropSocket();
        Response response;
        response.timedOut = true;
        response.error = u"no answer from %1 within the time limit"_s.arg(originText(m_client.m_config.origin));
        finish(std::move(response));
    }

    void finish(Response response)
    {
        m_timer.stop();
        Done done = std::move(m_current->done);
        m_current.reset();
        m_parser.reset();
        ApiClient &client = m_client;
        client.released();
        done(response); // last: it may do anything, the client's end included
    }

    ApiClient &m_client;
    QTcpSocket *m_socket = nullptr; // a child; a QSslSocket for https
    bool m_ready = false;           // connected (and encrypted)
    int m_served = 0;               // answers on the current TCP connection
    std::optional<Pending> m_current;
    quint64 m_started = 0; // requests started here, to tell the current one from the next
    std::optional<http::response_parser<http::string_body>> m_parser;
    QByteArray m_in;
    bool m_gotBytes = false;
    QTimer m_timer;
};

ApiClient::ApiClient(Config config, QObject *parent)
    : QObject(parent)
    , m_config(std::move(config))
{
    const bool tls = m_config.origin.scheme() == u"https"_s;
    QString host = m_config.origin.host(QUrl::FullyEncoded);
    if (host.contains(u':')) {
        host = u'[' + host + u']';
    }
    const int port = m_config.origin.port();
    if (port != -1 && port != (tls ? 443 : 80)) {
        host += u':' + QString::number(port);
    }
    m_hostHeader = host.toLatin1();
    const int count = std::max(1, m_config.connections);
    for (int i = 0; i < count; ++i) {
        m_connections.push_back(std::make_unique<Connection>(*this));
    }
}

ApiClient::~ApiClient() = default;

int ApiClient::openConnections() const
{
    int open = 0;
    for (const auto &c : m_connections) {
        open += c->open() ? 1 : 0;
    }
    return open;
}

void ApiClient::send(Request request, Done done)
{
    m_waiting.append({std::move(request), std::move(done), false});
    dispatch();
}

void ApiClient::released()
{
    // At once: a send's connection turns around in the same turn of the event loop as its answer.
    dispatch();
}

void ApiClient::dispatch()
{
    // An open idle connection first, then one to open.
    for (int pass = 0; pass < 2 && !m_waiting.isEmpty(); ++pass) {
        for (const auto &c : m_connections) {
            if (m_waiting.isEmpty()) {
                return;
            }
            if (!c->busy() && (pass == 1 || c->open())) {
                c->start(m_waiting.takeFirst());
            }
        }
    }
}

QByteArray ApiClient::serialize(const Request &request) const
{
    QByteArray target = request.url.path(QUrl::FullyEncoded).toLatin1();
    if (target.isEmpty()) {
        target = "/";
    }
    if (request.url.hasQuery()) {
        target += '?' + request.url.query(QUrl::FullyEncoded).toLatin1();
    }
    QByteArray out;
    out.reserve(256 + request.body.size());
    out += request.method + ' ' + target + " HTTP/1.1\r\nHost: " + m_hostHeader +
           "\r\nUser-Agent: " + m_config.userAgent + "\r\n";
    for (const auto &[name, value] : request.headers) {
        out += name + ": " + value + "\r\n";
    }
    if (!request.body.isEmpty() || request.method == "POST" || request.method == "PUT") {
        out += "Content-Length: " + QByteArray::number(request.body.size()) + "\r\n";
    }
    out += "\r\n";
    out += request.body;
    return out;
}

} // namespace Maskline
