# One INTERFACE target carries the compile policy every Maskline target shares (cf. qBittorrent's qbt_common_cfg).
add_library(maskline_common_cfg INTERFACE)
target_compile_features(maskline_common_cfg INTERFACE cxx_std_20)
set(CMAKE_CXX_EXTENSIONS OFF)

target_compile_definitions(maskline_common_cfg INTERFACE
  QT_NO_CAST_FROM_ASCII
  QT_NO_CAST_TO_ASCII
  QT_NO_CAST_FROM_BYTEARRAY
  QT_NO_CONTEXTLESS_CONNECT
  QT_NO_URL_CAST_FROM_STRING
  QT_USE_QSTRINGBUILDER
  QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
  QT_STRICT_ITERATORS
  QT_DISABLE_DEPRECATED_UP_TO=0x060400
  MASKLINE_VERSION="${PROJECT_VERSION}"
)

target_compile_options(maskline_common_cfg INTERFACE
  -Wall -Wextra -Wpedantic $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wnon-virtual-dtor -Wcast-align
  -Woverloaded-virtual -Wformat=2 -Wimplicit-fallthrough
)
if(MASKLINE_WERROR)
  target_compile_options(maskline_common_cfg INTERFACE -Werror)
endif()

# Sanitizers for every Maskline target: -DMASKLINE_SANITIZE=address,undefined (any -fsanitize= list; `make test-asan`).
# Nothing recovers: the first finding aborts the process, so a test that hits one fails.
set(MASKLINE_SANITIZE "" CACHE STRING "Comma-separated -fsanitize= list for every Maskline target, e.g. address,undefined")
if(MASKLINE_SANITIZE)
  target_compile_options(maskline_common_cfg INTERFACE
    -fsanitize=${MASKLINE_SANITIZE} -fno-sanitize-recover=all -fno-omit-frame-pointer)
  target_link_options(maskline_common_cfg INTERFACE -fsanitize=${MASKLINE_SANITIZE})
endif()

# libFuzzer (clang only, `make fuzz`): coverage instrumentation everywhere, and tests/fuzz builds fuzz_<name> targets.
option(MASKLINE_FUZZ "Build the libFuzzer targets of tests/fuzz (needs clang)" OFF)
if(MASKLINE_FUZZ)
  target_compile_options(maskline_common_cfg INTERFACE -fsanitize=fuzzer-no-link)
endif()
