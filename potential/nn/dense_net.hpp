// SPDX-License-Identifier: MIT
/// \file
/// The dense-network kit's data: a feed-forward network of dense layers as plain host vectors.
/// The Deep Potential's embedding and fitting nets are DenseNets (potential/deep/deep_model.hpp);
/// any other network potential (ANI's atomic networks) is one too. The ops over them are
/// potential/nn/activation.hpp (φ and φ′, host and device), energy_net (rows → one output and its
/// gradient, CPU and CUDA twins) and dense_net_cuda (a DenseNet resident on the device).
#pragma once

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

/// One dense layer: y = φ(x·W + b) ⊙ idt + residual(x).
struct DenseLayer {
  int n_in = 0;
  int n_out = 0;
  std::vector<double> weight;    ///< W, [n_in][n_out]
  std::vector<double> bias;      ///< b, [n_out]; empty when the layer has no bias
  std::vector<double> timestep;  ///< idt, [n_out]; empty when the layer has none
  Activation activation;
  Residual residual = Residual::kNone;
};

/// A feed-forward network: layers applied in order; layer l+1's n_in equals layer l's n_out.
struct DenseNet {
  std::vector<DenseLayer> layers;
  int n_in() const { return layers.empty() ? 0 : layers.front().n_in; }
  int n_out() const { return layers.empty() ? 0 : layers.back().n_out; }
};

}  // namespace md
