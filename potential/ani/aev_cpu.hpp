// SPDX-License-Identifier: MIT
/// \file
/// CPU launcher of op `aev` (contract and math in aev.hpp): a loop over centres, each gathering
/// its neighbours within Rcr and its triplets within Rca, then evaluating aev.hpp's per-pair and
/// per-triplet factors in loops over all of the centre's neighbours or triplets (so that they
/// vectorise: exp and pow are most of the AEV's cost) before adding them into the AEV.
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

/// One centre's neighbours within Rcr, its triplets within Rca and their terms (grow-only
/// scratch). The term arrays are laid out [value][neighbour or triplet] so that the loops filling
/// them run over neighbours or triplets and vectorise.
struct AevWorkspace {
  // Neighbours within Rcr.
  std::vector<int> atom;        ///< neighbour atom index
  std::vector<double> d;        ///< [3] r_j − r_i, Å
  std::vector<double> r;        ///< |d|
  std::vector<double> fc;       ///< cosine cutoff at Rcr
  std::vector<double> dfc;      ///< its derivative in r
  std::vector<double> term;     ///< [radial_block][n] radial terms
  std::vector<double> dterm;    ///< [radial_block][n] their derivatives in r (backward)
  std::vector<int> angular;     ///< indices (into the above) of those within Rca
  std::vector<AngularCutoff<double>> cutoff;  ///< [angular] their cutoff at Rca
  std::vector<double> grad_d;   ///< [3] ∂E/∂d accumulated in the backward pass
  // Triplets (pairs of neighbours within Rca).
  std::vector<int> first, second, pair;  ///< neighbour indices and angular block of each triplet
  std::vector<TripletGeometry<double>> geometry;
  std::vector<double> cos_scaled, sin_scaled, mean, fc12;  ///< geometry's fields, contiguous
  std::vector<double> radial, dradial;  ///< [n_shift_a][triplets] ShfA factors, d/dmean
  std::vector<double> angle, dangle;    ///< [n_shift_z][triplets] ShfZ factors, d/dθ'
  std::vector<double> de_dangle, de_dmean, de_dfc;  ///< [triplets] (backward)
};

/// OVERWRITES aev [n_centers][aev_length].
void aev_forward_cpu(const AevArgs& args, AevWorkspace& ws, double* aev);

/// ACCUMULATES forces [n_all][3], virial[9] and, when not null, atom_virial [n_all][9] from
/// grad_aev [n_centers][aev_length] = ∂E/∂AEV (eV).
void aev_backward_cpu(const AevArgs& args, AevWorkspace& ws, const double* grad_aev,
                      double* forces, double virial[9], double* atom_virial);

}  // namespace md::ani
