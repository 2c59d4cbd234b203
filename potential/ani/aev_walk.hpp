// SPDX-License-Identifier: MIT
/// \file
/// One centre's AEV forward and backward straight from the full neighbour list, without a
/// per-centre gather: what one CUDA thread of aev_cuda.cu does, written MD_HOST_DEVICE so that
/// the CPU tests run the same walk (tests/unit/test_ani_walk.cpp, double and float) against
/// the CPU launcher. Math and contracts: aev.hpp.
///
/// Pairs (i, j) within Rcr come in list order; triplets {j, k} within Rca are the later list
/// entries k of each j (the CPU launcher's order). Displacements are formed in double from the
/// double positions and only then rounded to Real, so float loses no digits to cancellation; the
/// squared distance is compared with Rcr² in double, as on the CPU.
#pragma once

#include <cstddef>

#include "core/portability.hpp"
#include "potential/ani/aev.hpp"

namespace md::ani {

template <class Real>
struct AevWalkArgs {
  AevView<Real> view;
  const double* positions = nullptr;  ///< [n_all][3], Å
  const int* elements = nullptr;      ///< [n_all] model element of each atom
  const int* offsets = nullptr;       ///< full neighbour list of the local atoms
  const int* neighbors = nullptr;
  int center_begin = 0;  ///< local atoms [center_begin, center_begin + n_centers)
  int n_centers = 0;
};

/// A neighbour within Rcr: displacement d = r_j − r_i and distance, in Real.
template <class Real>
struct WalkNeighbor {
  Real d[3];
  Real r;
};

/// Whether atom j lies within Rcr of the centre at xi (j ≠ i is the caller's test); fills `n`.
template <class Real>
MD_HOST_DEVICE inline bool within_radial(const double* positions, int j, const double xi[3],
                                         double radial_cutoff_sq, WalkNeighbor<Real>& n) {
  const double dx = positions[3 * j] - xi[0], dy = positions[3 * j + 1] - xi[1],
               dz = positions[3 * j + 2] - xi[2];
  const double r_sq = dx * dx + dy * dy + dz * dz;
  if (!(r_sq < radial_cutoff_sq)) return false;
  n.d[0] = static_cast<Real>(dx);
  n.d[1] = static_cast<Real>(dy);
  n.d[2] = static_cast<Real>(dz);
  n.r = static_cast<Real>(sqrt(r_sq));
  return true;
}

/// Walks centre i's row: for each neighbour j within Rcr (list order) calls pair_begin(j, n1),
/// then triplet(j, n1, k, n2, pair_block, geometry) for each later entry k with both within Rca,
/// then pair_end(j, n1).
template <class Real, class PairBegin, class Triplet, class PairEnd>
MD_HOST_DEVICE inline void walk_center(const AevWalkArgs<Real>& a, int i, PairBegin&& pair_begin,
                                       Triplet&& triplet, PairEnd&& pair_end) {
  const AevView<Real>& v = a.view;
  const double xi[3] = {a.positions[3 * i], a.positions[3 * i + 1], a.positions[3 * i + 2]};
  const double rcr = static_cast<double>(v.radial_cutoff);
  const double rcr_sq = rcr * rcr;
  const int begin = a.offsets[i], end = a.offsets[i + 1];
  for (int p = begin; p < end; ++p) {
    const int j = a.neighbors[p];
    WalkNeighbor<Real> n1;
    if (j == i || !within_radial(a.positions, j, xi, rcr_sq, n1)) continue;
    pair_begin(j, n1);
    if (n1.r < v.angular_cutoff) {
      const AngularCutoff<Real> c1 = angular_cutoff(v, n1.r);
      const int ej = a.elements[j];
      for (int q = p + 1; q < end; ++q) {
        const int k = a.neighbors[q];
        WalkNeighbor<Real> n2;
        if (k == i || !within_radial(a.positions, k, xi, rcr_sq, n2)) continue;
        if (!(n2.r < v.angular_cutoff)) continue;
        const TripletGeometry<Real> g =
            triplet_geometry(n1.d, n1.r, c1, n2.d, n2.r, angular_cutoff(v, n2.r));
        triplet(j, n1, k, n2, element_pair_index(ej, a.elements[k], v.n_elements), g);
      }
    }
    pair_end(j, n1);
  }
}

/// Centre c's AEV: OVERWRITES out [aev_length].
template <class Real>
MD_HOST_DEVICE inline void aev_center_forward(const AevWalkArgs<Real>& a, int c, Real* out) {
  const AevView<Real>& v = a.view;
  for (int k = 0; k < v.aev_length; ++k) out[k] = Real(0);
  walk_center(
      a, a.center_begin + c,
      [&](int j, const WalkNeighbor<Real>& n1) {
        radial_forward(v, n1.r, out + a.elements[j] * v.radial_block);
      },
      [&](int, const WalkNeighbor<Real>&, int, const WalkNeighbor<Real>&, int pair,
          const TripletGeometry<Real>& g) {
        angular_forward(v, g, out + v.radial_length + pair * v.angular_block);
      },
      [](int, const WalkNeighbor<Real>&) {});
}

/// Centre c's backward pass from grad [aev_length] = ∂E/∂AEV: each neighbour's force is added
/// with add(address, value) as soon as its share is known (atomicAdd on the device), the centre's
/// force is summed here and added once; the virial shares −∂E/∂d ⊗ d are ACCUMULATED into w[9]
/// and, when atom_virial is not null, added to the neighbour's row [9].
template <class Real, class Add>
MD_HOST_DEVICE inline void aev_center_backward(const AevWalkArgs<Real>& a, int c,
                                               const Real* grad, double* forces, double w[9],
                                               double* atom_virial, Add&& add) {
  const AevView<Real>& v = a.view;
  const int i = a.center_begin + c;
  double force_i[3] = {0, 0, 0};
  // F_j −= ∂E/∂d, F_i += ∂E/∂d; the virial share −∂E/∂d ⊗ d goes to j.
  auto scatter = [&](int j, const Real grad_d[3], const Real d[3]) {
    const auto jj = static_cast<std::size_t>(j);
    for (int x = 0; x < 3; ++x) {
      const double g = static_cast<double>(grad_d[x]);
      add(&forces[3 * jj + x], -g);
      force_i[x] += g;
      for (int y = 0; y < 3; ++y) {
        const double share = -g * static_cast<double>(d[y]);
        w[3 * x + y] += share;
        if (atom_virial != nullptr) add(&atom_virial[9 * jj + 3 * x + y], share);
      }
    }
  };
  Real grad_d1[3] = {Real(0), Real(0), Real(0)};
  walk_center(
      a, i,
      [&](int j, const WalkNeighbor<Real>& n1) {
        const Real de_dr = radial_backward(v, n1.r, grad + a.elements[j] * v.radial_block);
        for (int x = 0; x < 3; ++x) grad_d1[x] = de_dr * n1.d[x] / n1.r;
      },
      [&](int, const WalkNeighbor<Real>& n1, int k, const WalkNeighbor<Real>& n2, int pair,
          const TripletGeometry<Real>& g) {
        Real grad_d2[3] = {Real(0), Real(0), Real(0)};
        angular_backward(v, n1.d, n1.r, n2.d, n2.r, g,
                         grad + v.radial_length + pair * v.angular_block, grad_d1, grad_d2);
        scatter(k, grad_d2, n2.d);
      },
      [&](int j, const WalkNeighbor<Real>& n1) { scatter(j, grad_d1, n1.d); });
  const auto ii = static_cast<std::size_t>(i);
  for (int x = 0; x < 3; ++x) add(&forces[3 * ii + x], force_i[x]);
}

}  // namespace md::ani
