// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of format_nlist (contract in format_nlist.hpp): from the engine's full neighbour
/// list (device copy) to the real neighbour slots of one chunk of centres, grouped by embedding
/// net (pair_groups_cuda.cuh).
///
/// Same semantics as format_nlist_cpu: candidates are j ≠ i within rcut (r² ≤ rcut², computed
/// with the CPU's rounding: no fused multiply-add) whose type pair is not pair-excluded; each type
/// block keeps the nearest sel[t] ordered by (r², j) when it overflows or when `sort_always` is
/// set, and otherwise keeps the neighbour-list order; descriptor-excluded pairs are counted in
/// n_kept but produce no pair; centres of a `skip_center_type` have no slots. The pair order
/// inside each group is the CPU's (centre-major, then slot), so the two twins see the same
/// pairs in the same order.
///
/// How (three kernels and one small download):
///  1. one warp per centre counts candidates per type, then assigns ranks: in list order with a
///     warp-wide match/popc prefix, or, for blocks that must be sorted, as the number of
///     same-type candidates with a smaller (r², j) key (O(row²/32) per centre; only overflowing
///     blocks and non-uniform statistics pay it);
///  2. a one-block exclusive scan of the [group][centre] pair counts gives every centre's first
///     pair in every group, and the group boundaries, which are copied to the host (the batch
///     sizes of the embedding GEMMs);
///  3. one warp per centre writes the pair identities and displacements.
/// Overflow is reported through two device counters that accumulate over chunks: the number of
/// centres beyond sel, and max over centres of (excess << 32 | ~index), i.e. the largest excess
/// and, among equals, the lowest atom index (the one the CPU reports).
#pragma once

#include "potential/deep/pair_groups_cuda.cuh"

namespace md::deep {

struct FormatNlistCudaArgs {
  const double* positions = nullptr;         ///< device [n_all][3], Å
  const int* model_types = nullptr;          ///< device [n_all]
  const int* offsets = nullptr;              ///< device [n_local + 1] CSR rows of the full list
  const int* neighbors = nullptr;            ///< device CSR columns, indices into [0, n_all)
  int center_begin = 0;                      ///< first local centre of the chunk
  int n_centers = 0;                         ///< centres in the chunk (> 0)
  int n_types = 0;                           ///< T
  int n_nei = 0;                             ///< Σ sel
  int ng = 0;                                ///< embedding width (sizes the per-pair arrays)
  const int* sel = nullptr;                  ///< device [T]
  const int* sel_offset = nullptr;           ///< device [T] first slot of each type block
  double rcut = 0.0;                         ///< Å
  const char* pair_exclude = nullptr;        ///< device [T][T]
  const char* descriptor_exclude = nullptr;  ///< device [T][T]
  const char* skip_center_type = nullptr;    ///< device [T] or null
  bool type_one_side = true;
  bool sort_always = false;
  /// device [2], accumulated: [0] centres beyond sel, [1] max (excess << 32 | (2³²−1 − atom)).
  unsigned long long* overflow = nullptr;
};

/// Decodes the packed worst-overflow counter: the excess and the local atom index.
inline void decode_overflow(unsigned long long packed, int& excess, int& atom) {
  excess = static_cast<int>(packed >> 32);
  atom = static_cast<int>(0xffffffffULL - (packed & 0xffffffffULL));
}

/// CUDA implementation; see the file comment. Fills `out` (per-centre arrays, pair identities,
/// host group_begin) and sizes all its per-pair arrays. Blocks until the group sizes are known.
template <class Real>
void format_nlist_cuda(const FormatNlistCudaArgs& args, DeviceChunkPairs<Real>& out,
                       cudaStream_t stream);

}  // namespace md::deep
