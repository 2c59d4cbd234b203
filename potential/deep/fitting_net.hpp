// SPDX-License-Identifier: MIT
/// \file
/// Op `fitting_net`: atomic energies from fitting inputs, and their gradient (reverse mode).
///
/// Each layer is y = φ(x·W + b) ⊙ idt + residual(x); the last layer has one output. Rows are the
/// atoms of one fitting net (one centre type unless the fitting is mixed_types), batched so that
/// every layer is a GEMM. The forward pass keeps each layer's input and gate φ'(z) ⊙ idt; the
/// backward pass then runs, from ∂E/∂y = 1 at the output,
///
///   ∂E/∂z = ∂E/∂y ⊙ gate,     ∂E/∂x = (∂E/∂z)·Wᵀ + residualᵀ(∂E/∂y).
///
/// Op contract (fitting_net_cpu): input [n_rows][n_in] (descriptor, then fparam, aparam, case
/// embedding), OVERWRITES energy [n_rows] (eV, the net's output only: no biases) and
/// grad_input [n_rows][n_in] = ∂energy_row/∂input_row (eV).
///
/// Twins: fitting_net_cpu (fitting_net_cpu.cpp, cblas_dgemm) and fitting_net_cuda
/// (fitting_net_cuda.cuh/.cu, cuBLAS, double or float).
#pragma once

#include <vector>

#include "potential/deep/deep_model.hpp"

namespace md::deep {

/// Scratch buffers of fitting_net_cpu (grow-only).
struct FittingWorkspace {
  std::vector<std::vector<double>> inputs;  ///< [layer][n_rows][n_in] input of layers ≥ 1
  std::vector<std::vector<double>> gates;   ///< [layer][n_rows][n_out] φ'(z) ⊙ idt
  std::vector<double> output;               ///< [n_rows][n_out] of the current layer
  std::vector<double> grad_out;             ///< [n_rows][width] ∂E/∂y of the current layer
  std::vector<double> grad_z;               ///< [n_rows][width] ∂E/∂z
};

/// CPU implementation; see the file comment for the contract. `grad_input` may be null (no
/// backward pass).
void fitting_net_cpu(const DenseNet& net, int n_rows, const double* input, double* energy,
                     double* grad_input, FittingWorkspace& ws);

/// One input row, plain loops (set-up and reference path): returns the net's output.
double fitting_net_single(const DenseNet& net, const double* input);

}  // namespace md::deep
