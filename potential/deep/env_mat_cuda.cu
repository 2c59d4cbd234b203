// SPDX-License-Identifier: MIT
/// \file
/// CUDA implementation of env_mat (contracts in env_mat.hpp and env_mat_cuda.cuh).
#include "potential/deep/env_mat.hpp"
#include "potential/deep/env_mat_cuda.cuh"

namespace md::deep {
namespace {

constexpr int kThreads = 256;

template <class Real>
__global__ void env_mat_kernel(EnvMatCudaArgs a, int n_pairs, const int* center_type,
                               const int* center, const int* slot, const double* diff, Real* env,
                               Real* env_deriv) {
  const int p = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (p >= n_pairs) return;
  const auto pp = static_cast<std::size_t>(p);
  const double d[3] = {diff[3 * pp], diff[3 * pp + 1], diff[3 * pp + 2]};
  double row[4];
  double deriv[12];
  env_mat_row(d, a.rcut_smth, a.rcut, a.protection, row, deriv);
  const std::size_t stat =
      (static_cast<std::size_t>(center_type[center[p]]) * a.n_nei + slot[p]) * 4;
  for (int c = 0; c < 4; ++c) {
    env[4 * pp + c] = static_cast<Real>((row[c] - a.davg[stat + c]) / a.dstd[stat + c]);
  }
  for (int k = 0; k < 12; ++k) env_deriv[12 * pp + k] = static_cast<Real>(deriv[k]);
}

}  // namespace

template <class Real>
void env_mat_cuda(const EnvMatCudaArgs& args, DeviceChunkPairs<Real>& pairs, cudaStream_t stream) {
  const int n_pairs = pairs.n_pairs();
  if (n_pairs == 0) return;
  env_mat_kernel<Real><<<blocks_for(n_pairs, kThreads), kThreads, 0, stream>>>(
      args, n_pairs, pairs.center_type.data(), pairs.center.data(), pairs.slot.data(),
      pairs.diff.data(), pairs.env.data(), pairs.env_deriv.data());
  MD_CUDA_CHECK_LAUNCH(stream);
}

template void env_mat_cuda<double>(const EnvMatCudaArgs&, DeviceChunkPairs<double>&, cudaStream_t);
template void env_mat_cuda<float>(const EnvMatCudaArgs&, DeviceChunkPairs<float>&, cudaStream_t);

}  // namespace md::deep
