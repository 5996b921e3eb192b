#pragma once

#include <QSqlDatabase>

namespace Maskline {

// RAII transaction: begun on construction, rolled back on destruction unless commit() succeeded. Throws StoreError
// when the database refuses to begin or commit.
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
    bool m_done = false;
};

} // namespace Maskline
