// SPDX-License-Identifier: MIT
/// \file
/// Work that only rank 0 does (reading files) may fail; every rank must then stop with the same
/// exit code instead of waiting forever in the next collective. `on_root` runs a task on rank 0,
/// broadcasts its outcome, and rethrows the error on every rank.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "core/error.hpp"

namespace md {

template <class Task>
void on_root(const Communicator& comm, Task&& task) {
  int code = 0;
  std::string message;
  if (comm.is_root()) {
    try {
      task();
    } catch (const Error& e) {
      code = static_cast<int>(e.code());
      message = e.what();
    }
  }
  comm.broadcast_bytes(&code, sizeof code, 0);
  if (code == 0) return;
  std::uint64_t size = message.size();
  comm.broadcast_bytes(&size, sizeof size, 0);
  message.resize(size);
  comm.broadcast_bytes(message.data(), size, 0);
  throw Error(static_cast<ExitCode>(code), message);
}

/// Sends rank 0's strings to every rank.
inline std::vector<std::string> broadcast_strings(const Communicator& comm,
                                                  std::vector<std::string> values) {
  std::uint64_t count = values.size();
  comm.broadcast_bytes(&count, sizeof count, 0);
  values.resize(count);
  for (auto& value : values) {
    std::uint64_t size = value.size();
    comm.broadcast_bytes(&size, sizeof size, 0);
    value.resize(size);
    comm.broadcast_bytes(value.data(), size, 0);
  }
  return values;
}

}  // namespace md
