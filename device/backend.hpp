// SPDX-License-Identifier: MIT
/// \file
/// Whether the CUDA backend (core/backend.hpp) is available: compiled in, and a device visible.
#pragma once

#include <string>

#include "core/backend.hpp"

namespace md {

/// True when this build contains the CUDA backend.
bool cuda_compiled();
/// Number of CUDA devices visible to this process (0 when none or when CUDA is not compiled in).
int cuda_device_count();

/// The error message for `run.backend: cuda` where it cannot run: this build has no CUDA, or no
/// device is visible to this process. Empty when the CUDA backend can run here.
std::string cuda_unavailable_reason();

}  // namespace md
