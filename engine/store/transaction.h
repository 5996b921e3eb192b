#pragma once

#include <QSqlDatabase>

#include "writebatch.h"

namespace Maskline {

// RAII transaction: begun on construction, rolled back on destruction unless commit() succeeded. Throws StoreError
// when the database refuses to begin or commit. Inside an open WriteBatch or Transaction on the same connection it is
// a savepoint instead: commit() releases it (durable when the outermost commits), and destruction without commit()
// rolls back to it, undoing only this transaction's work.
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
    int m_savepoint = -1;                 // depth inside an open transaction; -1 when this is the outermost
    WriteBatch::State *m_outer = nullptr; // the outermost transaction's state, until it ends
    bool m_done = false;
};

} // namespace Maskline
