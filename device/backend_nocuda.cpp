// SPDX-License-Identifier: MIT
/// \file CPU-only build: the CUDA backend is absent.
#include "device/backend.hpp"

namespace md {
bool cuda_compiled() { return false; }
int cuda_device_count() { return 0; }
}  // namespace md
