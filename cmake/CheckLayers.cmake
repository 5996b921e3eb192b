# The layering rules of docs/architecture.md, checked on the sources (ctest check_layers):
#   cmake -DSOURCE_DIR=<top of the tree> -P cmake/CheckLayers.cmake
# - inside engine/, a folder includes only folders below it:
#     core <- store <- debugger <- proxy <- carrier <- routing <- callbacks <- http <- the engine host (engine/*.cpp)
# - engine/ includes no Qt Gui or Widgets header; models/ no Widgets header;
# - SQL text lives in engine/store/ only (engine, models, ui and app hold none).
# The libraries link the same order (engine/CMakeLists.txt), so a wrong call also fails to link in the tests that
# link only a lower library; this check catches a wrong include even where everything used is inline.

set(LAYERS core store debugger proxy carrier routing callbacks http)
set(problems "")

file(GLOB_RECURSE engine_files RELATIVE "${SOURCE_DIR}/engine" "${SOURCE_DIR}/engine/*.cpp" "${SOURCE_DIR}/engine/*.h")
foreach(file IN LISTS engine_files)
  string(REGEX MATCH "^([a-z]+)/" _ "${file}")
  if(CMAKE_MATCH_1)
    set(folder "${CMAKE_MATCH_1}")
    list(FIND LAYERS "${folder}" own)
  else()
    set(folder "(engine host)")
    list(LENGTH LAYERS own) # above every folder
  endif()
  file(STRINGS "${SOURCE_DIR}/engine/${file}" includes REGEX "^#include [\"<]")
  foreach(line IN LISTS includes)
    if(line MATCHES "^#include \"([a-z]+)/[^\"]+\"")
      list(FIND LAYERS "${CMAKE_MATCH_1}" target)
      if(target GREATER own)
        string(APPEND problems "engine/${file}: ${line} (${folder} may include only the folders below it)\n")
      endif()
    endif()
    if(line MATCHES "^#include [<\"](QtGui|QtWidgets|QWidget|QApplication|QGuiApplication|QColor|QIcon|QPixmap|QFont|QPainter)")
      string(APPEND problems "engine/${file}: ${line} (the engine links no Gui or Widgets)\n")
    endif()
  endforeach()
endforeach()

file(GLOB_RECURSE model_files "${SOURCE_DIR}/models/*.cpp" "${SOURCE_DIR}/models/*.h")
foreach(file IN LISTS model_files)
  file(STRINGS "${file}" includes REGEX "^#include [<\"](QtWidgets|QWidget|QApplication|QTableView|QTreeView|QDialog|QStyle)")
  foreach(line IN LISTS includes)
    string(APPEND problems "${file}: ${line} (models/ includes no Widgets header)\n")
  endforeach()
endforeach()

if(CHECK_SQL)
  file(GLOB_RECURSE sql_files
    "${SOURCE_DIR}/engine/*.cpp" "${SOURCE_DIR}/engine/*.h" "${SOURCE_DIR}/models/*.cpp" "${SOURCE_DIR}/models/*.h"
    "${SOURCE_DIR}/ui/*.cpp" "${SOURCE_DIR}/ui/*.h" "${SOURCE_DIR}/app/*.cpp" "${SOURCE_DIR}/app/*.h")
  foreach(file IN LISTS sql_files)
    if(file MATCHES "/engine/store/")
      continue()
    endif()
    file(STRINGS "${file}" sql REGEX "(SELECT |INSERT INTO |UPDATE [a-z_]+ SET |DELETE FROM )")
    if(sql)
      string(APPEND problems "${file}: SQL text outside engine/store/\n")
    endif()
  endforeach()
endif()

if(problems)
  message(FATAL_ERROR "Layering rules broken:\n${problems}")
endif()
message(STATUS "layering: ok (${LAYERS})")
