// SPDX-License-Identifier: MIT
/// \file
/// Op `prod_force_virial`: forces, virial and per-atom virial from ∂E/∂R̃ of every real slot.
///
/// For the pair (centre i, neighbour j) with d = r_j − r_i (shared/docs/deepmd-se_e2_a.md §3.6):
///
///   ∂E/∂R_c = (∂E/∂R̃_c) / dstd[t_i, slot, c]
///   g       = ∂E_i/∂d = Σ_c (∂E/∂R_c) · ∂R_c/∂d                      (eV/Å)
///   F_i += g,   F_j −= g,   W_ab −= g_a d_b,   AV_j[3a+b] −= g_a d_b
///
/// so W[3a+b] = Σ_k F_k,a r_k,b over local and ghost atoms (DeePMD-kit's convention) and the
/// per-atom virial of a pair is assigned to the neighbour j (a ghost row when j is a ghost; the
/// caller reverse-sums ghost rows onto their owners, as it does for forces).
///
/// Op contract (prod_force_virial_cpu): ACCUMULATES into forces [n_all][3] (eV/Å), virial[9]
/// (eV) and, when non-null, atom_virial [n_all][9] (eV). The caller zeroes them once per
/// evaluation. The per-pair function below is the one definition shared with the CUDA path.
///
/// Twins: prod_force_virial_cpu (prod_force_virial_cpu.cpp) and prod_force_virial_cuda
/// (prod_force_virial_cuda.cuh/.cu, atomicAdd scatter).
#pragma once

#include "core/portability.hpp"
#include "potential/deep/pair_groups.hpp"

namespace md::deep {

/// g_b = Σ_c grad_raw[c]·deriv[3c + b]: ∂E/∂d from ∂E/∂R (raw row) and ∂R/∂d.
MD_HOST_DEVICE inline void pair_force(const double grad_raw[4], const double deriv[12],
                                      double g[3]) {
  for (int b = 0; b < 3; ++b) {
    g[b] = grad_raw[0] * deriv[b] + grad_raw[1] * deriv[3 + b] + grad_raw[2] * deriv[6 + b] +
           grad_raw[3] * deriv[9 + b];
  }
}

struct ProdForceVirialArgs {
  int center_begin = 0;              ///< local index of chunk centre 0
  int n_nei = 0;                     ///< Σ sel
  const int* center_type = nullptr;  ///< [n_centers] model type of each chunk centre
  const double* dstd = nullptr;      ///< [T][nnei][4]
};

/// CPU implementation; see the file comment for the contract.
void prod_force_virial_cpu(const ProdForceVirialArgs& args, const PairGroup& group, double* forces,
                           double* virial, double* atom_virial);

}  // namespace md::deep
