// SPDX-License-Identifier: MIT
/// \file
/// DeviceDenseNet: packs a net's weights, biases and timesteps, converted to Real, into one
/// device allocation (one upload per net at load; nothing per step).
#include <algorithm>

#include "potential/nn/dense_net_cuda.cuh"

namespace md::nn {

template <class Real>
DeviceDenseNet<Real>::DeviceDenseNet(const DenseNet& net, cudaStream_t stream) {
  std::vector<Real> host;
  struct Offsets {
    std::size_t weight, bias, timestep;
  };
  std::vector<Offsets> offsets;
  const auto append = [&host](const std::vector<double>& values) {
    const std::size_t at = host.size();
    for (double v : values) host.push_back(static_cast<Real>(v));
    return at;
  };
  for (const DenseLayer& layer : net.layers) {
    Offsets o{};
    o.weight = append(layer.weight);
    o.bias = append(layer.bias);
    o.timestep = append(layer.timestep);
    offsets.push_back(o);
    max_width_ = std::max({max_width_, layer.n_in, layer.n_out});
  }
  storage_.upload(host.data(), host.size(), stream);
  MD_CUDA_CHECK(cudaStreamSynchronize(stream));
  const Real* base = storage_.data();
  for (std::size_t l = 0; l < net.layers.size(); ++l) {
    const DenseLayer& layer = net.layers[l];
    DeviceDenseLayer<Real> d;
    d.n_in = layer.n_in;
    d.n_out = layer.n_out;
    d.weight = base + offsets[l].weight;
    d.bias = layer.bias.empty() ? nullptr : base + offsets[l].bias;
    d.timestep = layer.timestep.empty() ? nullptr : base + offsets[l].timestep;
    d.activation = layer.activation;
    d.residual = layer.residual;
    layers_.push_back(d);
  }
}

template class DeviceDenseNet<double>;
template class DeviceDenseNet<float>;

}  // namespace md::nn
