#pragma once

// A live engine for console tests: EngineHost on its own thread over a temporary SQLite store (HTTP on an ephemeral
// loopback port, the simulator carrier), the console's EngineClient and read-only StoreReader beside it.

#include <memory>
#include <optional>

#include <QEventLoop>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTimer>

#include "debugger/debugger.h"
#include "engineclient.h"
#include "enginehost.h"
#include "proxy/proxy.h"
#include "storereader.h"

namespace Maskline::Testing {

class EngineFixture
{
public:
    EngineFixture() = default;
    EngineFixture(const EngineFixture &) = delete;
    EngineFixture &operator=(const EngineFixture &) = delete;
    ~EngineFixture() { stop(); }

    bool start(const QString &dbPath = {})
    {
        EngineConfig config;
        config.store.path = dbPath.isEmpty() ? m_dir.filePath(QStringLiteral("maskline.db")) : dbPath;
        config.http.address = QHostAddress::LocalHost;
        config.http.port = 0;
        config.http.rateLimitPerSecond = m_rateLimit;
        m_thread.setObjectName(QStringLiteral("engine"));
        m_host = new EngineHost(config);
        m_host->moveToThread(&m_thread);
        m_client = std::make_unique<EngineClient>(m_host);
        QObject::connect(&m_thread, &QThread::started, m_host, &EngineHost::start);
        QObject::connect(&m_thread, &QThread::finished, m_host, &QObject::deleteLater);
        QSignalSpy started(m_client.get(), &EngineClient::started);
        m_thread.start();
        if (!started.wait(20000)) {
            return false;
        }
        m_reader = std::make_unique<StoreReader>(config.store);
        return true;
    }

    void stop()
    {
        if (!m_thread.isRunning()) {
            return;
        }
        m_reader.reset();
        QMetaObject::invokeMethod(m_host, &EngineHost::stop, Qt::BlockingQueuedConnection);
        m_client.reset();
        m_thread.quit();
        m_thread.wait();
    }

    // Requests per second per endpoint and Service before 429 (0: off, the default for console tests). Before start().
    void setRateLimit(int perSecond) { m_rateLimit = perSecond; }

    EngineHost *host() const { return m_host; }
    EngineClient *client() const { return m_client.get(); }
    StoreReader *reader() const { return m_reader.get(); }
    QString account() const { return m_client->accountSid(); }

    // Runs job(Proxy &, accountSid) on the engine thread and waits (the test thread only) for its answer.
    template<typename Job>
    auto call(Job job)
    {
        using R = std::invoke_result_t<Job &, Proxy &, const QString &>;
        std::optional<R> result;
        QEventLoop loop;
        QObject context;
        m_client->call(&context, std::move(job), [&](R r) {
            result.emplace(std::move(r));
            loop.quit();
        });
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
        if (!result) {
            qFatal("engine call timed out");
        }
        return std::move(*result);
    }

    // Runs job(EngineHost &) on the engine thread and waits for it.
    template<typename Job>
    auto run(Job job)
    {
        using R = std::invoke_result_t<Job &, EngineHost &>;
        std::optional<R> result;
        QEventLoop loop;
        QObject context;
        m_client->run(&context, std::move(job), [&](R r) {
            result.emplace(std::move(r));
            loop.quit();
        });
        QTimer::singleShot(20000, &loop, &QEventLoop::quit);
        loop.exec();
        if (!result) {
            qFatal("engine job timed out");
        }
        return std::move(*result);
    }

    Service makeService(const QString &name)
    {
        auto s = call([name](Proxy &p, const QString &a) {
            ServiceParams sp;
            sp.uniqueName = name;
            return p.createService(a, sp);
        });
        if (!s) {
            qFatal("createService: %s", qPrintable(s.error().message));
        }
        return *s;
    }

    PhoneNumber addNumber(const QString &serviceSid, const QString &e164, bool reserved = false)
    {
        auto n = call([serviceSid, e164, reserved](Proxy &p, const QString &a) {
            PhoneNumberParams np;
            np.phoneNumber = e164;
            np.isReserved = reserved;
            return p.createPhoneNumber(a, serviceSid, np);
        });
        if (!n) {
            qFatal("createPhoneNumber: %s", qPrintable(n.error().message));
        }
        return *n;
    }

    Session makeSession(const QString &serviceSid, const QStringList &identifiers = {}, const QString &name = {})
    {
        auto s = call([serviceSid, identifiers, name](Proxy &p, const QString &a) {
            SessionParams sp;
            if (!name.isEmpty()) {
                sp.uniqueName = name;
            }
            for (const QString &id : identifiers) {
                ParticipantParams pp;
                pp.identifier = id;
                sp.participants.append(pp);
            }
            return p.createSession(a, serviceSid, sp);
        });
        if (!s) {
            qFatal("createSession: %s", qPrintable(s.error().message));
        }
        return *s;
    }

    // Lets queued deliveries and re-reads settle, so exact signal counts can be compared afterwards.
    static void settle(int ms = 150) { QTest::qWait(ms); }

private:
    QTemporaryDir m_dir;
    QThread m_thread;
    EngineHost *m_host = nullptr;
    std::unique_ptr<EngineClient> m_client;
    std::unique_ptr<StoreReader> m_reader;
    int m_rateLimit = 0;
};

} // namespace Maskline::Testing
