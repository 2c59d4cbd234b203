// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of the descriptor op (contract and formulas in descriptor.hpp): forward gr and D per
/// centre, backward ∂E/∂R̃ per pair, with the same padded-slot table (PaddingTable) on the device.
///
///  - Forward: one block per centre, one thread per feature a; each thread sums G_pa·R̃_pc over the
///    centre's pairs of every group, in the CPU's order (group, then pair), adds the padded
///    slots (n_pad × the uniform entry, or the suffix-sum entry), scales by 1/nnei, and the
///    block then forms D = gr·grᵀ[:, :M2] from shared memory. No atomics: deterministic.
///  - Backward: one block per centre forms B = A/nnei from g_D and gr (both staged in shared
///    memory); then one warp per pair reduces the eight dot products Σ_a B[k][a]·G_a and
///    Σ_a B[k][a]·G'_a with shuffles and writes ∂E/∂R̃ for the pair.
///
/// Contracts: descriptor_forward_cuda OVERWRITES gr [n_centers][4][ng] and descriptor
/// [n_centers][ng·M2]; descriptor_backward_cuda reads gr and grad_descriptor [n_centers][ng·M2]
/// (eV), OVERWRITES grad_gr [n_centers][4][ng] (scratch) and pairs.grad_env [n_pairs][4] (eV).
#pragma once

#include "potential/deep/descriptor.hpp"
#include "potential/deep/pair_groups_cuda.cuh"

namespace md::deep {

/// PaddingTable (descriptor.hpp) on the device, in precision Real.
template <class Real>
struct DevicePaddingTable {
  bool uniform = true;
  int n_types = 0;
  int ng = 0;
  DeviceBuffer<Real> values;             ///< PaddingTable::values converted to Real
  DeviceBuffer<long long> block_offset;  ///< [T][T] start of each (t_i, t_j) table

  /// Uploads `table` (blocking).
  void upload(const PaddingTable& table, cudaStream_t stream);
  std::size_t device_bytes() const {
    return values.capacity_bytes() + block_offset.capacity_bytes();
  }
};

template <class Real>
struct DescriptorCudaArgs {
  int n_types = 0;
  int ng = 0;
  int axis_neuron = 0;       ///< M2
  int n_nei = 0;             ///< Σ sel
  const int* sel = nullptr;  ///< device [T]
  bool padding_uniform = true;
  const Real* padding_values = nullptr;       ///< device, DevicePaddingTable::values
  const long long* padding_offset = nullptr;  ///< device [T][T]
};

/// The first half of the backward pass (descriptor_grad_gr_cpu's twin): OVERWRITES grad_gr
/// [n_centers][4][ng] with B = (∂E/∂gr)/nnei.
template <class Real>
void descriptor_grad_gr_cuda(const DescriptorCudaArgs<Real>& args, const Real* gr,
                             const Real* grad_descriptor, int n_centers, Real* grad_gr,
                             cudaStream_t stream);

/// CUDA forward; see the file comment.
template <class Real>
void descriptor_forward_cuda(const DescriptorCudaArgs<Real>& args,
                             const DeviceChunkPairs<Real>& pairs, Real* gr, Real* descriptor,
                             cudaStream_t stream);

/// CUDA backward; see the file comment.
template <class Real>
void descriptor_backward_cuda(const DescriptorCudaArgs<Real>& args, const Real* gr,
                              const Real* grad_descriptor, DeviceChunkPairs<Real>& pairs,
                              Real* grad_gr, cudaStream_t stream);

}  // namespace md::deep
