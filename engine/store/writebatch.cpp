#include "writebatch.h"

#include <QSqlError>

#include "database.h"
#include "sqlquery.h"

namespace Maskline {

struct WriteBatch::State
{
    QSqlDatabase db;
    QString connection;
    int depth = 0; // savepoints open inside the batch
    QList<std::function<void()>> afterCommit;
    bool done = false;
};

namespace {

// The batch open on this thread, if any. A connection belongs to one thread, so one slot per thread is enough.
thread_local WriteBatch::State *t_open = nullptr;

WriteBatch::State *openOn(const QSqlDatabase &db)
{
    return t_open && t_open->connection == db.connectionName() ? t_open : nullptr;
}

} // namespace

WriteBatch::WriteBatch(Database &db)
    : m_state(new State)
{
    m_state->db = db.connection();
    m_state->connection = m_state->db.connectionName();
    if (t_open) {
        delete m_state;
        throw StoreError(QStringLiteral("a write batch is already open on this thread"), false);
    }
    if (!m_state->db.transaction()) {
        const QString why = m_state->db.lastError().text();
        delete m_state;
        throw StoreError(QStringLiteral("cannot begin a write batch: ") + why, false);
    }
    t_open = m_state;
}

WriteBatch::~WriteBatch()
{
    if (!m_state->done) {
        m_state->db.rollback();
    }
    if (t_open == m_state) {
        t_open = nullptr;
    }
    delete m_state;
}

void WriteBatch::commit()
{
    t_open = nullptr; // from here on, afterCommit() work runs at once
    m_state->done = true;
    if (!m_state->db.commit()) {
        const QString why = m_state->db.lastError().text();
        m_state->db.rollback();
        throw StoreError(QStringLiteral("cannot commit a write batch: ") + why, false);
    }
    const QList<std::function<void()>> work = std::exchange(m_state->afterCommit, {});
    for (const auto &fn : work) {
        fn();
    }
}

void WriteBatch::afterCommit(const QSqlDatabase &db, std::function<void()> fn)
{
    if (State *open = openOn(db)) {
        open->afterCommit.append(std::move(fn));
        return;
    }
    fn();
}

int WriteBatch::openSavepoint(const QSqlDatabase &db)
{
    State *open = openOn(db);
    if (!open) {
        return -1;
    }
    return ++open->depth;
}

void WriteBatch::closeSavepoint(const QSqlDatabase &db)
{
    if (State *open = openOn(db)) {
        --open->depth;
    }
}

} // namespace Maskline
