// SPDX-License-Identifier: MIT
/// \file
/// Op `descriptor`: se_e2_a descriptor of each centre, and its backward pass.
///
/// Forward (shared/docs/deepmd-se_e2_a.md §3.4), for centre i of type t_i:
///
///   gr   = (1/nnei) Σ_{all nnei slots} G(s̃_k) ⊗ R̃_k          [ng][4]
///   D[a·M2 + b] = Σ_c gr[a][c] · gr[b][c]                      a < ng, b < M2
///
/// The sum runs over ALL slots, padding included: a padded slot has R̃ = −davg/dstd, so it adds
/// G(−davg₀/dstd₀) ⊗ (−davg/dstd). That term depends only on (t_i, t_j, slot) and is tabulated
/// once (PaddingTable): when davg/dstd are uniform over each type block (always true for files
/// written by DeePMD-kit's statistics) one value per (t_i, t_j) times the number of padded slots
/// (deepmd-se_e2_a.md §7); otherwise suffix sums over the slots of the block. Descriptor-excluded
/// pairs add zero.
///
/// Backward: given g_D = ∂E/∂D, A = ∂E/∂gr is
///   A[a][c] = Σ_b g_D[a·M2+b]·gr[b][c] + [a < M2] Σ_a' g_D[a'·M2+a]·gr[a'][c],
/// and with B = A/nnei, for each real slot k:
///   ∂E/∂R̃_kc = Σ_a B[a][c]·G_ka + δ_c0 Σ_a (Σ_c' B[a][c']·R̃_kc')·G'_ka      (G' = dG/ds̃).
/// Padding has no geometric derivative, so only real slots are visited.
///
/// Contracts (CPU): descriptor_forward_cpu OVERWRITES gr [n_centers][4][ng] (stored transposed:
/// component-major) and descriptor [n_centers][ng·M2] (dimensionless). descriptor_backward_cpu
/// reads gr and grad_descriptor [n_centers][ng·M2] (eV) and OVERWRITES group.grad_env [n_pairs][4]
/// (eV) of every group.
///
/// Each is two halves, so that another embedding (the tabulated one, tabulated_embedding.hpp) can
/// replace the pair sums and keep the rest: forward = the pair sums Σ_k G_k ⊗ R̃_k into gr, then
/// descriptor_finish_cpu (padded slots, 1/nnei, D = gr·grᵀ); backward = descriptor_grad_gr_cpu
/// (B = ∂E/∂gr / nnei), then the per-pair gradients.
///
/// Twins: descriptor_{forward,backward}_cpu (descriptor_cpu.cpp) and
/// descriptor_{forward,backward}_cuda (descriptor_cuda.cuh/.cu, PaddingTable copied to the device).
#pragma once

#include <functional>
#include <vector>

#include "potential/deep/deep_model.hpp"
#include "potential/deep/pair_groups.hpp"

namespace md::deep {

/// Contribution of padded slots, precomputed from the model at set-up.
struct PaddingTable {
  bool uniform = true;  ///< davg/dstd constant over every (t_i, type block)
  int n_types = 0;
  int ng = 0;
  /// uniform: [T][T][4][ng], one padded slot of block t_j for centre type t_i.
  /// otherwise: per (t_i, t_j) a [sel[t_j] + 1][4][ng] table of suffix sums: entry m is the sum
  /// over slots m … sel[t_j]−1 of the block (entry sel[t_j] is zero).
  std::vector<double> values;
  std::vector<std::size_t> block_offset;  ///< [T][T] start of each (t_i, t_j) table in values

  /// Adds to `out` ([4][ng]) the sum of the padded slots of block (t_i, t_j) when `n_kept`
  /// slots hold real neighbours.
  void add(int t_i, int t_j, int sel_tj, int n_kept, double* out) const;
};

/// True when davg/dstd are constant over every (centre type, neighbour-type block).
bool statistics_uniform(const DeepModel& model);

/// G(x) of embedding net `net` into g[ng]: how a padding table evaluates the embedding.
using EmbeddingAt = std::function<void(int net, double x, double* g)>;

/// Builds the padding table; `explicit_slots` forces the per-slot form even for uniform stats.
/// G is the network's, or `embed`'s when given (the tabulated embedding's).
PaddingTable build_padding_table(const DeepModel& model, bool explicit_slots,
                                 const EmbeddingAt& embed = nullptr);

struct DescriptorArgs {
  int n_types = 0;
  int ng = 0;
  int axis_neuron = 0;       ///< M2
  int n_nei = 0;             ///< Σ sel
  const int* sel = nullptr;  ///< [T]
  const PaddingTable* padding = nullptr;
};

/// CPU forward; see the file comment for the contract.
void descriptor_forward_cpu(const DescriptorArgs& args, const ChunkPairs& pairs, double* gr,
                            double* descriptor);

/// The second half of the forward pass: gr holds the pair sums Σ_k G_k ⊗ R̃_k of the real
/// slots; adds the padded slots and scales by 1/nnei (gr then holds gr), and OVERWRITES
/// descriptor.
void descriptor_finish_cpu(const DescriptorArgs& args, const ChunkPairs& pairs, double* gr,
                           double* descriptor);

/// The first half of the backward pass: OVERWRITES grad_gr [n_centers][4][ng] (grow-only) with
/// B = (∂E/∂gr)/nnei.
void descriptor_grad_gr_cpu(const DescriptorArgs& args, const double* gr,
                            const double* grad_descriptor, int n_centers,
                            std::vector<double>& grad_gr);

/// CPU backward; `grad_gr` is scratch ([n_centers][4][ng], grow-only).
void descriptor_backward_cpu(const DescriptorArgs& args, const double* gr,
                             const double* grad_descriptor, ChunkPairs& pairs,
                             std::vector<double>& grad_gr);

}  // namespace md::deep
