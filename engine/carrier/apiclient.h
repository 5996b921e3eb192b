#pragma once

#include <functional>
#include <memory>
#include <vector>

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <QUrl>

namespace Maskline {

// The carrier API's client for message sends: HTTP/1.1 to one origin (http or https) over a fixed number of
// keep-alive connections, each carrying one request at a time; requests beyond them wait in order. Answers are
// framed by Boost.Beast's response parser (Content-Length, chunked, or until close). Everything runs on the thread
// that owns the client, on its event loop: no threads, and no copy of the request or answer between threads, which is
// what QNetworkAccessManager cost per send (docs/BENCHMARKS.md, round 13).
//
// A request written to a connection that had served others and was then closed by the server before any byte of an
// answer came is sent once more on a new connection (the server had closed an idle connection as the request went
// out: it never saw it). Redirects are answers like any other: never followed.
class ApiClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ApiClient)

public:
    struct Request
    {
        QByteArray method = "POST";
        QUrl url; // of the client's origin
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArray body;
    };
    struct Response
    {
        int status = 0; // 0: no answer; `error` says why
        bool timedOut = false;
        QString error;
        QByteArray body;        // at most maxBodyBytes…
        bool truncated = false; // …of a longer answer: its start, or nothing when its length said so first
    };
    using Done = std::function<void(const Response &)>;

    struct Config
    {
        QUrl origin;                      // scheme, host and port the requests go to
        int connections = 32;             // at most this many open at once
        int timeoutMs = 15000;            // per request, from the moment it takes a connection (opening it included)
        qint64 maxBodyBytes = 256 * 1024; // an answer's body
        QByteArray userAgent = "maskline/" MASKLINE_VERSION;
    };

    explicit ApiClient(Config config, QObject *parent = nullptr);
    ~ApiClient() override;

    // `done` is called exactly once, later, on this thread (never from inside send); not at all once the client is
    // destroyed.
    void send(Request request, Done done);

    int openConnections() const;
    int waiting() const { return int(m_waiting.size()); }
    const Config &config() const { return m_config; }

private:
    class Connection;
    struct Pending
    {
        Request request;
        Done done;
        bool resent = false;
    };
    friend class Connection;

    void dispatch();
    QByteArray serialize(const Request &request) const;
    // The connection is free again (answered, or closed): the next waiting request may take it.
    void released();

    Config m_config;
    QByteArray m_hostHeader;
    std::vector<std::unique_ptr<Connection>> m_connections;
    QList<Pending> m_waiting;
};

} // namespace Maskline
