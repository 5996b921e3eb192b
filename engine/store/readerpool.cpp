#include "readerpool.h"

#include <QDeadlineTimer>
#include <QThread>

#include "database.h"

namespace Maskline {

ReaderPool::ReaderPool(Database &store, int threads)
    : m_store(store)
{
    for (int i = 0; i < threads; ++i) {
        std::unique_ptr<QThread> thread(QThread::create([this] { run(); }));
        thread->setObjectName(QStringLiteral("store-reader-%1").arg(i + 1));
        thread->start();
        m_threads.push_back(std::move(thread));
    }
}

ReaderPool::~ReaderPool()
{
    {
        const QMutexLocker locker(&m_mutex);
        m_stopping = true;
    }
    m_ready.wakeAll();
    for (const std::unique_ptr<QThread> &thread : m_threads) {
        thread->wait();
    }
}

void ReaderPool::post(std::function<void()> job)
{
    {
        const QMutexLocker locker(&m_mutex);
        m_jobs.push_back(std::move(job));
    }
    m_ready.wakeOne();
}

bool ReaderPool::waitForIdle(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    QMutexLocker locker(&m_mutex);
    while (m_running > 0 || !m_jobs.empty()) {
        if (!m_idle.wait(&m_mutex, deadline)) {
            return false;
        }
    }
    return true;
}

void ReaderPool::run()
{
    for (;;) {
        std::function<void()> job;
        {
            QMutexLocker locker(&m_mutex);
            while (m_jobs.empty() && !m_stopping) {
                m_ready.wait(&m_mutex);
            }
            if (m_jobs.empty()) {
                break; // stopping, and nothing left to run
            }
            job = std::move(m_jobs.front());
            m_jobs.pop_front();
            ++m_running;
        }
        job();
        const QMutexLocker locker(&m_mutex);
        if (--m_running == 0 && m_jobs.empty()) {
            m_idle.wakeAll();
        }
    }
    m_store.closeThreadConnection();
}

} // namespace Maskline
