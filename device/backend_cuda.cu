// SPDX-License-Identifier: MIT
/// \file CUDA build: device discovery, selection and memory use through the runtime API.
#include <cuda_runtime.h>

#include "device/backend.hpp"
#include "device/device_buffer.hpp"
#include "device/device_selection.hpp"

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

DeviceInfo select_cuda_device(int node_local_rank) {
  DeviceInfo info;
  info.ordinal = device_for_local_rank(node_local_rank, cuda_device_count());
  MD_CUDA_CHECK(cudaSetDevice(info.ordinal));
  cudaDeviceProp properties{};
  MD_CUDA_CHECK(cudaGetDeviceProperties(&properties, info.ordinal));
  info.name = properties.name;
  info.total_memory_bytes = properties.totalGlobalMem;
  return info;
}

std::size_t cuda_device_memory_used_bytes() {
  if (cuda_device_count() == 0) return 0;
  std::size_t free_bytes = 0, total_bytes = 0;
  if (cudaMemGetInfo(&free_bytes, &total_bytes) != cudaSuccess) {
    cudaGetLastError();  // a report must not fail the run that it reports on
    return 0;
  }
  return total_bytes - free_bytes;
}
}  // namespace md
