// SPDX-License-Identifier: MIT
/// \file
/// CPU launcher of op `aev` (contract and math in aev.hpp): a loop over centres, each gathering
/// its neighbours within Rcr and its triplets within Rca, then evaluating aev.hpp's per-pair and
/// per-triplet factors in loops over all of the centre's neighbours or triplets (so that they
/// vectorise: exp and pow are most of the AEV's cost) before adding them into the AEV. In double,
/// or in float for the mixed precision (displacements formed in double from the double positions,
/// then rounded; forces and virials accumulated in double).
#pragma once

#include <vector>

#include "potential/ani/aev.hpp"

namespace md::ani {

template <class Real>
struct AevArgs {
  AevView<Real> view;
  const double* positions = nullptr;  ///< [n_all][3], Å
  const int* elements = nullptr;      ///< [n_all] model element index of each atom
  const int* offsets = nullptr;       ///< full neighbour list of the local atoms (rcut + skin)
  const int* neighbors = nullptr;
  int center_begin = 0;  ///< local atoms [center_begin, center_begin + n_centers)
  int n_centers = 0;
};

/// One centre's neighbours within Rcr, its triplets within Rca and their terms (grow-only
/// scratch). Neighbours are gathered element by element and triplets element pair by element pair,
/// so that each group adds into (forward) or reads from (backward) one block of the AEV; the term
/// arrays are laid out [value][neighbour or triplet], so the loops that fill and contract them run
/// over a group's neighbours or triplets and vectorise.
template <class Real>
struct AevWorkspace {
  // Neighbours within Rcr, grouped by element: element e's are
  // [element_begin[e], element_begin[e + 1]), padded with entries of atom −1 and zero cutoff.
  std::vector<int> element_begin;  ///< [n_elements + 1]
  std::vector<int> atom;           ///< neighbour atom index (−1: padding)
  std::vector<Real> d;             ///< [3] r_j − r_i, Å
  std::vector<Real> r;             ///< |d|
  std::vector<Real> fc;            ///< cosine cutoff at Rcr
  std::vector<Real> dfc;           ///< its derivative in r
  std::vector<Real> term;          ///< [radial_block][n] radial terms
  std::vector<Real> dterm;         ///< [radial_block][n] their derivatives in r (backward)
  std::vector<Real> de_dr;         ///< [n] ∂E/∂r of the radial terms (backward)
  std::vector<Real> grad_d;        ///< [3] ∂E/∂d accumulated in the backward pass
  // Those within Rca (still grouped by element), with their cutoff at Rca.
  std::vector<int> angular_begin;  ///< [n_elements + 1]
  std::vector<int> angular;        ///< indices into the neighbour arrays above
  std::vector<AngularCutoff<Real>> cutoff;
  // Triplets (pairs {a < b} of the neighbours within Rca), grouped by element pair: pair P's are
  // [pair_begin[P], pair_end[P]) (P = element_pair_index), padded up to pair_begin[P + 1].
  std::vector<int> pair_begin;                          ///< [n_pairs + 1]
  std::vector<int> pair_end;                            ///< [n_pairs]
  std::vector<int> first, second;                       ///< indices into `angular`
  std::vector<Real> cos_scaled, sin_scaled, mean, fc12;  ///< TripletGeometry's fields
  std::vector<Real> radial, dradial;  ///< [n_shift_a][triplets] ShfA factors, d/dmean
  std::vector<Real> angle, dangle;    ///< [n_shift_z][triplets] ShfZ factors, d/dθ'
  std::vector<Real> de_dangle, de_dmean, de_dfc;  ///< [triplets] (backward)
};

/// OVERWRITES aev [n_centers][aev_length].
void aev_forward_cpu(const AevArgs<double>& args, AevWorkspace<double>& ws, double* aev);
void aev_forward_cpu(const AevArgs<float>& args, AevWorkspace<float>& ws, float* aev);

/// ACCUMULATES forces [n_all][3], virial[9] and, when not null, atom_virial [n_all][9] (all in
/// double) from grad_aev [n_centers][aev_length] = ∂E/∂AEV (eV).
void aev_backward_cpu(const AevArgs<double>& args, AevWorkspace<double>& ws,
                      const double* grad_aev, double* forces, double virial[9],
                      double* atom_virial);
void aev_backward_cpu(const AevArgs<float>& args, AevWorkspace<float>& ws, const float* grad_aev,
                      double* forces, double virial[9], double* atom_virial);

}  // namespace md::ani
