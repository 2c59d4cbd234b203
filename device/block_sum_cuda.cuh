// SPDX-License-Identifier: MIT
/// \file
/// Adding per-thread partial sums of a small array (a virial's 9 components) into a global total
/// with few atomics: a warp shuffle reduction, one shared-memory atomic per warp, then one global
/// atomic per component and block.
///
/// Every thread of the block must call it (threads without work pass zeros): it synchronises the
/// block and uses full-warp shuffles, so a thread that returned early would deadlock or corrupt
/// the sum.
#pragma once

namespace md {

template <int N>
__device__ inline void block_atomic_add(double (&partial)[N], double* total) {
  constexpr int kWarpSize = 32;
  constexpr unsigned int kFullMask = 0xffffffffu;
  __shared__ double block_sum[N];
  if (threadIdx.x < N) block_sum[threadIdx.x] = 0.0;
  __syncthreads();
  for (int k = 0; k < N; ++k) {
    for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
      partial[k] += __shfl_xor_sync(kFullMask, partial[k], offset);
    }
  }
  if (threadIdx.x % kWarpSize == 0) {
    for (int k = 0; k < N; ++k) atomicAdd(&block_sum[k], partial[k]);
  }
  __syncthreads();
  if (threadIdx.x < N) atomicAdd(&total[threadIdx.x], block_sum[threadIdx.x]);
}

}  // namespace md
