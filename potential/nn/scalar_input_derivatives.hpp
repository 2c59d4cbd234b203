// SPDX-License-Identifier: MIT
/// \file
/// A dense net of one scalar input, with its first and second derivatives: for every output m,
/// y_m(x), y_m'(x) and y_m''(x), in forward mode through the layers
///
///   z = x·W + b,  z' = x'·W,  z'' = x''·W
///   y = φ(z) ⊙ idt + residual(x)
///   y' = φ'(z) z' ⊙ idt + residual(x')
///   y'' = (φ''(z) z'² + φ'(z) z'') ⊙ idt + residual(x'')
///
/// with the library's exact functions (std::tanh, std::exp: no fast approximations). Host only: it
/// is what tabulation (potential/deep/embedding_table.hpp) samples at its knots, and what tests
/// compare tables against.
#pragma once

#include "potential/nn/dense_net.hpp"

namespace md::nn {

/// φ(x), φ'(x) and φ''(x) of one activation, exactly (to the library's rounding).
void activation_derivatives(const Activation& a, double x, double& y, double& dy, double& d2y);

/// Evaluates `net` (first layer: one input) at `x`: writes value[n_out], first[n_out] and
/// second[n_out] (any may be null).
void scalar_input_derivatives(const DenseNet& net, double x, double* value, double* first,
                              double* second);

}  // namespace md::nn
