#pragma once

#include <memory>

#include <QLockFile>
#include <QString>

namespace Maskline {

// One engine at a time runs on a SQLite store. The lock is a file beside the store holding the owner's pid, host
// and program name, so a refused second engine can say exactly who holds it; a lock left by a dead process is
// taken over. Short admin commands do not take it: SQLite's own locking serialises their writes.
class StoreLock final
{
public:
    explicit StoreLock(const QString &storePath);
    ~StoreLock();

    // True when acquired; otherwise errorString() names the holder.
    bool tryLock();
    QString errorString() const { return m_error; }
    static QString lockPathFor(const QString &storePath) { return storePath + QStringLiteral(".lock"); }

private:
    std::unique_ptr<QLockFile> m_lock;
    QString m_storePath;
    QString m_error;
};

} // namespace Maskline
