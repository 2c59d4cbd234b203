// SPDX-License-Identifier: MIT
/// \file
/// The fitting input fold (contract in fitting_fold.hpp).
#include "potential/deep/fitting_fold.hpp"

#include <algorithm>

#include "core/error.hpp"

namespace md::deep {

FittingFold make_fitting_fold(int ng, int axis_neuron) {
  FittingFold fold;
  fold.axis_neuron = axis_neuron;
  fold.descriptor_dim = ng * axis_neuron;
  for (int a = 0; a < ng; ++a) {
    for (int b = 0; b < axis_neuron; ++b) {
      if (a < axis_neuron && b < a) continue;  // the mirror of (b, a), which is kept
      fold.source.push_back(a * axis_neuron + b);
    }
  }
  return fold;
}

DenseNet fold_fitting_net(const DenseNet& net, const FittingFold& fold) {
  const int axis_neuron = fold.axis_neuron;
  DenseNet folded = net;
  if (net.layers.empty()) return folded;
  const DenseLayer& first = net.layers.front();
  if (first.residual != Residual::kNone || first.n_in < fold.descriptor_dim) {
    throw internal_error("fold_fitting_net: the first fitting layer cannot take a folded input");
  }
  DenseLayer& layer = folded.layers.front();
  const int n_out = first.n_out;
  const int n_extra = first.n_in - fold.descriptor_dim;
  layer.n_in = fold.folded_dim() + n_extra;
  layer.weight.assign(static_cast<std::size_t>(layer.n_in) * n_out, 0.0);
  const auto row = [&](const std::vector<double>& w, int r) {
    return &w[static_cast<std::size_t>(r) * n_out];
  };
  for (int i = 0; i < fold.folded_dim(); ++i) {
    const int d = fold.source[i];
    const int a = d / axis_neuron, b = d % axis_neuron;
    double* out = &layer.weight[static_cast<std::size_t>(i) * n_out];
    const double* w = row(first.weight, d);
    std::copy(w, w + n_out, out);
    if (a < axis_neuron && b > a) {  // also stands for the dropped D[b][a]
      const double* mirror = row(first.weight, b * axis_neuron + a);
      for (int k = 0; k < n_out; ++k) out[k] += mirror[k];
    }
  }
  for (int e = 0; e < n_extra; ++e) {
    const double* w = row(first.weight, fold.descriptor_dim + e);
    std::copy(w, w + n_out, &layer.weight[static_cast<std::size_t>(fold.folded_dim() + e) * n_out]);
  }
  return folded;
}

// Both follow make_fitting_fold's order: the upper triangle (b ≥ a) of each of the first M2
// rows, then the remaining rows whole, which are contiguous in both layouts.
void fitting_fold_gather(const FittingFold& fold, const double* descriptor, double* x) {
  const int m2 = fold.axis_neuron;
  for (int a = 0; a < m2; ++a) x = std::copy(descriptor + a * m2 + a, descriptor + (a + 1) * m2, x);
  std::copy(descriptor + m2 * m2, descriptor + fold.descriptor_dim, x);
}

void fitting_fold_scatter(const FittingFold& fold, const double* grad_x, double* grad_descriptor) {
  const int m2 = fold.axis_neuron;
  for (int a = 0; a < m2; ++a) {
    double* row = grad_descriptor + a * m2;
    std::fill(row, row + a, 0.0);
    std::copy(grad_x, grad_x + (m2 - a), row + a);
    grad_x += m2 - a;
  }
  std::copy(grad_x, grad_x + (fold.descriptor_dim - m2 * m2), grad_descriptor + m2 * m2);
}

}  // namespace md::deep
