// SPDX-License-Identifier: MIT
#include "potential/nn/scalar_input_derivatives.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "core/error.hpp"
#include "potential/nn/activation.hpp"

namespace md::nn {
namespace {

/// sigmoid(x) without overflow for large |x|.
double sigmoid(double x) {
  if (x >= 0.0) return 1.0 / (1.0 + std::exp(-x));
  const double e = std::exp(x);
  return e / (1.0 + e);
}

/// silu(x) = x·σ(x) and its derivatives.
void silu_derivatives(double x, double& y, double& dy, double& d2y) {
  const double s = sigmoid(x);
  const double ds = s * (1.0 - s);
  y = x * s;
  dy = s + x * ds;
  d2y = 2.0 * ds + x * ds * (1.0 - 2.0 * s);
}

}  // namespace

void activation_derivatives(const Activation& a, double x, double& y, double& dy, double& d2y) {
  switch (a.kind) {
    case ActivationKind::kNone:
      y = x, dy = 1.0, d2y = 0.0;
      return;
    case ActivationKind::kTanh: {
      const double t = std::tanh(x);
      y = t, dy = 1.0 - t * t, d2y = -2.0 * t * (1.0 - t * t);
      return;
    }
    case ActivationKind::kRelu:
      y = x > 0.0 ? x : 0.0, dy = x > 0.0 ? 1.0 : 0.0, d2y = 0.0;
      return;
    case ActivationKind::kRelu6:
      y = std::min(std::max(x, 0.0), kRelu6Cap);
      dy = (x > 0.0 && x < kRelu6Cap) ? 1.0 : 0.0, d2y = 0.0;
      return;
    case ActivationKind::kSoftplus: {
      const double s = sigmoid(x);
      y = std::max(x, 0.0) + std::log1p(std::exp(-std::fabs(x)));
      dy = s, d2y = s * (1.0 - s);
      return;
    }
    case ActivationKind::kSigmoid: {
      const double s = sigmoid(x);
      y = s, dy = s * (1.0 - s), d2y = s * (1.0 - s) * (1.0 - 2.0 * s);
      return;
    }
    case ActivationKind::kSilu:
      silu_derivatives(x, y, dy, d2y);
      return;
    case ActivationKind::kGelu: {
      // y = x/2·(1 + tanh(u)),  u = √(2/π)(x + c x³)
      const double u = kSqrtTwoOverPi * (x + kGeluCubic * x * x * x);
      const double du = kSqrtTwoOverPi * (1.0 + 3.0 * kGeluCubic * x * x);
      const double d2u = kSqrtTwoOverPi * 6.0 * kGeluCubic * x;
      const double t = std::tanh(u);
      const double sech2 = 1.0 - t * t;
      y = 0.5 * x * (1.0 + t);
      dy = 0.5 * (1.0 + t) + 0.5 * x * sech2 * du;
      d2y = sech2 * du + 0.5 * x * (sech2 * d2u - 2.0 * t * sech2 * du * du);
      return;
    }
    case ActivationKind::kCelu: {
      const double e = x > 0.0 ? 1.0 : std::exp(x / a.alpha);
      y = x > 0.0 ? x : a.alpha * (e - 1.0);
      dy = e;
      d2y = x > 0.0 ? 0.0 : e / a.alpha;
      return;
    }
    case ActivationKind::kSilut: {
      if (x < a.threshold) {
        silu_derivatives(x, y, dy, d2y);
        return;
      }
      const double t = std::tanh(a.slope * (x - a.threshold));
      y = t + a.offset;
      dy = a.slope * (1.0 - t * t);
      d2y = -2.0 * a.slope * a.slope * t * (1.0 - t * t);
      return;
    }
  }
  throw internal_error("activation_derivatives: unknown activation");
}

void scalar_input_derivatives(const DenseNet& net, double x0, double* value, double* first,
                              double* second) {
  if (net.n_in() != 1) throw internal_error("scalar_input_derivatives: the net has several inputs");
  std::vector<double> x{x0}, dx{1.0}, d2x{0.0};
  std::vector<double> y, dy, d2y;
  for (const DenseLayer& layer : net.layers) {
    y.assign(layer.n_out, 0.0);
    dy.assign(layer.n_out, 0.0);
    d2y.assign(layer.n_out, 0.0);
    for (int k = 0; k < layer.n_out; ++k) {
      double z = layer.bias.empty() ? 0.0 : layer.bias[k];
      double dz = 0.0, d2z = 0.0;
      for (int m = 0; m < layer.n_in; ++m) {
        const double w = layer.weight[static_cast<std::size_t>(m) * layer.n_out + k];
        z += x[m] * w;
        dz += dx[m] * w;
        d2z += d2x[m] * w;
      }
      double phi, dphi, d2phi;
      activation_derivatives(layer.activation, z, phi, dphi, d2phi);
      y[k] = phi;
      dy[k] = dphi * dz;
      d2y[k] = d2phi * dz * dz + dphi * d2z;
      if (!layer.timestep.empty()) {
        y[k] *= layer.timestep[k];
        dy[k] *= layer.timestep[k];
        d2y[k] *= layer.timestep[k];
      }
      if (layer.residual != Residual::kNone) {
        y[k] += x[k % layer.n_in];
        dy[k] += dx[k % layer.n_in];
        d2y[k] += d2x[k % layer.n_in];
      }
    }
    x.swap(y);
    dx.swap(dy);
    d2x.swap(d2y);
  }
  if (value != nullptr) std::copy(x.begin(), x.end(), value);
  if (first != nullptr) std::copy(dx.begin(), dx.end(), first);
  if (second != nullptr) std::copy(d2x.begin(), d2x.end(), second);
}

}  // namespace md::nn
