#include "storelock.h"

#include <QDir>
#include <QFileInfo>

namespace Maskline {

StoreLock::StoreLock(const QString &storePath)
    : m_lock(std::make_unique<QLockFile>(lockPathFor(storePath)))
    , m_storePath(storePath)
{
    m_lock->setStaleLockTime(0); // never stale by age: only a dead owner frees it
}

StoreLock::~StoreLock() = default;

bool StoreLock::tryLock()
{
    QDir().mkpath(QFileInfo(m_storePath).absolutePath());
    if (m_lock->tryLock(0)) {
        return true;
    }
    if (m_lock->error() == QLockFile::LockFailedError) {
        qint64 pid = 0;
        QString host;
        QString app;
        if (m_lock->getLockInfo(&pid, &host, &app)) {
            m_error = QStringLiteral("the store %1 is already in use by %2 (pid %3 on %4); stop that process or "
                                     "choose another --db")
                          .arg(m_storePath, app.isEmpty() ? QStringLiteral("another Maskline engine") : app)
                          .arg(pid)
                          .arg(host);
        } else {
            m_error = QStringLiteral("the store %1 is already in use by another Maskline engine").arg(m_storePath);
        }
    } else {
        m_error = QStringLiteral("cannot create the lock file %1 (permission denied or no such folder)")
                      .arg(lockPathFor(m_storePath));
    }
    return false;
}

} // namespace Maskline
