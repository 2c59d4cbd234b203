// SPDX-License-Identifier: MIT
/// \file
/// Which compute backend runs the potential and the integrator, and whether it is available.
#pragma once

#include <string>

namespace md {

enum class Backend { kCpu, kCuda };

/// Parses "cpu" / "cuda"; throws a config Error for anything else.
Backend parse_backend(const std::string& name);
std::string to_string(Backend backend);

/// True when this build contains the CUDA backend.
bool cuda_compiled();
/// Number of CUDA devices visible to this process (0 when none or when CUDA is not compiled in).
int cuda_device_count();

/// The error message for `run.backend: cuda` where it cannot run: this build has no CUDA, or no
/// device is visible to this process. Empty when the CUDA backend can run here.
std::string cuda_unavailable_reason();

}  // namespace md
