// SPDX-License-Identifier: MIT
/// \file
/// Typed collectives over the Communicator's byte operations, so that no caller counts bytes or
/// sends a size before a payload by hand.
///
///   broadcast(comm, value, root)   a trivially copyable value, a std::vector of them, a
///                                  std::string or a std::vector<std::string>: `value` on every
///                                  rank becomes root's (sizes follow root's)
///   gather(comm, data, count)      `count` values from every rank, concatenated in rank order on
///                                  rank 0 (empty elsewhere)
///   scatter(comm, per_rank)        rank 0's per_rank[r] to rank r
///
/// All are collective: every rank calls them, in the same order, with the same root. With one
/// rank they return at once.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "comm/communicator.hpp"

namespace md {

/// A value whose bytes are the value (no pointers inside).
template <class T>
void broadcast(const Communicator& comm, T& value, int root = 0) {
  static_assert(std::is_trivially_copyable_v<T>, "broadcast: not a trivially copyable type");
  comm.broadcast_bytes(&value, sizeof value, root);
}

template <class T>
void broadcast(const Communicator& comm, std::vector<T>& values, int root = 0) {
  static_assert(std::is_trivially_copyable_v<T>, "broadcast: not a trivially copyable type");
  std::uint64_t count = values.size();
  comm.broadcast_bytes(&count, sizeof count, root);
  values.resize(count);
  comm.broadcast_bytes(values.data(), count * sizeof(T), root);
}

inline void broadcast(const Communicator& comm, std::string& text, int root = 0) {
  std::uint64_t size = text.size();
  comm.broadcast_bytes(&size, sizeof size, root);
  text.resize(size);
  comm.broadcast_bytes(text.data(), size, root);
}

inline void broadcast(const Communicator& comm, std::vector<std::string>& texts, int root = 0) {
  std::uint64_t count = texts.size();
  comm.broadcast_bytes(&count, sizeof count, root);
  texts.resize(count);
  for (std::string& text : texts) broadcast(comm, text, root);
}

/// `count` values at `data` from every rank, concatenated in rank order on rank 0; empty on the
/// other ranks. Ranks may pass different counts.
template <class T>
std::vector<T> gather(const Communicator& comm, const T* data, std::size_t count) {
  static_assert(std::is_trivially_copyable_v<T>, "gather: not a trivially copyable type");
  const std::vector<char> bytes = comm.gather_bytes(data, count * sizeof(T), 0);
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), bytes.data(), out.size() * sizeof(T));
  return out;
}

/// Rank 0's `per_rank[r]` ([comm.size()] vectors, read on rank 0 only) to rank r; returns this
/// rank's.
template <class T>
std::vector<T> scatter(const Communicator& comm, const std::vector<std::vector<T>>& per_rank) {
  static_assert(std::is_trivially_copyable_v<T>, "scatter: not a trivially copyable type");
  std::vector<char> blocks;
  std::vector<std::size_t> counts;
  if (comm.is_root()) {
    for (const std::vector<T>& values : per_rank) {
      const std::size_t bytes = values.size() * sizeof(T);
      const char* begin = reinterpret_cast<const char*>(values.data());
      blocks.insert(blocks.end(), begin, begin + bytes);
      counts.push_back(bytes);
    }
  }
  const std::vector<char> mine = comm.scatter_bytes(blocks, counts, 0);
  std::vector<T> out(mine.size() / sizeof(T));
  if (!out.empty()) std::memcpy(out.data(), mine.data(), out.size() * sizeof(T));
  return out;
}

}  // namespace md
