// SPDX-License-Identifier: MIT
/// \file
/// Op `aev`: ANI's atomic environment vectors and their backward, per pair and per triplet
/// (the math of ani_model.hpp's file comment, TorchANI's conventions and order of operations).
///
/// The per-pair and per-triplet functions here are MD_HOST_DEVICE and templated on the arithmetic
/// type Real: the CPU op (aev_cpu.cpp) calls them in double, the CUDA twin (aev_cuda.cu) in double
/// or, for the mixed precision, in float. Each comes as a forward (the terms, added into the atom's AEV)
/// and a backward (from ∂E/∂AEV of the centre, the derivative with respect to the displacement
/// vectors), recomputing what it needs rather than storing per-pair terms.
///
/// Contract (aev_forward_cpu): for local atoms [begin, begin + n) OVERWRITES aev [n][aev_length]
/// (dimensionless). aev_backward_cpu: from grad_aev [n][aev_length] = ∂E/∂AEV (eV) ACCUMULATES
/// forces [n_all][3] (eV/Å) on centres and neighbours (ghosts included), the virial [9] (eV, W_ab
/// = Σ_k F_k,a r_k,b; a pair's or triplet's share −∂E/∂d ⊗ d) and, when not null, per-atom virials
/// [n_all][9] (each displacement's share to its neighbour atom, as for the Deep Potential).
#pragma once

#include <cmath>
#include <vector>

#include "core/fast_math.hpp"
#include "core/portability.hpp"

namespace md::ani {

/// π, as TorchANI's math.pi.
constexpr double kPi = 3.141592653589793;
/// TorchANI's cosine factor: cos θ is scaled by 0.95 before acos (NeuroChem's guard against
/// |cos θ| > 1 from rounding).
constexpr double kCosineScale = 0.95;
/// Lower clamp of r_ij·r_ik in cos θ (TorchANI's `torch.clamp(..., min=1e-10)`).
constexpr double kMinDistanceProduct = 1e-10;
/// NeuroChem's radial prefactor (TorchANI keeps it; the paper has none).
constexpr double kRadialPrefactor = 0.25;
/// The angular term's prefactor 2 (TorchANI: 2·((1 + cos(θ − θs))/2)^ζ).
constexpr double kAngularPrefactor = 2.0;

/// The AEV constants as plain pointers and counts (host or device arrays), in precision Real.
template <class Real>
struct AevView {
  Real radial_cutoff = 0;   ///< Rcr, Å
  Real angular_cutoff = 0;  ///< Rca, Å
  const Real* eta_r = nullptr;
  const Real* shift_r = nullptr;
  const Real* zeta = nullptr;
  const Real* cos_shift_z = nullptr;  ///< cos ShfZ, sin ShfZ: cos(θ' − ShfZ) and its
  const Real* sin_shift_z = nullptr;  ///< derivative without acos (angle-difference formulas)
  const Real* eta_a = nullptr;
  const Real* shift_a = nullptr;
  int n_eta_r = 0, n_shift_r = 0, n_zeta = 0, n_shift_z = 0, n_eta_a = 0, n_shift_a = 0;
  int n_elements = 0;
  int radial_block = 0;   ///< n_eta_r · n_shift_r
  int angular_block = 0;  ///< n_eta_a · n_zeta · n_shift_a · n_shift_z
  int radial_length = 0;  ///< n_elements · radial_block: where the angular blocks start
  int aev_length = 0;
};

/// The AEV constants of one precision in one array, in the order AevView points into: EtaR,
/// ShfR, Zeta, cos ShfZ, sin ShfZ, EtaA, ShfA (host side; a device copy is one upload).
template <class Real>
struct AevConstants {
  AevView<Real> view;          ///< pointers into `values` (re-pointed by point_at)
  std::vector<Real> values;
  /// Points view's arrays at `base`, a copy of `values` (the host array itself or its upload).
  AevView<Real> point_at(const Real* base) const {
    AevView<Real> v = view;
    const Real* p = base;
    v.eta_r = p, p += v.n_eta_r;
    v.shift_r = p, p += v.n_shift_r;
    v.zeta = p, p += v.n_zeta;
    v.cos_shift_z = p, p += v.n_shift_z;
    v.sin_shift_z = p, p += v.n_shift_z;
    v.eta_a = p, p += v.n_eta_a;
    v.shift_a = p;
    return v;
  }
};

/// The angular block of the element pair (a, b), in either order: TorchANI's upper-triangle
/// row-major index over n elements.
MD_HOST_DEVICE MD_ALWAYS_INLINE int element_pair_index(int a, int b, int n) {
  const int lo = a < b ? a : b, hi = a < b ? b : a;
  return lo * n - lo * (lo - 1) / 2 + (hi - lo);
}

/// fc(r) = ½cos(πr/Rc) + ½ and dfc/dr, for r < Rc (callers test the cutoff).
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE Real cosine_cutoff(Real r, Real cutoff, Real& dfc_dr) {
  const Real half(0.5);
  const Real scale = Real(kPi) / cutoff;
  Real sine(0);
  const Real cosine = cos_sin_of(r * scale, sine);
  dfc_dr = -half * scale * sine;
  return half * cosine + half;
}

/// One radial term of a neighbour at distance r (< Rcr) with cutoff fc and dfc/dr:
/// ¼·exp(−EtaR (r − ShfR)²)·fc, and its derivative in r (written into d_dr). The scalar
/// constants are arguments so that the CPU launcher's loops over neighbours vectorise.
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE Real radial_term(Real eta, Real shift, Real r, Real fc, Real dfc,
                                                 Real& d_dr) {
  const Real dr = r - shift;
  const Real g = Real(kRadialPrefactor) * exp_of(-eta * dr * dr);
  d_dr = g * dfc - Real(2) * eta * dr * g * fc;
  return g * fc;
}

/// Adds one neighbour at distance r (< Rcr) to its radial block `out` [radial_block].
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE void radial_forward(const AevView<Real>& v, Real r, Real* out) {
  Real dfc(0), unused(0);
  const Real fc = cosine_cutoff(r, v.radial_cutoff, dfc);
  int k = 0;
  for (int e = 0; e < v.n_eta_r; ++e) {
    for (int s = 0; s < v.n_shift_r; ++s, ++k) {
      out[k] += radial_term(v.eta_r[e], v.shift_r[s], r, fc, dfc, unused);
    }
  }
}

/// ∂E/∂r of one neighbour's radial terms, from ∂E/∂(its radial block) `grad` [radial_block].
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE Real radial_backward(const AevView<Real>& v, Real r,
                                                     const Real* grad) {
  Real dfc(0);
  const Real fc = cosine_cutoff(r, v.radial_cutoff, dfc);
  Real de_dr(0);
  int k = 0;
  for (int e = 0; e < v.n_eta_r; ++e) {
    for (int s = 0; s < v.n_shift_r; ++s, ++k) {
      Real d_dr(0);
      radial_term(v.eta_r[e], v.shift_r[s], r, fc, dfc, d_dr);
      de_dr += grad[k] * d_dr;
    }
  }
  return de_dr;
}

/// The cosine cutoff at Rca of one neighbour: fc and dfc/dr (computed once per neighbour, used by
/// all its triplets).
template <class Real>
struct AngularCutoff {
  Real fc = 0;
  Real dfc = 0;
};

template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE AngularCutoff<Real> angular_cutoff(const AevView<Real>& v, Real r) {
  AngularCutoff<Real> c;
  c.fc = cosine_cutoff(r, v.angular_cutoff, c.dfc);
  return c;
}

/// The geometry of a triplet (centre i, neighbours j and k, both within Rca) that its terms and
/// their derivatives share.
template <class Real>
struct TripletGeometry {
  Real cos_scaled = 0;  ///< cos θ' = 0.95 cos θ
  Real sin_scaled = 0;  ///< sin θ' = √(1 − cos² θ') (θ' in [0, π])
  Real mean = 0;        ///< (r_ij + r_ik)/2
  Real fc1 = 0, dfc1 = 0, fc2 = 0, dfc2 = 0;
};

template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE TripletGeometry<Real> triplet_geometry(const Real d1[3], Real r1,
                                                             const AngularCutoff<Real>& c1,
                                                             const Real d2[3], Real r2,
                                                             const AngularCutoff<Real>& c2) {
  TripletGeometry<Real> g;
  const Real product = r1 * r2;
  const Real min_product(kMinDistanceProduct);
  const Real cos_angle = (d1[0] * d2[0] + d1[1] * d2[1] + d1[2] * d2[2]) /
                         (product > min_product ? product : min_product);
  g.cos_scaled = Real(kCosineScale) * cos_angle;
  g.sin_scaled = std::sqrt(Real(1) - g.cos_scaled * g.cos_scaled);
  g.mean = (r1 + r2) / Real(2);
  g.fc1 = c1.fc;
  g.dfc1 = c1.dfc;
  g.fc2 = c2.fc;
  g.dfc2 = c2.dfc;
  return g;
}

/// The most ShfA or ShfZ values the angular functions handle (they keep one factor per value on
/// the stack); AniPotential refuses models with more.
constexpr int kMaxAngularShifts = 32;

/// One ShfA factor of a triplet's terms: exp(−EtaA (mean − ShfA)²), and its derivative in the
/// mean distance (written into d_dmean).
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE Real angular_radial_factor(Real eta, Real shift, Real mean,
                                                           Real& d_dmean) {
  const Real dm = mean - shift;
  const Real f = exp_of(-eta * dm * dm);
  d_dmean = Real(-2) * eta * dm * f;
  return f;
}

/// One ShfZ factor: 2·((1 + cos(θ' − ShfZ))/2)^ζ, and its derivative in θ' (written into
/// d_dangle). cos(θ' − ShfZ) = cos θ' cos ShfZ + sin θ' sin ShfZ: TorchANI's acos and cos give
/// the same value to rounding, at a third of the cost.
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE Real angular_angle_factor(Real zeta, Real cos_shift, Real sin_shift,
                                                          Real cos_scaled, Real sin_scaled,
                                                          Real& d_dangle) {
  const Real cos_deviation = cos_scaled * cos_shift + sin_scaled * sin_shift;
  const Real sin_deviation = sin_scaled * cos_shift - cos_scaled * sin_shift;
  const Real base = (Real(1) + cos_deviation) / Real(2);
  const Real power = pow_of(base, zeta - Real(1));
  // d/dθ' of 2·base^ζ = 2ζ·base^(ζ−1)·(−sin(θ' − θs)/2)
  d_dangle = -zeta * power * sin_deviation;
  return Real(kAngularPrefactor) * power * base;
}

/// Adds one triplet to its angular block `out` [angular_block] (order [EtaA][Zeta][ShfA][ShfZ]).
/// The term is radial(ShfA)·angular(ShfZ)·fc1·fc2, so each factor is computed once per value.
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE void angular_forward(const AevView<Real>& v,
                                                     const TripletGeometry<Real>& g, Real* out) {
  const Real fc = g.fc1 * g.fc2;
  Real radial[kMaxAngularShifts], angular[kMaxAngularShifts], unused(0);
  int k = 0;
  for (int ea = 0; ea < v.n_eta_a; ++ea) {
    for (int sa = 0; sa < v.n_shift_a; ++sa) {
      radial[sa] = angular_radial_factor(v.eta_a[ea], v.shift_a[sa], g.mean, unused);
    }
    for (int zt = 0; zt < v.n_zeta; ++zt) {
      for (int sz = 0; sz < v.n_shift_z; ++sz) {
        angular[sz] = angular_angle_factor(v.zeta[zt], v.cos_shift_z[sz], v.sin_shift_z[sz],
                                           g.cos_scaled, g.sin_scaled, unused);
      }
      for (int sa = 0; sa < v.n_shift_a; ++sa) {
        for (int sz = 0; sz < v.n_shift_z; ++sz, ++k) out[k] += radial[sa] * angular[sz] * fc;
      }
    }
  }
}

/// The chain rule from a triplet's ∂E/∂θ', ∂E/∂mean and ∂E/∂(fc1·fc2) to ∂E/∂d1 and ∂E/∂d2
/// (added into de_dd1, de_dd2).
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE void angular_chain(const Real d1[3], Real r1, const Real d2[3],
                                                   Real r2, const TripletGeometry<Real>& g,
                                                   Real de_dangle, Real de_dmean, Real de_dfc,
                                                   Real de_dd1[3], Real de_dd2[3]) {
  // θ' = acos(0.95 c): dθ'/dc = −0.95/sin θ'; c = d1·d2/(r1 r2).
  const Real de_dcos = de_dangle * (-Real(kCosineScale) / g.sin_scaled);
  const Real de_dr1 = Real(0.5) * de_dmean + de_dfc * g.dfc1 * g.fc2;
  const Real de_dr2 = Real(0.5) * de_dmean + de_dfc * g.fc1 * g.dfc2;
  const Real inv12 = Real(1) / (r1 * r2);
  const Real cos_angle = g.cos_scaled / Real(kCosineScale);
  for (int a = 0; a < 3; ++a) {
    const Real dc_dd1 = d2[a] * inv12 - cos_angle * d1[a] / (r1 * r1);
    const Real dc_dd2 = d1[a] * inv12 - cos_angle * d2[a] / (r2 * r2);
    de_dd1[a] += de_dcos * dc_dd1 + de_dr1 * d1[a] / r1;
    de_dd2[a] += de_dcos * dc_dd2 + de_dr2 * d2[a] / r2;
  }
}

/// ∂E/∂d1 and ∂E/∂d2 (added into de_dd1, de_dd2) of one triplet's terms, from ∂E/∂(its angular
/// block) `grad`.
template <class Real>
MD_HOST_DEVICE MD_ALWAYS_INLINE void angular_backward(const AevView<Real>& v, const Real d1[3],
                                                      Real r1, const Real d2[3], Real r2,
                                                      const TripletGeometry<Real>& g,
                                                      const Real* grad, Real de_dd1[3],
                                                      Real de_dd2[3]) {
  const Real fc = g.fc1 * g.fc2;
  Real radial[kMaxAngularShifts], dradial[kMaxAngularShifts];
  Real angular[kMaxAngularShifts], dangular[kMaxAngularShifts];
  Real de_dangle(0), de_dmean(0), de_dfc(0);
  int k = 0;
  for (int ea = 0; ea < v.n_eta_a; ++ea) {
    for (int sa = 0; sa < v.n_shift_a; ++sa) {
      radial[sa] = angular_radial_factor(v.eta_a[ea], v.shift_a[sa], g.mean, dradial[sa]);
    }
    for (int zt = 0; zt < v.n_zeta; ++zt) {
      for (int sz = 0; sz < v.n_shift_z; ++sz) {
        angular[sz] = angular_angle_factor(v.zeta[zt], v.cos_shift_z[sz], v.sin_shift_z[sz],
                                           g.cos_scaled, g.sin_scaled, dangular[sz]);
      }
      for (int sa = 0; sa < v.n_shift_a; ++sa) {
        Real sum_angular(0), sum_dangular(0);
        for (int sz = 0; sz < v.n_shift_z; ++sz, ++k) {
          sum_angular += grad[k] * angular[sz];
          sum_dangular += grad[k] * dangular[sz];
        }
        de_dangle += radial[sa] * sum_dangular * fc;
        de_dmean += dradial[sa] * sum_angular * fc;
        de_dfc += radial[sa] * sum_angular;
      }
    }
  }
  angular_chain(d1, r1, d2, r2, g, de_dangle, de_dmean, de_dfc, de_dd1, de_dd2);
}

}  // namespace md::ani
