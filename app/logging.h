#pragma once

#include <optional>

#include <QString>

namespace Maskline::Logging {

// What the executables print to stderr (docs/logging.md). Every maskline.* category defaults to info; --log-level
// moves that threshold for all categories, and QT_LOGGING_RULES still overrides both for single categories.
enum class Level
{
    Debug,
    Info,
    Warning,
    Error,
};

enum class Format
{
    Text, // one line per message; a <N> syslog priority prefix instead of the time when stderr is journald's
    Json, // one object per line: time, level, category, message, sids
};

struct Config
{
    Level level = Level::Info;
    Format format = Format::Text;
};

// "debug", "info", "warning", "error" (any case); nullopt for anything else.
std::optional<Level> parseLevel(const QString &text);
// "text", "json" (any case); nullopt for anything else.
std::optional<Format> parseFormat(const QString &text);

// Applies the level as filter rules (which QT_LOGGING_RULES overrides) and installs the message handler.
void install(const Config &config);

} // namespace Maskline::Logging
