#pragma once

#include <QSqlDatabase>

namespace Maskline {

// RAII transaction: begun on construction, rolled back on destruction unless commit() succeeded. Throws StoreError
// when the database refuses to begin or commit. Inside an open WriteBatch on the same connection it is a savepoint
// of the batch instead: commit() releases it (durable when the batch commits), and destruction without commit() rolls
// back to it, undoing only this transaction's work.
class Transaction final
{
public:
    explicit Transaction(const QSqlDatabase &db);
    ~Transaction();
    Transaction(const Transaction &) = delete;
    Transaction &operator=(const Transaction &) = delete;

    void commit();

private:
    QSqlDatabase m_db;
    int m_savepoint = -1; // depth inside the open batch; -1 for a transaction of its own
    bool m_done = false;
};

} // namespace Maskline
