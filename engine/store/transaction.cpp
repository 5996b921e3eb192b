#include "transaction.h"

#include <QLoggingCategory>
#include <QSqlError>

#include "sqlquery.h"
#include "writebatch.h"

Q_LOGGING_CATEGORY(lcTransaction, "maskline.store.transaction")

namespace Maskline {

namespace {

QString savepointName(int depth)
{
    return QStringLiteral("sp") + QString::number(depth);
}

// SAVEPOINT / RELEASE / ROLLBACK TO: compiled once and reused on SQLite; PostgreSQL cannot PREPARE them, so there they
// are sent as they are.
void control(const QSqlDatabase &db, const QString &sql)
{
    if (db.driverName() == QLatin1String("QPSQL")) {
        execSql(db, sql);
    } else {
        SqlQuery(db, sql).exec();
    }
}

} // namespace

Transaction::Transaction(const QSqlDatabase &db)
    : m_db(db)
    , m_savepoint(WriteBatch::openSavepoint(db))
{
    if (m_savepoint > 0) {
        try {
            control(m_db, QStringLiteral("SAVEPOINT ") + savepointName(m_savepoint));
        } catch (...) {
            WriteBatch::closeSavepoint(m_db);
            throw;
        }
        return;
    }
    m_outer = WriteBatch::begin(m_db);
}

Transaction::~Transaction()
{
    if (m_savepoint > 0) {
        if (!m_done) {
            try {
                const QString name = savepointName(m_savepoint);
                control(m_db, QStringLiteral("ROLLBACK TO SAVEPOINT ") + name);
                control(m_db, QStringLiteral("RELEASE SAVEPOINT ") + name);
            } catch (const StoreError &e) {
                // The batch cannot go on cleanly: its commit will fail and every request in it is refused.
                qCWarning(lcTransaction).noquote() << "cannot roll back to a savepoint:" << e.message();
            }
        }
        WriteBatch::closeSavepoint(m_db);
        return;
    }
    if (m_outer) {
        WriteBatch::end(std::exchange(m_outer, nullptr), false);
    }
}

void Transaction::commit()
{
    if (m_savepoint > 0) {
        control(m_db, QStringLiteral("RELEASE SAVEPOINT ") + savepointName(m_savepoint));
        m_done = true;
        return;
    }
    m_done = true;
    WriteBatch::end(std::exchange(m_outer, nullptr), true);
}

} // namespace Maskline
