#pragma once

#include <functional>

#include <QString>

#include "store/consoledemo.h"

namespace Maskline::Demo {

// Writes a demo store (store/consoledemo.h) with the account and Services made by the Proxy domain itself, so their
// validation is the real one, and debugger events at their catalogue levels.
Summary generate(const Options &options, const std::function<void(const QString &)> &progress = {});

} // namespace Maskline::Demo
