#pragma once

#include <functional>
#include <memory>
#include <type_traits>

#include <QObject>
#include <QPointer>
#include <QString>

#include "core/result.h"
#include "enginehost.h"
#include "store/records.h"

namespace Maskline {

class Proxy;

// Carries a finished engine command back to the GUI thread. It lives on the engine thread as a child of the
// EngineHost, so the engine never touches a GUI object: it only emits, and Qt drops the queued delivery when the
// receiving EngineClient is gone.
class EngineRelay final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineRelay)

public:
    using Delivery = std::function<void()>;
    explicit EngineRelay(QObject *parent = nullptr);

Q_SIGNALS:
    void delivered(const Maskline::EngineRelay::Delivery &delivery);
};

// The console's command side. It sends work to the EngineHost with queued calls and hands each Result back to the
// GUI thread with a queued call to the caller's callback, guarded by a QPointer on the caller's context object.
// Nothing here blocks: the GUI thread never waits on SQL, HTTP or the carrier.
class EngineClient final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(EngineClient)

public:
    explicit EngineClient(EngineHost *host, QObject *parent = nullptr);
    ~EngineClient() override;

    EngineHost *host() const { return m_host; }
    QString accountSid() const { return m_account.sid; }
    const Account &account() const { return m_account; }
    QString listenUrl() const { return m_listenUrl; }
    bool isRunning() const { return !m_account.sid.isEmpty(); }

    // Runs job(EngineHost &) on the engine thread, then done(result) on the GUI thread if `context` still exists.
    template<typename Job, typename Done>
    void run(QObject *context, Job job, Done done)
    {
        using R = std::invoke_result_t<Job &, EngineHost &>;
        QPointer<QObject> guard(context);
        if (!m_host) {
            return;
        }
        EngineRelay *relay = m_relay;
        QMetaObject::invokeMethod(
            m_host.data(),
            [host = m_host.data(), relay, job = std::move(job), done = std::move(done), guard]() mutable {
                auto result = std::make_shared<R>(job(*host));
                Q_EMIT relay->delivered([result, done = std::move(done), guard]() mutable {
                    if (guard) {
                        done(std::move(*result));
                    }
                });
            },
            Qt::QueuedConnection);
    }

    // Runs job(Proxy &, accountSid) -> Result<T> on the engine thread; "engine not running" when it has stopped.
    template<typename Job, typename Done>
    void call(QObject *context, Job job, Done done)
    {
        using R = std::invoke_result_t<Job &, Proxy &, const QString &>;
        run(
            context,
            [job = std::move(job), account = m_account.sid](EngineHost &host) mutable -> R {
                Proxy *proxy = proxyOf(host);
                if (!proxy) {
                    return notRunning();
                }
                return job(*proxy, account);
            },
            std::move(done));
    }

    // Convenience commands for the panes. Each answers on the GUI thread through `done`.
    void createService(const ServiceParams &params, QObject *context, std::function<void(Result<Service>)> done);
    void updateService(const QString &sid, const ServiceParams &params, QObject *context,
                       std::function<void(Result<Service>)> done);
    void deleteService(const QString &sid, QObject *context, std::function<void(Status)> done);
    void addNumber(const QString &serviceSid, const PhoneNumberParams &params, QObject *context,
                   std::function<void(Result<PhoneNumber>)> done);
    void setNumberReserved(const QString &serviceSid, const QString &sid, bool reserved, QObject *context,
                           std::function<void(Result<PhoneNumber>)> done);
    void removeNumber(const QString &serviceSid, const QString &sid, QObject *context,
                      std::function<void(Status)> done);
    void createSession(const QString &serviceSid, const SessionParams &params, QObject *context,
                       std::function<void(Result<Session>)> done);
    void setSessionStatus(const QString &serviceSid, const QString &sid, const QString &status, QObject *context,
                          std::function<void(Result<Session>)> done);
    void deleteSession(const QString &serviceSid, const QString &sid, QObject *context,
                       std::function<void(Status)> done);
    void addParticipant(const QString &serviceSid, const QString &sessionSid, const ParticipantParams &params,
                        QObject *context, std::function<void(Result<Participant>)> done);
    void removeParticipant(const QString &serviceSid, const QString &sessionSid, const QString &sid, QObject *context,
                           std::function<void(Result<Participant>)> done);

    // "80609: A Session may have at most 2 participants" — how the console shows an engine refusal.
    static QString describe(const ApiError &error);

public Q_SLOTS:
    void handleEngineStarted(const QString &listenUrl, const Maskline::Account &account);
    void handleEngineStopped();

Q_SIGNALS:
    void started(const QString &listenUrl);

private:
    void handleDelivery(const Maskline::EngineRelay::Delivery &delivery);
    static Proxy *proxyOf(EngineHost &host);
    static ApiError notRunning();

    QPointer<EngineHost> m_host;
    EngineRelay *m_relay = nullptr; // owned by the host, on the engine thread
    Account m_account;
    QString m_listenUrl;
};

} // namespace Maskline
