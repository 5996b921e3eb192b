#pragma once

// Shared by the fuzz targets: a check that aborts (a libFuzzer "crash", and a failed replay under ctest) with the
// property that did not hold, and the QCoreApplication the Qt-based targets need.

#include <cstdio>
#include <cstdlib>

#include <QCoreApplication>

#define FUZZ_CHECK(cond)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::fprintf(stderr, "fuzz check failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__);                        \
            std::abort();                                                                                              \
        }                                                                                                              \
    } while (false)

namespace Maskline::Fuzz {

inline QCoreApplication &app()
{
    static int argc = 1;
    static char name[] = "maskline-fuzz";
    static char *argv[] = {name, nullptr};
    static QCoreApplication *instance = [] {
        qputenv("QT_LOGGING_RULES", "maskline.*=false");
        return new QCoreApplication(argc, argv);
    }();
    return *instance;
}

} // namespace Maskline::Fuzz
