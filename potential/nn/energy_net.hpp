// SPDX-License-Identifier: MIT
/// \file
/// Op `energy_net`: a network with one output per row (an atomic energy) and its gradient with
/// respect to the row's input, by reverse mode. The Deep Potential's fitting nets use it (rows:
/// the centres of one fitting net, inputs: descriptor, fparam, aparam, case embedding); so can any
/// network potential whose atomic energy is a dense net of a per-atom feature vector (ANI).
///
/// Each layer is y = φ(x·W + b) ⊙ idt + residual(x); the last layer has one output. Rows are
/// batched so that every layer is a GEMM. The forward pass keeps each layer's input and gate φ'(z) ⊙ idt; the
/// backward pass then runs, from ∂E/∂y = 1 at the output,
///
///   ∂E/∂z = ∂E/∂y ⊙ gate,     ∂E/∂x = (∂E/∂z)·Wᵀ + residualᵀ(∂E/∂y).
///
/// Op contract (energy_net_cpu): input [n_rows][n_in], OVERWRITES energy [n_rows] (eV, the net's
/// output only: no biases) and grad_input [n_rows][n_in] = ∂energy_row/∂input_row (eV).
///
/// Twins: energy_net_cpu (energy_net_cpu.cpp, cblas_dgemm or cblas_sgemm) and energy_net_cuda
/// (energy_net_cuda.cuh/.cu, cuBLAS, double or float).
#pragma once

#include <vector>

#include "potential/nn/dense_net.hpp"

namespace md::nn {

/// Scratch buffers of energy_net_cpu (grow-only), in the arithmetic of the net.
template <class Real>
struct BasicEnergyNetWorkspace {
  std::vector<std::vector<Real>> inputs;  ///< [layer][n_rows][n_in] input of layers ≥ 1
  std::vector<std::vector<Real>> gates;   ///< [layer][n_rows][n_out] φ'(z) ⊙ idt
  std::vector<Real> output;               ///< [n_rows][n_out] of the current layer
  std::vector<Real> grad_out;             ///< [n_rows][width] ∂E/∂y of the current layer
  std::vector<Real> grad_z;               ///< [n_rows][width] ∂E/∂z
};
using EnergyNetWorkspace = BasicEnergyNetWorkspace<double>;

/// CPU implementation; see the file comment for the contract. `grad_input` may be null (no
/// backward pass). In double (cblas_dgemm) or in float (cblas_sgemm: ANI's mixed precision).
void energy_net_cpu(const DenseNet& net, int n_rows, const double* input, double* energy,
                     double* grad_input, EnergyNetWorkspace& ws);
void energy_net_cpu(const BasicDenseNet<float>& net, int n_rows, const float* input,
                    float* energy, float* grad_input, BasicEnergyNetWorkspace<float>& ws);

/// One input row, plain loops (set-up and reference path): returns the net's output.
double energy_net_single(const DenseNet& net, const double* input);

}  // namespace md::nn
