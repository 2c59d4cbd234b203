// SPDX-License-Identifier: MIT
/// \file
/// The dense-network kit's data: a feed-forward network of dense layers as plain host vectors.
/// The Deep Potential's embedding and fitting nets are DenseNets (potential/deep/deep_model.hpp);
/// any other network potential (ANI's atomic networks) is one too. The ops over them are
/// potential/nn/activation.hpp (φ and φ′, host and device), energy_net (rows → one output and its
/// gradient, CPU and CUDA twins) and dense_net_cuda (a DenseNet resident on the device).
#pragma once

#include <utility>
#include <vector>

namespace md {

/// Activation functions of DeePMD-kit's `get_activation_fn` (dpmodel/utils/network.py), and
/// ANI's CELU.
enum class ActivationKind {
  kNone,      ///< "none" / "linear": y = x
  kTanh,      ///< "tanh"
  kRelu,      ///< "relu": max(x, 0)
  kRelu6,     ///< "relu6": min(max(x, 0), 6)
  kSoftplus,  ///< "softplus": log(1 + eˣ)
  kSigmoid,   ///< "sigmoid": 1 / (1 + e⁻ˣ)
  kSilu,      ///< "silu": x·sigmoid(x)
  kGelu,      ///< "gelu" and "gelu_tf": the tanh approximation (both, as in DeePMD-kit)
  kSilut,     ///< "silut[:t]" / "custom_silu[:t]": silu below t, tanh(slope·(x−t)) + c above
  kCelu,      ///< CELU(α) of ANI's networks: x for x > 0, α·(exp(x/α) − 1) otherwise
};

/// An activation with the parameters of its parametric kinds.
struct Activation {
  ActivationKind kind = ActivationKind::kNone;
  double threshold = 0.0;  ///< silut: switch point t (default 3)
  double slope = 0.0;      ///< silut: silu'(t)
  double offset = 0.0;     ///< silut: silu(t)
  double alpha = 0.0;      ///< celu: α (> 0)
};

/// How a layer adds its input back (DeePMD-kit `NativeLayer.call`): only when `resnet` is set
/// and the widths allow it.
enum class Residual {
  kNone,
  kIdentity,  ///< n_out == n_in: y += x
  kDoubled,   ///< n_out == 2·n_in: y += [x, x]
};

/// One dense layer: y = φ(x·W + b) ⊙ idt + residual(x), with its parameters in Real (models
/// store double; an evaluator running in float converts with convert_net).
template <class Real>
struct BasicDenseLayer {
  int n_in = 0;
  int n_out = 0;
  std::vector<Real> weight;    ///< W, [n_in][n_out]
  std::vector<Real> bias;      ///< b, [n_out]; empty when the layer has no bias
  std::vector<Real> timestep;  ///< idt, [n_out]; empty when the layer has none
  Activation activation;
  Residual residual = Residual::kNone;
};

/// A feed-forward network: layers applied in order; layer l+1's n_in equals layer l's n_out.
template <class Real>
struct BasicDenseNet {
  std::vector<BasicDenseLayer<Real>> layers;
  int n_in() const { return layers.empty() ? 0 : layers.front().n_in; }
  int n_out() const { return layers.empty() ? 0 : layers.back().n_out; }
};

using DenseLayer = BasicDenseLayer<double>;
using DenseNet = BasicDenseNet<double>;

/// `net` with every parameter rounded to To.
template <class To, class From>
BasicDenseNet<To> convert_net(const BasicDenseNet<From>& net) {
  BasicDenseNet<To> out;
  for (const BasicDenseLayer<From>& layer : net.layers) {
    BasicDenseLayer<To> converted;
    converted.n_in = layer.n_in;
    converted.n_out = layer.n_out;
    converted.weight.assign(layer.weight.begin(), layer.weight.end());
    converted.bias.assign(layer.bias.begin(), layer.bias.end());
    converted.timestep.assign(layer.timestep.begin(), layer.timestep.end());
    converted.activation = layer.activation;
    converted.residual = layer.residual;
    out.layers.push_back(std::move(converted));
  }
  return out;
}

}  // namespace md
