// SPDX-License-Identifier: MIT
/// \file
/// Entry point of the CUDA backend tests: without a visible CUDA device every test run exits
/// with 77, which CTest (SKIP_RETURN_CODE 77) reports as SKIPPED, so a machine without a GPU
/// never counts them as passed. Listing the tests (CTest discovery at build time) needs no GPU.
/// The message-passing runtime is started around the tests (a single rank).
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#include <cstring>
#include <iostream>

#include "comm/communicator.hpp"
#include "device/backend.hpp"

namespace {

/// Exit status that CTest reports as "skipped" (set with SKIP_RETURN_CODE in CMakeLists.txt).
constexpr int kSkipReturnCode = 77;

/// True for Catch2's listing and help options, which must work without a device.
bool only_lists(int argc, char* argv[]) {
  for (int k = 1; k < argc; ++k) {
    const char* arg = argv[k];
    if (std::strncmp(arg, "--list", 6) == 0 || std::strcmp(arg, "-l") == 0 ||
        std::strcmp(arg, "-t") == 0 || std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "-?") == 0 ||
        std::strcmp(arg, "--help") == 0) {
      return true;
    }
  }
  return false;
}

}  // namespace

int main(int argc, char* argv[]) {
  if (!only_lists(argc, argv) && md::cuda_device_count() == 0) {
    std::cout << "SKIPPED: no CUDA device is visible (CUDA backend tests need a GPU)\n";
    return kSkipReturnCode;
  }
  // The halo tests use Communicator::world(), as mdrun does (MPI in an MPI build).
  md::CommSession session(argc, argv);
  return Catch::Session().run(argc, argv);
}
