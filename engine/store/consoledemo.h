#pragma once

#include <functional>

#include <QString>

#include "core/result.h"
#include "records.h"

namespace Maskline {
class Database;
}

namespace Maskline::Demo {

struct Options
{
    QString path; // the SQLite file to create (must not exist, or be an empty store)
    qint64 sessions = 1000;
    int interactionsPerSession = 10;
    int services = 2;
    int numbersPerService = 500;
    qint64 debuggerEvents = -1; // -1: one per 100 sessions (at least 50)
    int activePercent = 20;     // the newest this many percent of sessions are active (open or in progress)
    QString accountSid;         // generated when empty
    QString authToken;
};

struct Summary
{
    QString accountSid;
    QString authToken;
    qint64 sessions = 0;
    qint64 participants = 0;
    qint64 interactions = 0;
    qint64 debuggerEvents = 0;
    QString firstCustomer; // an identifier that appears in several sessions, for filter tests
    QString error;
};

// Writes a demo store with the engine's real schema (its migrations) and realistic rows: a few services with their
// pools, sessions (the newest active, the rest closed) with two participants each, interactions and debugger events.
// Fast: direct prepared inserts in big transactions with PRAGMA synchronous=OFF and sequential SIDs.
//
// The few rows that must be real — the account and the Services — are made by the domain, which sits above the store:
// the caller passes it in (models/demostore.h does, with Proxy and the debugger catalogue).
struct Domain
{
    std::function<Result<Account>(Database &db, const QString &sid, const QString &authToken)> ensureAccount;
    std::function<Result<Service>(Database &db, const QString &accountSid, const ServiceParams &params)> createService;
    std::function<QString(int code)> levelFor; // a debugger code's log level
};
Summary generateWith(const Options &options, const Domain &domain,
                     const std::function<void(const QString &)> &progress = {});

} // namespace Maskline::Demo
