#pragma once

#include <functional>

#include <QString>

namespace Maskline::Demo {

struct Options
{
    QString path; // the SQLite file to create (must not exist, or be an empty store)
    qint64 sessions = 1000;
    int interactionsPerSession = 10;
    int services = 2;
    int numbersPerService = 500;
    qint64 debuggerEvents = -1; // -1: one per 100 sessions (at least 50)
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
Summary generate(const Options &options, const std::function<void(const QString &)> &progress = {});

} // namespace Maskline::Demo
