#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <type_traits>

#include <QObject>
#include <QPointer>
#include <QSqlDatabase>
#include <QThread>

#include "core/result.h"
#include "store/storeconfig.h"

namespace Maskline {

class StoreReaderWorker;

// A read that may be abandoned: a model that asks again (new filter, new page) cancels what it asked before, and the
// reader thread skips a cancelled job instead of running it.
struct ReadTicket
{
    std::atomic_bool cancelled = false;
    void cancel() { cancelled = true; }
};
using ReadTicketPtr = std::shared_ptr<ReadTicket>;

// The console's read side: one worker thread with its own READ-ONLY connection to the store (SQLite WAL lets it read
// beside the engine's writer). Models post jobs (a function of the connection) and get their results back on the GUI
// thread, in the order they asked. The GUI thread never runs SQL.
class StoreReader final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(StoreReader)

public:
    using Delivery = std::function<void()>;
    using Job = std::function<void(const QSqlDatabase &)>;

    explicit StoreReader(StoreConfig config, QObject *parent = nullptr);
    ~StoreReader() override;

    // Runs job(db) -> T on the reader thread (a StoreError becomes an ApiError), then done(Result<T>) on this
    // object's thread if `context` still exists and the ticket was not cancelled.
    template<typename Fn, typename Done>
    ReadTicketPtr read(QObject *context, Fn job, Done done)
    {
        using T = std::invoke_result_t<Fn &, const QSqlDatabase &>;
        auto ticket = std::make_shared<ReadTicket>();
        QPointer<QObject> guard(context);
        post(ticket,
             [this, ticket, guard, job = std::move(job), done = std::move(done)](const QSqlDatabase &db) mutable {
                 auto result = std::make_shared<Result<T>>(runGuarded<T>(db, job));
                 emitDelivery([ticket, guard, result, done = std::move(done)]() mutable {
                     if (guard && !ticket->cancelled) {
                         done(std::move(*result));
                     }
                 });
             });
        return ticket;
    }

    // The store this reader reads (read-only).
    const StoreConfig &config() const { return m_config; }
    // How many jobs ran (for tests and the benchmark).
    quint64 jobsRun() const { return m_jobsRun.load(); }

Q_SIGNALS:
    void delivered(const Maskline::StoreReader::Delivery &delivery);

private:
    template<typename T, typename Fn>
    static Result<T> runGuarded(const QSqlDatabase &db, Fn &job)
    {
        if (!db.isValid()) {
            return openError();
        }
        try {
            return Result<T>(job(db));
        } catch (const std::exception &e) {
            return errorFrom(e);
        }
    }
    static ApiError openError();
    static ApiError errorFrom(const std::exception &e);
    void post(const ReadTicketPtr &ticket, Job job);
    void emitDelivery(Delivery delivery);
    void handleDelivery(const Maskline::StoreReader::Delivery &delivery);

    StoreConfig m_config;
    QThread m_thread;
    StoreReaderWorker *m_worker = nullptr;
    std::atomic<quint64> m_jobsRun = 0;
};

} // namespace Maskline
