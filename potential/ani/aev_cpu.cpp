// SPDX-License-Identifier: MIT
/// \file
/// CPU launcher of op `aev` (aev_cpu.hpp).
///
/// Per centre: gather the neighbours element by element and the triplets element pair by element
/// pair, fill the factor arrays ([value][neighbour or triplet], one vectorised loop per value,
/// from aev.hpp's radial_term, angular_radial_factor and angular_angle_factor), then, group by
/// group, add their products into the group's AEV block (forward: dot products over the group)
/// or contract them with the block's ∂E/∂AEV (backward: loops over the group's triplets with the
/// gradient entry as a scalar) and apply angular_chain triplet by triplet. The per-triplet
/// functions angular_forward and angular_backward that the CUDA walk uses give the same sums in
/// another order; tests/unit/test_ani_walk.cpp compares the two.
#include "potential/ani/aev_cpu.hpp"

#include <algorithm>
#include <cmath>

#include "core/cpu_dispatch.hpp"
#include "core/ensure_size.hpp"

// Vector64 values are passed only to always-inlined helpers; see cpu_dispatch.hpp.
#pragma GCC diagnostic ignored "-Wpsabi"

namespace md::ani {
namespace {

/// Values of Real in one 64-byte vector. Every neighbour group and triplet group is padded to a
/// multiple of it with entries whose terms are exactly zero, so that the loops over a group run
/// in whole AVX-512 vectors: GCC finishes a loop's remainder one element at a time, which in float
/// (16 lanes) cost as much as the vector part.
template <class Real>
constexpr int kLanes = 64 / static_cast<int>(sizeof(Real));

inline int round_up(int n, int multiple) { return (n + multiple - 1) / multiple * multiple; }

/// Gathers centre i's neighbours within Rcr element by element (and, in the same order, those
/// within Rca) into `ws`, with their cutoffs; each element's group is padded to kLanes with
/// entries of atom −1 and zero cutoff. Returns the padded count.
template <class Real>
[[gnu::always_inline]] inline int gather_neighbors(const AevArgs<Real>& args, int i,
                                                   AevWorkspace<Real>& ws) {
  const AevView<Real>& v = args.view;
  const double* x = args.positions;
  const int begin = args.offsets[i], end = args.offsets[i + 1];
  const auto capacity = static_cast<std::size_t>(end - begin + v.n_elements * kLanes<Real>);
  ensure_size(ws.atom, capacity);
  ensure_size(ws.d, 3 * capacity);
  ensure_size(ws.r, capacity);
  ensure_size(ws.fc, capacity);
  ensure_size(ws.dfc, capacity);
  ws.element_begin.resize(static_cast<std::size_t>(v.n_elements) + 1);
  ws.angular_begin.resize(static_cast<std::size_t>(v.n_elements) + 1);
  ws.angular.clear();
  const double rcr = static_cast<double>(v.radial_cutoff);
  const double rcr_sq = rcr * rcr;
  int n = 0;
  // One pass over the list per element: the list is short and the element test cheap next to
  // the terms each neighbour costs.
  for (int e = 0; e < v.n_elements; ++e) {
    ws.element_begin[e] = n;
    ws.angular_begin[e] = static_cast<int>(ws.angular.size());
    for (int k = begin; k < end; ++k) {
      const int j = args.neighbors[k];
      if (args.elements[j] != e || j == i) continue;
      const double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1],
                   dz = x[3 * j + 2] - x[3 * i + 2];
      const double r_sq = dx * dx + dy * dy + dz * dz;
      if (!(r_sq < rcr_sq)) continue;
      ws.atom[n] = j;
      ws.d[3 * n] = static_cast<Real>(dx);
      ws.d[3 * n + 1] = static_cast<Real>(dy);
      ws.d[3 * n + 2] = static_cast<Real>(dz);
      ws.r[n] = static_cast<Real>(std::sqrt(r_sq));
      if (ws.r[n] < v.angular_cutoff) ws.angular.push_back(n);
      ++n;
    }
    for (const int padded = ws.element_begin[e] + round_up(n - ws.element_begin[e], kLanes<Real>);
         n < padded; ++n) {
      ws.atom[n] = -1;
      ws.d[3 * n] = ws.d[3 * n + 1] = ws.d[3 * n + 2] = Real(0);
      ws.r[n] = Real(1);
    }
  }
  ws.element_begin[v.n_elements] = n;
  ws.angular_begin[v.n_elements] = static_cast<int>(ws.angular.size());
  const int* __restrict atom = ws.atom.data();
  const Real* __restrict r = ws.r.data();
  Real* __restrict fc = ws.fc.data();
  Real* __restrict dfc = ws.dfc.data();
  for (int p = 0; p < n; ++p) {
    Real dfc_p;
    const Real fc_p = cosine_cutoff(r[p], v.radial_cutoff, dfc_p);
    fc[p] = atom[p] >= 0 ? fc_p : Real(0);  // padding: every term and derivative exactly 0
    dfc[p] = atom[p] >= 0 ? dfc_p : Real(0);
  }
  ws.cutoff.resize(ws.angular.size());
  for (std::size_t a = 0; a < ws.angular.size(); ++a) {
    ws.cutoff[a] = angular_cutoff(v, ws.r[ws.angular[a]]);
  }
  return n;
}

/// Gathers the triplets (pairs {a < b} of the neighbours within Rca) element pair by element pair,
/// in the order of element_pair_index, with their geometry; each pair's group is padded to kLanes
/// with entries of zero cutoff product. Returns the padded count.
template <class Real>
[[gnu::always_inline]] inline int gather_triplets(const AevArgs<Real>& args,
                                                  AevWorkspace<Real>& ws) {
  const int n_elements = args.view.n_elements;
  const auto n_angular = ws.angular.size();
  const auto n_pairs = static_cast<std::size_t>(n_elements) * (n_elements + 1) / 2;
  const auto count = n_angular * (n_angular - (n_angular > 0 ? 1 : 0)) / 2 + n_pairs * kLanes<Real>;
  ensure_size(ws.first, count);
  ensure_size(ws.second, count);
  ensure_size(ws.cos_scaled, count);
  ensure_size(ws.sin_scaled, count);
  ensure_size(ws.mean, count);
  ensure_size(ws.fc12, count);
  ws.pair_begin.resize(n_pairs + 1);
  ws.pair_end.resize(n_pairs);
  const int* group = ws.angular_begin.data();
  int t = 0, pair = 0;
  for (int e1 = 0; e1 < n_elements; ++e1) {
    for (int e2 = e1; e2 < n_elements; ++e2, ++pair) {
      ws.pair_begin[pair] = t;
      for (int a = group[e1]; a < group[e1 + 1]; ++a) {
        const int p = ws.angular[a];
        for (int b = (e1 == e2) ? a + 1 : group[e2]; b < group[e2 + 1]; ++b, ++t) {
          const int q = ws.angular[b];
          const TripletGeometry<Real> g = triplet_geometry(&ws.d[3 * p], ws.r[p], ws.cutoff[a],
                                                           &ws.d[3 * q], ws.r[q], ws.cutoff[b]);
          ws.first[t] = a;
          ws.second[t] = b;
          ws.cos_scaled[t] = g.cos_scaled;
          ws.sin_scaled[t] = g.sin_scaled;
          ws.mean[t] = g.mean;
          ws.fc12[t] = g.fc1 * g.fc2;
        }
      }
      ws.pair_end[pair] = t;
      for (const int padded = ws.pair_begin[pair] + round_up(t - ws.pair_begin[pair], kLanes<Real>);
           t < padded; ++t) {
        ws.first[t] = ws.second[t] = 0;
        ws.cos_scaled[t] = Real(0);
        ws.sin_scaled[t] = Real(1);
        ws.mean[t] = Real(0);
        ws.fc12[t] = Real(0);
      }
    }
  }
  ws.pair_begin[pair] = t;
  return t;
}

/// term [radial_block][n] (and, for the backward, dterm) of the n gathered neighbours.
template <bool kDerivative, class Real>
[[gnu::always_inline]] inline void radial_terms(const AevView<Real>& v, int n,
                                                AevWorkspace<Real>& ws) {
  const auto block = static_cast<std::size_t>(v.radial_block) * n;
  ensure_size(ws.term, block);
  if (kDerivative) ensure_size(ws.dterm, block);
  const Real* __restrict r = ws.r.data();
  const Real* __restrict fc = ws.fc.data();
  const Real* __restrict dfc = ws.dfc.data();
  int k = 0;
  for (int e = 0; e < v.n_eta_r; ++e) {
    for (int s = 0; s < v.n_shift_r; ++s, ++k) {
      const Real eta = v.eta_r[e], shift = v.shift_r[s];
      Real* __restrict term = ws.term.data() + static_cast<std::size_t>(k) * n;
      Real* __restrict dterm = kDerivative ? ws.dterm.data() + static_cast<std::size_t>(k) * n
                                           : nullptr;
      for (int p = 0; p < n; ++p) {
        Real d_dr;
        term[p] = radial_term(eta, shift, r[p], fc[p], dfc[p], d_dr);
        if (kDerivative) dterm[p] = d_dr;
      }
    }
  }
}

/// The ShfA factors of EtaA[ea] and the ShfZ factors of Zeta[zt] (and, for the backward, their
/// derivatives) of the t gathered triplets.
template <bool kDerivative, class Real>
[[gnu::always_inline]] inline void angular_factors(const AevView<Real>& v, int ea, int zt, int t,
                                                   AevWorkspace<Real>& ws) {
  const Real* __restrict mean = ws.mean.data();
  const Real* __restrict cos_scaled = ws.cos_scaled.data();
  const Real* __restrict sin_scaled = ws.sin_scaled.data();
  for (int sa = 0; sa < v.n_shift_a; ++sa) {
    const Real eta = v.eta_a[ea], shift = v.shift_a[sa];
    Real* __restrict radial = ws.radial.data() + static_cast<std::size_t>(sa) * t;
    Real* __restrict dradial = ws.dradial.data() + static_cast<std::size_t>(sa) * t;
    for (int k = 0; k < t; ++k) {
      Real d;
      radial[k] = angular_radial_factor(eta, shift, mean[k], d);
      if (kDerivative) dradial[k] = d;
    }
  }
  for (int sz = 0; sz < v.n_shift_z; ++sz) {
    const Real zeta = v.zeta[zt], cos_shift = v.cos_shift_z[sz], sin_shift = v.sin_shift_z[sz];
    Real* __restrict angle = ws.angle.data() + static_cast<std::size_t>(sz) * t;
    Real* __restrict dangle = ws.dangle.data() + static_cast<std::size_t>(sz) * t;
    for (int k = 0; k < t; ++k) {
      Real d;
      angle[k] = angular_angle_factor(zeta, cos_shift, sin_shift, cos_scaled[k], sin_scaled[k], d);
      if (kDerivative) dangle[k] = d;
    }
  }
}

/// Sizes the factor arrays for t triplets.
template <class Real>
void size_angular_factors(const AevView<Real>& v, int t, AevWorkspace<Real>& ws) {
  const auto count = static_cast<std::size_t>(t);
  ensure_size(ws.radial, count * v.n_shift_a);
  ensure_size(ws.dradial, count * v.n_shift_a);
  ensure_size(ws.angle, count * v.n_shift_z);
  ensure_size(ws.dangle, count * v.n_shift_z);
}

/// Adds centre's radial terms into its radial blocks `out`, element group by element group.
template <class Real>
[[gnu::always_inline]] inline void radial_forward_groups(const AevView<Real>& v, int n,
                                                         const AevWorkspace<Real>& ws, Real* out) {
  for (int e = 0; e < v.n_elements; ++e) {
    const int begin = ws.element_begin[e], size = ws.element_begin[e + 1] - begin;
    if (size == 0) continue;
    Real* block = out + e * v.radial_block;
    for (int k = 0; k < v.radial_block; ++k) {
      block[k] += lane_sum(ws.term.data() + static_cast<std::size_t>(k) * n + begin, size);
    }
  }
}

/// ∂E/∂d of the radial terms: WRITES grad_d [n][3] from the centre's ∂E/∂AEV `grad`, in whole
/// vectors over each (padded) element group.
template <class Real>
[[gnu::always_inline]] inline void radial_backward_groups(const AevView<Real>& v, int n,
                                                          const Real* grad,
                                                          AevWorkspace<Real>& ws) {
  using Vector = Vector64<Real>;
  ensure_size(ws.de_dr, static_cast<std::size_t>(n));
  ensure_size(ws.grad_d, 3 * static_cast<std::size_t>(n));
  const Real* dterm = ws.dterm.data();
  for (int e = 0; e < v.n_elements; ++e) {
    const Real* g = grad + e * v.radial_block;
    for (int p = ws.element_begin[e]; p < ws.element_begin[e + 1]; p += kLanes<Real>) {
      Vector de_dr = {};
      for (int k = 0; k < v.radial_block; ++k) {
        de_dr += g[k] * load64(dterm + static_cast<std::size_t>(k) * n + p);
      }
      store64(ws.de_dr.data() + p, de_dr);
    }
  }
  const Real* __restrict de_dr = ws.de_dr.data();
  const Real* __restrict d = ws.d.data();
  const Real* __restrict r = ws.r.data();
  Real* __restrict grad_d = ws.grad_d.data();
  for (int p = 0; p < n; ++p) {
    const Real scale = de_dr[p] / r[p];
    for (int a = 0; a < 3; ++a) grad_d[3 * p + a] = scale * d[3 * p + a];
  }
}

/// Adds the t triplets' angular terms of (EtaA[ea], Zeta[zt]) into the AEV `out`, element pair by
/// element pair. Multiplies ws.radial by fc12 (the forward needs it only so).
template <class Real>
[[gnu::always_inline]] inline void angular_forward_groups(const AevView<Real>& v, int ea, int zt,
                                                          int t, AevWorkspace<Real>& ws,
                                                          Real* out) {
  const int n_sa = v.n_shift_a, n_sz = v.n_shift_z;
  const Real* __restrict fc12 = ws.fc12.data();
  for (int sa = 0; sa < n_sa; ++sa) {
    Real* __restrict radial = ws.radial.data() + static_cast<std::size_t>(sa) * t;
    for (int k = 0; k < t; ++k) radial[k] *= fc12[k];
  }
  const int offset = v.radial_length + (ea * v.n_zeta + zt) * n_sa * n_sz;
  const int n_pairs = static_cast<int>(ws.pair_begin.size()) - 1;
  for (int pair = 0; pair < n_pairs; ++pair) {
    const int begin = ws.pair_begin[pair], size = ws.pair_begin[pair + 1] - begin;
    if (size == 0) continue;
    Real* block = out + offset + pair * v.angular_block;
    for (int sa = 0; sa < n_sa; ++sa) {
      const Real* radial = ws.radial.data() + static_cast<std::size_t>(sa) * t + begin;
      for (int sz = 0; sz < n_sz; ++sz) {
        block[sa * n_sz + sz] +=
            lane_dot(radial, ws.angle.data() + static_cast<std::size_t>(sz) * t + begin, size);
      }
    }
  }
}

/// ACCUMULATES de_dangle, de_dmean, de_dfc [t] of the (EtaA[ea], Zeta[zt]) terms from the centre's
/// ∂E/∂AEV `grad`, element pair by element pair in whole vectors of triplets, each sum in the
/// order of angular_backward.
template <class Real>
[[gnu::always_inline]] inline void angular_backward_groups(const AevView<Real>& v, int ea, int zt,
                                                           int t, const Real* grad,
                                                           AevWorkspace<Real>& ws) {
  using Vector = Vector64<Real>;
  const int n_sa = v.n_shift_a, n_sz = v.n_shift_z;
  const int offset = v.radial_length + (ea * v.n_zeta + zt) * n_sa * n_sz;
  const auto stride = static_cast<std::size_t>(t);
  const Real* radial = ws.radial.data();
  const Real* dradial = ws.dradial.data();
  const Real* angle = ws.angle.data();
  const Real* dangle = ws.dangle.data();
  const int n_pairs = static_cast<int>(ws.pair_end.size());
  for (int pair = 0; pair < n_pairs; ++pair) {
    const Real* block = grad + offset + pair * v.angular_block;
    for (int k = ws.pair_begin[pair]; k < ws.pair_begin[pair + 1]; k += kLanes<Real>) {
      const Vector fc = load64(ws.fc12.data() + k);
      Vector de_dangle = load64(ws.de_dangle.data() + k);
      Vector de_dmean = load64(ws.de_dmean.data() + k);
      Vector de_dfc = load64(ws.de_dfc.data() + k);
      for (int sa = 0; sa < n_sa; ++sa) {
        Vector sum_angle = {}, sum_dangle = {};
        for (int sz = 0; sz < n_sz; ++sz) {
          const Real g = block[sa * n_sz + sz];
          sum_angle += g * load64(angle + sz * stride + k);
          sum_dangle += g * load64(dangle + sz * stride + k);
        }
        const Vector r = load64(radial + sa * stride + k);
        de_dangle += r * sum_dangle * fc;
        de_dmean += load64(dradial + sa * stride + k) * sum_angle * fc;
        de_dfc += r * sum_angle;
      }
      store64(ws.de_dangle.data() + k, de_dangle);
      store64(ws.de_dmean.data() + k, de_dmean);
      store64(ws.de_dfc.data() + k, de_dfc);
    }
  }
}

/// The forward launcher (aev_cpu.hpp); always inlined into the public overloads, so that each
/// of their MD_VECTOR_CLONES versions vectorises it for its CPU level.
template <class Real>
[[gnu::always_inline]] inline void aev_forward(const AevArgs<Real>& args, AevWorkspace<Real>& ws,
                                               Real* aev) {
  const AevView<Real>& v = args.view;
  const std::size_t length = static_cast<std::size_t>(v.aev_length);
  std::fill(aev, aev + args.n_centers * length, Real(0));
  for (int c = 0; c < args.n_centers; ++c) {
    Real* out = aev + c * length;
    const int n = gather_neighbors(args, args.center_begin + c, ws);
    radial_terms<false>(v, n, ws);
    radial_forward_groups(v, n, ws, out);
    const int t = gather_triplets(args, ws);
    size_angular_factors(v, t, ws);
    for (int ea = 0; ea < v.n_eta_a; ++ea) {
      for (int zt = 0; zt < v.n_zeta; ++zt) {
        angular_factors<false>(v, ea, zt, t, ws);
        angular_forward_groups(v, ea, zt, t, ws, out);
      }
    }
  }
}

/// The backward launcher, inlined as aev_forward.
template <class Real>
[[gnu::always_inline]] inline void aev_backward(const AevArgs<Real>& args, AevWorkspace<Real>& ws,
                                                const Real* grad_aev, double* forces,
                                                double virial[9], double* atom_virial) {
  const AevView<Real>& v = args.view;
  const std::size_t length = static_cast<std::size_t>(v.aev_length);
  for (int c = 0; c < args.n_centers; ++c) {
    const int i = args.center_begin + c;
    const Real* grad = grad_aev + c * length;
    const int n = gather_neighbors(args, i, ws);
    radial_terms<true>(v, n, ws);
    radial_backward_groups(v, n, grad, ws);
    const int t = gather_triplets(args, ws);
    size_angular_factors(v, t, ws);
    const auto count = static_cast<std::size_t>(t);
    ws.de_dangle.assign(count, Real(0));
    ws.de_dmean.assign(count, Real(0));
    ws.de_dfc.assign(count, Real(0));
    for (int ea = 0; ea < v.n_eta_a; ++ea) {
      for (int zt = 0; zt < v.n_zeta; ++zt) {
        angular_factors<true>(v, ea, zt, t, ws);
        angular_backward_groups(v, ea, zt, t, grad, ws);
      }
    }
    for (std::size_t pair = 0; pair < ws.pair_end.size(); ++pair) {
      for (int k = ws.pair_begin[pair]; k < ws.pair_end[pair]; ++k) {  // padding left out
        const int a = ws.first[k], b = ws.second[k];
        const int p = ws.angular[a], q = ws.angular[b];
        TripletGeometry<Real> g;
        g.cos_scaled = ws.cos_scaled[k];
        g.sin_scaled = ws.sin_scaled[k];
        g.mean = ws.mean[k];
        g.fc1 = ws.cutoff[a].fc;
        g.dfc1 = ws.cutoff[a].dfc;
        g.fc2 = ws.cutoff[b].fc;
        g.dfc2 = ws.cutoff[b].dfc;
        angular_chain(&ws.d[3 * p], ws.r[p], &ws.d[3 * q], ws.r[q], g, ws.de_dangle[k],
                      ws.de_dmean[k], ws.de_dfc[k], &ws.grad_d[3 * p], &ws.grad_d[3 * q]);
      }
    }
    // d = r_j − r_i: F_j = −∂E/∂d, F_i = +∂E/∂d; the virial share F_j ⊗ d goes to j. Summed in
    // double whatever Real is.
    for (int p = 0; p < n; ++p) {
      const int j = ws.atom[p];
      if (j < 0) continue;  // padding
      double g[3], d[3];
      for (int a = 0; a < 3; ++a) {
        g[a] = static_cast<double>(ws.grad_d[3 * p + a]);
        d[a] = static_cast<double>(ws.d[3 * p + a]);
      }
      for (int a = 0; a < 3; ++a) {
        forces[3 * j + a] -= g[a];
        forces[3 * i + a] += g[a];
        for (int b = 0; b < 3; ++b) {
          virial[3 * a + b] -= g[a] * d[b];
          if (atom_virial != nullptr) atom_virial[9 * j + 3 * a + b] -= g[a] * d[b];
        }
      }
    }
  }
}

}  // namespace

MD_VECTOR_CLONES void aev_forward_cpu(const AevArgs<double>& args, AevWorkspace<double>& ws,
                                      double* aev) {
  aev_forward(args, ws, aev);
}

MD_VECTOR_CLONES void aev_forward_cpu(const AevArgs<float>& args, AevWorkspace<float>& ws,
                                      float* aev) {
  aev_forward(args, ws, aev);
}

MD_VECTOR_CLONES void aev_backward_cpu(const AevArgs<double>& args, AevWorkspace<double>& ws,
                                       const double* grad_aev, double* forces, double virial[9],
                                       double* atom_virial) {
  aev_backward(args, ws, grad_aev, forces, virial, atom_virial);
}

MD_VECTOR_CLONES void aev_backward_cpu(const AevArgs<float>& args, AevWorkspace<float>& ws,
                                       const float* grad_aev, double* forces, double virial[9],
                                       double* atom_virial) {
  aev_backward(args, ws, grad_aev, forces, virial, atom_virial);
}

}  // namespace md::ani
