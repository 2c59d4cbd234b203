// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of env_mat (contract in env_mat.hpp): one thread per real neighbour pair calls the
/// shared per-pair function env_mat_row (in double, whatever the precision), normalises with
/// davg/dstd of (centre type, slot), and stores R̃ and ∂R/∂d in Real.
///
/// Contract: for every pair of `pairs` (all groups at once), OVERWRITES pairs.env [n_pairs][4]
/// and pairs.env_deriv [n_pairs][4][3], exactly as env_mat_cpu does per group.
#pragma once

#include "potential/deep/pair_groups_cuda.cuh"

namespace md::deep {

struct EnvMatCudaArgs {
  double rcut_smth = 0.0;        ///< Å
  double rcut = 0.0;             ///< Å
  double protection = 0.0;       ///< Å
  int n_nei = 0;                 ///< Σ sel
  const double* davg = nullptr;  ///< device [T][nnei][4]
  const double* dstd = nullptr;  ///< device [T][nnei][4]
};

/// CUDA implementation; see the file comment.
template <class Real>
void env_mat_cuda(const EnvMatCudaArgs& args, DeviceChunkPairs<Real>& pairs, cudaStream_t stream);

}  // namespace md::deep
