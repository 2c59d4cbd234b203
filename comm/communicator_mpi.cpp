// SPDX-License-Identifier: MIT
/// \file
/// The MPI communicator over MPI_COMM_WORLD. Host buffers only; device buffers are staged by the
/// caller (a CUDA-aware path can be added here without touching the halo code).
#include <mpi.h>

#include <cstdlib>
#include <limits>
#include <numeric>

#include "comm/communicator.hpp"
#include "core/error.hpp"

namespace md {
namespace {

void check(int rc, const char* what) {
  if (rc != MPI_SUCCESS) throw internal_error(std::string("MPI call failed: ") + what);
}

constexpr int kExchangeTag = 7301;

}  // namespace

CommSession::CommSession(int& argc, char**& argv) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) MPI_Init(&argc, &argv);
}

CommSession::~CommSession() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

Communicator Communicator::world() {
  // The node split is a collective call; doing it once (a function-local static) keeps world()
  // cheap and non-collective after the first call, which every rank makes in main().
  static const Communicator world = [] {
    int rank = 0, size = 1;
    check(MPI_Comm_rank(MPI_COMM_WORLD, &rank), "comm rank");
    check(MPI_Comm_size(MPI_COMM_WORLD, &size), "comm size");
    // MPI_COMM_TYPE_SHARED groups the ranks that can share memory: the ranks of one node, which
    // are the ranks that see the same GPUs. Keying by world rank keeps the world order.
    MPI_Comm node = MPI_COMM_NULL;
    check(MPI_Comm_split_type(MPI_COMM_WORLD, MPI_COMM_TYPE_SHARED, rank, MPI_INFO_NULL, &node),
          "comm split by node");
    int node_rank = 0, node_size = 1;
    check(MPI_Comm_rank(node, &node_rank), "node comm rank");
    check(MPI_Comm_size(node, &node_size), "node comm size");
    check(MPI_Comm_free(&node), "node comm free");
    return Communicator(rank, size, node_rank, node_size);
  }();
  return world;
}

void Communicator::sum(Span<double> v) const {
  check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_SUM,
                      MPI_COMM_WORLD),
        "allreduce sum");
}
void Communicator::sum(Span<std::int64_t> v) const {
  check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_INT64_T, MPI_SUM,
                      MPI_COMM_WORLD),
        "allreduce sum");
}
void Communicator::max(Span<double> v) const {
  check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_MAX,
                      MPI_COMM_WORLD),
        "allreduce max");
}
void Communicator::min(Span<double> v) const {
  check(MPI_Allreduce(MPI_IN_PLACE, v.data(), static_cast<int>(v.size()), MPI_DOUBLE, MPI_MIN,
                      MPI_COMM_WORLD),
        "allreduce min");
}
double Communicator::sum(double value) const {
  sum(Span<double>(&value, 1));
  return value;
}
std::int64_t Communicator::sum(std::int64_t value) const {
  sum(Span<std::int64_t>(&value, 1));
  return value;
}
double Communicator::max(double value) const {
  max(Span<double>(&value, 1));
  return value;
}
double Communicator::min(double value) const {
  min(Span<double>(&value, 1));
  return value;
}
bool Communicator::any(bool flag) const {
  int value = flag ? 1 : 0;
  check(MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD), "allreduce or");
  return value != 0;
}

void Communicator::exchange_bytes(int dest, const void* send, std::size_t send_bytes, int source,
                                  void* recv, std::size_t recv_bytes) const {
  check(MPI_Sendrecv(send, static_cast<int>(send_bytes), MPI_BYTE, dest < 0 ? MPI_PROC_NULL : dest,
                     kExchangeTag, recv, static_cast<int>(recv_bytes), MPI_BYTE,
                     source < 0 ? MPI_PROC_NULL : source, kExchangeTag, MPI_COMM_WORLD,
                     MPI_STATUS_IGNORE),
        "sendrecv");
}

void Communicator::broadcast_bytes(void* data, std::size_t bytes, int root) const {
  check(MPI_Bcast(data, static_cast<int>(bytes), MPI_BYTE, root, MPI_COMM_WORLD), "bcast");
}

std::vector<char> Communicator::gather_bytes(const void* data, std::size_t bytes, int root) const {
  int my_count = static_cast<int>(bytes);
  std::vector<int> counts(rank_ == root ? size_ : 0);
  check(MPI_Gather(&my_count, 1, MPI_INT, counts.data(), 1, MPI_INT, root, MPI_COMM_WORLD),
        "gather counts");
  std::vector<int> displs(counts.size(), 0);
  std::vector<char> out;
  if (rank_ == root) {
    std::exclusive_scan(counts.begin(), counts.end(), displs.begin(), 0);
    out.resize(static_cast<std::size_t>(displs.back()) + counts.back());
  }
  check(MPI_Gatherv(data, my_count, MPI_BYTE, out.data(), counts.data(), displs.data(), MPI_BYTE,
                    root, MPI_COMM_WORLD),
        "gatherv");
  return out;
}

std::vector<char> Communicator::scatter_bytes(const std::vector<char>& blocks,
                                              const std::vector<std::size_t>& counts,
                                              int root) const {
  std::vector<int> counts_int, displs;
  if (rank_ == root) {
    if (blocks.size() > static_cast<std::size_t>(std::numeric_limits<int>::max())) {
      throw internal_error("scatter of more than 2 GiB from one rank");
    }
    counts_int.assign(counts.begin(), counts.end());
    displs.assign(counts.size(), 0);
    std::exclusive_scan(counts_int.begin(), counts_int.end(), displs.begin(), 0);
  }
  int my_count = 0;
  check(MPI_Scatter(counts_int.data(), 1, MPI_INT, &my_count, 1, MPI_INT, root, MPI_COMM_WORLD),
        "scatter counts");
  std::vector<char> mine(my_count);
  check(MPI_Scatterv(blocks.data(), counts_int.data(), displs.data(), MPI_BYTE, mine.data(),
                     my_count, MPI_BYTE, root, MPI_COMM_WORLD),
        "scatterv");
  return mine;
}

void Communicator::barrier() const { check(MPI_Barrier(MPI_COMM_WORLD), "barrier"); }

void Communicator::abort(int exit_code) const {
  MPI_Abort(MPI_COMM_WORLD, exit_code);
  std::exit(exit_code);
}

}  // namespace md
