#include "proxy.h"

#include <QMap>

#include "core/channeladdress.h"
#include "proxy_p.h"
#include "store/numberstable.h"
#include "store/participantstable.h"
#include "store/sessionstable.h"

// The Proxy domain: construction and the helpers its resource families share. The calls themselves live one family
// per file: accounts.cpp, services.cpp, numbers.cpp, sessions.cpp, participants.cpp, interactions.cpp.

Q_LOGGING_CATEGORY(lcProxy, "maskline.proxy", QtInfoMsg)

using namespace Qt::Literals::StringLiterals;

namespace Maskline {

namespace ProxyInternal {

namespace {
constexpr qint64 MAX_TTL = 2147483647; // reference §10: 0 <= ttl < 2^31-1
} // namespace

ApiError notFound(const QString &path)
{
    return ApiError::notFound(path);
}

QString servicePath(const QString &serviceSid)
{
    return u"/Services/"_s + serviceSid;
}

QString sessionPath(const QString &serviceSid, const QString &sessionSid)
{
    return servicePath(serviceSid) + u"/Sessions/"_s + sessionSid;
}

Status validateUniqueName(const QString &param, const QString &name)
{
    if (name.isEmpty()) {
        return ApiError::invalidParameter(param, u"must not be empty"_s);
    }
    if (name.size() > Proxy::MAX_UNIQUE_NAME) {
        return ApiError::invalidParameter(param, u"may be at most 191 characters"_s);
    }
    return Ok{};
}

Status validateTtl(const QString &param, qint64 ttl)
{
    if (ttl < 0 || ttl >= MAX_TTL) {
        return ApiError::invalidParameter(param, u"must be a whole number of seconds from 0 to 2147483646"_s);
    }
    return Ok{};
}

QDateTime deadline(const QDateTime &dateExpiry, qint64 ttl, const QDateTime &lastActivity)
{
    if (dateExpiry.isValid()) {
        return dateExpiry;
    }
    if (ttl > 0) {
        return lastActivity.addSecs(ttl);
    }
    return {};
}

void restoreRoutes(const QSqlDatabase &db, const QList<Participant> &released, ProxyTxn &txn)
{
    for (const Participant &p : released) {
        const QString proxyNumber = ChannelAddress::bare(p.proxyIdentifier);
        if (ParticipantsTable::routeHolder(db, p.serviceSid, p.identifier, proxyNumber)) {
            continue;
        }
        if (const auto sid = ParticipantsTable::latestDisplacedHolder(db, p.serviceSid, p.identifier, proxyNumber)) {
            ParticipantsTable::setRoutable(db, *sid, true);
            txn.changed(Change::Kind::Participant, Change::Op::Updated, *sid);
        }
    }
}

InUseDelta::InUseDelta(const QSqlDatabase &db, const QString &sessionSid)
    : m_db(db)
    , m_sessionSid(sessionSid)
{
    SessionsTable::lockForUpdate(m_db, m_sessionSid);
    m_before = NumbersTable::heldBySession(m_db, m_sessionSid);
}

QSet<QString> InUseDelta::apply()
{
    const QSet<QString> after = NumbersTable::heldBySession(m_db, m_sessionSid);
    QMap<QString, int> steps; // by SID: every writer updates numbers in the same order, so nodes never deadlock
    for (const QString &sid : std::as_const(m_before)) {
        if (!after.contains(sid)) {
            steps.insert(sid, -1);
        }
    }
    for (const QString &sid : after) {
        if (!m_before.contains(sid)) {
            steps.insert(sid, +1);
        }
    }
    QSet<QString> moved;
    for (auto it = steps.cbegin(); it != steps.cend(); ++it) {
        NumbersTable::addToInUse(m_db, it.key(), it.value());
        moved.insert(it.key());
    }
    return moved;
}

} // namespace ProxyInternal

Proxy::Proxy(Database &db, const Clock &clock, Debugger *debugger, QObject *parent)
    : QObject(parent)
    , m_db(db)
    , m_clock(clock)
    , m_debugger(debugger)
{
    qRegisterMetaType<Maskline::Change>();
    qRegisterMetaType<QList<Maskline::Change>>();
}

Proxy::~Proxy() = default;

void Proxy::setOwnBaseUrls(const QStringList &urls)
{
    m_ownBaseUrls = urls;
}

} // namespace Maskline
