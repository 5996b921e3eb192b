#include "transaction.h"

#include <QSqlError>

#include "sqlquery.h"

namespace Maskline {

Transaction::Transaction(const QSqlDatabase &db)
    : m_db(db)
{
    if (!m_db.transaction()) {
        throw StoreError(QStringLiteral("cannot begin transaction: ") + m_db.lastError().text(), false);
    }
}

Transaction::~Transaction()
{
    if (!m_done) {
        m_db.rollback();
    }
}

void Transaction::commit()
{
    if (!m_db.commit()) {
        const QString why = m_db.lastError().text();
        m_db.rollback();
        m_done = true;
        throw StoreError(QStringLiteral("cannot commit: ") + why, false);
    }
    m_done = true;
}

} // namespace Maskline
