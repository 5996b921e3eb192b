#include "callbacktarget.h"

#include <optional>

#include <QHostAddress>
#include <QHostInfo>
#include <QNetworkInterface>

namespace Maskline::CallbackTarget {

namespace {

// The host as a name to compare: lowercase, without the trailing dot of a fully qualified name.
QString canonicalName(QString host)
{
    host = host.toLower();
    while (host.endsWith(u'.')) {
        host.chop(1);
    }
    return host;
}

// The host as an address when it is one; an IPv4-mapped IPv6 address is the IPv4 address it maps.
std::optional<QHostAddress> addressOf(const QString &host)
{
    QHostAddress address;
    if (!address.setAddress(canonicalName(host))) {
        return std::nullopt;
    }
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4 && address.protocol() == QAbstractSocket::IPv6Protocol) {
        address = QHostAddress(v4);
    }
    address.setScopeId(QString());
    return address;
}

bool isLocalName(const QString &name)
{
    if (name == u"localhost" || name.endsWith(u".localhost")) {
        return true;
    }
    const QString self = canonicalName(QHostInfo::localHostName());
    if (self.isEmpty()) {
        return false;
    }
    const QString domain = canonicalName(QHostInfo::localDomainName());
    return name == self || (!domain.isEmpty() && name == self + u'.' + domain);
}

// Whether the host names this machine: a loopback, unspecified or local interface address, or a local name.
bool isThisMachine(const QString &host)
{
    const std::optional<QHostAddress> address = addressOf(host);
    if (!address) {
        return isLocalName(canonicalName(host));
    }
    if (address->isLoopback() || *address == QHostAddress(QHostAddress::AnyIPv4) ||
        *address == QHostAddress(QHostAddress::AnyIPv6)) {
        return true;
    }
    const QList<QHostAddress> local = QNetworkInterface::allAddresses();
    for (QHostAddress mine : local) {
        mine.setScopeId(QString());
        if (mine == *address) {
            return true;
        }
    }
    return false;
}

bool isInternal(const QHostAddress &a)
{
    static const QList<std::pair<QHostAddress, int>> ranges{
        {QHostAddress(QStringLiteral("0.0.0.0")), 8},      {QHostAddress(QStringLiteral("10.0.0.0")), 8},
        {QHostAddress(QStringLiteral("100.64.0.0")), 10},  {QHostAddress(QStringLiteral("127.0.0.0")), 8},
        {QHostAddress(QStringLiteral("169.254.0.0")), 16}, {QHostAddress(QStringLiteral("172.16.0.0")), 12},
        {QHostAddress(QStringLiteral("192.168.0.0")), 16}, {QHostAddress(QStringLiteral("::")), 128},
        {QHostAddress(QStringLiteral("::1")), 128},        {QHostAddress(QStringLiteral("fc00::")), 7},
        {QHostAddress(QStringLiteral("fe80::")), 10},      {QHostAddress(QStringLiteral("fec0::")), 10},
    };
    for (const auto &[network, bits] : ranges) {
        if (a.isInSubnet(network, bits)) {
            return true;
        }
    }
    return false;
}

int portOf(const QUrl &url)
{
    return url.port(url.scheme().compare(u"https", Qt::CaseInsensitive) == 0 ? 443 : 80);
}

bool sameHost(const QString &a, const QString &b)
{
    const std::optional<QHostAddress> x = addressOf(a);
    const std::optional<QHostAddress> y = addressOf(b);
    if (x && y) {
        return *x == *y;
    }
    return !x && !y && canonicalName(a) == canonicalName(b);
}

} // namespace

QString refusal(const QUrl &url, const QStringList &ownBases, bool publicOnly)
{
    const QString host = url.host();
    const int port = portOf(url);
    const bool local = isThisMachine(host);
    for (const QString &base : ownBases) {
        const QUrl own(base);
        if (!own.isValid() || own.host().isEmpty() || portOf(own) != port) {
            continue;
        }
        if (sameHost(host, own.host()) || (local && isThisMachine(own.host()))) {
            return QStringLiteral("points at this Maskline server itself; callbacks must go to your application");
        }
    }
    if (publicOnly) {
        const std::optional<QHostAddress> address = addressOf(host);
        if (local || (address && isInternal(*address))) {
            return QStringLiteral("is a loopback, private or link-local address, which this server does not call "
                                  "(--callback-targets public)");
        }
    }
    return QString();
}

QString refusalOfAddresses(const QUrl &url, const QList<QHostAddress> &addresses, const QStringList &ownBases,
                           bool publicOnly)
{
    for (const QHostAddress &address : addresses) {
        QUrl resolved = url;
        resolved.setHost(address.toString());
        const QString why = refusal(resolved, ownBases, publicOnly);
        if (!why.isEmpty()) {
            return QStringLiteral("resolves to %1, which %2").arg(address.toString(), why);
        }
    }
    return QString();
}

} // namespace Maskline::CallbackTarget
