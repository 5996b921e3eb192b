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
  -Wall -Wextra -Wpedantic -Wshadow=local -Wnon-virtual-dtor -Wcast-align -Woverloaded-virtual
  -Wformat=2 -Wimplicit-fallthrough
)
if(MASKLINE_WERROR)
  target_compile_options(maskline_common_cfg INTERFACE -Werror)
endif()
