// SPDX-License-Identifier: MIT
/// \file
/// Op `tabulated_embedding`: the compressed model's embedding fused with the descriptor's pair
/// sums (DeePMD-kit's tabulate_fusion_se_a), so that G is never stored per pair.
///
/// Forward, for every pair p of group e (centre c, normalised row R̃_p, x_p = R̃_p0), with G from
/// table e (embedding_table.hpp):
///     gr[c][k][a] += G_a(x_p) · R̃_pk                       (the real slots' sums, no 1/nnei)
/// after which descriptor_finish_cpu adds the padded slots and forms D, exactly as for the exact
/// embedding. Backward, from B = ∂E/∂gr / nnei (descriptor_grad_gr_cpu), G and G' re-evaluated:
///     ∂E/∂R̃_pk = Σ_a B[c][k][a] G_a(x_p) + δ_k0 Σ_a (Σ_k' B[c][k'][a] R̃_pk') G'_a(x_p).
///
/// A pair whose x is outside its table (closer than the table covers) is skipped and reported in
/// `TableMiss`: the caller must not use the results then (DeepPotential stops the run, naming the
/// pair). The per-pair math is embedding_table_math.hpp's, shared with the CUDA twin.
///
/// Contracts (CPU): tabulated_embedding_forward_cpu OVERWRITES gr [n_centers][4][ng] and `lookups`
/// (where each pair falls in its table); the backward reads grad_gr [n_centers][4][ng] (B) and
/// those lookups, and OVERWRITES group.grad_env [n_pairs][4] (eV) of every group. Both read
/// group.env (env_mat) and nothing of group.g / group.g_deriv. Pairs must be centre-major (as
/// format_nlist leaves them).
///
/// Twins: tabulated_embedding_{forward,backward}_cpu (tabulated_embedding_cpu.cpp) and
/// tabulated_embedding_{forward,backward}_cuda (tabulated_embedding_cuda.cuh/.cu).
#pragma once

#include <string>
#include <vector>

#include "potential/deep/embedding_table.hpp"
#include "potential/deep/pair_groups.hpp"

namespace md::deep {

/// Pairs outside their table in one evaluation: how many, and the first one seen.
struct TableMiss {
  int count = 0;
  int group = -1;   ///< embedding net of the first
  int pair = -1;    ///< its index in the group
  double x = 0.0;   ///< its x

  void merge(const TableMiss& other) {
    if (other.count == 0) return;
    if (count == 0) {
      group = other.group;
      pair = other.pair;
      x = other.x;
    }
    count += other.count;
  }
};

/// Where one pair falls in its table: the interval and x's offset from the interval's start.
struct PairLookup {
  int interval = 0;
  double offset = 0.0;
};

/// The forward pass's lookups, [n_embedding_nets][n_pairs], reused by the backward pass
/// (grow-only, like the pair arrays).
struct TableLookups {
  std::vector<std::vector<PairLookup>> groups;
};

/// The message that stops a run when pairs fall outside the tables (both evaluators): the first
/// pair's local centre (and its model type), neighbour atom index and distance, and how many.
std::string table_miss_message(const DeepModel& model, const EmbeddingTables& tables,
                               int local_center, int center_type, int neighbor, double distance,
                               long long count);

/// Forward; see the file comment. Returns the pairs outside their table.
TableMiss tabulated_embedding_forward_cpu(const EmbeddingTables& tables, const ChunkPairs& pairs,
                                          int ng, double* gr, TableLookups& lookups);

/// Backward; see the file comment. `grad_gr` is descriptor_grad_gr_cpu's B.
void tabulated_embedding_backward_cpu(const EmbeddingTables& tables, const TableLookups& lookups,
                                      const double* grad_gr, int ng, ChunkPairs& pairs);

}  // namespace md::deep
