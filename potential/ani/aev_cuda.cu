// SPDX-License-Identifier: MIT
/// \file
/// CUDA launcher of op `aev` (aev_cuda.cuh).
#include "potential/ani/aev_cuda.cuh"

#include <cstddef>

#include "device/block_sum_cuda.cuh"
#include "device/device_buffer.hpp"

namespace md::ani {
namespace {

constexpr int kThreads = 128;

template <class Real>
__global__ void aev_forward_kernel(AevWalkArgs<Real> a, Real* aev) {
  const int c = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (c >= a.n_centers) return;
  aev_center_forward(a, c, aev + static_cast<std::size_t>(c) * a.view.aev_length);
}

template <class Real>
__global__ void aev_backward_kernel(AevWalkArgs<Real> a, const Real* grad_aev, double* forces,
                                    double* virial, double* atom_virial) {
  const int c = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  double w[9] = {0, 0, 0, 0, 0, 0, 0, 0, 0};
  if (c < a.n_centers) {  // no early return: block_atomic_add needs every thread
    aev_center_backward(a, c, grad_aev + static_cast<std::size_t>(c) * a.view.aev_length, forces,
                        w, atom_virial, [](double* address, double value) {
                          atomicAdd(address, value);
                        });
  }
  block_atomic_add(w, virial);
}

}  // namespace

template <class Real>
void aev_forward_cuda(const AevWalkArgs<Real>& args, Real* aev, cudaStream_t stream) {
  if (args.n_centers == 0) return;
  aev_forward_kernel<Real><<<blocks_for(args.n_centers, kThreads), kThreads, 0, stream>>>(args,
                                                                                          aev);
  MD_CUDA_CHECK_LAUNCH(stream);
}

template <class Real>
void aev_backward_cuda(const AevWalkArgs<Real>& args, const Real* grad_aev, double* forces,
                       double* virial, double* atom_virial, cudaStream_t stream) {
  if (args.n_centers == 0) return;
  aev_backward_kernel<Real><<<blocks_for(args.n_centers, kThreads), kThreads, 0, stream>>>(
      args, grad_aev, forces, virial, atom_virial);
  MD_CUDA_CHECK_LAUNCH(stream);
}

template void aev_forward_cuda<double>(const AevWalkArgs<double>&, double*, cudaStream_t);
template void aev_forward_cuda<float>(const AevWalkArgs<float>&, float*, cudaStream_t);
template void aev_backward_cuda<double>(const AevWalkArgs<double>&, const double*, double*,
                                        double*, double*, cudaStream_t);
template void aev_backward_cuda<float>(const AevWalkArgs<float>&, const float*, double*, double*,
                                       double*, cudaStream_t);

}  // namespace md::ani
