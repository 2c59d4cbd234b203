// SPDX-License-Identifier: MIT
/// \file CUDA build: device discovery through the runtime API.
#include <cuda_runtime.h>

#include "device/backend.hpp"

namespace md {
bool cuda_compiled() { return true; }
int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no device" error
    return 0;
  }
  return count;
}
}  // namespace md
