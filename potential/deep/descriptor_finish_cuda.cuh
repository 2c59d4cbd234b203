// SPDX-License-Identifier: MIT
/// \file
/// Device functions shared by the descriptor kernels of the exact and the tabulated embedding
/// (descriptor_cuda.cu, tabulated_embedding_cuda.cu): the second half of the forward pass of
/// one centre (padded slots, 1/nnei, D = gr·grᵀ), as descriptor_finish_cpu does it.
#pragma once

#include "potential/deep/descriptor_cuda.cuh"

namespace md::deep {

/// Adds centre c's padded slots (PaddingTable::add) to acc[4] (feature f of the pair sums), then
/// scales by 1/nnei, and stores the result in s_gr [4][ng] (shared) and gr [n_centers][4][ng].
template <class Real>
__device__ inline void finish_gr_feature(const DescriptorCudaArgs<Real>& a, int c, int t_i,
                                         const int* n_kept, int f, Real acc[4], Real* s_gr,
                                         Real* gr) {
  const int ng = a.ng;
  const int n_types = a.n_types;
  const std::size_t gr_width = 4 * static_cast<std::size_t>(ng);
  for (int t_j = 0; t_j < n_types; ++t_j) {
    const int kept = n_kept[c * n_types + t_j];
    const Real* block = a.padding_values + a.padding_offset[t_i * n_types + t_j];
    if (a.padding_uniform) {
      const int n_pad = a.sel[t_j] - kept;
      if (n_pad == 0) continue;
      for (int k = 0; k < 4; ++k) acc[k] += Real(n_pad) * block[k * ng + f];
    } else {
      const Real* suffix = block + static_cast<std::size_t>(kept) * gr_width;
      for (int k = 0; k < 4; ++k) acc[k] += suffix[k * ng + f];
    }
  }
  const Real inv_nnei = Real(1.0 / static_cast<double>(a.n_nei));
  for (int k = 0; k < 4; ++k) {
    acc[k] *= inv_nnei;
    s_gr[k * ng + f] = acc[k];
    gr[c * gr_width + k * ng + f] = acc[k];
  }
}

/// D[a·M2 + b] = Σ_k gr[k][a]·gr[k][b] of centre c from s_gr (after a __syncthreads), by the
/// block's threads.
template <class Real>
__device__ inline void contract_descriptor(const DescriptorCudaArgs<Real>& a, int c,
                                           const Real* s_gr, Real* descriptor) {
  const int ng = a.ng;
  const int m2 = a.axis_neuron;
  Real* d = descriptor + static_cast<std::size_t>(c) * ng * m2;
  for (int o = static_cast<int>(threadIdx.x); o < ng * m2; o += static_cast<int>(blockDim.x)) {
    const int fa = o / m2;
    const int fb = o - fa * m2;
    d[o] = s_gr[fa] * s_gr[fb] + s_gr[ng + fa] * s_gr[ng + fb] +
           s_gr[2 * ng + fa] * s_gr[2 * ng + fb] + s_gr[3 * ng + fa] * s_gr[3 * ng + fb];
  }
}

}  // namespace md::deep
