// SPDX-License-Identifier: MIT
/// \file
/// Op `aev`: ANI's atomic environment vectors and their backward, per pair and per triplet
/// (the math of ani_model.hpp's file comment, TorchANI's conventions and order of operations).
///
/// The per-pair and per-triplet functions here are MD_HOST_DEVICE: the CPU op (aev_cpu.cpp) calls
/// them, and so will the CUDA twin. Each comes as a forward (the terms, added into the atom's AEV)
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

/// The AEV constants as plain pointers and counts (host or device arrays).
struct AevView {
  double radial_cutoff = 0.0;   ///< Rcr, Å
  double angular_cutoff = 0.0;  ///< Rca, Å
  const double* eta_r = nullptr;
  const double* shift_r = nullptr;
  const double* zeta = nullptr;
  const double* shift_z = nullptr;
  const double* cos_shift_z = nullptr;  ///< cos ShfZ, sin ShfZ: cos(θ' − ShfZ) and its
  const double* sin_shift_z = nullptr;  ///< derivative without acos (angle-difference formulas)
  const double* eta_a = nullptr;
  const double* shift_a = nullptr;
  int n_eta_r = 0, n_shift_r = 0, n_zeta = 0, n_shift_z = 0, n_eta_a = 0, n_shift_a = 0;
  int n_elements = 0;
  int radial_block = 0;   ///< n_eta_r · n_shift_r
  int angular_block = 0;  ///< n_eta_a · n_zeta · n_shift_a · n_shift_z
  int radial_length = 0;  ///< n_elements · radial_block: where the angular blocks start
  int aev_length = 0;
};

/// The angular block of the element pair (a, b), in either order: TorchANI's upper-triangle
/// row-major index over n elements.
MD_HOST_DEVICE inline int element_pair_index(int a, int b, int n) {
  const int lo = a < b ? a : b, hi = a < b ? b : a;
  return lo * n - lo * (lo - 1) / 2 + (hi - lo);
}

/// fc(r) = ½cos(πr/Rc) + ½ and dfc/dr, for r < Rc (callers test the cutoff).
MD_HOST_DEVICE inline double cosine_cutoff(double r, double cutoff, double& dfc_dr) {
  const double scale = kPi / cutoff;
  dfc_dr = -0.5 * scale * sin(r * scale);
  return 0.5 * cos(r * scale) + 0.5;
}

/// Adds one neighbour at distance r (< Rcr) to its radial block `out` [radial_block].
MD_HOST_DEVICE inline void radial_forward(const AevView& v, double r, double* out) {
  double dfc = 0.0;
  const double fc = cosine_cutoff(r, v.radial_cutoff, dfc);
  int k = 0;
  for (int e = 0; e < v.n_eta_r; ++e) {
    for (int s = 0; s < v.n_shift_r; ++s, ++k) {
      const double dr = r - v.shift_r[s];
      out[k] += kRadialPrefactor * exp(-v.eta_r[e] * dr * dr) * fc;
    }
  }
}

/// ∂E/∂r of one neighbour's radial terms, from ∂E/∂(its radial block) `grad` [radial_block].
MD_HOST_DEVICE inline double radial_backward(const AevView& v, double r, const double* grad) {
  double dfc = 0.0;
  const double fc = cosine_cutoff(r, v.radial_cutoff, dfc);
  double de_dr = 0.0;
  int k = 0;
  for (int e = 0; e < v.n_eta_r; ++e) {
    for (int s = 0; s < v.n_shift_r; ++s, ++k) {
      const double dr = r - v.shift_r[s];
      const double g = kRadialPrefactor * exp(-v.eta_r[e] * dr * dr);
      de_dr += grad[k] * (g * dfc - 2.0 * v.eta_r[e] * dr * g * fc);
    }
  }
  return de_dr;
}

/// The geometry of a triplet (centre i, neighbours j and k, both within Rca) that its terms and
/// their derivatives share.
struct TripletGeometry {
  double cos_scaled = 0.0;  ///< cos θ' = 0.95 cos θ
  double sin_scaled = 0.0;  ///< sin θ' = √(1 − cos² θ') (θ' in [0, π])
  double mean = 0.0;        ///< (r_ij + r_ik)/2
  double fc1 = 0.0, dfc1 = 0.0, fc2 = 0.0, dfc2 = 0.0;
};

/// The cosine cutoff at Rca of one neighbour: fc and dfc/dr (computed once per neighbour, used by
/// all its triplets).
struct AngularCutoff {
  double fc = 0.0;
  double dfc = 0.0;
};

MD_HOST_DEVICE inline AngularCutoff angular_cutoff(const AevView& v, double r) {
  AngularCutoff c;
  c.fc = cosine_cutoff(r, v.angular_cutoff, c.dfc);
  return c;
}

MD_HOST_DEVICE inline TripletGeometry triplet_geometry(const double d1[3], double r1,
                                                       const AngularCutoff& c1,
                                                       const double d2[3], double r2,
                                                       const AngularCutoff& c2) {
  TripletGeometry g;
  const double product = r1 * r2;
  const double cos_angle = (d1[0] * d2[0] + d1[1] * d2[1] + d1[2] * d2[2]) /
                           (product > kMinDistanceProduct ? product : kMinDistanceProduct);
  g.cos_scaled = kCosineScale * cos_angle;
  g.sin_scaled = sqrt(1.0 - g.cos_scaled * g.cos_scaled);
  g.mean = (r1 + r2) / 2.0;
  g.fc1 = c1.fc;
  g.dfc1 = c1.dfc;
  g.fc2 = c2.fc;
  g.dfc2 = c2.dfc;
  return g;
}

/// The most ShfA or ShfZ values the angular functions handle (they keep one factor per value on
/// the stack); AniPotential refuses models with more.
constexpr int kMaxAngularShifts = 32;

/// Adds one triplet to its angular block `out` [angular_block] (order [EtaA][Zeta][ShfA][ShfZ]).
/// The term is radial(ShfA)·angular(ShfZ)·fc1·fc2, so each factor is computed once per value.
/// cos(θ' − ShfZ) = cos θ' cos ShfZ + sin θ' sin ShfZ: TorchANI's acos and cos give the same
/// value to rounding, at a third of the cost.
MD_HOST_DEVICE inline void angular_forward(const AevView& v, const TripletGeometry& g,
                                           double* out) {
  const double fc = g.fc1 * g.fc2;
  double radial[kMaxAngularShifts], angular[kMaxAngularShifts];
  int k = 0;
  for (int ea = 0; ea < v.n_eta_a; ++ea) {
    for (int sa = 0; sa < v.n_shift_a; ++sa) {
      const double dm = g.mean - v.shift_a[sa];
      radial[sa] = exp(-v.eta_a[ea] * dm * dm);
    }
    for (int zt = 0; zt < v.n_zeta; ++zt) {
      for (int sz = 0; sz < v.n_shift_z; ++sz) {
        const double cos_deviation = g.cos_scaled * v.cos_shift_z[sz] + g.sin_scaled * v.sin_shift_z[sz];
        angular[sz] = kAngularPrefactor * pow((1.0 + cos_deviation) / 2.0, v.zeta[zt]);
      }
      for (int sa = 0; sa < v.n_shift_a; ++sa) {
        for (int sz = 0; sz < v.n_shift_z; ++sz, ++k) out[k] += radial[sa] * angular[sz] * fc;
      }
    }
  }
}

/// ∂E/∂d1 and ∂E/∂d2 (added into de_dd1, de_dd2) of one triplet's terms, from ∂E/∂(its angular
/// block) `grad`.
MD_HOST_DEVICE inline void angular_backward(const AevView& v, const double d1[3], double r1,
                                            const double d2[3], double r2,
                                            const TripletGeometry& g, const double* grad,
                                            double de_dd1[3], double de_dd2[3]) {
  const double fc = g.fc1 * g.fc2;
  double radial[kMaxAngularShifts], dradial[kMaxAngularShifts];
  double angular[kMaxAngularShifts], dangular[kMaxAngularShifts];
  double de_dangle = 0.0, de_dmean = 0.0, de_dfc = 0.0;
  int k = 0;
  for (int ea = 0; ea < v.n_eta_a; ++ea) {
    for (int sa = 0; sa < v.n_shift_a; ++sa) {
      const double dm = g.mean - v.shift_a[sa];
      radial[sa] = exp(-v.eta_a[ea] * dm * dm);
      dradial[sa] = -2.0 * v.eta_a[ea] * dm * radial[sa];
    }
    for (int zt = 0; zt < v.n_zeta; ++zt) {
      for (int sz = 0; sz < v.n_shift_z; ++sz) {
        const double cos_deviation = g.cos_scaled * v.cos_shift_z[sz] + g.sin_scaled * v.sin_shift_z[sz];
        const double sin_deviation = g.sin_scaled * v.cos_shift_z[sz] - g.cos_scaled * v.sin_shift_z[sz];
        const double base = (1.0 + cos_deviation) / 2.0;
        const double power = pow(base, v.zeta[zt] - 1.0);
        angular[sz] = kAngularPrefactor * power * base;
        // d/dθ' of 2·base^ζ = 2ζ·base^(ζ−1)·(−sin(θ' − θs)/2)
        dangular[sz] = -v.zeta[zt] * power * sin_deviation;
      }
      for (int sa = 0; sa < v.n_shift_a; ++sa) {
        double sum_angular = 0.0, sum_dangular = 0.0;
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
  // θ' = acos(0.95 c): dθ'/dc = −0.95/sin θ'; c = d1·d2/(r1 r2).
  const double de_dcos = de_dangle * (-kCosineScale / g.sin_scaled);
  const double de_dr1 = 0.5 * de_dmean + de_dfc * g.dfc1 * g.fc2;
  const double de_dr2 = 0.5 * de_dmean + de_dfc * g.fc1 * g.dfc2;
  const double inv12 = 1.0 / (r1 * r2);
  const double cos_angle = g.cos_scaled / kCosineScale;
  for (int a = 0; a < 3; ++a) {
    const double dc_dd1 = d2[a] * inv12 - cos_angle * d1[a] / (r1 * r1);
    const double dc_dd2 = d1[a] * inv12 - cos_angle * d2[a] / (r2 * r2);
    de_dd1[a] += de_dcos * dc_dd1 + de_dr1 * d1[a] / r1;
    de_dd2[a] += de_dcos * dc_dd2 + de_dr2 * d2[a] / r2;
  }
}

}  // namespace md::ani
