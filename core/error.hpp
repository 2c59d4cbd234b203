// SPDX-License-Identifier: MIT
/// \file
/// Errors carry the exit code the run ends with, so a failure deep in a reader or the dynamics
/// turns into the documented exit status in one place (apps/mdrun) without string matching.
#pragma once

#include <stdexcept>
#include <string>

namespace md {

/// Documented process exit codes (docs/cli.md). Keep in sync with the documentation.
enum class ExitCode : int {
  kOk = 0,
  kInternal = 1,       ///< a bug: an invariant of the engine itself was violated
  kUsage = 2,          ///< bad command line or run configuration
  kInputFile = 3,      ///< unreadable or malformed structure file
  kModel = 4,          ///< unreadable, malformed or unsupported potential model
  kUnstable = 5,       ///< unstable dynamics: lost atoms, non-finite values, capacity overflow
  kOutOfMemory = 6,    ///< host or device memory exhausted
  kIo = 7,             ///< an output, trajectory or checkpoint file could not be written
};

/// An error with a user-facing message and the exit code it maps to.
///
/// `collective()` says that every rank of the job throws this same error at the same point (the
/// ranks agreed on it: comm/root_task.hpp's on_root and on_all_ranks, the dynamics guards), so
/// the job can end cleanly — one message from rank 0, the same exit code everywhere, no abort.
/// An error that is not collective was seen by one rank only, and ends the job with an abort.
class Error : public std::runtime_error {
 public:
  Error(ExitCode code, const std::string& message, bool collective = false)
      : std::runtime_error(message), code_(code), collective_(collective) {}
  ExitCode code() const { return code_; }
  bool collective() const { return collective_; }

 private:
  ExitCode code_;
  bool collective_;
};

inline Error config_error(const std::string& m) { return Error(ExitCode::kUsage, m); }
inline Error input_error(const std::string& m) { return Error(ExitCode::kInputFile, m); }
inline Error model_error(const std::string& m) { return Error(ExitCode::kModel, m); }
inline Error unstable_error(const std::string& m) { return Error(ExitCode::kUnstable, m); }
inline Error io_error(const std::string& m) { return Error(ExitCode::kIo, m); }
inline Error internal_error(const std::string& m) { return Error(ExitCode::kInternal, m); }

}  // namespace md
