// SPDX-License-Identifier: MIT
/// \file
/// A DenseNet (deep_model.hpp) resident on the device, in the evaluation precision, plus the
/// helper that turns a run-time ActivationKind into a compile-time kernel template argument.
///
/// The CUDA twins of embedding_net and energy_net read their weights from here. Weights are
/// converted to `Real` once, at load (float for the mixed precision), and live in one device
/// allocation per net; each layer keeps raw pointers into it. Layer semantics are those of
/// deep_model.hpp: y = φ(x·W + b) ⊙ idt + residual(x).
#pragma once

#include <type_traits>
#include <utility>
#include <vector>

#include "device/device_buffer.hpp"
#include "potential/nn/dense_net.hpp"

namespace md::nn {

/// One dense layer on the device (pointers into DeviceDenseNet's storage).
template <class Real>
struct DeviceDenseLayer {
  int n_in = 0;
  int n_out = 0;
  const Real* weight = nullptr;    ///< W [n_in][n_out]
  const Real* bias = nullptr;      ///< b [n_out], or null when the layer has none
  const Real* timestep = nullptr;  ///< idt [n_out], or null when the layer has none
  Activation activation;
  Residual residual = Residual::kNone;
};

/// A network's layers in device memory, in precision Real.
template <class Real>
class DeviceDenseNet {
 public:
  /// Converts `net`'s weights to Real and uploads them (blocking: returns when they are there).
  DeviceDenseNet(const DenseNet& net, cudaStream_t stream);
  DeviceDenseNet(DeviceDenseNet&&) noexcept = default;

  const std::vector<DeviceDenseLayer<Real>>& layers() const { return layers_; }
  int n_in() const { return layers_.empty() ? 0 : layers_.front().n_in; }
  int n_out() const { return layers_.empty() ? 0 : layers_.back().n_out; }
  /// Largest layer width (inputs included).
  int max_width() const { return max_width_; }
  std::size_t device_bytes() const { return storage_.capacity_bytes(); }

 private:
  DeviceBuffer<Real> storage_;
  std::vector<DeviceDenseLayer<Real>> layers_;
  int max_width_ = 0;
};

/// Calls `f(std::integral_constant<ActivationKind, K>{})` for the K equal to `kind`, so a
/// launcher can write `dispatch_activation(kind, [&](auto k) { kernel<Real, k.value><<<…>>>(…); })`
/// and get one kernel instantiation per activation kind.
template <class F>
void dispatch_activation(ActivationKind kind, F&& f) {
  using K = ActivationKind;
  switch (kind) {
    case K::kNone:
      return f(std::integral_constant<K, K::kNone>{});
    case K::kTanh:
      return f(std::integral_constant<K, K::kTanh>{});
    case K::kRelu:
      return f(std::integral_constant<K, K::kRelu>{});
    case K::kRelu6:
      return f(std::integral_constant<K, K::kRelu6>{});
    case K::kSoftplus:
      return f(std::integral_constant<K, K::kSoftplus>{});
    case K::kSigmoid:
      return f(std::integral_constant<K, K::kSigmoid>{});
    case K::kSilu:
      return f(std::integral_constant<K, K::kSilu>{});
    case K::kGelu:
      return f(std::integral_constant<K, K::kGelu>{});
    case K::kSilut:
      return f(std::integral_constant<K, K::kSilut>{});
    case K::kCelu:
      return f(std::integral_constant<K, K::kCelu>{});
  }
}

}  // namespace md::nn
