// SPDX-License-Identifier: MIT
/// \file
/// CPU launcher of op `aev` (contract and math in aev.hpp): a loop over centres, each gathering
/// its neighbours within Rcr from the full neighbour list, then the pair and triplet functions.
#pragma once

#include <vector>

#include "potential/ani/aev.hpp"

namespace md::ani {

struct AevArgs {
  AevView<double> view;
  const double* positions = nullptr;  ///< [n_all][3], Å
  const int* elements = nullptr;      ///< [n_all] model element index of each atom
  const int* offsets = nullptr;       ///< full neighbour list of the local atoms (rcut + skin)
  const int* neighbors = nullptr;
  int center_begin = 0;  ///< local atoms [center_begin, center_begin + n_centers)
  int n_centers = 0;
};

/// One centre's neighbours within Rcr (grow-only scratch).
struct AevWorkspace {
  std::vector<int> atom;        ///< neighbour atom index
  std::vector<double> d;        ///< [3] r_j − r_i, Å
  std::vector<double> r;        ///< |d|
  std::vector<int> angular;     ///< indices (into the above) of those within Rca
  std::vector<AngularCutoff<double>> cutoff;  ///< [angular] their cutoff at Rca
  std::vector<double> grad_d;   ///< [3] ∂E/∂d accumulated in the backward pass
};

/// OVERWRITES aev [n_centers][aev_length].
void aev_forward_cpu(const AevArgs& args, AevWorkspace& ws, double* aev);

/// ACCUMULATES forces [n_all][3], virial[9] and, when not null, atom_virial [n_all][9] from
/// grad_aev [n_centers][aev_length] = ∂E/∂AEV (eV).
void aev_backward_cpu(const AevArgs& args, AevWorkspace& ws, const double* grad_aev,
                      double* forces, double virial[9], double* atom_virial);

}  // namespace md::ani
