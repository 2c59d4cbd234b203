// SPDX-License-Identifier: MIT
/// \file
/// CUDA implementation of the descriptor op (contracts in descriptor.hpp and descriptor_cuda.cuh).
#include <vector>

#include "potential/deep/descriptor_cuda.cuh"
#include "potential/deep/descriptor_finish_cuda.cuh"

namespace md::deep {
namespace {

constexpr int kWarpSize = 32;
constexpr unsigned int kFullMask = 0xffffffffu;
constexpr int kCenterThreads = 128;    ///< threads per centre block
constexpr int kPairWarpsPerBlock = 8;  ///< warps (pairs) per block of the per-pair backward
/// Dynamic shared memory available without opting in.
constexpr std::size_t kDefaultSharedBytes = 48 * 1024;

/// Allows `kernel` to use `bytes` of dynamic shared memory (opt-in above 48 KiB).
template <class Kernel>
void allow_shared_memory(Kernel kernel, std::size_t bytes) {
  if (bytes <= kDefaultSharedBytes) return;
  MD_CUDA_CHECK(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                     static_cast<int>(bytes)));
}

template <class Real>
__global__ void descriptor_forward_kernel(DescriptorCudaArgs<Real> a, int n_centers, int n_groups,
                                          const int* center_type, const int* n_kept,
                                          const int* pair_begin, const int* pair_count,
                                          const Real* g, const Real* env, Real* gr,
                                          Real* descriptor) {
  extern __shared__ __align__(16) unsigned char s_raw[];
  Real* s_gr = reinterpret_cast<Real*>(s_raw);  // [4][ng]
  const int c = static_cast<int>(blockIdx.x);
  const int ng = a.ng;
  const int t_i = center_type[c];
  for (int f = static_cast<int>(threadIdx.x); f < ng; f += static_cast<int>(blockDim.x)) {
    Real acc[4] = {Real(0), Real(0), Real(0), Real(0)};
    for (int e = 0; e < n_groups; ++e) {
      const int begin = pair_begin[e * n_centers + c];
      const int end = begin + pair_count[e * n_centers + c];
      for (int p = begin; p < end; ++p) {
        const Real gv = g[static_cast<std::size_t>(p) * ng + f];
        const Real* row = env + 4 * static_cast<std::size_t>(p);
        for (int k = 0; k < 4; ++k) acc[k] += gv * row[k];
      }
    }
    finish_gr_feature(a, c, t_i, n_kept, f, acc, s_gr, gr);
  }
  __syncthreads();
  contract_descriptor(a, c, s_gr, descriptor);
}

/// B = A/nnei per centre: A[k][a] = Σ_b g_D[a·M2+b]·gr[k][b] + [a < M2] Σ_a'
/// g_D[a'·M2+a]·gr[k][a'].
template <class Real>
__global__ void descriptor_grad_gr_kernel(DescriptorCudaArgs<Real> a, const Real* gr,
                                          const Real* grad_descriptor, Real* grad_gr) {
  extern __shared__ __align__(16) unsigned char s_raw[];
  const int ng = a.ng;
  const int m2 = a.axis_neuron;
  const std::size_t gr_width = 4 * static_cast<std::size_t>(ng);
  const std::size_t d_width = static_cast<std::size_t>(ng) * m2;
  Real* s_gr = reinterpret_cast<Real*>(s_raw);  // [4][ng]
  Real* s_gd = s_gr + gr_width;                 // [ng][M2]
  const int c = static_cast<int>(blockIdx.x);
  for (std::size_t k = threadIdx.x; k < gr_width; k += blockDim.x) s_gr[k] = gr[c * gr_width + k];
  for (std::size_t k = threadIdx.x; k < d_width; k += blockDim.x) {
    s_gd[k] = grad_descriptor[c * d_width + k];
  }
  __syncthreads();
  const Real inv_nnei = Real(1.0 / static_cast<double>(a.n_nei));
  for (int f = static_cast<int>(threadIdx.x); f < ng; f += static_cast<int>(blockDim.x)) {
    for (int k = 0; k < 4; ++k) {
      const Real* tk = s_gr + k * ng;
      Real sum(0);
      for (int b = 0; b < m2; ++b) sum += s_gd[f * m2 + b] * tk[b];
      if (f < m2) {
        Real sum2(0);
        for (int a2 = 0; a2 < ng; ++a2) sum2 += s_gd[a2 * m2 + f] * tk[a2];
        sum += sum2;
      }
      grad_gr[c * gr_width + k * ng + f] = sum * inv_nnei;
    }
  }
}

/// ∂E/∂R̃ of each pair: one warp per pair.
template <class Real>
__global__ void descriptor_grad_env_kernel(int ng, int n_pairs, const int* center,
                                           const Real* grad_gr, const Real* g, const Real* g_deriv,
                                           const Real* env, Real* grad_env) {
  const int warp = static_cast<int>(threadIdx.x) / kWarpSize;
  const int lane = static_cast<int>(threadIdx.x) % kWarpSize;
  const int p = static_cast<int>(blockIdx.x) * kPairWarpsPerBlock + warp;
  if (p >= n_pairs) return;  // uniform over the warp
  const auto pp = static_cast<std::size_t>(p);
  const Real* b = grad_gr + static_cast<std::size_t>(center[p]) * 4 * ng;
  const Real* gp = g + pp * ng;
  const Real* dp = g_deriv + pp * ng;
  Real gb[4] = {Real(0), Real(0), Real(0), Real(0)};  // Σ_a B[k][a] G_a
  Real q[4] = {Real(0), Real(0), Real(0), Real(0)};   // Σ_a B[k][a] G'_a
  for (int f = lane; f < ng; f += kWarpSize) {
    const Real gv = gp[f];
    const Real dv = dp[f];
    for (int k = 0; k < 4; ++k) {
      const Real bk = b[k * ng + f];
      gb[k] += bk * gv;
      q[k] += bk * dv;
    }
  }
  for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
    for (int k = 0; k < 4; ++k) {
      gb[k] += __shfl_xor_sync(kFullMask, gb[k], offset);
      q[k] += __shfl_xor_sync(kFullMask, q[k], offset);
    }
  }
  if (lane == 0) {
    const Real* row = env + 4 * pp;
    Real* out = grad_env + 4 * pp;
    // ∂E/∂s̃ = Σ_k R̃_k·q_k joins the radial component.
    out[0] = gb[0] + (row[0] * q[0] + row[1] * q[1] + row[2] * q[2] + row[3] * q[3]);
    out[1] = gb[1];
    out[2] = gb[2];
    out[3] = gb[3];
  }
}

}  // namespace

template <class Real>
void DevicePaddingTable<Real>::upload(const PaddingTable& table, cudaStream_t stream) {
  uniform = table.uniform;
  n_types = table.n_types;
  ng = table.ng;
  const std::vector<Real> host_values(table.values.begin(), table.values.end());
  const std::vector<long long> host_offset(table.block_offset.begin(), table.block_offset.end());
  values.upload(host_values.data(), host_values.size(), stream);
  block_offset.upload(host_offset.data(), host_offset.size(), stream);
  MD_CUDA_CHECK(cudaStreamSynchronize(stream));
}

template <class Real>
void descriptor_forward_cuda(const DescriptorCudaArgs<Real>& args,
                             const DeviceChunkPairs<Real>& pairs, Real* gr, Real* descriptor,
                             cudaStream_t stream) {
  if (pairs.n_centers == 0) return;
  const std::size_t shared = 4 * static_cast<std::size_t>(args.ng) * sizeof(Real);
  allow_shared_memory(descriptor_forward_kernel<Real>, shared);
  descriptor_forward_kernel<Real><<<pairs.n_centers, kCenterThreads, shared, stream>>>(
      args, pairs.n_centers, pairs.n_groups, pairs.center_type.data(), pairs.n_kept.data(),
      pairs.pair_begin.data(), pairs.pair_count.data(), pairs.g.data(), pairs.env.data(), gr,
      descriptor);
  MD_CUDA_CHECK_LAUNCH(stream);
}

template <class Real>
void descriptor_grad_gr_cuda(const DescriptorCudaArgs<Real>& args, const Real* gr,
                             const Real* grad_descriptor, int n_centers, Real* grad_gr,
                             cudaStream_t stream) {
  if (n_centers == 0) return;
  const std::size_t shared =
      (4 + static_cast<std::size_t>(args.axis_neuron)) * args.ng * sizeof(Real);
  allow_shared_memory(descriptor_grad_gr_kernel<Real>, shared);
  descriptor_grad_gr_kernel<Real>
      <<<n_centers, kCenterThreads, shared, stream>>>(args, gr, grad_descriptor, grad_gr);
  MD_CUDA_CHECK_LAUNCH(stream);
}

template <class Real>
void descriptor_backward_cuda(const DescriptorCudaArgs<Real>& args, const Real* gr,
                              const Real* grad_descriptor, DeviceChunkPairs<Real>& pairs,
                              Real* grad_gr, cudaStream_t stream) {
  if (pairs.n_centers == 0) return;
  descriptor_grad_gr_cuda(args, gr, grad_descriptor, pairs.n_centers, grad_gr, stream);
  const int n_pairs = pairs.n_pairs();
  if (n_pairs == 0) return;
  descriptor_grad_env_kernel<Real>
      <<<blocks_for(n_pairs, kPairWarpsPerBlock), kPairWarpsPerBlock * kWarpSize, 0, stream>>>(
          args.ng, n_pairs, pairs.center.data(), grad_gr, pairs.g.data(), pairs.g_deriv.data(),
          pairs.env.data(), pairs.grad_env.data());
  MD_CUDA_CHECK_LAUNCH(stream);
}

template struct DevicePaddingTable<double>;
template struct DevicePaddingTable<float>;
template void descriptor_forward_cuda<double>(const DescriptorCudaArgs<double>&,
                                              const DeviceChunkPairs<double>&, double*, double*,
                                              cudaStream_t);
template void descriptor_forward_cuda<float>(const DescriptorCudaArgs<float>&,
                                             const DeviceChunkPairs<float>&, float*, float*,
                                             cudaStream_t);
template void descriptor_grad_gr_cuda<double>(const DescriptorCudaArgs<double>&, const double*,
                                              const double*, int, double*, cudaStream_t);
template void descriptor_grad_gr_cuda<float>(const DescriptorCudaArgs<float>&, const float*,
                                             const float*, int, float*, cudaStream_t);
template void descriptor_backward_cuda<double>(const DescriptorCudaArgs<double>&, const double*,
                                               const double*, DeviceChunkPairs<double>&, double*,
                                               cudaStream_t);
template void descriptor_backward_cuda<float>(const DescriptorCudaArgs<float>&, const float*,
                                              const float*, DeviceChunkPairs<float>&, float*,
                                              cudaStream_t);

}  // namespace md::deep
