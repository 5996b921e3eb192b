#include "storeprobe.h"

#include <QSqlError>
#include <QSqlQuery>

#include "database.h"

namespace Maskline::StoreProbe {

QString unavailable(Database &store)
{
    const QSqlDatabase db = store.connection();
    QSqlQuery query(db);
    if (!query.exec(QStringLiteral("SELECT 1")) || !query.next()) {
        return QStringLiteral("store: the trivial query failed: ") + query.lastError().text();
    }
    if (store.config().isSqlite()) {
        int previousTimeout = 5000;
        if (query.exec(QStringLiteral("PRAGMA busy_timeout")) && query.next()) {
            previousTimeout = query.value(0).toInt();
        }
        query.exec(QStringLiteral("PRAGMA busy_timeout = 250"));
        // A write statement takes the write lock even when it changes no row; the savepoint makes this work
        // inside a write batch too, and rolling back to it leaves nothing behind.
        const bool began = query.exec(QStringLiteral("SAVEPOINT maskline_readyz"));
        const bool wrote = began && query.exec(QStringLiteral("UPDATE accounts SET sid = sid WHERE 0 = 1"));
        const QString why = query.lastError().text();
        if (began) {
            query.exec(QStringLiteral("ROLLBACK TO maskline_readyz"));
            query.exec(QStringLiteral("RELEASE maskline_readyz"));
        }
        query.exec(QStringLiteral("PRAGMA busy_timeout = %1").arg(previousTimeout));
        if (!wrote) {
            return QStringLiteral("store: not writable: ") + why;
        }
    }
    return {};
}

} // namespace Maskline::StoreProbe
