#pragma once

#include <functional>
#include <optional>

#include <QJsonArray>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QString>
#include <QUrl>

#include "store/records.h"

namespace Maskline::Import {

// A Proxy v1 API to read from, over HTTP Basic auth, one request at a time in a local event loop (a CLI command, not
// the engine thread). 429 is waited out (Retry-After when given, else exponential back-off), and so are 5xx answers
// and network failures, up to a bounded number of retries; 401/403 end the run at once.
class Source final
{
public:
    struct Options
    {
        QUrl baseUrl; // https://proxy.twilio.com, or another Maskline
        QString accountSid;
        QString authToken;
        int pageSize = 100;
        int maxRetries = 6;
        int retryBaseMs = 500;       // first back-off; doubles each retry
        int maxRetryDelayMs = 60000; // no wait, Retry-After included, is longer than this
        int timeoutMs = 30000;
    };

    struct Failure
    {
        QString message;
        bool credentials = false; // 401/403: retrying cannot help
    };

    explicit Source(Options options);

    // Every item of a list, following meta.next_page_url to the end; `path` is e.g. "/v1/Services". The next-page
    // links are followed on the --from-url origin only, so the credentials never go to another host.
    // onPage(count so far) is called after each page.
    std::optional<Failure> listAll(const QString &path, const QString &key, QList<QJsonObject> *items,
                                   const std::function<void(qsizetype)> &onPage = {});

    int requests() const { return m_requests; }
    int retries() const { return m_retries; }

private:
    std::optional<Failure> get(const QUrl &url, QJsonObject *body);
    QUrl onOrigin(const QString &link) const;
    void wait(int ms);

    Options m_options;
    QNetworkAccessManager m_nam;
    QByteArray m_authorization;
    int m_requests = 0;
    int m_retries = 0;
};

// Proxy v1 JSON -> the store's values. Dates are ISO 8601; null or absent fields become empty values.
Service serviceFromJson(const QJsonObject &o);
PhoneNumber phoneNumberFromJson(const QJsonObject &o);
Session sessionFromJson(const QJsonObject &o);
Participant participantFromJson(const QJsonObject &o);
Interaction interactionFromJson(const QJsonObject &o);

} // namespace Maskline::Import
