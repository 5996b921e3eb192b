#pragma once

#include <QString>

namespace Maskline {

// Where the store lives. SQLite (one file) is the embedded default; PostgreSQL is the scale-out store.
struct StoreConfig
{
    enum class Driver
    {
        Sqlite,
        Postgres,
    };

    Driver driver = Driver::Sqlite;
    QString path;   // SQLite: the database file
    QString pgHost; // PostgreSQL connection fields
    int pgPort = 5432;
    QString pgDatabase;
    QString pgUser;
    QString pgPassword;
    bool readOnly = false; // the console's read side opens its own read-only connection

    bool isSqlite() const { return driver == Driver::Sqlite; }
    // Human description without secrets, for messages and logs.
    QString describe() const;

    // Parses "--db" values: a file path, or postgresql://user:pass@host:port/dbname.
    static StoreConfig fromLocation(const QString &location);
    static QString defaultSqlitePath();
};

} // namespace Maskline
