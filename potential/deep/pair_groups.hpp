// SPDX-License-Identifier: MIT
/// \file
/// The per-chunk pair storage that the Deep Potential ops pass to each other.
///
/// DeePMD-kit keeps a padded [n_local][nnei] neighbour list and runs every slot, padding
/// included, through the embedding nets. We keep only the real (within-rcut, kept, not
/// excluded) neighbour slots, grouped by the embedding net they need, so that each group is one
/// batched GEMM; padded slots are accounted for by a per-type count (`n_kept`) and a
/// precomputed contribution (descriptor.hpp). Each group stores its pairs centre-major (all
/// pairs of centre 0, then of centre 1, …). Arrays only grow, so a steady-state step allocates
/// nothing; `n_pairs` says how much of them is in use. The device twin is pair_groups_cuda.cuh.
#pragma once

#include <cstddef>
#include <vector>

#include "core/ensure_size.hpp"

namespace md::deep {

/// The real neighbour slots of one chunk of centres that share an embedding net.
struct PairGroup {
  int n_pairs = 0;
  std::vector<int> center;    ///< [n_pairs] chunk-local centre index
  std::vector<int> neighbor;  ///< [n_pairs] neighbour atom index in [0, n_all)
  std::vector<int> slot;      ///< [n_pairs] slot in [0, nnei) of DeePMD-kit's padded list
  std::vector<double> diff;   ///< [n_pairs][3] r_neighbor − r_center, Å
  // Written by env_mat (env_raw on the CPU only, see env_mat.hpp):
  std::vector<double> env_raw;    ///< [n_pairs][4] raw env row R (1/Å)
  std::vector<double> env;        ///< [n_pairs][4] normalised env row R̃ (dimensionless)
  std::vector<double> env_deriv;  ///< [n_pairs][4][3] ∂R/∂diff of the raw row (1/Å², 1/Å³)
  // Written by embedding_net:
  std::vector<double> g;        ///< [n_pairs][ng] embedding G(s̃)
  std::vector<double> g_deriv;  ///< [n_pairs][ng] dG/ds̃
  // Written by descriptor backward:
  std::vector<double> grad_env;  ///< [n_pairs][4] ∂E/∂R̃, eV

  /// Appends one pair's identity (centre, neighbour, slot, displacement).
  void push(int c, int j, int s, const double d[3]) {
    const auto p = static_cast<std::size_t>(n_pairs);
    if (center.size() <= p) {
      const std::size_t grown = center.size() < 256 ? 512 : 2 * center.size();
      center.resize(grown);
      neighbor.resize(grown);
      slot.resize(grown);
      diff.resize(3 * grown);
    }
    center[p] = c;
    neighbor[p] = j;
    slot[p] = s;
    diff[3 * p] = d[0];
    diff[3 * p + 1] = d[1];
    diff[3 * p + 2] = d[2];
    ++n_pairs;
  }
};

/// What format_nlist reports about neighbours beyond `sel`.
struct SelOverflow {
  int n_atoms = 0;                ///< centres with more neighbours of some type than sel allows
  int worst_excess = 0;           ///< largest (count − sel) over centres and types
  int worst_atom = -1;            ///< local index of that centre
  int worst_atom_type = -1;       ///< its model type
  std::vector<int> worst_counts;  ///< [T] neighbours within rcut of that centre, per type

  void merge(const SelOverflow& other) {
    n_atoms += other.n_atoms;
    if (other.worst_excess > worst_excess) {
      worst_excess = other.worst_excess;
      worst_atom = other.worst_atom;
      worst_atom_type = other.worst_atom_type;
      worst_counts = other.worst_counts;
    }
  }
};

/// All pairs of a chunk of consecutive local centres [center_begin, center_begin + n_centers).
struct ChunkPairs {
  int center_begin = 0;
  int n_centers = 0;
  std::vector<PairGroup> groups;  ///< [n_embedding_nets]
  /// [n_centers][T]: neighbours of each type that occupy slots (real, within rcut, at most
  /// sel[t], descriptor-excluded ones included); the rest of the type block is padding.
  std::vector<int> n_kept;
  std::vector<int> center_type;  ///< [n_centers] model type of each centre
  std::vector<char> evaluated;   ///< [n_centers] 0 for centres skipped (atom_exclude_types)
  SelOverflow overflow;
};

}  // namespace md::deep
