// SPDX-License-Identifier: MIT
/// \file
/// Device twin of pair_groups.hpp: the real neighbour slots of one chunk of centres, as the CUDA
/// ops pass them to each other.
///
/// The CPU keeps one PairGroup per embedding net; here all groups live in ONE set of per-pair
/// arrays, group after group: the pairs of group e are [group_begin[e], group_begin[e + 1]), so
/// each group is one contiguous batch for cuBLAS and per-pair kernels launch once over all
/// pairs. Inside a group the order is the CPU's: centre-major, and within a centre by slot.
/// `pair_begin`/`pair_count` locate each centre's pairs in each group (no searching).
///
/// format_nlist_cuda fills the per-centre arrays and the pair identities and sizes every
/// per-pair array for the chunk; the other ops fill their own outputs (env, g, grad_env, …).
/// Buffers only grow. `group_begin` is a host copy: the launchers need the batch sizes.
/// Precision: displacements stay double (virial, env rows computed in double); everything the
/// networks see is Real (float in the mixed precision).
#pragma once

#include <vector>

#include "device/device_buffer.hpp"

namespace md::deep {

template <class Real>
struct DeviceChunkPairs {
  int center_begin = 0;          ///< local index of chunk centre 0
  int n_centers = 0;             ///< centres in the chunk
  int n_groups = 0;              ///< embedding nets (T or T·T)
  std::vector<int> group_begin;  ///< HOST [n_groups + 1]: first pair of each group, then total

  int n_pairs() const { return group_begin.empty() ? 0 : group_begin.back(); }

  // Per centre.
  DeviceBuffer<int> center_type;  ///< [n_centers] model type
  DeviceBuffer<int> n_kept;       ///< [n_centers][T] slots holding real neighbours (see ChunkPairs)
  DeviceBuffer<int> pair_count;   ///< [n_groups][n_centers] pairs of centre c in group e
  DeviceBuffer<int> pair_begin;   ///< [n_groups][n_centers] index of the first of them
  DeviceBuffer<int> slot_atom;    ///< [n_centers][nnei] neighbour atom of each kept slot (scratch)
  DeviceBuffer<int> group_total;  ///< [n_groups + 1] device copy of group_begin (scratch)

  // Per pair (sized by format_nlist_cuda to n_pairs()).
  DeviceBuffer<int> center;      ///< [n_pairs] chunk-local centre index
  DeviceBuffer<int> neighbor;    ///< [n_pairs] neighbour atom index in [0, n_all)
  DeviceBuffer<int> slot;        ///< [n_pairs] slot in [0, nnei)
  DeviceBuffer<double> diff;     ///< [n_pairs][3] r_neighbor − r_center, Å
  DeviceBuffer<Real> env;        ///< [n_pairs][4] normalised env row R̃ (env_mat)
  DeviceBuffer<Real> env_deriv;  ///< [n_pairs][4][3] ∂R/∂diff of the raw row (env_mat)
  DeviceBuffer<Real> g;          ///< [n_pairs][ng] embedding G (embedding_net)
  DeviceBuffer<Real> g_deriv;    ///< [n_pairs][ng] dG/ds̃ (embedding_net)
  DeviceBuffer<Real> grad_env;   ///< [n_pairs][4] ∂E/∂R̃, eV (descriptor backward)

  /// Device bytes held by the chunk's arrays.
  std::size_t device_bytes() const {
    return center_type.capacity_bytes() + n_kept.capacity_bytes() + pair_count.capacity_bytes() +
           pair_begin.capacity_bytes() + slot_atom.capacity_bytes() + group_total.capacity_bytes() +
           center.capacity_bytes() + neighbor.capacity_bytes() + slot.capacity_bytes() +
           diff.capacity_bytes() + env.capacity_bytes() + env_deriv.capacity_bytes() +
           g.capacity_bytes() + g_deriv.capacity_bytes() + grad_env.capacity_bytes();
  }
  /// Bytes of per-pair storage for one pair with embedding width ng (for chunk sizing).
  static std::size_t bytes_per_pair(int ng) {
    return 3 * sizeof(int) + 3 * sizeof(double) +
           (4 + 12 + 2 * static_cast<std::size_t>(ng) + 4) * sizeof(Real);
  }
};

}  // namespace md::deep
