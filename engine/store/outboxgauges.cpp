#include "outbox.h"

// The outbox as /readyz and /metrics see it: two read-only index range scans on outbox_due that stop early, so their
// cost follows the backlog, never the table's history. The worker itself is in outbox.cpp.

#include "sqlquery.h"

namespace Maskline {

std::optional<qint64> Outbox::oldestDueAt(const QSqlDatabase &db, qint64 nowMs)
{
    SqlQuery due(db, QStringLiteral("SELECT MIN(next_attempt_at) FROM outbox WHERE state = :pending AND "
                                    "next_attempt_at <= :now"));
    due.bind(QStringLiteral(":pending"), QStringLiteral("pending")).bind(QStringLiteral(":now"), nowMs).exec();
    if (!due.next() || due.value(0).isNull()) {
        return std::nullopt;
    }
    return due.value(0).toLongLong();
}

Outbox::Backlog Outbox::backlog(const QSqlDatabase &db, const QString &kind, qint64 nowMs)
{
    Backlog b;
    SqlQuery pending(db, QStringLiteral("SELECT COUNT(*) FROM (SELECT 1 FROM outbox WHERE state = :pending AND "
                                        "kind = :kind LIMIT 10000) AS waiting"));
    pending.bind(QStringLiteral(":pending"), QStringLiteral("pending")).bind(QStringLiteral(":kind"), kind).exec();
    if (pending.next()) {
        b.pending = pending.value(0).toLongLong();
    }
    SqlQuery oldest(db, QStringLiteral("SELECT next_attempt_at FROM outbox WHERE state = :pending AND "
                                       "next_attempt_at <= :now AND kind = :kind ORDER BY next_attempt_at LIMIT 1"));
    oldest.bind(QStringLiteral(":pending"), QStringLiteral("pending"))
        .bind(QStringLiteral(":now"), nowMs)
        .bind(QStringLiteral(":kind"), kind)
        .exec();
    if (oldest.next()) {
        b.oldestDueAtMs = oldest.value(0).toLongLong();
    }
    return b;
}

} // namespace Maskline
