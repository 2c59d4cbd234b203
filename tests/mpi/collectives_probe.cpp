// SPDX-License-Identifier: MIT
/// \file
/// `md_collectives_probe`: runs each typed collective of comm/collectives.hpp with rank-dependent
/// data and checks what arrives, printing one line per rank, `collectives rank R ok` or
/// `collectives rank R FAILED: <what>`, and exiting 1 on a failure. test_collectives.cpp starts it
/// under mpiexec.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "comm/collectives.hpp"

namespace {

struct Pair {
  std::int64_t id;
  double value;
};

}  // namespace

int main(int argc, char** argv) {
  md::CommSession session(argc, argv);
  const md::Communicator comm = md::Communicator::world();
  const int rank = comm.rank();
  const int last = comm.size() - 1;
  std::string failure;
  auto expect = [&](bool ok, const char* what) {
    if (!ok && failure.empty()) failure = what;
  };

  // A value, from rank 0 and from the last rank.
  Pair pair{rank == 0 ? 42 : -1, rank == 0 ? 2.5 : 0.0};
  md::broadcast(comm, pair);
  expect(pair.id == 42 && pair.value == 2.5, "broadcast of a value from rank 0");
  int from_last = rank == last ? 7 : 0;
  md::broadcast(comm, from_last, last);
  expect(from_last == 7, "broadcast of a value from the last rank");

  // Vectors and strings whose sizes differ between ranks before the call.
  std::vector<double> values(static_cast<std::size_t>(rank + 1), -1.0);
  if (rank == 0) values = {1.0, 2.0, 3.0};
  md::broadcast(comm, values);
  expect(values == std::vector<double>{1.0, 2.0, 3.0}, "broadcast of a vector");
  std::string text = rank == last ? "from the last rank" : std::string(rank, 'x');
  md::broadcast(comm, text, last);
  expect(text == "from the last rank", "broadcast of a string");
  std::vector<std::string> names = rank == 0 ? std::vector<std::string>{"O", "", "H"}
                                             : std::vector<std::string>{"junk"};
  md::broadcast(comm, names);
  expect(names == std::vector<std::string>{"O", "", "H"}, "broadcast of strings");

  // Gather: rank r sends r + 1 values r·10 + k; rank 0 gets them in rank order.
  std::vector<std::int64_t> mine;
  for (int k = 0; k <= rank; ++k) mine.push_back(10 * rank + k);
  const std::vector<std::int64_t> all = md::gather(comm, mine.data(), mine.size());
  std::vector<std::int64_t> expected;
  for (int r = 0; r < comm.size(); ++r) {
    for (int k = 0; k <= r; ++k) expected.push_back(10 * r + k);
  }
  expect(rank == 0 ? all == expected : all.empty(), "gather");

  // Scatter: rank r receives r values equal to −r (rank 0: none).
  std::vector<std::vector<Pair>> per_rank;
  if (rank == 0) {
    for (int r = 0; r < comm.size(); ++r) per_rank.emplace_back(r, Pair{-r, -0.5 * r});
  }
  const std::vector<Pair> received = md::scatter(comm, per_rank);
  bool scatter_ok = static_cast<int>(received.size()) == rank;
  for (const Pair& p : received) scatter_ok = scatter_ok && p.id == -rank && p.value == -0.5 * rank;
  expect(scatter_ok, "scatter");

  if (failure.empty()) {
    std::printf("collectives rank %d ok\n", rank);
  } else {
    std::printf("collectives rank %d FAILED: %s\n", rank, failure.c_str());
  }
  std::fflush(stdout);
  return failure.empty() ? 0 : 1;
}
