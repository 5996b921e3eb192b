#include "storereader.h"

#include <QLoggingCategory>

#include "core/redact.h"
#include "store/database.h"
#include "store/sqlquery.h"

Q_LOGGING_CATEGORY(lcReader, "maskline.console.reader", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

// Lives on the reader thread and owns the read-only connection, opened on first use (the engine creates and migrates
// the store first) and closed on that same thread when it ends.
class StoreReaderWorker final : public QObject
{
public:
    explicit StoreReaderWorker(StoreConfig config)
        : m_db(std::move(config))
    {}

    QSqlDatabase connection()
    {
        try {
            return m_db.connection();
        } catch (const StoreError &e) {
            qCWarning(lcReader).noquote() << redactText(e.message());
            return {};
        }
    }

    void shutdown() { m_db.closeThreadConnection(); }

private:
    Database m_db;
};

StoreReader::StoreReader(StoreConfig config, QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<Maskline::StoreReader::Delivery>("Maskline::StoreReader::Delivery");
    config.readOnly = true;
    m_config = config;
    m_thread.setObjectName(u"store-reader"_s);
    m_worker = new StoreReaderWorker(std::move(config));
    m_worker->moveToThread(&m_thread);
    StoreReaderWorker *worker = m_worker;
    connect(
        &m_thread, &QThread::finished, worker, [worker]() { worker->shutdown(); }, Qt::DirectConnection);
    connect(this, &StoreReader::delivered, this, &StoreReader::handleDelivery, Qt::QueuedConnection);
    m_thread.start();
}

StoreReader::~StoreReader()
{
    m_thread.quit();
    m_thread.wait();
    delete m_worker;
}

ApiError StoreReader::openError()
{
    return ApiError::internal(u"the console cannot open the store for reading"_s);
}

ApiError StoreReader::errorFrom(const std::exception &e)
{
    if (const auto *store = dynamic_cast<const StoreError *>(&e)) {
        return ApiError::internal(store->message());
    }
    return ApiError::internal(QString::fromLocal8Bit(e.what()));
}

void StoreReader::post(const ReadTicketPtr &ticket, Job job)
{
    StoreReaderWorker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker,
        [this, worker, ticket, job = std::move(job)]() {
            if (ticket->cancelled) {
                return;
            }
            ++m_jobsRun;
            job(worker->connection());
        },
        Qt::QueuedConnection);
}

void StoreReader::emitDelivery(Delivery delivery)
{
    Q_EMIT delivered(delivery);
}

void StoreReader::handleDelivery(const Delivery &delivery)
{
    if (delivery) {
        delivery();
    }
}

} // namespace Maskline
