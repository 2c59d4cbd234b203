// SPDX-License-Identifier: MIT
/// \file
/// `md_comm_probe`: prints what md::Communicator::world() says about this rank, one line per rank,
///   rank R size S node_local_rank L node_local_size M
/// for test_node_local_rank.cpp, which starts it under mpiexec (the test binary itself must not
/// start MPI; see main.cpp).
#include <cstdio>

#include "comm/communicator.hpp"

int main(int argc, char** argv) {
  md::CommSession session(argc, argv);
  const md::Communicator comm = md::Communicator::world();
  std::printf("rank %d size %d node_local_rank %d node_local_size %d\n", comm.rank(), comm.size(),
              comm.node_local_rank(), comm.node_local_size());
  std::fflush(stdout);
  return 0;
}
