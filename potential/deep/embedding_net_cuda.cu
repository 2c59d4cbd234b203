// SPDX-License-Identifier: MIT
/// \file
/// CUDA implementation of embedding_net (contracts in embedding_net.hpp and
/// embedding_net_cuda.cuh): cuBLAS GEMMs over stacked values and tangents, one element-wise
/// kernel per layer instantiated per activation kind.
#include <algorithm>
#include <utility>

#include "potential/nn/activation.hpp"
#include "potential/nn/blas_cuda.cuh"
#include "potential/deep/embedding_net_cuda.cuh"

namespace md::deep {
namespace {

constexpr int kThreads = 256;

/// One layer's element-wise part for `rows` stacked rows. First layer: z = s·W + b and its
/// tangent W (ds̃/ds̃ = 1) from s = env[4·r]; later layers: z = product + b over the tangent
/// rows of `product`, residual from `input`. Writes y (values) and dy (tangents), [rows][n_out].
template <class Real, ActivationKind K>
__global__ void embedding_layer_kernel(nn::DeviceDenseLayer<Real> layer, int rows, bool first,
                                       const Real* env, const Real* product, const Real* input,
                                       Real* y, Real* dy) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int n_out = layer.n_out;
  const int n_in = layer.n_in;
  if (idx >= static_cast<std::size_t>(rows) * n_out) return;
  const auto r = static_cast<std::size_t>(idx / n_out);
  const int k = static_cast<int>(idx - r * n_out);
  const Real bias = layer.bias != nullptr ? layer.bias[k] : Real(0);
  Real z, tz, x, tx;
  if (first) {
    x = env[4 * r];
    tx = Real(1);
    z = x * layer.weight[k] + bias;
    tz = layer.weight[k];
  } else {
    const int m = k % n_in;  // residual source: k (identity) or k mod n_in (doubled)
    z = product[r * n_out + k] + bias;
    tz = product[(rows + r) * n_out + k];
    x = input[r * n_in + m];
    tx = input[(rows + r) * n_in + m];
  }
  Real slope;
  Real value = nn::activation<K>(layer.activation, z, slope);
  Real tangent = slope * tz;
  if (layer.timestep != nullptr) {
    value *= layer.timestep[k];
    tangent *= layer.timestep[k];
  }
  if (layer.residual != Residual::kNone) {
    value += x;
    tangent += tx;
  }
  y[r * n_out + k] = value;
  dy[r * n_out + k] = tangent;
}

}  // namespace

template <class Real>
void embedding_net_cuda(const nn::DeviceDenseNet<Real>& net, int pair_begin, int n_pairs,
                        int block_rows, DeviceChunkPairs<Real>& pairs,
                        EmbeddingCudaWorkspace<Real>& ws, cublasHandle_t handle,
                        cudaStream_t stream) {
  if (n_pairs <= 0) return;
  const auto& layers = net.layers();
  if (layers.empty() || layers.front().n_in != 1) {
    throw internal_error("embedding_net_cuda: an embedding net takes one input");
  }
  const int ng = net.n_out();
  block_rows = std::max(1, std::min(block_rows, n_pairs));
  const std::size_t buffer = 2 * static_cast<std::size_t>(block_rows) * net.max_width();
  ws.current.resize(buffer);
  ws.product.resize(buffer);
  ws.next.resize(buffer);

  for (int first = pair_begin; first < pair_begin + n_pairs; first += block_rows) {
    const int rows = std::min(block_rows, pair_begin + n_pairs - first);
    Real* current = ws.current.data();
    Real* next = ws.next.data();
    for (std::size_t l = 0; l < layers.size(); ++l) {
      const nn::DeviceDenseLayer<Real>& layer = layers[l];
      const bool last = l + 1 == layers.size();
      const std::size_t count = static_cast<std::size_t>(rows) * layer.n_out;
      Real* y = last ? pairs.g.data() + static_cast<std::size_t>(first) * ng : next;
      Real* dy = last ? pairs.g_deriv.data() + static_cast<std::size_t>(first) * ng : next + count;
      if (l > 0) {
        nn::matmul(handle, 2 * rows, layer.n_in, layer.n_out, current, layer.weight, ws.product.data());
      }
      const Real* env = pairs.env.data() + 4 * static_cast<std::size_t>(first);
      nn::dispatch_activation(layer.activation.kind, [&](auto kind) {
        embedding_layer_kernel<Real, decltype(kind)::value>
            <<<blocks_for(count, kThreads), kThreads, 0, stream>>>(
                layer, rows, l == 0, env, ws.product.data(), current, y, dy);
      });
      MD_CUDA_CHECK_LAUNCH(stream);
      std::swap(current, next);
    }
  }
}

template void embedding_net_cuda<double>(const nn::DeviceDenseNet<double>&, int, int, int,
                                         DeviceChunkPairs<double>&, EmbeddingCudaWorkspace<double>&,
                                         cublasHandle_t, cudaStream_t);
template void embedding_net_cuda<float>(const nn::DeviceDenseNet<float>&, int, int, int,
                                        DeviceChunkPairs<float>&, EmbeddingCudaWorkspace<float>&,
                                        cublasHandle_t, cudaStream_t);

}  // namespace md::deep
