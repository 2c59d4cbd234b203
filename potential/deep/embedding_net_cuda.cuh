// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of embedding_net (contract in embedding_net.hpp): G(s̃) and dG/ds̃ for a contiguous
/// range of pairs that share one embedding net.
///
/// Same scheme as the CPU: values and tangents of a block of rows are stacked as [2·rows][width],
/// so each layer after the first is ONE cuBLAS GEMM (cublasDgemm / cublasSgemm) over both; the
/// first layer (one input) is an outer product done inside the element-wise kernel. The
/// element-wise kernel (one thread per output element) adds the bias, applies the shared
/// MD_HOST_DEVICE activation<K, Real> (activation.hpp) and its derivative, the timestep and the
/// residual, and writes either the next layer's stacked input or, for the last layer, the
/// pairs' g and g_deriv rows.
///
/// Contract: reads pairs.env[p][0] for p in [pair_begin, pair_begin + n_pairs); OVERWRITES those
/// rows of pairs.g and pairs.g_deriv ([n_pairs][ng], dimensionless). `ws` is scratch; rows are
/// processed in blocks of at most `block_rows` (the workspace is 3 × 2·block_rows × max width).
#pragma once

#include <cublas_v2.h>

#include "potential/nn/dense_net_cuda.cuh"
#include "potential/deep/pair_groups_cuda.cuh"

namespace md::deep {

/// Scratch of embedding_net_cuda (grow-only).
template <class Real>
struct EmbeddingCudaWorkspace {
  DeviceBuffer<Real> current;  ///< [2·block][width] values over tangents of the layer input
  DeviceBuffer<Real> product;  ///< [2·block][width] GEMM output
  DeviceBuffer<Real> next;     ///< [2·block][width] layer output
  std::size_t device_bytes() const {
    return current.capacity_bytes() + product.capacity_bytes() + next.capacity_bytes();
  }
};

/// CUDA implementation; see the file comment. `net.layers()[0]` must have one input.
template <class Real>
void embedding_net_cuda(const nn::DeviceDenseNet<Real>& net, int pair_begin, int n_pairs,
                        int block_rows, DeviceChunkPairs<Real>& pairs,
                        EmbeddingCudaWorkspace<Real>& ws, cublasHandle_t handle,
                        cudaStream_t stream);

}  // namespace md::deep
