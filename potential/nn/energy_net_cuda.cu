// SPDX-License-Identifier: MIT
/// \file
/// CUDA implementation of energy_net (contracts in energy_net.hpp and energy_net_cuda.cuh).
#include <utility>

#include "potential/nn/activation.hpp"
#include "potential/nn/blas_cuda.cuh"
#include "potential/nn/energy_net_cuda.cuh"

namespace md::nn {
namespace {

constexpr int kThreads = 256;

/// In place on z [rows][n_out] (the GEMM output): y = φ(z + b) ⊙ idt + residual(x); gate =
/// φ'(z + b) ⊙ idt.
template <class Real, ActivationKind K>
__global__ void fitting_activate_kernel(DeviceDenseLayer<Real> layer, int rows, const Real* x,
                                        Real* z, Real* gate) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  const int n_out = layer.n_out;
  if (idx >= static_cast<std::size_t>(rows) * n_out) return;
  const auto r = static_cast<std::size_t>(idx / n_out);
  const int k = static_cast<int>(idx - r * n_out);
  Real slope;
  const Real v = activation<K>(layer.activation,
                               z[idx] + (layer.bias != nullptr ? layer.bias[k] : Real(0)), slope);
  const Real scale = layer.timestep != nullptr ? layer.timestep[k] : Real(1);
  Real y = v * scale;
  gate[idx] = slope * scale;
  if (layer.residual != Residual::kNone) y += x[r * layer.n_in + k % layer.n_in];
  z[idx] = y;
}

template <class Real>
__global__ void fill_kernel(std::size_t n, Real value, Real* out) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < n) out[idx] = value;
}

/// grad_z = grad_out ⊙ gate, element-wise over n entries.
template <class Real>
__global__ void gate_kernel(std::size_t n, const Real* grad_out, const Real* gate, Real* grad_z) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx < n) grad_z[idx] = grad_out[idx] * gate[idx];
}

/// Transpose of the residual: grad_x[r][k] += grad_y[r][k] (and += grad_y[r][n_in + k] when the
/// layer doubles its width).
template <class Real>
__global__ void residual_backward_kernel(int rows, int n_in, int n_out, bool doubled,
                                         const Real* grad_y, Real* grad_x) {
  const std::size_t idx = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (idx >= static_cast<std::size_t>(rows) * n_in) return;
  const auto r = static_cast<std::size_t>(idx / n_in);
  const int k = static_cast<int>(idx - r * n_in);
  Real gx = grad_x[idx] + grad_y[r * n_out + k];
  if (doubled) gx += grad_y[r * n_out + n_in + k];
  grad_x[idx] = gx;
}

}  // namespace

template <class Real>
void energy_net_cuda(const DeviceDenseNet<Real>& net, int n_rows, const Real* input, Real* energy,
                      Real* grad_input, EnergyNetCudaWorkspace<Real>& ws, cublasHandle_t handle,
                      cudaStream_t stream) {
  if (n_rows <= 0) return;
  const auto& layers = net.layers();
  const std::size_t n_layers = layers.size();
  if (ws.inputs.size() < n_layers) ws.inputs.resize(n_layers);
  if (ws.gates.size() < n_layers) ws.gates.resize(n_layers);
  const auto rows = static_cast<std::size_t>(n_rows);
  const std::size_t wide = rows * net.max_width();
  ws.output.resize(wide);
  ws.grad_out.resize(wide);
  ws.grad_z.resize(wide);

  for (std::size_t l = 0; l < n_layers; ++l) {
    const DeviceDenseLayer<Real>& layer = layers[l];
    const std::size_t count = rows * layer.n_out;
    ws.gates[l].resize(count);
    const Real* x = (l == 0) ? input : ws.inputs[l].data();
    Real* out = ws.output.data();
    if (l + 1 < n_layers) {
      ws.inputs[l + 1].resize(count);
      out = ws.inputs[l + 1].data();
    }
    matmul(handle, n_rows, layer.n_in, layer.n_out, x, layer.weight, out);
    Real* gate = ws.gates[l].data();
    dispatch_activation(layer.activation.kind, [&](auto kind) {
      fitting_activate_kernel<Real, decltype(kind)::value>
          <<<blocks_for(count, kThreads), kThreads, 0, stream>>>(layer, n_rows, x, out, gate);
    });
    MD_CUDA_CHECK_LAUNCH(stream);
  }
  MD_CUDA_CHECK(cudaMemcpyAsync(energy, ws.output.data(), rows * sizeof(Real),
                                cudaMemcpyDeviceToDevice, stream));
  if (grad_input == nullptr) return;

  // Backward from ∂E/∂y = 1 at the single output; grad_out and the scratch swap roles per layer.
  Real* grad_out = ws.grad_out.data();
  Real* scratch = ws.output.data();
  fill_kernel<Real><<<blocks_for(rows, kThreads), kThreads, 0, stream>>>(rows, Real(1), grad_out);
  MD_CUDA_CHECK_LAUNCH(stream);
  for (std::size_t l = n_layers; l-- > 0;) {
    const DeviceDenseLayer<Real>& layer = layers[l];
    const std::size_t count = rows * layer.n_out;
    gate_kernel<Real><<<blocks_for(count, kThreads), kThreads, 0, stream>>>(
        count, grad_out, ws.gates[l].data(), ws.grad_z.data());
    MD_CUDA_CHECK_LAUNCH(stream);
    Real* grad_x = (l == 0) ? grad_input : scratch;
    matmul_transposed(handle, n_rows, layer.n_out, layer.n_in, ws.grad_z.data(), layer.weight,
                      grad_x);
    if (layer.residual != Residual::kNone) {
      const std::size_t n_x = rows * layer.n_in;
      residual_backward_kernel<Real><<<blocks_for(n_x, kThreads), kThreads, 0, stream>>>(
          n_rows, layer.n_in, layer.n_out, layer.residual == Residual::kDoubled, grad_out, grad_x);
      MD_CUDA_CHECK_LAUNCH(stream);
    }
    if (l > 0) std::swap(grad_out, scratch);
  }
}

template void energy_net_cuda<double>(const DeviceDenseNet<double>&, int, const double*, double*,
                                       double*, EnergyNetCudaWorkspace<double>&, cublasHandle_t,
                                       cudaStream_t);
template void energy_net_cuda<float>(const DeviceDenseNet<float>&, int, const float*, float*,
                                      float*, EnergyNetCudaWorkspace<float>&, cublasHandle_t,
                                      cudaStream_t);

}  // namespace md::nn
