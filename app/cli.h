#pragma once

#include <optional>

#include <QCommandLineParser>
#include <QStringList>

#include "enginehost.h"
#include "logging.h"

namespace Maskline::Cli {

// The flags both executables share. Values come from, in order of precedence: the command line, MASKLINE_*
// environment variables, the INI file given by --config (or MASKLINE_CONFIG), then built-in defaults.
void addEngineOptions(QCommandLineParser &parser);

// Parses the command line (no application object needs to exist for parsing; --help needs a QCoreApplication).
// Handles --help and --version (exits 0); an unknown option or a missing value prints why and returns 2. Returns
// nothing when the program should go on.
std::optional<int> parseArguments(QCommandLineParser &parser, const QStringList &arguments);

struct Parsed
{
    EngineConfig engine;
    Logging::Config log;
    QString error; // non-empty: the user gave something unusable
};

Parsed engineConfig(const QCommandLineParser &parser);

// "127.0.0.1:8080", "[::1]:0", ":8080", "0.0.0.0:80"
bool parseListen(const QString &text, QHostAddress *address, quint16 *port);

// `account create [--sid AC… --token …]` and `account list` against the store; returns the process exit code.
int runAccountCommand(const QCommandLineParser &parser, const QStringList &args, const StoreConfig &store);

// `service flags KS… [mexico_insert_one=on|off] [argentina_insert_nine=on|off]`: shows, or sets and shows, a
// Service's country dialling flags (the REST extension MexicoInsertOne / ArgentinaInsertNine); returns the exit code.
int runServiceCommand(const QStringList &args, const StoreConfig &store);

} // namespace Maskline::Cli
