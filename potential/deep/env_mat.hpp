// SPDX-License-Identifier: MIT
/// \file
/// Op `env_mat`: the smooth environment row of every real neighbour slot, and its derivative.
///
/// For a pair with displacement d = r_j − r_i and r = |d| (shared/docs/deepmd-se_e2_a.md §3.2):
///
///   u  = clamp((r − r_s)/(r_c − r_s), 0, 1),     sw(r) = u³(−6u² + 15u − 10) + 1
///   R  = sw(r) · ( 1/(r+p), d_x/(r+p)², d_y/(r+p)², d_z/(r+p)² )       (p = env_protection)
///   R̃_c = (R_c − davg[t_i, slot, c]) / dstd[t_i, slot, c]
///
/// sw is 1 below r_s, 0 above r_c and C² at both ends. The per-pair functions below are the
/// single definition used by the CPU op and the CUDA kernel.
///
/// Op contract: for every pair of `group`, OVERWRITES group.env [n_pairs][4] with R̃
/// (dimensionless) and group.env_deriv [n_pairs][4][3] with ∂R_c/∂d_b of the raw row R (R is in
/// 1/Å, so the derivative is in 1/Å²). davg/dstd are indexed by the centre's model type and the
/// pair's slot.
///
/// On the CPU the op is two calls, so that models which differ only in their statistics (a
/// DP-GEN committee: one training set, one descriptor, statistics sampled with different seeds)
/// compute the raw rows and derivatives once (DeepPotential::compute_together):
///   env_mat_cpu       raw rows R into group.env_raw [n_pairs][4] (1/Å) and group.env_deriv;
///   env_normalize_cpu R̃ into group.env from group.env_raw with one model's davg/dstd.
/// Storing R and normalising it later rounds exactly as normalising it at once.
///
/// Twins: env_mat_cpu + env_normalize_cpu (env_mat_cpu.cpp) and env_mat_cuda
/// (env_mat_cuda.cuh/.cu, the whole contract in one kernel on device arrays).
#pragma once

#include <cmath>

#include "core/portability.hpp"
#include "potential/deep/pair_groups.hpp"

namespace md::deep {

/// Quintic switch sw(r) and dsw/dr between r_min (= rcut_smth) and r_max (= rcut), Å.
MD_HOST_DEVICE inline double smooth_switch(double r, double r_min, double r_max, double& dsw_dr) {
  if (r <= r_min) {
    dsw_dr = 0.0;
    return 1.0;
  }
  if (r >= r_max) {
    dsw_dr = 0.0;
    return 0.0;
  }
  const double inv_width = 1.0 / (r_max - r_min);
  const double u = (r - r_min) * inv_width;
  const double poly = -6.0 * u * u + 15.0 * u - 10.0;
  dsw_dr = (3.0 * u * u * poly + u * u * u * (-12.0 * u + 15.0)) * inv_width;
  return u * u * u * poly + 1.0;
}

/// Raw env row R[4] of displacement d (Å) and its derivative deriv[c·3 + b] = ∂R_c/∂d_b.
MD_HOST_DEVICE inline void env_mat_row(const double d[3], double r_min, double r_max,
                                       double protection, double row[4], double deriv[12]) {
  const double r_sq = d[0] * d[0] + d[1] * d[1] + d[2] * d[2];
  const double r = std::sqrt(r_sq);
  double dsw_dr = 0.0;
  const double sw = smooth_switch(r, r_min, r_max, dsw_dr);
  const double inv = 1.0 / (r + protection);  // 1/(r+p)
  const double inv2 = inv * inv;
  const double inv_r = 1.0 / r;
  row[0] = inv * sw;
  for (int a = 0; a < 3; ++a) row[1 + a] = d[a] * inv2 * sw;
  // ∂R0/∂d = (dsw/dr·inv − sw·inv²) d/r
  const double radial0 = (dsw_dr * inv - sw * inv2) * inv_r;
  // ∂R_{1+a}/∂d_b = sw·inv²·δ_ab + d_a d_b (dsw/dr·inv² − 2 sw·inv³)/r
  const double radial1 = (dsw_dr * inv2 - 2.0 * sw * inv2 * inv) * inv_r;
  for (int b = 0; b < 3; ++b) deriv[b] = radial0 * d[b];
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      deriv[3 * (1 + a) + b] = radial1 * d[a] * d[b] + (a == b ? sw * inv2 : 0.0);
    }
  }
}

/// R̃_c = (R_c − davg_c) / dstd_c for the four components of one slot.
MD_HOST_DEVICE inline void normalize_env_row(const double row[4], const double* davg,
                                             const double* dstd, double out[4]) {
  for (int c = 0; c < 4; ++c) out[c] = (row[c] - davg[c]) / dstd[c];
}

struct EnvMatArgs {
  double rcut_smth = 0.0;            ///< Å
  double rcut = 0.0;                 ///< Å
  double protection = 0.0;           ///< Å
  int n_nei = 0;                     ///< Σ sel
  const double* davg = nullptr;      ///< [T][nnei][4]
  const double* dstd = nullptr;      ///< [T][nnei][4]
  const int* center_type = nullptr;  ///< [n_centers] model type of each chunk centre
};

/// Raw rows and derivatives (group.env_raw, group.env_deriv); reads rcut_smth, rcut, protection.
void env_mat_cpu(const EnvMatArgs& args, PairGroup& group);
/// group.env from group.env_raw; reads n_nei, davg, dstd, center_type.
void env_normalize_cpu(const EnvMatArgs& args, PairGroup& group);

}  // namespace md::deep
