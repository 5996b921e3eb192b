#pragma once

#include <QCommandLineParser>
#include <QStringList>

#include "store/storeconfig.h"

namespace Maskline::Import {

// Exit codes of `maskline-server import`.
constexpr int EXIT_OK = 0;
constexpr int EXIT_FAILED = 1;  // could not finish: credentials refused, source unreachable after retries, store error
constexpr int EXIT_USAGE = 2;   // a missing or malformed option
constexpr int EXIT_REFUSED = 3; // finished, but records that exist here with other content were left as they are

// --from-url, --account-sid, --auth-token, --force, --page-size.
void addOptions(QCommandLineParser &parser);

// `maskline-server --db PATH import --from-url URL --account-sid AC… --auth-token TOKEN [--force]`: copies every
// Service, PhoneNumber, Session, Participant and Interaction of that account from a Twilio Proxy v1 API (Twilio's,
// or another Maskline) into the store with the same SIDs, timestamps and statuses. Returns the exit code.
int run(const QCommandLineParser &parser, const QStringList &args, const StoreConfig &store);

} // namespace Maskline::Import
