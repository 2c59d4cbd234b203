// SPDX-License-Identifier: MIT
/// \file
/// Which compute backend runs a step (a value type; whether CUDA is available here is the device
/// layer's question: device/backend.hpp).
#pragma once

#include <string>

#include "core/error.hpp"

namespace md {

/// Where the per-atom phases of a step and the potential run.
enum class Backend { kCpu, kCuda };

/// What a run config asks for: a backend, or `auto` (the fastest the potential has on this
/// machine; resolved when the run is set up, never seen by the engine).
enum class BackendRequest { kCpu, kCuda, kAuto };

inline std::string to_string(Backend backend) { return backend == Backend::kCuda ? "cuda" : "cpu"; }

/// Parses "cpu" / "cuda"; throws a config Error for anything else.
inline Backend parse_backend(const std::string& name) {
  if (name == "cpu") return Backend::kCpu;
  if (name == "cuda") return Backend::kCuda;
  throw config_error("unknown backend '" + name + "': expected cpu or cuda");
}

}  // namespace md
