# cov_embed(OUT SYMBOL FILE...): generate a C file that holds FILEs as a table of
# {name, bytes, length} so the binary carries its own Lua modules and snapshot.
# Names are the paths relative to the source root. Done at build time by a
# CMake script, so editing an embedded file rebuilds only that table.
function(cov_embed out symbol)
  set(files ${ARGN})
  set(rel)
  foreach(f IN LISTS files)
    file(RELATIVE_PATH r ${PROJECT_SOURCE_DIR} ${f})
    list(APPEND rel ${r})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            -DROOT=${PROJECT_SOURCE_DIR} "-DFILES=${rel}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()
