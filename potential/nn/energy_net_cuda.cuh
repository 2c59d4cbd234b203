// SPDX-License-Identifier: MIT
/// \file
/// CUDA twin of energy_net (contract in energy_net.hpp): atomic energies of a batch of rows and
/// their gradient with respect to the input, by reverse mode.
///
/// Same scheme as energy_net_cpu: per layer one cuBLAS GEMM forward (x·W), then an element-wise
/// kernel that adds the bias, applies the shared MD_HOST_DEVICE activation<K, Real>, scales by
/// the timestep, keeps the gate φ'(z) ⊙ idt and adds the residual; backward from ∂E/∂y = 1,
/// ∂E/∂z = ∂E/∂y ⊙ gate, one GEMM (∂E/∂z)·Wᵀ, plus the residual's transpose.
///
/// Contract: input [n_rows][n_in] (device), OVERWRITES energy [n_rows] (the net's output only, no
/// biases, in Real) and, when non-null, grad_input [n_rows][n_in]. `ws` is scratch.
#pragma once

#include <cublas_v2.h>

#include <vector>

#include "potential/nn/dense_net_cuda.cuh"

namespace md::nn {

/// Scratch of energy_net_cuda (grow-only).
template <class Real>
struct EnergyNetCudaWorkspace {
  std::vector<DeviceBuffer<Real>> inputs;  ///< [layer][n_rows][n_in] input of layers ≥ 1
  std::vector<DeviceBuffer<Real>> gates;   ///< [layer][n_rows][n_out] φ'(z) ⊙ idt
  DeviceBuffer<Real> output;               ///< [n_rows][width] last output / backward scratch
  DeviceBuffer<Real> grad_out;             ///< [n_rows][width] ∂E/∂y of the current layer
  DeviceBuffer<Real> grad_z;               ///< [n_rows][width] ∂E/∂z
  std::size_t device_bytes() const {
    std::size_t bytes =
        output.capacity_bytes() + grad_out.capacity_bytes() + grad_z.capacity_bytes();
    for (const auto& b : inputs) bytes += b.capacity_bytes();
    for (const auto& b : gates) bytes += b.capacity_bytes();
    return bytes;
  }
};

/// CUDA implementation; see the file comment.
template <class Real>
void energy_net_cuda(const DeviceDenseNet<Real>& net, int n_rows, const Real* input, Real* energy,
                      Real* grad_input, EnergyNetCudaWorkspace<Real>& ws, cublasHandle_t handle,
                      cudaStream_t stream);

}  // namespace md::nn
