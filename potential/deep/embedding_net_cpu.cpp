// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of embedding_net (contract in embedding_net.hpp): blocks of pairs, one
/// cblas_dgemm per layer over values and tangents stacked (bias pre-filled, so the GEMM adds
/// it), then vectorised element-wise passes: the activation over the whole block (instantiated
/// per activation kind), then timestep and residual row by row.
#include <cblas.h>

#include <algorithm>

#include "potential/nn/activation.hpp"
#include "core/cpu_dispatch.hpp"
#include "potential/deep/embedding_net.hpp"

namespace md::deep {
namespace {

/// y = φ(z), dy = φ'(z)·tz element by element over `count` entries: the activation of the
/// values and the chain rule for their tangents. Flat, so the vector loop has one tail per
/// block instead of one per row.
template <ActivationKind K>
MD_VECTOR_CLONES void activate_flat(const Activation act, std::size_t count,
                                    const double* __restrict z, const double* __restrict tz,
                                    double* __restrict y, double* __restrict dy) {
  for (std::size_t k = 0; k < count; ++k) {
    double slope;
    y[k] = nn::activation<K>(act, z[k], slope);
    dy[k] = slope * tz[k];
  }
}

void activate(const Activation& act, std::size_t count, const double* z, const double* tz,
              double* y, double* dy) {
  switch (act.kind) {
    case ActivationKind::kNone:
      return activate_flat<ActivationKind::kNone>(act, count, z, tz, y, dy);
    case ActivationKind::kTanh:
      return activate_flat<ActivationKind::kTanh>(act, count, z, tz, y, dy);
    case ActivationKind::kRelu:
      return activate_flat<ActivationKind::kRelu>(act, count, z, tz, y, dy);
    case ActivationKind::kRelu6:
      return activate_flat<ActivationKind::kRelu6>(act, count, z, tz, y, dy);
    case ActivationKind::kSoftplus:
      return activate_flat<ActivationKind::kSoftplus>(act, count, z, tz, y, dy);
    case ActivationKind::kSigmoid:
      return activate_flat<ActivationKind::kSigmoid>(act, count, z, tz, y, dy);
    case ActivationKind::kSilu:
      return activate_flat<ActivationKind::kSilu>(act, count, z, tz, y, dy);
    case ActivationKind::kGelu:
      return activate_flat<ActivationKind::kGelu>(act, count, z, tz, y, dy);
    case ActivationKind::kSilut:
      return activate_flat<ActivationKind::kSilut>(act, count, z, tz, y, dy);
    case ActivationKind::kCelu:
      return activate_flat<ActivationKind::kCelu>(act, count, z, tz, y, dy);
  }
}

/// The rest of the layer after the activation: y ⊙= idt, dy ⊙= idt, then the residual of the
/// input (x over dx, [2·rows][n_in]).
MD_VECTOR_CLONES void finish_layer(const DenseLayer& layer, int rows,
                                   const double* __restrict input, double* __restrict y,
                                   double* __restrict dy) {
  const int n_in = layer.n_in;
  const int n_out = layer.n_out;
  const double* idt = layer.timestep.empty() ? nullptr : layer.timestep.data();
  for (int r = 0; r < rows; ++r) {
    double* yr = y + static_cast<std::size_t>(r) * n_out;
    double* dyr = dy + static_cast<std::size_t>(r) * n_out;
    if (idt != nullptr) {
      for (int k = 0; k < n_out; ++k) {
        yr[k] *= idt[k];
        dyr[k] *= idt[k];
      }
    }
    if (layer.residual == Residual::kNone) continue;
    const double* x = input + static_cast<std::size_t>(r) * n_in;
    const double* dx = input + static_cast<std::size_t>(rows + r) * n_in;
    for (int k = 0; k < n_in; ++k) {
      yr[k] += x[k];
      dyr[k] += dx[k];
    }
    if (layer.residual == Residual::kDoubled) {
      for (int k = 0; k < n_in; ++k) {
        yr[n_in + k] += x[k];
        dyr[n_in + k] += dx[k];
      }
    }
  }
}

/// product[2·rows][n_out] = input[2·rows][n_in] · W, plus the bias on the value rows (the
/// tangent of a bias is zero).
MD_VECTOR_CLONES void layer_product(const DenseLayer& layer, int rows,
                                    const double* __restrict input, double* __restrict product) {
  const int n_in = layer.n_in;
  const int n_out = layer.n_out;
  const double* bias = layer.bias.empty() ? nullptr : layer.bias.data();
  const double* w = layer.weight.data();
  if (n_in == 1) {  // outer product; a GEMM with k = 1 is mostly overhead
    for (int r = 0; r < 2 * rows; ++r) {
      const double x = input[r];
      double* out = product + static_cast<std::size_t>(r) * n_out;
      if (r < rows && bias != nullptr) {
        for (int k = 0; k < n_out; ++k) out[k] = x * w[k] + bias[k];
      } else {
        for (int k = 0; k < n_out; ++k) out[k] = x * w[k];
      }
    }
    return;
  }
  for (int r = 0; r < 2 * rows; ++r) {
    double* out = product + static_cast<std::size_t>(r) * n_out;
    if (r < rows && bias != nullptr) {
      for (int k = 0; k < n_out; ++k) out[k] = bias[k];
    } else {
      for (int k = 0; k < n_out; ++k) out[k] = 0.0;
    }
  }
  cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, 2 * rows, n_out, n_in, 1.0, input, n_in, w,
              n_out, 1.0, product, n_out);
}

}  // namespace

void embedding_net_cpu(const DenseNet& net, PairGroup& group, EmbeddingWorkspace& ws) {
  const int n_pairs = group.n_pairs;
  const int ng = net.n_out();
  ensure_size(group.g, static_cast<std::size_t>(n_pairs) * ng);
  ensure_size(group.g_deriv, static_cast<std::size_t>(n_pairs) * ng);
  int max_width = 1;
  for (const auto& layer : net.layers) max_width = std::max(max_width, layer.n_out);
  const std::size_t buffer = 2 * static_cast<std::size_t>(kEmbeddingBlockRows) * max_width;
  ensure_size(ws.current, buffer);
  ensure_size(ws.product, buffer);
  ensure_size(ws.next, buffer);
  const std::size_t n_layers = net.layers.size();

  for (int first = 0; first < n_pairs; first += kEmbeddingBlockRows) {
    const int rows = std::min(kEmbeddingBlockRows, n_pairs - first);
    // Input: s̃ over its tangent ds̃/ds̃ = 1.
    double* current = ws.current.data();
    double* product = ws.product.data();
    double* next = ws.next.data();
    for (int r = 0; r < rows; ++r) {
      current[r] = group.env[4 * static_cast<std::size_t>(first + r)];
      current[rows + r] = 1.0;
    }
    for (std::size_t l = 0; l < n_layers; ++l) {
      const DenseLayer& layer = net.layers[l];
      layer_product(layer, rows, current, product);
      const std::size_t count = static_cast<std::size_t>(rows) * layer.n_out;
      const bool last = l + 1 == n_layers;
      double* y = last ? group.g.data() + static_cast<std::size_t>(first) * ng : next;
      double* dy =
          last ? group.g_deriv.data() + static_cast<std::size_t>(first) * ng : next + count;
      activate(layer.activation, count, product, product + count, y, dy);
      finish_layer(layer, rows, current, y, dy);
      std::swap(current, next);
    }
  }
}

void embedding_net_single(const DenseNet& net, double s, double* g, double* g_deriv) {
  std::vector<double> x{s}, dx{1.0};
  for (const auto& layer : net.layers) {
    std::vector<double> y(layer.n_out), dy(layer.n_out);
    for (int k = 0; k < layer.n_out; ++k) {
      double z = layer.bias.empty() ? 0.0 : layer.bias[k];
      double tz = 0.0;
      for (int m = 0; m < layer.n_in; ++m) {
        z += x[m] * layer.weight[static_cast<std::size_t>(m) * layer.n_out + k];
        tz += dx[m] * layer.weight[static_cast<std::size_t>(m) * layer.n_out + k];
      }
      double slope;
      y[k] = nn::activation(layer.activation, z, slope);
      dy[k] = slope * tz;
      if (!layer.timestep.empty()) {
        y[k] *= layer.timestep[k];
        dy[k] *= layer.timestep[k];
      }
      if (layer.residual != Residual::kNone) {
        y[k] += x[k % layer.n_in];
        dy[k] += dx[k % layer.n_in];
      }
    }
    x.swap(y);
    dx.swap(dy);
  }
  std::copy(x.begin(), x.end(), g);
  if (g_deriv != nullptr) std::copy(dx.begin(), dx.end(), g_deriv);
}

}  // namespace md::deep
