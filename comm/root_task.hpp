// SPDX-License-Identifier: MIT
/// \file
/// Errors that all ranks agree on. Work that only rank 0 does (reading files) or that every rank
/// does on its own (parsing the config, reading the model) may fail; every rank must then stop
/// with the same exit code — instead of waiting forever in the next collective call, or each
/// printing its own copy of the message and aborting the job.
///
///  - `on_root(comm, task)` runs `task` on rank 0 and shares its outcome;
///  - `on_all_ranks(comm, task)` runs `task` on every rank and shares the first failure (that of
///    the lowest failing rank);
///  - `LocalFailure` holds a failure caught where no collective call may happen (inside a step)
///    until `raise_if_failed` shares it at an agreed point.
/// All of them rethrow on every rank an md::Error marked collective(), which mdrun reports once
/// (on rank 0) before a clean exit. The task itself must not call collectives: a rank that failed
/// early would miss them.
#pragma once

#include <cstdint>
#include <limits>
#include <new>
#include <optional>
#include <string>
#include <vector>

#include "comm/collectives.hpp"
#include "comm/communicator.hpp"
#include "core/error.hpp"

namespace md {

/// A failure seen by this rank alone, kept until the ranks agree on it.
class LocalFailure {
 public:
  /// Runs `task`, keeping the first md::Error (or out-of-memory) it throws.
  template <class Task>
  void run(Task&& task) {
    try {
      task();
    } catch (const Error& e) {
      if (!error_) error_ = Error(e.code(), e.what());
    } catch (const std::bad_alloc&) {
      if (!error_) error_ = Error(ExitCode::kOutOfMemory, "out of host memory");
    }
  }
  bool failed() const { return error_.has_value(); }
  const std::optional<Error>& error() const { return error_; }

 private:
  std::optional<Error> error_;
};

/// Throws, on every rank, the failure of the lowest rank whose `failure` holds one (marked
/// collective); returns normally on every rank when none does. Collective: one reduction when all
/// is well, plus one broadcast of the message otherwise.
inline void raise_if_failed(const Communicator& comm, const LocalFailure& failure) {
  constexpr double kNone = std::numeric_limits<double>::max();
  const double mine = failure.failed() ? static_cast<double>(comm.rank()) : kNone;
  const double lowest = comm.size() > 1 ? comm.min(mine) : mine;
  if (lowest == kNone) return;
  const int owner = static_cast<int>(lowest);
  int code = failure.failed() ? static_cast<int>(failure.error()->code()) : 0;
  std::string message = failure.failed() ? std::string(failure.error()->what()) : std::string();
  broadcast(comm, code, owner);
  broadcast(comm, message, owner);
  throw Error(static_cast<ExitCode>(code), message, /*collective=*/true);
}

/// Runs `task` on every rank; if it fails on any rank, every rank throws that failure. `task` must
/// not call collectives.
template <class Task>
void on_all_ranks(const Communicator& comm, Task&& task) {
  LocalFailure failure;
  failure.run(task);
  raise_if_failed(comm, failure);
}

/// Runs `task` on rank 0 only; if it fails, every rank throws that failure. `task` must not call
/// collectives.
template <class Task>
void on_root(const Communicator& comm, Task&& task) {
  int code = 0;
  std::string message;
  if (comm.is_root()) {
    LocalFailure failure;
    failure.run(task);
    if (failure.failed()) {
      code = static_cast<int>(failure.error()->code());
      message = failure.error()->what();
    }
  }
  broadcast(comm, code);
  if (code == 0) return;
  broadcast(comm, message);
  throw Error(static_cast<ExitCode>(code), message, /*collective=*/true);
}

}  // namespace md
