#include "engineclient.h"

#include "enginehost.h"
#include "proxy/proxy.h"

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

EngineRelay::EngineRelay(QObject *parent)
    : QObject(parent)
{}

EngineClient::EngineClient(EngineHost *host, QObject *parent)
    : QObject(parent)
    , m_host(host)
{
    qRegisterMetaType<Maskline::EngineRelay::Delivery>("Maskline::EngineRelay::Delivery");
    if (!host) {
        return;
    }
    // The relay must belong to the engine thread before it gets the host as parent (same-thread parenting).
    m_relay = new EngineRelay;
    m_relay->moveToThread(host->thread());
    m_relay->setParent(host);
    connect(m_relay, &EngineRelay::delivered, this, &EngineClient::handleDelivery, Qt::QueuedConnection);
    connect(host, &EngineHost::started, this, &EngineClient::handleEngineStarted);
    connect(host, &EngineHost::stopped, this, &EngineClient::handleEngineStopped);
}

EngineClient::~EngineClient() = default;

void EngineClient::handleDelivery(const EngineRelay::Delivery &delivery)
{
    if (delivery) {
        delivery();
    }
}

Proxy *EngineClient::proxyOf(EngineHost &host)
{
    return host.proxy();
}

ApiError EngineClient::notRunning()
{
    return ApiError::make(80501, 503, u"The engine is not running"_s);
}

void EngineClient::handleEngineStarted(const QString &listenUrl, const Account &account)
{
    m_account = account;
    m_listenUrl = listenUrl;
    Q_EMIT started(listenUrl);
}

void EngineClient::handleEngineStopped()
{
    m_account = {};
}

QString EngineClient::describe(const ApiError &error)
{
    if (error.code == 0) {
        return error.message;
    }
    return u"%1: %2"_s.arg(error.code).arg(error.message);
}

void EngineClient::createService(const ServiceParams &params, QObject *context,
                                 std::function<void(Result<Service>)> done)
{
    call(
        context, [params](Proxy &p, const QString &a) { return p.createService(a, params); }, std::move(done));
}

void EngineClient::updateService(const QString &sid, const ServiceParams &params, QObject *context,
                                 std::function<void(Result<Service>)> done)
{
    call(
        context, [sid, params](Proxy &p, const QString &a) { return p.updateService(a, sid, params); },
        std::move(done));
}

void EngineClient::deleteService(const QString &sid, QObject *context, std::function<void(Status)> done)
{
    call(
        context, [sid](Proxy &p, const QString &a) { return p.deleteService(a, sid); }, std::move(done));
}

void EngineClient::addNumber(const QString &serviceSid, const PhoneNumberParams &params, QObject *context,
                             std::function<void(Result<PhoneNumber>)> done)
{
    call(
        context,
        [serviceSid, params](Proxy &p, const QString &a) { return p.createPhoneNumber(a, serviceSid, params); },
        std::move(done));
}

void EngineClient::setNumberReserved(const QString &serviceSid, const QString &sid, bool reserved, QObject *context,
                                     std::function<void(Result<PhoneNumber>)> done)
{
    call(
        context,
        [serviceSid, sid, reserved](Proxy &p, const QString &a) {
            return p.updatePhoneNumber(a, serviceSid, sid, reserved);
        },
        std::move(done));
}

void EngineClient::removeNumber(const QString &serviceSid, const QString &sid, QObject *context,
                                std::function<void(Status)> done)
{
    call(
        context, [serviceSid, sid](Proxy &p, const QString &a) { return p.deletePhoneNumber(a, serviceSid, sid); },
        std::move(done));
}

void EngineClient::createSession(const QString &serviceSid, const SessionParams &params, QObject *context,
                                 std::function<void(Result<Session>)> done)
{
    call(
        context, [serviceSid, params](Proxy &p, const QString &a) { return p.createSession(a, serviceSid, params); },
        std::move(done));
}

void EngineClient::setSessionStatus(const QString &serviceSid, const QString &sid, const QString &status,
                                    QObject *context, std::function<void(Result<Session>)> done)
{
    call(
        context,
        [serviceSid, sid, status](Proxy &p, const QString &a) {
            SessionParams params;
            params.status = status;
            return p.updateSession(a, serviceSid, sid, params);
        },
        std::move(done));
}

void EngineClient::deleteSession(const QString &serviceSid, const QString &sid, QObject *context,
                                 std::function<void(Status)> done)
{
    call(
        context, [serviceSid, sid](Proxy &p, const QString &a) { return p.deleteSession(a, serviceSid, sid); },
        std::move(done));
}

void EngineClient::addParticipant(const QString &serviceSid, const QString &sessionSid, const ParticipantParams &params,
                                  QObject *context, std::function<void(Result<Participant>)> done)
{
    call(
        context,
        [serviceSid, sessionSid, params](Proxy &p, const QString &a) {
            return p.createParticipant(a, serviceSid, sessionSid, params);
        },
        std::move(done));
}

void EngineClient::removeParticipant(const QString &serviceSid, const QString &sessionSid, const QString &sid,
                                     QObject *context, std::function<void(Result<Participant>)> done)
{
    call(
        context,
        [serviceSid, sessionSid, sid](Proxy &p, const QString &a) {
            return p.deleteParticipant(a, serviceSid, sessionSid, sid);
        },
        std::move(done));
}

} // namespace Maskline
