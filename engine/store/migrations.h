#pragma once

#include <QList>
#include <QString>
#include <QStringList>

namespace Maskline {

// One numbered schema step. Its statements run in one transaction together with the version bump, so a failing
// step leaves the store exactly as it was.
struct Migration
{
    int version = 0;
    QString description;
    QStringList statements; // may use %ID%, %TIME%, %BOOL% tokens, replaced per SQL dialect
};

namespace Migrations {
QList<Migration> all();
int latestVersion();
} // namespace Migrations

} // namespace Maskline
