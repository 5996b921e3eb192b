#include "writebatch.h"

#include <QSqlError>

#include "database.h"
#include "sqlquery.h"

namespace Maskline {

struct WriteBatch::State
{
    QSqlDatabase db;
    QString connection;
    int depth = 0; // savepoints open inside the outermost transaction
    QList<std::function<void()>> afterCommit;
};

namespace {

// The outermost transactions open on this thread, one per connection (a connection belongs to one thread).
thread_local QList<WriteBatch::State *> t_open;

WriteBatch::State *openOn(const QSqlDatabase &db)
{
    const QString name = db.connectionName();
    for (WriteBatch::State *state : std::as_const(t_open)) {
        if (state->connection == name) {
            return state;
        }
    }
    return nullptr;
}

} // namespace

WriteBatch::WriteBatch(Database &db)
{
    const QSqlDatabase connection = db.connection();
    if (openOn(connection)) {
        throw StoreError(QStringLiteral("a transaction is already open on this connection"), false);
    }
    m_state = begin(connection);
}

WriteBatch::~WriteBatch()
{
    if (m_state) {
        end(m_state, false);
    }
}

void WriteBatch::commit()
{
    State *state = std::exchange(m_state, nullptr);
    end(state, true);
}

WriteBatch::State *WriteBatch::begin(const QSqlDatabase &db)
{
    auto *state = new State{db, db.connectionName(), 0, {}};
    if (!state->db.transaction()) {
        const QString why = state->db.lastError().text();
        delete state;
        throw StoreError(QStringLiteral("cannot begin transaction: ") + why, false);
    }
    t_open.append(state);
    return state;
}

void WriteBatch::end(State *state, bool commit)
{
    t_open.removeOne(state);
    const std::unique_ptr<State> owned(state);
    if (!commit) {
        state->db.rollback();
        return;
    }
    if (!state->db.commit()) {
        const QString why = state->db.lastError().text();
        state->db.rollback();
        throw StoreError(QStringLiteral("cannot commit: ") + why, false);
    }
    // From here on the work is durable: what waited for it runs (after the state left t_open, so anything it writes
    // is a transaction of its own).
    const QList<std::function<void()>> work = std::exchange(state->afterCommit, {});
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
