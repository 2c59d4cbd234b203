// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of tabulated_embedding (contract in tabulated_embedding.hpp): the compressed model's
/// embedding fused with the descriptor, on a chunk's device pairs.
///
///  - forward: one block per centre, one thread per feature f; for each of the centre's pairs
///    the thread locates x in the pair's table (embedding_table_math.hpp, the CPU's function)
///    and accumulates G_f(x)·R̃ in registers, then adds the padded slots and forms D
///    (descriptor_finish_cuda.cuh). G is never written to memory.
///  - backward: B from descriptor_grad_gr_cuda, then one warp per pair re-evaluates G and G'
///    along f and reduces the two dot products (the exact path's grad_env kernel, with the
///    table in place of the stored G).
/// A pair outside its table is skipped and counted in `miss` ([0] how many, [1] the smallest
/// (local centre << 32 | neighbour index) among them), for the host to report.
///
/// Precision: tables in Real (float in the mixed precision), x located in double.
#pragma once

#include <cuda_runtime.h>

#include "device/device_buffer.hpp"
#include "potential/deep/descriptor_cuda.cuh"
#include "potential/deep/embedding_table.hpp"
#include "potential/deep/pair_groups_cuda.cuh"

namespace md::deep {

/// Every net's table on the device, in precision Real.
template <class Real>
struct DeviceEmbeddingTables {
  int ng = 0;
  DeviceBuffer<Real> coeff;               ///< the nets' coefficients, one after the other
  DeviceBuffer<long long> offset;         ///< [n_nets] first coefficient of each; −1: no table
  DeviceBuffer<TableGeometry> geometry;   ///< [n_nets]

  /// Converts to Real and uploads (blocking).
  void upload(const EmbeddingTables& tables, cudaStream_t stream);
  std::size_t device_bytes() const {
    return coeff.capacity_bytes() + offset.capacity_bytes() + geometry.capacity_bytes();
  }
};

/// Packs the key of a missed pair: its local centre and neighbour atom.
__host__ __device__ inline unsigned long long encode_table_miss(int local_center, int neighbor) {
  return (static_cast<unsigned long long>(static_cast<unsigned int>(local_center)) << 32) |
         static_cast<unsigned int>(neighbor);
}
inline void decode_table_miss(unsigned long long key, int& local_center, int& neighbor) {
  local_center = static_cast<int>(key >> 32);
  neighbor = static_cast<int>(key & 0xffffffffu);
}

/// Forward; OVERWRITES gr [n_centers][4][ng] and descriptor [n_centers][ng·M2]; adds to `miss`.
template <class Real>
void tabulated_embedding_forward_cuda(const DescriptorCudaArgs<Real>& args,
                                      const DeviceEmbeddingTables<Real>& tables,
                                      const DeviceChunkPairs<Real>& pairs, Real* gr,
                                      Real* descriptor, unsigned long long* miss,
                                      cudaStream_t stream);

/// Backward; reads grad_gr (B, descriptor_grad_gr_cuda) and OVERWRITES pairs.grad_env.
template <class Real>
void tabulated_embedding_backward_cuda(const DeviceEmbeddingTables<Real>& tables,
                                       const Real* grad_gr, DeviceChunkPairs<Real>& pairs,
                                       cudaStream_t stream);

}  // namespace md::deep
