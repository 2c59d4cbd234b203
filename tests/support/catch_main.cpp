// SPDX-License-Identifier: MIT
/// \file
/// Test entry point: starts the message-passing runtime (MPI in an MPI build) around Catch2, so
/// tests can use md::Communicator::world() exactly as mdrun does.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "comm/communicator.hpp"

int main(int argc, char* argv[]) {
  md::CommSession session(argc, argv);
  return Catch::Session().run(argc, argv);
}
