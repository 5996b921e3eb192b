#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <vector>

#include <QMutex>
#include <QWaitCondition>

class QThread;

namespace Maskline {

class Database;

// Threads that run read-only work on connections of their own (each thread opens its own connection to `store` on
// first use; SQLite in WAL mode reads beside the writer). Jobs run in the order posted, each on whichever thread is
// free. The destructor runs every job already posted, then closes the threads' connections and joins them.
class ReaderPool final
{
public:
    ReaderPool(Database &store, int threads);
    ~ReaderPool();
    ReaderPool(const ReaderPool &) = delete;
    ReaderPool &operator=(const ReaderPool &) = delete;

    // Callable from any thread. The job must not write to the store, and must catch what it throws.
    void post(std::function<void()> job);
    int threads() const { return int(m_threads.size()); }
    // Blocks until every job posted so far has run (or `timeoutMs` passed); false on the timeout.
    bool waitForIdle(int timeoutMs);

private:
    void run();

    Database &m_store;
    QMutex m_mutex;
    QWaitCondition m_ready;
    QWaitCondition m_idle;
    int m_running = 0;
    std::deque<std::function<void()>> m_jobs;
    bool m_stopping = false;
    std::vector<std::unique_ptr<QThread>> m_threads;
};

} // namespace Maskline
