// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of prod_force_virial (contract in prod_force_virial.hpp): forces, virial and
/// per-atom virial from ∂E/∂R̃ of every real pair.
///
/// One thread per pair (all groups at once) converts ∂E/∂R̃ to ∂E/∂R with dstd, calls the shared
/// MD_HOST_DEVICE pair_force in double, and scatters with double atomicAdd (native on sm_60+):
/// F_i += g, F_j −= g, AV_j −= g ⊗ d. The virial is reduced per block (warp shuffles, then one
/// shared-memory sum per warp) before one atomicAdd per component and block. Atomics make the
/// summation order, hence the last bits, vary from run to run; in double that is ~1e-16
/// relative.
///
/// Contract: ACCUMULATES into forces [n_all][3] (eV/Å), virial [9] (eV) and, when non-null,
/// atom_virial [n_all][9] (eV), all device arrays in double that the caller zeroes once per
/// evaluation.
#pragma once

#include "potential/deep/pair_groups_cuda.cuh"

namespace md::deep {

struct ProdForceVirialCudaArgs {
  int center_begin = 0;          ///< local index of chunk centre 0
  int n_nei = 0;                 ///< Σ sel
  const double* dstd = nullptr;  ///< device [T][nnei][4]
};

/// CUDA implementation; see the file comment.
template <class Real>
void prod_force_virial_cuda(const ProdForceVirialCudaArgs& args,
                            const DeviceChunkPairs<Real>& pairs, double* forces, double* virial,
                            double* atom_virial, cudaStream_t stream);

}  // namespace md::deep
