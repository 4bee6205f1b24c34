# build_info.cmake — writes generated/build_info.h at every build (not only at
# configure time), so that the git revision a binary records as provenance is
# the one it was built from. configure_file rewrites the header only when its
# text changes, so an unchanged revision recompiles nothing.
#   cmake -DSRC=<source dir> -DOUT=<header> -DVERSION=.. -DFLAGS=.. -P build_info.cmake
execute_process(COMMAND git -C ${SRC} rev-parse --short=12 HEAD
                OUTPUT_VARIABLE NELM_GIT_REV OUTPUT_STRIP_TRAILING_WHITESPACE
                ERROR_QUIET RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0 OR NELM_GIT_REV STREQUAL "")
  set(NELM_GIT_REV "unknown")
else()
  # uncommitted changes to tracked files: say so
  execute_process(COMMAND git -C ${SRC} diff --quiet HEAD --
                  RESULT_VARIABLE _dirty ERROR_QUIET)
  if(NOT _dirty EQUAL 0)
    set(NELM_GIT_REV "${NELM_GIT_REV}-dirty")
  endif()
endif()
set(PROJECT_VERSION ${VERSION})
set(NELM_BUILD_FLAGS_STR ${FLAGS})
configure_file(${SRC}/sim/build_info.h.in ${OUT} @ONLY)
