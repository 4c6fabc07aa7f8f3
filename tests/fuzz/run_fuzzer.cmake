# Runs one fuzzer for a while on a copy of its seeds, and fails on any report.
#   cmake -DFUZZER=<exe> -DNAME=<name> -DSEEDS=<dir> -DDICT=<file> -DWORK_DIR=<dir> -DSECONDS=<n> -P run_fuzzer.cmake
# The environment variable SIO_FUZZ_SECONDS, when set, replaces SECONDS; 0 replays the seeds once.
# Everything the run writes (the growing corpus, crash artifacts, the log) stays in WORK_DIR, in
# the build tree: the seeds in the source tree are only read.

foreach(var FUZZER NAME SEEDS DICT WORK_DIR SECONDS)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzzer.cmake: -D${var}=... is missing")
  endif()
endforeach()
if(DEFINED ENV{SIO_FUZZ_SECONDS} AND NOT "$ENV{SIO_FUZZ_SECONDS}" STREQUAL "")
  set(SECONDS "$ENV{SIO_FUZZ_SECONDS}")
endif()
if(NOT SECONDS MATCHES "^[0-9]+$")
  message(FATAL_ERROR "SIO_FUZZ_SECONDS must be a whole number of seconds, not '${SECONDS}'")
endif()

set(corpus "${WORK_DIR}/corpus")
set(artifacts "${WORK_DIR}/artifacts")
set(log "${WORK_DIR}/fuzz.log")
# A fresh corpus each run: what a run finds stays in the build tree for a look, and the next run
# starts from the seeds again, so that a CI run does not depend on the ones before it.
file(REMOVE_RECURSE "${corpus}" "${artifacts}")
file(MAKE_DIRECTORY "${corpus}" "${artifacts}")
file(GLOB seeds "${SEEDS}/*")
if(NOT seeds)
  message(FATAL_ERROR "no seeds in ${SEEDS}")
endif()
file(COPY ${seeds} DESTINATION "${corpus}")

if(SECONDS EQUAL 0)
  set(duration -runs=0)  # libFuzzer's max_total_time=0 means "no limit": replay the corpus instead
else()
  set(duration -max_total_time=${SECONDS})
endif()

# Leaks are reported at the end of each input that leaked; UBSan stops at its first report
# (the build has -fno-sanitize-recover=undefined) and says where.
set(ENV{ASAN_OPTIONS} "detect_leaks=1:strict_string_checks=1:detect_stack_use_after_return=1:$ENV{ASAN_OPTIONS}")
set(ENV{UBSAN_OPTIONS} "print_stacktrace=1:halt_on_error=1:$ENV{UBSAN_OPTIONS}")

message(STATUS "fuzz_${NAME}: ${duration}, corpus ${corpus}")
execute_process(
  COMMAND "${FUZZER}" ${duration} "-dict=${DICT}" "-artifact_prefix=${artifacts}/" -timeout=20
          -rss_limit_mb=2048 -print_final_stats=1 "${corpus}"
  RESULT_VARIABLE rc
  OUTPUT_FILE "${log}"
  ERROR_FILE "${log}")

file(READ "${log}" output)
file(GLOB found "${artifacts}/*")
# libFuzzer exits non-zero on a crash, a leak, a timeout, out-of-memory or a sanitizer report; the
# log is searched as well, so that a report that did not end the process fails the test too.
if(NOT rc EQUAL 0 OR found OR output MATCHES "(ERROR: |runtime error:|WARNING: MemorySanitizer|SUMMARY: )")
  message("${output}")
  message(FATAL_ERROR "fuzz_${NAME} failed (exit ${rc}); artifacts: ${found}; log: ${log}")
endif()

# The summary lines: how many inputs ran and what the corpus grew to.
string(REGEX MATCHALL "(#[0-9]+[^\n]*DONE[^\n]*|stat::number_of_executed_units: [0-9]+|stat::peak_rss_mb: [0-9]+|INFO: [^\n]*corpus[^\n]*)" summary "${output}")
foreach(line IN LISTS summary)
  message(STATUS "fuzz_${NAME}: ${line}")
endforeach()
