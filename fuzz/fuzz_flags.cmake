# SPDX-License-Identifier: MIT
# Compiler flags of a fuzzing build (-DMD_BUILD_FUZZERS=ON), included by the top-level
# CMakeLists.txt before the modules so that every library under test (md_io and what it links)
# carries libFuzzer's coverage instrumentation and the address and undefined-behaviour
# sanitizers. The harnesses themselves add -fsanitize=fuzzer at link time (fuzz/CMakeLists.txt).
if(NOT CMAKE_CXX_COMPILER_ID MATCHES "Clang" OR NOT CMAKE_C_COMPILER_ID MATCHES "Clang")
  message(FATAL_ERROR "MD_BUILD_FUZZERS=ON needs clang (libFuzzer): configure with "
                      "-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ in a build "
                      "directory of its own (see docs/fuzzing.md)")
endif()
if(MD_ENABLE_CUDA)
  message(FATAL_ERROR "MD_BUILD_FUZZERS=ON is a CPU-only build: add -DMD_ENABLE_CUDA=OFF")
endif()
# -fno-sanitize-recover: an undefined-behaviour report aborts, so libFuzzer records it as a crash
# instead of printing it and carrying on. Asserts stay on whatever the build type.
set(md_fuzz_compile_flags -fsanitize=fuzzer-no-link,address,undefined
    -fno-sanitize-recover=all -fno-omit-frame-pointer -g -UNDEBUG)
add_compile_options("$<$<COMPILE_LANGUAGE:C,CXX>:${md_fuzz_compile_flags}>")
add_link_options(-fsanitize=address,undefined)
