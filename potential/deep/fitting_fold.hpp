// SPDX-License-Identifier: MIT
/// \file
/// Op `fitting_fold`: the fitting net's input without the descriptor's mirrored entries.
///
/// se_e2_a's descriptor is D[a][b] = Σ_k T[k][a]·T[k][b] (a < ng, b < M2, T = gr/nnei,
/// descriptor.hpp), so its leading M2 × M2 block is symmetric: D[a][b] = D[b][a] for a, b < M2.
/// The first fitting layer only needs one entry of each mirrored pair if the two weight rows are
/// added: for (a, b) with b < a < M2 the input D[a][b] is dropped and W[(b,a)] becomes
/// W[(b,a)] + W[(a,b)]. For the production water model (ng 100, M2 16) that removes 120 of the
/// 1,600 inputs: 7.5 % of the first layer's multiply-adds, forward and backward, the largest
/// GEMMs of a compressed step. The energy is the same function of D (rounded differently in the
/// last bits).
///
/// On the way back, the folded net gives ∂E/∂x for the kept entries; the dropped entries get 0,
/// and descriptor_grad_gr's formula (which sums both ∂D[a][b]/∂T terms) then yields exactly the
/// gradient of the folded function.
///
/// Contracts (CPU): fitting_fold_gather OVERWRITES x [folded_dim] from one descriptor row
/// [ng·M2]; fitting_fold_scatter OVERWRITES grad_descriptor [ng·M2] (eV) from ∂E/∂x [folded_dim].
/// The entries after the descriptor (fitting_extra: fparam, aparam) are the caller's.
#pragma once

#include <vector>

#include "potential/nn/dense_net.hpp"

namespace md::deep {

struct FittingFold {
  int axis_neuron = 0;      ///< M2
  int descriptor_dim = 0;   ///< ng·M2
  std::vector<int> source;  ///< [folded_dim] descriptor index of each kept entry, ascending
  int folded_dim() const { return static_cast<int>(source.size()); }
};

/// The fold of an ng × M2 descriptor (M2 ≤ ng).
FittingFold make_fitting_fold(int ng, int axis_neuron);

/// `net` with its first layer taking the folded input (then the net's other inputs, unchanged).
/// Throws an internal error when the first layer has a residual (its input size must not change).
DenseNet fold_fitting_net(const DenseNet& net, const FittingFold& fold);

void fitting_fold_gather(const FittingFold& fold, const double* descriptor, double* x);
void fitting_fold_scatter(const FittingFold& fold, const double* grad_x, double* grad_descriptor);

}  // namespace md::deep
