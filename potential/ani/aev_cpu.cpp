// SPDX-License-Identifier: MIT
/// \file
/// CPU launcher of op `aev` (aev_cpu.hpp).
///
/// Per centre: gather the neighbours and triplets, fill the factor arrays ([value][neighbour or
/// triplet], one vectorised loop per value over all neighbours or triplets, from aev.hpp's
/// radial_term, angular_radial_factor and angular_angle_factor), then add the products into the
/// AEV (forward) or contract them with ∂E/∂AEV and apply angular_chain (backward). Each output is
/// summed in the same order as the per-triplet functions (angular_forward, angular_backward) that
/// the CUDA walk uses; tests/unit/test_ani_walk.cpp compares the two.
#include "potential/ani/aev_cpu.hpp"

#include <algorithm>
#include <cmath>

#include "core/cpu_dispatch.hpp"
#include "core/ensure_size.hpp"

namespace md::ani {
namespace {

/// Gathers centre i's neighbours within Rcr (and which of them lie within Rca) into `ws`, with
/// their cutoffs; returns their count.
[[gnu::always_inline]] inline int gather_neighbors(const AevArgs& args, int i, AevWorkspace& ws) {
  const double* x = args.positions;
  const int begin = args.offsets[i], end = args.offsets[i + 1];
  const auto capacity = static_cast<std::size_t>(end - begin);
  ensure_size(ws.atom, capacity);
  ensure_size(ws.d, 3 * capacity);
  ensure_size(ws.r, capacity);
  ensure_size(ws.fc, capacity);
  ensure_size(ws.dfc, capacity);
  ws.angular.clear();
  const double rcr_sq = args.view.radial_cutoff * args.view.radial_cutoff;
  int n = 0;
  for (int k = begin; k < end; ++k) {
    const int j = args.neighbors[k];
    if (j == i) continue;
    const double dx = x[3 * j] - x[3 * i], dy = x[3 * j + 1] - x[3 * i + 1],
                 dz = x[3 * j + 2] - x[3 * i + 2];
    const double r_sq = dx * dx + dy * dy + dz * dz;
    if (!(r_sq < rcr_sq)) continue;
    ws.atom[n] = j;
    ws.d[3 * n] = dx;
    ws.d[3 * n + 1] = dy;
    ws.d[3 * n + 2] = dz;
    ws.r[n] = std::sqrt(r_sq);
    if (ws.r[n] < args.view.angular_cutoff) ws.angular.push_back(n);
    ++n;
  }
  const double* __restrict r = ws.r.data();
  double* __restrict fc = ws.fc.data();
  double* __restrict dfc = ws.dfc.data();
  for (int p = 0; p < n; ++p) fc[p] = cosine_cutoff(r[p], args.view.radial_cutoff, dfc[p]);
  ws.grad_d.assign(3 * static_cast<std::size_t>(n), 0.0);
  ws.cutoff.resize(ws.angular.size());
  for (std::size_t a = 0; a < ws.angular.size(); ++a) {
    ws.cutoff[a] = angular_cutoff(args.view, ws.r[ws.angular[a]]);
  }
  return n;
}

/// Gathers the triplets (unordered pairs {a < b} of the neighbours within Rca) with their
/// geometry and angular block; returns their count.
[[gnu::always_inline]] inline int gather_triplets(const AevArgs& args, AevWorkspace& ws) {
  const int n_angular = static_cast<int>(ws.angular.size());
  const auto count = static_cast<std::size_t>(n_angular) * (n_angular - 1) / 2;
  ensure_size(ws.first, count);
  ensure_size(ws.second, count);
  ensure_size(ws.pair, count);
  ensure_size(ws.geometry, count);
  ensure_size(ws.cos_scaled, count);
  ensure_size(ws.sin_scaled, count);
  ensure_size(ws.mean, count);
  ensure_size(ws.fc12, count);
  int t = 0;
  for (int a = 0; a < n_angular; ++a) {
    const int p = ws.angular[a];
    for (int b = a + 1; b < n_angular; ++b, ++t) {
      const int q = ws.angular[b];
      const TripletGeometry<double> g = triplet_geometry(&ws.d[3 * p], ws.r[p], ws.cutoff[a],
                                                         &ws.d[3 * q], ws.r[q], ws.cutoff[b]);
      ws.first[t] = p;
      ws.second[t] = q;
      ws.pair[t] = element_pair_index(args.elements[ws.atom[p]], args.elements[ws.atom[q]],
                                      args.view.n_elements);
      ws.geometry[t] = g;
      ws.cos_scaled[t] = g.cos_scaled;
      ws.sin_scaled[t] = g.sin_scaled;
      ws.mean[t] = g.mean;
      ws.fc12[t] = g.fc1 * g.fc2;
    }
  }
  return t;
}

/// term [radial_block][n] (and, for the backward, dterm) of the n gathered neighbours.
template <bool kDerivative>
[[gnu::always_inline]] inline void radial_terms(const AevView<double>& v, int n, AevWorkspace& ws) {
  const auto block = static_cast<std::size_t>(v.radial_block) * n;
  ensure_size(ws.term, block);
  if (kDerivative) ensure_size(ws.dterm, block);
  const double* __restrict r = ws.r.data();
  const double* __restrict fc = ws.fc.data();
  const double* __restrict dfc = ws.dfc.data();
  int k = 0;
  for (int e = 0; e < v.n_eta_r; ++e) {
    for (int s = 0; s < v.n_shift_r; ++s, ++k) {
      const double eta = v.eta_r[e], shift = v.shift_r[s];
      double* __restrict term = ws.term.data() + static_cast<std::size_t>(k) * n;
      double* __restrict dterm = kDerivative ? ws.dterm.data() + static_cast<std::size_t>(k) * n
                                             : nullptr;
      for (int p = 0; p < n; ++p) {
        double d_dr;
        term[p] = radial_term(eta, shift, r[p], fc[p], dfc[p], d_dr);
        if (kDerivative) dterm[p] = d_dr;
      }
    }
  }
}

/// The ShfA factors of EtaA[ea] and the ShfZ factors of Zeta[zt] (and, for the backward, their
/// derivatives) of the t gathered triplets.
template <bool kDerivative>
[[gnu::always_inline]] inline void angular_factors(const AevView<double>& v, int ea, int zt,
                                                   int t, AevWorkspace& ws) {
  const double* __restrict mean = ws.mean.data();
  const double* __restrict cos_scaled = ws.cos_scaled.data();
  const double* __restrict sin_scaled = ws.sin_scaled.data();
  for (int sa = 0; sa < v.n_shift_a; ++sa) {
    const double eta = v.eta_a[ea], shift = v.shift_a[sa];
    double* __restrict radial = ws.radial.data() + static_cast<std::size_t>(sa) * t;
    double* __restrict dradial = ws.dradial.data() + static_cast<std::size_t>(sa) * t;
    for (int k = 0; k < t; ++k) {
      double d;
      radial[k] = angular_radial_factor(eta, shift, mean[k], d);
      if (kDerivative) dradial[k] = d;
    }
  }
  for (int sz = 0; sz < v.n_shift_z; ++sz) {
    const double zeta = v.zeta[zt], cos_shift = v.cos_shift_z[sz], sin_shift = v.sin_shift_z[sz];
    double* __restrict angle = ws.angle.data() + static_cast<std::size_t>(sz) * t;
    double* __restrict dangle = ws.dangle.data() + static_cast<std::size_t>(sz) * t;
    for (int k = 0; k < t; ++k) {
      double d;
      angle[k] = angular_angle_factor(zeta, cos_shift, sin_shift, cos_scaled[k], sin_scaled[k], d);
      if (kDerivative) dangle[k] = d;
    }
  }
}

/// Sizes the factor arrays for t triplets.
void size_angular_factors(const AevView<double>& v, int t, AevWorkspace& ws) {
  const auto count = static_cast<std::size_t>(t);
  ensure_size(ws.radial, count * v.n_shift_a);
  ensure_size(ws.dradial, count * v.n_shift_a);
  ensure_size(ws.angle, count * v.n_shift_z);
  ensure_size(ws.dangle, count * v.n_shift_z);
}

}  // namespace

MD_VECTOR_CLONES void aev_forward_cpu(const AevArgs& args, AevWorkspace& ws, double* aev) {
  const AevView<double>& v = args.view;
  const std::size_t length = static_cast<std::size_t>(v.aev_length);
  const int n_sa = v.n_shift_a, n_sz = v.n_shift_z;
  std::fill(aev, aev + args.n_centers * length, 0.0);
  for (int c = 0; c < args.n_centers; ++c) {
    double* out = aev + c * length;
    const int n = gather_neighbors(args, args.center_begin + c, ws);
    radial_terms<false>(v, n, ws);
    for (int p = 0; p < n; ++p) {
      double* block = out + args.elements[ws.atom[p]] * v.radial_block;
      for (int k = 0; k < v.radial_block; ++k) block[k] += ws.term[static_cast<std::size_t>(k) * n + p];
    }
    const int t = gather_triplets(args, ws);
    size_angular_factors(v, t, ws);
    for (int ea = 0; ea < v.n_eta_a; ++ea) {
      for (int zt = 0; zt < v.n_zeta; ++zt) {
        angular_factors<false>(v, ea, zt, t, ws);
        const int offset = v.radial_length + (ea * v.n_zeta + zt) * n_sa * n_sz;
        for (int k = 0; k < t; ++k) {
          double* block = out + offset + ws.pair[k] * v.angular_block;
          for (int sa = 0; sa < n_sa; ++sa) {
            const double radial = ws.radial[static_cast<std::size_t>(sa) * t + k];
            for (int sz = 0; sz < n_sz; ++sz) {
              block[sa * n_sz + sz] +=
                  radial * ws.angle[static_cast<std::size_t>(sz) * t + k] * ws.fc12[k];
            }
          }
        }
      }
    }
  }
}

MD_VECTOR_CLONES void aev_backward_cpu(const AevArgs& args, AevWorkspace& ws,
                                       const double* grad_aev, double* forces, double virial[9],
                                       double* atom_virial) {
  const AevView<double>& v = args.view;
  const std::size_t length = static_cast<std::size_t>(v.aev_length);
  const int n_sa = v.n_shift_a, n_sz = v.n_shift_z;
  for (int c = 0; c < args.n_centers; ++c) {
    const int i = args.center_begin + c;
    const double* grad = grad_aev + c * length;
    const int n = gather_neighbors(args, i, ws);
    radial_terms<true>(v, n, ws);
    for (int p = 0; p < n; ++p) {
      const double* g = grad + args.elements[ws.atom[p]] * v.radial_block;
      double de_dr = 0.0;
      for (int k = 0; k < v.radial_block; ++k) {
        de_dr += g[k] * ws.dterm[static_cast<std::size_t>(k) * n + p];
      }
      for (int a = 0; a < 3; ++a) ws.grad_d[3 * p + a] += de_dr * ws.d[3 * p + a] / ws.r[p];
    }
    const int t = gather_triplets(args, ws);
    size_angular_factors(v, t, ws);
    ws.de_dangle.assign(static_cast<std::size_t>(t), 0.0);
    ws.de_dmean.assign(static_cast<std::size_t>(t), 0.0);
    ws.de_dfc.assign(static_cast<std::size_t>(t), 0.0);
    for (int ea = 0; ea < v.n_eta_a; ++ea) {
      for (int zt = 0; zt < v.n_zeta; ++zt) {
        angular_factors<true>(v, ea, zt, t, ws);
        const int offset = v.radial_length + (ea * v.n_zeta + zt) * n_sa * n_sz;
        for (int k = 0; k < t; ++k) {
          const double* block = grad + offset + ws.pair[k] * v.angular_block;
          const double fc = ws.fc12[k];
          for (int sa = 0; sa < n_sa; ++sa) {
            double sum_angular = 0.0, sum_dangular = 0.0;
            for (int sz = 0; sz < n_sz; ++sz) {
              sum_angular += block[sa * n_sz + sz] * ws.angle[static_cast<std::size_t>(sz) * t + k];
              sum_dangular +=
                  block[sa * n_sz + sz] * ws.dangle[static_cast<std::size_t>(sz) * t + k];
            }
            const double radial = ws.radial[static_cast<std::size_t>(sa) * t + k];
            ws.de_dangle[k] += radial * sum_dangular * fc;
            ws.de_dmean[k] += ws.dradial[static_cast<std::size_t>(sa) * t + k] * sum_angular * fc;
            ws.de_dfc[k] += radial * sum_angular;
          }
        }
      }
    }
    for (int k = 0; k < t; ++k) {
      const int p = ws.first[k], q = ws.second[k];
      angular_chain(&ws.d[3 * p], ws.r[p], &ws.d[3 * q], ws.r[q], ws.geometry[k], ws.de_dangle[k],
                    ws.de_dmean[k], ws.de_dfc[k], &ws.grad_d[3 * p], &ws.grad_d[3 * q]);
    }
    // d = r_j − r_i: F_j = −∂E/∂d, F_i = +∂E/∂d; the virial share F_j ⊗ d goes to j.
    for (int p = 0; p < n; ++p) {
      const int j = ws.atom[p];
      const double* g = &ws.grad_d[3 * p];
      const double* d = &ws.d[3 * p];
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

}  // namespace md::ani
