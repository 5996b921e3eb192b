#pragma once

#include <functional>

#include <QObject>
#include <QPointer>
#include <QSet>
#include <QString>

#include "carrier/carriernumbers.h"
#include "httpmessage.h"
#include "store/records.h"

namespace Maskline {

class Debugger;
class Proxy;
class RestApi;

// Pool numbers that live in a carrier account (--carrier twilio): PhoneNumbers create looks the number up there and
// points its webhooks at Maskline before it enters the pool; PhoneNumbers delete and Services delete put the
// webhooks back first. Every carrier call is asynchronous: these handlers return at once and answer through
// `respond` (the HTTP server's deferred routes), so the engine thread serves other requests meanwhile. Without a
// carrier inventory (the simulator) they answer at once through RestApi, as before.
//
// Consistency: a number is in the pool exactly when its webhooks point at Maskline. A failed carrier call changes
// nothing (a half-done step is undone), answers 80502/80613 (docs/api.md) and records a debugger event.
class NumberProvisioning final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(NumberProvisioning)

public:
    using Respond = std::function<void(HttpReply reply)>;

    NumberProvisioning(Proxy &proxy, RestApi &api, Debugger *debugger, QObject *parent = nullptr);
    ~NumberProvisioning() override;

    void setCarrierNumbers(CarrierNumbers *numbers) { m_numbers = numbers; }

    void createPhoneNumber(const HttpRequest &r, Respond respond);
    void deletePhoneNumber(const HttpRequest &r, Respond respond);
    void deleteService(const HttpRequest &r, Respond respond);

private:
    struct Context; // what a deferred step needs of its request
    struct Teardown;

    void pointAndAdd(std::shared_ptr<Context> ctx, const QString &sid, const QString &e164, bool reserved,
                     const QString &friendlyName, const QString &isoCountry, const Capabilities &capabilities,
                     const NumberWebhooks &previous);
    void restoreNext(std::shared_ptr<Teardown> teardown);
    // Best effort: puts webhooks back after a later step failed; a failure here is a debugger event.
    void undoWebhooks(const Context &ctx, const QString &sid, const NumberWebhooks &webhooks);
    void recordFailure(const Context &ctx, const ApiError &error, const QString &resourceSid);
    NumberWebhooks maskline(const Context &ctx) const;
    bool claim(const QStringList &keys);
    void release(const QStringList &keys);

    Proxy &m_proxy;
    RestApi &m_api;
    Debugger *m_debugger;
    QPointer<CarrierNumbers> m_numbers;
    QSet<QString> m_busy; // SIDs and numbers a carrier step is running for
};

} // namespace Maskline
