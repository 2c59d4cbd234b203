// SPDX-License-Identifier: MIT
/// \file
/// Observers: everything that looks at the simulation on its own schedule after a step
/// (trajectory writers; HOOMD's Analyzer with its Trigger). The loop calls every observer after
/// every step; an observer decides from the step number (and whether thermo was sampled) whether
/// to act, so the decision is the same on every rank and the loop carries no output flags.
#pragma once

#include <cstdint>
#include <string>

#include "comm/communicator.hpp"
#include "core/error.hpp"

namespace md {

class Simulation;

class Observer {
 public:
  virtual ~Observer() = default;
  /// Called on every rank after every step, and after setup() of a fresh run (not after a
  /// restore: the outputs already hold the restart step). Collective when it acts.
  virtual void on_step(const Simulation& simulation) = 0;
  /// Called once when the run ends (normally, by a stop request, or before a crash dump): flush.
  virtual void finish() {}
};

/// Runs `task` on rank 0 and rethrows its md::Error on every rank, so a failed write on rank 0
/// stops all ranks with its exit code instead of leaving them waiting in the next collective.
template <class Task>
void run_on_root(const Communicator& comm, Task&& task) {
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

}  // namespace md
