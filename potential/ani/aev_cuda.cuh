// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of op `aev` (contract and math in aev.hpp; the CPU launcher is aev_cpu.hpp): one
/// thread per centre runs the walk of aev_walk.hpp (the MD_HOST_DEVICE pair and triplet terms
/// straight from the neighbour list) in Real: double, or float for the mixed precision.
///
/// The backward pass adds each neighbour's force with atomicAdd (double) as soon as its share is
/// known, keeps the centre's force and the virial in registers, and reduces the virial per block
/// (device/block_sum_cuda.cuh). Its summation order therefore differs from the CPU's; results
/// agree to rounding.
#pragma once

#include <cuda_runtime.h>

#include "potential/ani/aev_walk.hpp"

namespace md::ani {

/// The arguments are those of the walk (aev_walk.hpp), with device pointers.
template <class Real>
using AevCudaArgs = AevWalkArgs<Real>;

/// OVERWRITES aev [n_centers][aev_length] (device).
template <class Real>
void aev_forward_cuda(const AevCudaArgs<Real>& args, Real* aev, cudaStream_t stream);

/// ACCUMULATES forces [n_all][3] (eV/Å), virial [9] (eV) and, when not null, atom_virial
/// [n_all][9] (all device, double) from grad_aev [n_centers][aev_length] = ∂E/∂AEV (eV).
template <class Real>
void aev_backward_cuda(const AevCudaArgs<Real>& args, const Real* grad_aev, double* forces,
                       double* virial, double* atom_virial, cudaStream_t stream);

}  // namespace md::ani
