#pragma once

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Maskline::CallbackTarget {

// Whether a callback URL (http or https, already parsed) must be refused, and why (empty when it may be used).
//
// - It reaches this server itself when its host is one of this machine's addresses — any loopback address (127/8,
//   ::1), the unspecified address (0.0.0.0, ::), an address of a local interface, `localhost` or a name under
//   `.localhost`, this machine's host name — and its port is the port of one of `ownBases` that is on this machine; or
//   when host and port are those of one of `ownBases` (the listener, every --public-url, the bases requests arrived
//   on). Hosts are compared as addresses, not spellings: LOCALHOST, [::1], [::ffff:127.0.0.1], 127.0.0.2 and a
//   trailing dot (127.0.0.1.) are all the same machine.
// - With `publicOnly` (--callback-targets public), it must not be a loopback, private (10/8, 172.16/12,
//   192.168/16, 100.64/10 shared, fc00::/7 unique-local), link-local (169.254/16 — cloud metadata services live at
//   169.254.169.254 —, fe80::/10) or unspecified address, or a name of this machine.
//
// Literal addresses and this machine's own names are checked here; other names are not resolved (this runs in the
// write path on the engine thread, which must not wait on DNS).
QString refusal(const QUrl &url, const QStringList &ownBases, bool publicOnly);

// The same check on the addresses `url`'s host resolved to, at delivery (engine/callbacks/callbackclient.h resolves
// without blocking): a name that resolves to this server, or with `publicOnly` to an internal address, is refused
// just as the literal address would be. Empty when every address may be used.
QString refusalOfAddresses(const QUrl &url, const QList<QHostAddress> &addresses, const QStringList &ownBases,
                           bool publicOnly);

} // namespace Maskline::CallbackTarget
