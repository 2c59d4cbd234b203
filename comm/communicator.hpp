// SPDX-License-Identifier: MIT
/// \file
/// The message-passing seam. One header, two implementations chosen by CMake:
/// communicator_mpi.cpp (MPI_COMM_WORLD) and communicator_serial.cpp (one rank, where a message to
/// "another rank" is a message to itself). Halo, migration and reductions are written once against
/// this class, so a serial run takes exactly the code path of an MPI run (ExaMiniMD's CommSerial).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/span.hpp"

namespace md {

/// Starts and stops the message-passing runtime for the life of the process (MPI_Init/Finalize).
class CommSession {
 public:
  CommSession(int& argc, char**& argv);
  ~CommSession();
  CommSession(const CommSession&) = delete;
  CommSession& operator=(const CommSession&) = delete;
};

class Communicator {
 public:
  /// All ranks of the job (requires a live CommSession). The first call also splits the job by
  /// node (collective then: every rank must make its first call together, as mdrun's main does).
  static Communicator world();

  int rank() const { return rank_; }
  int size() const { return size_; }
  bool is_root() const { return rank_ == 0; }
  /// This rank's index among the ranks of the job on the same node (shared-memory domain), in
  /// [0, node_local_size()), and how many ranks of the job share this node. They choose one GPU
  /// per rank (device/device_selection.hpp). Computed once per process, when world() is first
  /// made; a serial build has 0 and 1.
  int node_local_rank() const { return node_local_rank_; }
  int node_local_size() const { return node_local_size_; }

  /// Element-wise reductions over all ranks, in place. Collective.
  void sum(Span<double> values) const;
  void sum(Span<std::int64_t> values) const;
  void max(Span<double> values) const;
  void min(Span<double> values) const;
  double sum(double value) const;
  std::int64_t sum(std::int64_t value) const;
  double max(double value) const;
  double min(double value) const;
  /// True on every rank if `flag` is true on any rank.
  bool any(bool flag) const;

  /// Sends `send` to rank `dest` while receiving from rank `source` into `recv`, which must already
  /// have the size the sender sends (exchange sizes first with a count exchange). dest and source
  /// may be this rank; a negative rank means "nobody" (nothing sent / nothing received).
  void exchange_bytes(int dest, const void* send, std::size_t send_bytes, int source, void* recv,
                      std::size_t recv_bytes) const;

  /// Exchanges a vector of trivially copyable values of any length: sizes first, then data.
  template <class T>
  std::vector<T> exchange(int dest, const std::vector<T>& send, int source) const {
    std::uint64_t send_count = send.size(), recv_count = 0;
    exchange_bytes(dest, &send_count, sizeof send_count, source, &recv_count, sizeof recv_count);
    std::vector<T> recv(source >= 0 ? recv_count : 0);
    exchange_bytes(dest, send.data(), send.size() * sizeof(T), source, recv.data(),
                   recv.size() * sizeof(T));
    return recv;
  }

  /// Broadcasts `bytes` bytes at `data` from `root` to every rank.
  void broadcast_bytes(void* data, std::size_t bytes, int root) const;
  /// Gathers variable-length byte blocks from all ranks onto `root` (concatenated in rank order).
  std::vector<char> gather_bytes(const void* data, std::size_t bytes, int root) const;
  /// Sends block r of `blocks` (concatenated, `counts[r]` bytes each) from `root` to rank r;
  /// returns this rank's block. `counts` and `blocks` are only read on root.
  std::vector<char> scatter_bytes(const std::vector<char>& blocks,
                                  const std::vector<std::size_t>& counts, int root) const;
  void barrier() const;
  /// Ends every rank of the job with `exit_code` (after this rank's logs are flushed).
  [[noreturn]] void abort(int exit_code) const;

 private:
  Communicator(int rank, int size, int node_local_rank, int node_local_size)
      : rank_(rank),
        size_(size),
        node_local_rank_(node_local_rank),
        node_local_size_(node_local_size) {}
  int rank_ = 0;
  int size_ = 1;
  int node_local_rank_ = 0;
  int node_local_size_ = 1;
};

}  // namespace md
