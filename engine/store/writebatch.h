#pragma once

#include <functional>

#include <QList>
#include <QSqlDatabase>
#include <QString>

namespace Maskline {

class Database;

// Group commit on the calling thread's connection. While a WriteBatch is open, every Transaction on that connection
// is a savepoint inside the batch's one transaction (a failure still rolls back alone), and work handed to
// afterCommit() waits for the batch's commit: the batch commits once, with one fsync, for everything it ran. Whoever
// opens a batch holds back its acknowledgements until commit() returned (the HTTP front answers the requests of a
// batch only then), so nothing is acknowledged before it is durable.
//
// The outermost Transaction on a connection works the same way (Transactions inside it are savepoints, afterCommit()
// work waits for it); a WriteBatch is an outermost transaction that says so: opening one while a transaction is open
// on the same connection throws StoreError.
class WriteBatch final
{
public:
    explicit WriteBatch(Database &db);
    ~WriteBatch(); // rolls back, dropping the afterCommit() work, unless commit() succeeded
    WriteBatch(const WriteBatch &) = delete;
    WriteBatch &operator=(const WriteBatch &) = delete;

    // Commits, then runs the afterCommit() work in order. Throws StoreError when the commit fails (everything the
    // batch ran is rolled back and its afterCommit() work dropped).
    void commit();

    // Runs `fn` once the work on `db` so far is committed: at once outside a batch, after the batch's commit inside
    // one (and never if it rolls back).
    static void afterCommit(const QSqlDatabase &db, std::function<void()> fn);
    // The open batch's savepoint depth on `db`, or -1 when no batch is open there. Transaction uses it.
    static int openSavepoint(const QSqlDatabase &db);
    static void closeSavepoint(const QSqlDatabase &db);

    struct State; // writebatch.cpp
    // Transaction's side: the outermost transaction on a connection begins and ends here.
    static State *begin(const QSqlDatabase &db);
    static void end(State *state, bool commit); // commit throws StoreError when it fails (rolled back)

private:
    State *m_state = nullptr;
};

} // namespace Maskline
