#pragma once

// Where a test's store lives. By default a SQLite file; with MASKLINE_TEST_DB=postgresql://… (set by
// tests/pg/with-postgres.sh for the *_postgres ctest variants) every call creates a fresh, empty database on that
// server instead, so each test case starts from nothing there too.

#include <QAtomicInt>
#include <QCoreApplication>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QString>
#include <QUrl>

namespace Maskline::Testing {

inline QString postgresTestServer()
{
    return qEnvironmentVariable("MASKLINE_TEST_DB");
}

inline bool onPostgres()
{
    return !postgresTestServer().isEmpty();
}

// `sqlitePath` when testing on SQLite; else the URL of a new database on the MASKLINE_TEST_DB server.
inline QString testStoreLocation(const QString &sqlitePath)
{
    const QString server = postgresTestServer();
    if (server.isEmpty()) {
        return sqlitePath;
    }
    static QAtomicInt counter;
    QUrl url(server);
    const QString name = QStringLiteral("t%1_%2").arg(QCoreApplication::applicationPid()).arg(++counter);
    const QString connection = QStringLiteral("maskline-test-admin");
    {
        QSqlDatabase admin = QSqlDatabase::contains(connection)
                                 ? QSqlDatabase::database(connection, false)
                                 : QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        admin.setHostName(url.host());
        admin.setPort(url.port(5432));
        admin.setUserName(url.userName());
        admin.setPassword(url.password());
        admin.setDatabaseName(url.path().mid(1));
        if (!admin.isOpen() && !admin.open()) {
            qFatal("MASKLINE_TEST_DB: cannot connect: %s", qPrintable(admin.lastError().text()));
        }
        QSqlQuery q(admin);
        // The previous test case's database is done with (its fixture is gone): dropped, so the throw-away server
        // holds one test database per process at a time.
        static QString previous;
        if (!previous.isEmpty()) {
            q.exec(QStringLiteral("DROP DATABASE IF EXISTS %1 WITH (FORCE)").arg(previous));
        }
        previous = name;
        if (!q.exec(QStringLiteral("CREATE DATABASE %1").arg(name))) {
            qFatal("MASKLINE_TEST_DB: cannot create a database: %s", qPrintable(q.lastError().text()));
        }
    }
    url.setPath(QLatin1Char('/') + name);
    return url.toString();
}

} // namespace Maskline::Testing
