#include "storeconfig.h"

#include <QDir>
#include <QStandardPaths>
#include <QUrl>

namespace Maskline {

QString StoreConfig::describe() const
{
    if (isSqlite()) {
        return path;
    }
    return QStringLiteral("postgresql://%1@%2:%3/%4").arg(pgUser, pgHost).arg(pgPort).arg(pgDatabase);
}

StoreConfig StoreConfig::fromLocation(const QString &location)
{
    StoreConfig config;
    if (location.startsWith(QLatin1String("postgres://")) || location.startsWith(QLatin1String("postgresql://"))) {
        const QUrl url(location);
        config.driver = Driver::Postgres;
        config.pgHost = url.host().isEmpty() ? QStringLiteral("127.0.0.1") : url.host();
        config.pgPort = url.port(5432);
        config.pgUser = url.userName();
        config.pgPassword = url.password();
        config.pgDatabase = url.path().mid(1);
        return config;
    }
    config.path = location.isEmpty() ? defaultSqlitePath() : location;
    return config;
}

QString StoreConfig::defaultSqlitePath()
{
    QString dir = QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation);
    if (dir.isEmpty()) {
        dir = QDir::homePath() + QStringLiteral("/.local/share");
    }
    return dir + QStringLiteral("/maskline/maskline.db");
}

} // namespace Maskline
