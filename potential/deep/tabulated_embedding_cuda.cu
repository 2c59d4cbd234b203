// SPDX-License-Identifier: MIT
/// \file
/// CUDA implementation of tabulated_embedding (contracts in tabulated_embedding.hpp and
/// tabulated_embedding_cuda.cuh).
#include <vector>

#include "potential/deep/descriptor_finish_cuda.cuh"
#include "potential/deep/tabulated_embedding_cuda.cuh"

namespace md::deep {
namespace {

constexpr int kWarpSize = 32;
constexpr unsigned int kFullMask = 0xffffffffu;
constexpr int kCenterThreads = 128;    ///< threads per centre block (one per feature)
constexpr int kPairWarpsPerBlock = 8;  ///< warps (pairs) per block of the backward
constexpr std::size_t kDefaultSharedBytes = 48 * 1024;

/// The tables as kernels read them.
template <class Real>
struct TableView {
  const TableGeometry* geometry;  ///< [n_nets]
  const long long* offset;        ///< [n_nets], −1: no table
  const Real* coeff;
  int ng;

  /// The coefficients ([6][ng]) of the interval of x in net e's table and the offset t in it;
  /// false when the net has no table or x is outside it.
  __device__ bool locate(int e, double x, const Real*& c, Real& t) const {
    if (offset[e] < 0) return false;
    int interval = 0;
    double within = 0.0;
    if (!table_locate(geometry[e], x, interval, within)) return false;
    c = coeff + offset[e] + static_cast<std::size_t>(interval) * 6 * ng;
    t = static_cast<Real>(within);
    return true;
  }
};

template <class Real>
__global__ void tabulated_forward_kernel(DescriptorCudaArgs<Real> a, TableView<Real> table,
                                         int center_begin, int n_centers, int n_groups,
                                         const int* center_type, const int* n_kept,
                                         const int* pair_begin, const int* pair_count,
                                         const int* neighbor, const Real* env, Real* gr,
                                         Real* descriptor, unsigned long long* miss) {
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
        const Real* row = env + 4 * static_cast<std::size_t>(p);
        const Real* coeff = nullptr;
        Real t(0);
        if (!table.locate(e, static_cast<double>(row[0]), coeff, t)) {
          if (f == 0) {
            atomicAdd(&miss[0], 1ull);
            atomicMin(&miss[1], encode_table_miss(center_begin + c, neighbor[p]));
          }
          continue;
        }
        Real value, slope;
        table_value_slope(coeff, ng, f, t, value, slope);
        for (int k = 0; k < 4; ++k) acc[k] += value * row[k];
      }
    }
    finish_gr_feature(a, c, t_i, n_kept, f, acc, s_gr, gr);
  }
  __syncthreads();
  contract_descriptor(a, c, s_gr, descriptor);
}

/// ∂E/∂R̃ of each pair, one warp per pair; `group_of` maps the pair to its net.
template <class Real>
__global__ void tabulated_grad_env_kernel(TableView<Real> table, int ng, int n_pairs,
                                          int n_groups, const int* group_begin,
                                          const int* center, const Real* grad_gr, const Real* env,
                                          Real* grad_env) {
  const int warp = static_cast<int>(threadIdx.x) / kWarpSize;
  const int lane = static_cast<int>(threadIdx.x) % kWarpSize;
  const int p = static_cast<int>(blockIdx.x) * kPairWarpsPerBlock + warp;
  if (p >= n_pairs) return;  // uniform over the warp
  int e = 0;
  while (e + 1 < n_groups && p >= group_begin[e + 1]) ++e;
  const auto pp = static_cast<std::size_t>(p);
  const Real* row = env + 4 * pp;
  Real* out = grad_env + 4 * pp;
  const Real* coeff = nullptr;
  Real t(0);
  if (!table.locate(e, static_cast<double>(row[0]), coeff, t)) {  // reported by the forward
    if (lane < 4) out[lane] = Real(0);
    return;
  }
  const Real* b = grad_gr + static_cast<std::size_t>(center[p]) * 4 * ng;
  Real gb[4] = {Real(0), Real(0), Real(0), Real(0)};  // Σ_a B[k][a] G_a
  Real q[4] = {Real(0), Real(0), Real(0), Real(0)};   // Σ_a B[k][a] G'_a
  for (int f = lane; f < ng; f += kWarpSize) {
    Real value, slope;
    table_value_slope(coeff, ng, f, t, value, slope);
    for (int k = 0; k < 4; ++k) {
      const Real bk = b[k * ng + f];
      gb[k] += bk * value;
      q[k] += bk * slope;
    }
  }
  for (int offset = kWarpSize / 2; offset > 0; offset >>= 1) {
    for (int k = 0; k < 4; ++k) {
      gb[k] += __shfl_xor_sync(kFullMask, gb[k], offset);
      q[k] += __shfl_xor_sync(kFullMask, q[k], offset);
    }
  }
  if (lane == 0) {
    out[0] = gb[0] + (row[0] * q[0] + row[1] * q[1] + row[2] * q[2] + row[3] * q[3]);
    out[1] = gb[1];
    out[2] = gb[2];
    out[3] = gb[3];
  }
}

template <class Real>
TableView<Real> view_of(const DeviceEmbeddingTables<Real>& tables) {
  return TableView<Real>{tables.geometry.data(), tables.offset.data(), tables.coeff.data(),
                         tables.ng};
}

}  // namespace

template <class Real>
void DeviceEmbeddingTables<Real>::upload(const EmbeddingTables& tables, cudaStream_t stream) {
  std::vector<Real> host_coeff;
  std::vector<long long> host_offset;
  std::vector<TableGeometry> host_geometry;
  for (const EmbeddingTable& table : tables.nets) {
    host_geometry.push_back(table.geometry);
    if (table.empty()) {
      host_offset.push_back(-1);
      continue;
    }
    ng = table.ng;
    host_offset.push_back(static_cast<long long>(host_coeff.size()));
    host_coeff.insert(host_coeff.end(), table.coeff.begin(), table.coeff.end());
  }
  coeff.upload(host_coeff.data(), host_coeff.size(), stream);
  offset.upload(host_offset.data(), host_offset.size(), stream);
  geometry.upload(host_geometry.data(), host_geometry.size(), stream);
  MD_CUDA_CHECK(cudaStreamSynchronize(stream));
}

template <class Real>
void tabulated_embedding_forward_cuda(const DescriptorCudaArgs<Real>& args,
                                      const DeviceEmbeddingTables<Real>& tables,
                                      const DeviceChunkPairs<Real>& pairs, Real* gr,
                                      Real* descriptor, unsigned long long* miss,
                                      cudaStream_t stream) {
  if (pairs.n_centers == 0) return;
  const std::size_t shared = 4 * static_cast<std::size_t>(args.ng) * sizeof(Real);
  if (shared > kDefaultSharedBytes) {
    MD_CUDA_CHECK(cudaFuncSetAttribute(tabulated_forward_kernel<Real>,
                                       cudaFuncAttributeMaxDynamicSharedMemorySize,
                                       static_cast<int>(shared)));
  }
  tabulated_forward_kernel<Real><<<pairs.n_centers, kCenterThreads, shared, stream>>>(
      args, view_of(tables), pairs.center_begin, pairs.n_centers, pairs.n_groups,
      pairs.center_type.data(), pairs.n_kept.data(), pairs.pair_begin.data(),
      pairs.pair_count.data(), pairs.neighbor.data(), pairs.env.data(), gr, descriptor, miss);
  MD_CUDA_CHECK_LAUNCH(stream);
}

template <class Real>
void tabulated_embedding_backward_cuda(const DeviceEmbeddingTables<Real>& tables,
                                       const Real* grad_gr, DeviceChunkPairs<Real>& pairs,
                                       cudaStream_t stream) {
  const int n_pairs = pairs.n_pairs();
  if (n_pairs == 0) return;
  tabulated_grad_env_kernel<Real>
      <<<blocks_for(n_pairs, kPairWarpsPerBlock), kPairWarpsPerBlock * kWarpSize, 0, stream>>>(
          view_of(tables), tables.ng, n_pairs, pairs.n_groups, pairs.group_total.data(),
          pairs.center.data(), grad_gr, pairs.env.data(), pairs.grad_env.data());
  MD_CUDA_CHECK_LAUNCH(stream);
}

template struct DeviceEmbeddingTables<double>;
template struct DeviceEmbeddingTables<float>;
template void tabulated_embedding_forward_cuda<double>(const DescriptorCudaArgs<double>&,
                                                       const DeviceEmbeddingTables<double>&,
                                                       const DeviceChunkPairs<double>&, double*,
                                                       double*, unsigned long long*, cudaStream_t);
template void tabulated_embedding_forward_cuda<float>(const DescriptorCudaArgs<float>&,
                                                      const DeviceEmbeddingTables<float>&,
                                                      const DeviceChunkPairs<float>&, float*,
                                                      float*, unsigned long long*, cudaStream_t);
template void tabulated_embedding_backward_cuda<double>(const DeviceEmbeddingTables<double>&,
                                                        const double*, DeviceChunkPairs<double>&,
                                                        cudaStream_t);
template void tabulated_embedding_backward_cuda<float>(const DeviceEmbeddingTables<float>&,
                                                       const float*, DeviceChunkPairs<float>&,
                                                       cudaStream_t);

}  // namespace md::deep
