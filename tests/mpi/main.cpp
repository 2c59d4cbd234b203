// SPDX-License-Identifier: MIT
/// \file
/// Entry point of the MPI tests. Unlike the other test binaries this one must NOT start MPI: it
/// launches mdrun under mpiexec, and Open MPI refuses to start a job from inside an MPI process.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
