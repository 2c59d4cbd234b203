// SPDX-License-Identifier: MIT
/// \file CPU-only build: the CUDA backend is absent.
#include "core/error.hpp"
#include "device/backend.hpp"
#include "device/device_selection.hpp"

namespace md {
bool cuda_compiled() { return false; }
int cuda_device_count() { return 0; }

DeviceInfo select_cuda_device(int) { throw config_error(cuda_unavailable_reason()); }

std::size_t cuda_device_memory_used_bytes() { return 0; }
}  // namespace md
