# cov_embed(OUT SYMBOL ROOT FILE...): generate a C file that holds FILEs as a
# table of {name, bytes, length} so the binary carries its own Lua modules and
# snapshot. Names are the paths relative to ROOT. Done at build time by a
# CMake script, so editing an embedded file rebuilds only that table.
function(cov_embed out symbol root)
  set(files ${ARGN})
  set(rel)
  foreach(f IN LISTS files)
    file(RELATIVE_PATH r ${root} ${f})
    list(APPEND rel ${r})
  endforeach()
  add_custom_command(
    OUTPUT ${out}
    COMMAND ${CMAKE_COMMAND} -DOUT=${out} -DSYMBOL=${symbol}
            -DROOT=${root} "-DFILES=${rel}"
            -P ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    DEPENDS ${files} ${PROJECT_SOURCE_DIR}/cmake/embed_files.cmake
    COMMENT "Embedding ${symbol}"
    VERBATIM)
endfunction()

# cov_lua_bytecode(OUTVAR FILE...): compiles each Lua file with luac5.4 into
# ${CMAKE_CURRENT_BINARY_DIR}/bytecode/<same relative path>, keeping debug
# information (tracebacks still name lua/covengine/x.lua and its lines), and
# sets OUTVAR to the compiled files. Loading bytecode skips the parser at
# every start-up.
function(cov_lua_bytecode outvar)
  find_program(COV_LUAC luac5.4 REQUIRED)
  set(outs)
  foreach(f IN LISTS ARGN)
    file(RELATIVE_PATH r ${PROJECT_SOURCE_DIR} ${f})
    set(o ${CMAKE_CURRENT_BINARY_DIR}/bytecode/${r})
    get_filename_component(d ${o} DIRECTORY)
    add_custom_command(
      OUTPUT ${o}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${d}
      COMMAND ${COV_LUAC} -o ${o} ${r}
      WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
      DEPENDS ${f}
      COMMENT "Compiling ${r}"
      VERBATIM)
    list(APPEND outs ${o})
  endforeach()
  set(${outvar} ${outs} PARENT_SCOPE)
endfunction()
