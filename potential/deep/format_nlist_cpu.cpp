// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of format_nlist (contract in format_nlist.hpp): one pass over each centre's
/// row of the full list, bucketed by neighbour type, sorted only where it matters.
#include <algorithm>

#include "potential/deep/format_nlist.hpp"

namespace md::deep {

void format_nlist_cpu(const FormatNlistArgs& args, FormatNlistWorkspace& ws, ChunkPairs& out) {
  const int n_types = args.n_types;
  const double rcut_sq = args.rcut * args.rcut;
  out.center_begin = args.center_begin;
  out.n_centers = args.n_centers;
  const int n_groups = args.type_one_side ? n_types : n_types * n_types;
  if (static_cast<int>(out.groups.size()) < n_groups) out.groups.resize(n_groups);
  for (auto& group : out.groups) group.n_pairs = 0;
  ensure_size(out.n_kept, static_cast<std::size_t>(args.n_centers * n_types));
  ensure_size(out.center_type, static_cast<std::size_t>(args.n_centers));
  ensure_size(out.evaluated, static_cast<std::size_t>(args.n_centers));
  out.overflow = SelOverflow{};
  if (static_cast<int>(ws.by_type.size()) < n_types) ws.by_type.resize(n_types);
  ws.n_candidates.resize(static_cast<std::size_t>(n_types));
  int* count = ws.n_candidates.data();

  std::vector<int>& sel_offset = ws.sel_offset;
  sel_offset.assign(static_cast<std::size_t>(n_types), 0);
  for (int t = 1; t < n_types; ++t) sel_offset[t] = sel_offset[t - 1] + args.sel[t - 1];

  const double* x = args.positions;
  for (int c = 0; c < args.n_centers; ++c) {
    const int i = args.center_begin + c;
    const int t_i = args.model_types[i];
    out.center_type[c] = t_i;
    int* kept = &out.n_kept[static_cast<std::size_t>(c) * n_types];
    std::fill(kept, kept + n_types, 0);
    const bool skip = args.skip_center_type != nullptr && args.skip_center_type[t_i] != 0;
    out.evaluated[c] = skip ? 0 : 1;
    if (skip) continue;

    // Every candidate is written and only those within rcut are kept (the count advances by
    // the comparison): about half the list lies beyond rcut, in no predictable order, so a
    // branch there would mispredict at every other neighbour.
    const int row_begin = args.offsets[i], row_length = args.offsets[i + 1] - row_begin;
    for (int t = 0; t < n_types; ++t) {
      ensure_size(ws.by_type[t], static_cast<std::size_t>(row_length));
      count[t] = 0;
    }
    const double xi = x[3 * i], yi = x[3 * i + 1], zi = x[3 * i + 2];
    const char* pair_excluded = args.pair_exclude + static_cast<std::size_t>(t_i) * n_types;
    for (int k = row_begin; k < row_begin + row_length; ++k) {
      const int j = args.neighbors[k];
      if (j == i) continue;
      const int t_j = args.model_types[j];
      if (pair_excluded[t_j]) continue;
      const double dx = x[3 * j] - xi, dy = x[3 * j + 1] - yi, dz = x[3 * j + 2] - zi;
      const double r_sq = dx * dx + dy * dy + dz * dz;
      FormatNlistWorkspace::Candidate& slot = ws.by_type[t_j][count[t_j]];
      slot = {r_sq, j, {dx, dy, dz}};
      count[t_j] += r_sq <= rcut_sq ? 1 : 0;
    }

    int worst_excess = 0;
    for (int t = 0; t < n_types; ++t) {
      auto& cand = ws.by_type[t];
      const int n_cand = count[t];
      const int n_keep = std::min(n_cand, args.sel[t]);
      worst_excess = std::max(worst_excess, n_cand - args.sel[t]);
      if (n_cand > args.sel[t] || args.sort_always) {
        const auto nearer = [](const FormatNlistWorkspace::Candidate& a,
                               const FormatNlistWorkspace::Candidate& b) {
          return a.r_sq < b.r_sq || (a.r_sq == b.r_sq && a.j < b.j);
        };
        if (n_cand > n_keep) {
          std::partial_sort(cand.begin(), cand.begin() + n_keep, cand.begin() + n_cand, nearer);
        } else {
          std::sort(cand.begin(), cand.begin() + n_cand, nearer);
        }
      }
      kept[t] = n_keep;
      if (args.descriptor_exclude[static_cast<std::size_t>(t_i) * n_types + t]) continue;
      PairGroup& group = out.groups[args.type_one_side ? t : t_i + n_types * t];
      for (int k = 0; k < n_keep; ++k) group.push(c, cand[k].j, sel_offset[t] + k, cand[k].d);
    }
    if (worst_excess > 0) {
      SelOverflow& of = out.overflow;
      ++of.n_atoms;
      if (worst_excess > of.worst_excess) {
        of.worst_excess = worst_excess;
        of.worst_atom = i;
        of.worst_atom_type = t_i;
        of.worst_counts.resize(n_types);
        for (int t = 0; t < n_types; ++t) {
          of.worst_counts[t] = count[t];
        }
      }
    }
  }
}

}  // namespace md::deep
