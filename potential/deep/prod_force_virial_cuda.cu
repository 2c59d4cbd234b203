// SPDX-License-Identifier: MIT
/// \file
/// CUDA implementation of prod_force_virial (contracts in prod_force_virial.hpp and
/// prod_force_virial_cuda.cuh).
#include "potential/deep/prod_force_virial.hpp"
#include "potential/deep/prod_force_virial_cuda.cuh"

#include "device/block_sum_cuda.cuh"

namespace md::deep {
namespace {

constexpr int kThreads = 256;

template <class Real>
__global__ void prod_force_virial_kernel(ProdForceVirialCudaArgs a, int n_pairs,
                                         const int* center_type, const int* center,
                                         const int* neighbor, const int* slot, const double* diff,
                                         const Real* env_deriv, const Real* grad_env,
                                         double* forces, double* virial, double* atom_virial) {
  const int p = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  double w[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (p < n_pairs) {
    const auto pp = static_cast<std::size_t>(p);
    const int c = center[p];
    const std::size_t stat = (static_cast<std::size_t>(center_type[c]) * a.n_nei + slot[p]) * 4;
    double grad_raw[4];
    for (int k = 0; k < 4; ++k) {
      grad_raw[k] = static_cast<double>(grad_env[4 * pp + k]) / a.dstd[stat + k];
    }
    double deriv[12];
    for (int k = 0; k < 12; ++k) deriv[k] = static_cast<double>(env_deriv[12 * pp + k]);
    double g[3];
    pair_force(grad_raw, deriv, g);
    const double d[3] = {diff[3 * pp], diff[3 * pp + 1], diff[3 * pp + 2]};
    const auto i = static_cast<std::size_t>(a.center_begin + c);
    const auto j = static_cast<std::size_t>(neighbor[p]);
    for (int x = 0; x < 3; ++x) {
      atomicAdd(&forces[3 * i + x], g[x]);
      atomicAdd(&forces[3 * j + x], -g[x]);
    }
    for (int x = 0; x < 3; ++x) {
      for (int y = 0; y < 3; ++y) w[3 * x + y] = -g[x] * d[y];
    }
    if (atom_virial != nullptr) {
      for (int k = 0; k < 9; ++k) atomicAdd(&atom_virial[9 * j + k], w[k]);
    }
  }
  block_atomic_add(w, virial);  // every thread, with or without a pair
}

}  // namespace

template <class Real>
void prod_force_virial_cuda(const ProdForceVirialCudaArgs& args,
                            const DeviceChunkPairs<Real>& pairs, double* forces, double* virial,
                            double* atom_virial, cudaStream_t stream) {
  const int n_pairs = pairs.n_pairs();
  if (n_pairs == 0) return;
  prod_force_virial_kernel<Real><<<blocks_for(n_pairs, kThreads), kThreads, 0, stream>>>(
      args, n_pairs, pairs.center_type.data(), pairs.center.data(), pairs.neighbor.data(),
      pairs.slot.data(), pairs.diff.data(), pairs.env_deriv.data(), pairs.grad_env.data(), forces,
      virial, atom_virial);
  MD_CUDA_CHECK_LAUNCH(stream);
}

template void prod_force_virial_cuda<double>(const ProdForceVirialCudaArgs&,
                                             const DeviceChunkPairs<double>&, double*, double*,
                                             double*, cudaStream_t);
template void prod_force_virial_cuda<float>(const ProdForceVirialCudaArgs&,
                                            const DeviceChunkPairs<float>&, double*, double*,
                                            double*, cudaStream_t);

}  // namespace md::deep
