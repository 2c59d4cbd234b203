// SPDX-License-Identifier: MIT
/// \file
/// CPU implementation of energy_net (contract in energy_net.hpp): a GEMM per layer forward (x·W)
/// and backward ((∂E/∂z)·Wᵀ), with vectorisable element-wise loops between them; one template
/// over the arithmetic type, instantiated in double and float.
#include <cblas.h>

#include <algorithm>

#include "potential/nn/activation.hpp"
#include "core/cpu_dispatch.hpp"
#include "potential/nn/energy_net.hpp"
#include "core/ensure_size.hpp"

namespace md::nn {
namespace {

/// y = φ(z + b) ⊙ idt in place of z, gate = φ'(z + b) ⊙ idt, over `rows` rows of n_out; without
/// a bias or timestep (kBias, kTimestep false) that term is left out. The flags are template
/// arguments so that the inner loop has no per-element branch or masked load.
template <ActivationKind K, bool kBias, bool kTimestep, class Real>
[[gnu::always_inline]] inline void activate_block(const Activation& act, int n_out,
                                                  std::size_t rows, const Real* bias,
                                                  const Real* idt, Real* z, Real* gate) {
  for (std::size_t r = 0; r < rows; ++r) {
    Real* __restrict zr = z + r * n_out;
    Real* __restrict gr = gate + r * n_out;
    for (int k = 0; k < n_out; ++k) {
      Real slope;
      const Real v = activation<K>(act, kBias ? zr[k] + bias[k] : zr[k], slope);
      zr[k] = kTimestep ? v * idt[k] : v;
      gr[k] = kTimestep ? slope * idt[k] : slope;
    }
  }
}

template <ActivationKind K, class Real>
MD_VECTOR_CLONES void activate_rows(const BasicDenseLayer<Real>& layer, std::size_t count, Real* z,
                                    Real* gate) {
  const int n_out = layer.n_out;
  const Real* bias = layer.bias.empty() ? nullptr : layer.bias.data();
  const Real* idt = layer.timestep.empty() ? nullptr : layer.timestep.data();
  const std::size_t rows = count / static_cast<std::size_t>(n_out);
  const Activation& act = layer.activation;
  if (bias != nullptr && idt != nullptr) {
    activate_block<K, true, true>(act, n_out, rows, bias, idt, z, gate);
  } else if (bias != nullptr) {
    activate_block<K, true, false>(act, n_out, rows, bias, idt, z, gate);
  } else if (idt != nullptr) {
    activate_block<K, false, true>(act, n_out, rows, bias, idt, z, gate);
  } else {
    activate_block<K, false, false>(act, n_out, rows, bias, idt, z, gate);
  }
}

template <class Real>
void activate(const BasicDenseLayer<Real>& layer, std::size_t count, Real* z, Real* gate) {
  switch (layer.activation.kind) {
    case ActivationKind::kNone:
      return activate_rows<ActivationKind::kNone>(layer, count, z, gate);
    case ActivationKind::kTanh:
      return activate_rows<ActivationKind::kTanh>(layer, count, z, gate);
    case ActivationKind::kRelu:
      return activate_rows<ActivationKind::kRelu>(layer, count, z, gate);
    case ActivationKind::kRelu6:
      return activate_rows<ActivationKind::kRelu6>(layer, count, z, gate);
    case ActivationKind::kSoftplus:
      return activate_rows<ActivationKind::kSoftplus>(layer, count, z, gate);
    case ActivationKind::kSigmoid:
      return activate_rows<ActivationKind::kSigmoid>(layer, count, z, gate);
    case ActivationKind::kSilu:
      return activate_rows<ActivationKind::kSilu>(layer, count, z, gate);
    case ActivationKind::kGelu:
      return activate_rows<ActivationKind::kGelu>(layer, count, z, gate);
    case ActivationKind::kSilut:
      return activate_rows<ActivationKind::kSilut>(layer, count, z, gate);
    case ActivationKind::kCelu:
      return activate_rows<ActivationKind::kCelu>(layer, count, z, gate);
  }
}

/// Adds the residual of `layer` (input x [rows][n_in]) to y [rows][n_out].
template <class Real>
void add_residual(const BasicDenseLayer<Real>& layer, int rows, const Real* x, Real* y) {
  const int n_in = layer.n_in;
  const int n_out = layer.n_out;
  for (int r = 0; r < rows; ++r) {
    const Real* xr = x + static_cast<std::size_t>(r) * n_in;
    Real* yr = y + static_cast<std::size_t>(r) * n_out;
    for (int k = 0; k < n_in; ++k) yr[k] += xr[k];
    if (layer.residual == Residual::kDoubled) {
      for (int k = 0; k < n_in; ++k) yr[n_in + k] += xr[k];
    }
  }
}

/// C = A·op(B), row-major, in double or float.
void gemm(bool transpose_b, int m, int n, int k, const double* a, int lda, const double* b,
          int ldb, double* c, int ldc) {
  cblas_dgemm(CblasRowMajor, CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0,
              a, lda, b, ldb, 0.0, c, ldc);
}
void gemm(bool transpose_b, int m, int n, int k, const float* a, int lda, const float* b, int ldb,
          float* c, int ldc) {
  cblas_sgemm(CblasRowMajor, CblasNoTrans, transpose_b ? CblasTrans : CblasNoTrans, m, n, k, 1.0f,
              a, lda, b, ldb, 0.0f, c, ldc);
}

template <class Real>
void energy_net(const BasicDenseNet<Real>& net, int n_rows, const Real* input, Real* energy,
                Real* grad_input, BasicEnergyNetWorkspace<Real>& ws) {
  const std::size_t n_layers = net.layers.size();
  if (ws.inputs.size() < n_layers) ws.inputs.resize(n_layers);
  if (ws.gates.size() < n_layers) ws.gates.resize(n_layers);
  const auto rows = static_cast<std::size_t>(n_rows);
  int max_width = net.n_in();
  for (const auto& layer : net.layers) max_width = std::max(max_width, layer.n_out);
  ensure_size(ws.output, rows * max_width);
  ensure_size(ws.grad_out, rows * max_width);
  ensure_size(ws.grad_z, rows * max_width);

  // Forward: inputs[l] holds the input of layer l ≥ 1; layer 0 reads `input` directly.
  for (std::size_t l = 0; l < n_layers; ++l) {
    const BasicDenseLayer<Real>& layer = net.layers[l];
    const std::size_t count = rows * layer.n_out;
    ensure_size(ws.gates[l], count);
    const Real* x = (l == 0) ? input : ws.inputs[l].data();
    Real* out = ws.output.data();
    if (l + 1 < n_layers) {
      ensure_size(ws.inputs[l + 1], count);
      out = ws.inputs[l + 1].data();
    }
    gemm(false, n_rows, layer.n_out, layer.n_in, x, layer.n_in, layer.weight.data(), layer.n_out,
         out, layer.n_out);
    activate(layer, count, out, ws.gates[l].data());
    if (layer.residual != Residual::kNone) add_residual(layer, n_rows, x, out);
  }
  for (std::size_t r = 0; r < rows; ++r) energy[r] = ws.output[r];
  if (grad_input == nullptr) return;

  // Backward from ∂E/∂y = 1 at the single output.
  std::fill(ws.grad_out.begin(), ws.grad_out.begin() + rows, Real(1));
  for (std::size_t l = n_layers; l-- > 0;) {
    const BasicDenseLayer<Real>& layer = net.layers[l];
    const std::size_t count = rows * layer.n_out;
    const Real* gate = ws.gates[l].data();
    for (std::size_t k = 0; k < count; ++k) ws.grad_z[k] = ws.grad_out[k] * gate[k];
    Real* grad_x = (l == 0) ? grad_input : ws.output.data();
    gemm(true, n_rows, layer.n_in, layer.n_out, ws.grad_z.data(), layer.n_out,
         layer.weight.data(), layer.n_out, grad_x, layer.n_in);
    if (layer.residual != Residual::kNone) {
      // Transpose of add_residual: ∂E/∂x += ∂E/∂y (both halves when doubled).
      const int n_in = layer.n_in;
      for (int r = 0; r < n_rows; ++r) {
        Real* gx = grad_x + static_cast<std::size_t>(r) * n_in;
        const Real* gy = ws.grad_out.data() + static_cast<std::size_t>(r) * layer.n_out;
        for (int k = 0; k < n_in; ++k) gx[k] += gy[k];
        if (layer.residual == Residual::kDoubled) {
          for (int k = 0; k < n_in; ++k) gx[k] += gy[n_in + k];
        }
      }
    }
    if (l > 0) std::copy(grad_x, grad_x + rows * layer.n_in, ws.grad_out.begin());
  }
}

}  // namespace

void energy_net_cpu(const DenseNet& net, int n_rows, const double* input, double* energy,
                     double* grad_input, EnergyNetWorkspace& ws) {
  energy_net(net, n_rows, input, energy, grad_input, ws);
}

void energy_net_cpu(const BasicDenseNet<float>& net, int n_rows, const float* input,
                    float* energy, float* grad_input, BasicEnergyNetWorkspace<float>& ws) {
  energy_net(net, n_rows, input, energy, grad_input, ws);
}

double energy_net_single(const DenseNet& net, const double* input) {
  std::vector<double> x(input, input + net.n_in());
  for (const auto& layer : net.layers) {
    std::vector<double> y(layer.n_out);
    for (int k = 0; k < layer.n_out; ++k) {
      double z = layer.bias.empty() ? 0.0 : layer.bias[k];
      for (int m = 0; m < layer.n_in; ++m) {
        z += x[m] * layer.weight[static_cast<std::size_t>(m) * layer.n_out + k];
      }
      double slope;
      y[k] = activation(layer.activation, z, slope);
      if (!layer.timestep.empty()) y[k] *= layer.timestep[k];
      if (layer.residual != Residual::kNone) y[k] += x[k % layer.n_in];
    }
    x.swap(y);
  }
  return x[0];
}

}  // namespace md::nn
