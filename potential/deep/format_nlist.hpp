// SPDX-License-Identifier: MIT
/// \file
/// Op `format_nlist`: from the engine's full neighbour list to DeePMD-kit's per-type slots.
///
/// DeePMD-kit semantics (shared/docs/deepmd-se_e2_a.md §3.1, `fmt_nlist.cc`): for centre i, the
/// candidates are the atoms j ≠ i (periodic images of i included) with |r_j − r_i| ≤ rcut whose
/// type pair is not in the model's `pair_exclude_types`; they are split by neighbour type t and
/// the nearest sel[t] of each type are kept, ordered by (distance, index), in slots
/// [Σ_{t'<t} sel[t'], Σ_{t'≤t} sel[t']). The rest of each block is padding. A neighbour exactly at
/// rcut is kept (its switch is 0, so it acts like padding).
///
/// Sorting only changes which neighbours are kept when a block overflows, and which slot a
/// neighbour gets; slots matter only when davg/dstd vary within a type block, so blocks are
/// sorted when they overflow or when `sort_always` is set.
///
/// Output (OVERWRITTEN): `out.groups[e]` receives, centre-major, the kept neighbours whose
/// embedding net is e, except descriptor-excluded pairs, which contribute exactly zero and are
/// only counted in `out.n_kept`. `out.overflow` counts centres beyond sel.
///
/// Twins: format_nlist_cpu (format_nlist_cpu.cpp) and format_nlist_cuda (format_nlist_cuda.cuh/.cu,
/// same semantics, all groups of a chunk in one device pair array).
#pragma once

#include <vector>

#include "potential/deep/pair_groups.hpp"

namespace md::deep {

struct FormatNlistArgs {
  const double* positions = nullptr;         ///< [n_all][3], Å
  const int* model_types = nullptr;          ///< [n_all] model type of each atom
  const int* offsets = nullptr;              ///< [n_local + 1] CSR row offsets of the full list
  const int* neighbors = nullptr;            ///< CSR column indices into [0, n_all)
  int center_begin = 0;                      ///< first local centre of the chunk
  int n_centers = 0;                         ///< centres in the chunk
  int n_types = 0;                           ///< T
  const int* sel = nullptr;                  ///< [T]
  double rcut = 0.0;                         ///< Å
  const char* pair_exclude = nullptr;        ///< [T][T] model pair_exclude_types
  const char* descriptor_exclude = nullptr;  ///< [T][T] descriptor exclude_types
  const char* skip_center_type = nullptr;    ///< [T] or null: centres of these types are skipped
  bool type_one_side = true;                 ///< embedding index t_j (true) or t_i + T·t_j (false)
  bool sort_always = false;  ///< assign slots in DeePMD-kit order even without overflow
};

/// Scratch space of format_nlist_cpu (grow-only).
struct FormatNlistWorkspace {
  struct Candidate {
    double r_sq;
    int j;
    double d[3];
  };
  std::vector<std::vector<Candidate>> by_type;  ///< [T] candidates of the current centre
  std::vector<int> n_candidates;                ///< [T] how many of by_type[t] are in use
  std::vector<int> sel_offset;                  ///< [T] first slot of each type block
};

/// CPU implementation; see the file comment for the contract.
void format_nlist_cpu(const FormatNlistArgs& args, FormatNlistWorkspace& ws, ChunkPairs& out);

}  // namespace md::deep
