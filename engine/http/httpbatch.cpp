#include "httpserver.h"
#include "httpserver_p.h"

// Group commit: the requests that arrive together run as one write batch, each in its own savepoint, and their
// replies leave only after the batch's one commit.

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "core/apierror.h"
#include "proxy/proxy.h"
#include "store/database.h"
#include "store/sqlquery.h"
#include "store/transaction.h"
#include "store/writebatch.h"

namespace Maskline {

namespace {

// The replies of one write batch, held until its commit and then released in the order the requests came. A reply
// given after the release (a deferred handler answering later) goes out at once.
class HeldReplies final
{
public:
    qsizetype add(HttpServer::Respond respond)
    {
        m_slots.append({std::move(respond), std::nullopt, false});
        return m_slots.size() - 1;
    }

    void answer(qsizetype slot, HttpReply reply)
    {
        if (m_released) {
            m_slots[slot].respond(std::move(reply));
            return;
        }
        m_slots[slot].reply = std::move(reply);
    }

    // The request's own savepoint could not be released: its work is undone, so it must not be acknowledged.
    void undo(qsizetype slot) { m_slots[slot].undone = true; }

    void release(bool committed)
    {
        m_released = true;
        for (Slot &slot : m_slots) {
            if (!slot.reply) {
                continue; // deferred: answers later, straight through
            }
            if (!committed || slot.undone) {
                slot.respond(HttpReply::error(
                    ApiError::make(20503, 503,
                                   QStringLiteral("The store could not commit this request; nothing was changed. Retry "
                                                  "the request."))));
            } else {
                slot.respond(*std::exchange(slot.reply, std::nullopt));
            }
        }
    }

private:
    struct Slot
    {
        HttpServer::Respond respond;
        std::optional<HttpReply> reply;
        bool undone;
    };
    QList<Slot> m_slots;
    bool m_released = false;
};

} // namespace

void HttpServer::submit(HttpRequest request, Respond respond)
{
    if (m_pending.isEmpty() && (request.method == HttpMethod::Get || request.method == HttpMethod::Head)) {
        // A read with no write waiting before it has nothing to wait for: it sees everything acknowledged so far, and
        // only that (no batch is open), so it may be answered from what is held of the committed state.
        request.committedView = true;
        handle(std::move(request), std::move(respond));
        return;
    }
    m_pending.append({std::move(request), std::move(respond)});
    if (!m_batchScheduled) {
        m_batchScheduled = true;
        // After the event loop has delivered everything that arrived together: those requests form the batch.
        QMetaObject::invokeMethod(this, &HttpServer::runBatch, Qt::QueuedConnection);
    }
}

void HttpServer::flushBatch()
{
    runBatch();
}

void HttpServer::runBatch()
{
    m_batchScheduled = false;
    Database &store = m_proxy.database();
    while (!m_pending.isEmpty()) {
        const qsizetype count = std::min<qsizetype>(m_pending.size(), std::max(1, m_config.maxBatch));
        QList<Pending> batch = m_pending.first(count);
        m_pending.remove(0, count);

        auto held = std::make_shared<HeldReplies>();
        std::optional<WriteBatch> writes;
        try {
            writes.emplace(store);
        } catch (const StoreError &e) {
            // Without a batch each request runs in transactions of its own, as it would alone.
            qCWarning(lcHttp).noquote() << "cannot open a write batch:" << e.message();
        }
        for (Pending &pending : batch) {
            const qsizetype slot = held->add(std::move(pending.respond));
            std::optional<Transaction> own; // one request's work, undone alone if it cannot be kept
            if (writes) {
                try {
                    own.emplace(store.connection());
                } catch (const StoreError &e) {
                    qCWarning(lcHttp).noquote() << "cannot open a request savepoint:" << e.message();
                }
            }
            handle(std::move(pending.request), [held, slot](HttpReply reply) { held->answer(slot, std::move(reply)); });
            if (own) {
                try {
                    own->commit();
                } catch (const StoreError &e) {
                    qCWarning(lcHttp).noquote() << "a request's work could not be kept:" << e.message();
                    held->undo(slot);
                }
            }
        }
        bool committed = true;
        if (writes) {
            try {
                writes->commit();
            } catch (const StoreError &e) {
                qCCritical(lcHttp).noquote()
                    << "a write batch of" << count << "requests failed to commit:" << e.message();
                committed = false;
            }
        }
        held->release(committed);
    }
}

} // namespace Maskline
