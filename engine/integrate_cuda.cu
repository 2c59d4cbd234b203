// SPDX-License-Identifier: MIT
/// \file
/// The integrators' per-atom operations on device arrays (contract in integrate_cuda.cuh): one
/// thread per owned atom calling the CPU's per-atom functions; the kinetic tensor and the
/// Langevin heat are CUB reductions.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cub/device/device_reduce.cuh>

#include "core/units.hpp"
#include "engine/integrate_cuda.cuh"
#include "engine/langevin_step.hpp"
#include "engine/thermo.hpp"
#include "engine/velocity_verlet.hpp"

namespace md {
namespace {

constexpr unsigned int kThreads = 128;

__global__ void half_kick_kernel(double* velocities, const double* forces, const int* types,
                                 const double* half_kick_factors, int n_local) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  const std::size_t row = 3 * static_cast<std::size_t>(i);
  kick_atom(velocities + row, forces + row, half_kick_factors[types[i]]);
}

__global__ void drift_kernel(double* positions, const double* velocities, int n_local, double dt) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  const std::size_t row = 3 * static_cast<std::size_t>(i);
  drift_atom(positions + row, velocities + row, dt);
}

__global__ void map_positions_kernel(double* positions, int n_local, BoxMap map) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  map_position_atom(positions + 3 * static_cast<std::size_t>(i), map);
}

__global__ void scale_kernel(double* values, std::size_t n, double lambda) {
  const std::size_t k = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= n) return;
  values[k] *= lambda;
}

__global__ void scale_components_kernel(double* velocities, int n_local, double lx, double ly,
                                        double lz) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  double* v = velocities + 3 * static_cast<std::size_t>(i);
  v[0] *= lx;
  v[1] *= ly;
  v[2] *= lz;
}

/// The tilt coupling's shear: rate = {ω̇_xy, ω̇_xz, ω̇_yz} by value.
struct ShearRate {
  double v[3];
};

__global__ void shear_velocities_kernel(double* velocities, int n_local, ShearRate rate,
                                        double c) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  shear_velocity_atom(velocities + 3 * static_cast<std::size_t>(i), rate.v, c);
}

__global__ void ornstein_uhlenbeck_kernel(double* velocities, const int* types,
                                          const std::int64_t* ids, const double* masses,
                                          int n_local, OrnsteinUhlenbeckStep step, double* heat) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  heat[i] = ornstein_uhlenbeck_atom(velocities + 3 * static_cast<std::size_t>(i),
                                    masses[types[i]], ids[i], step);
}

using Tensor = DeviceKineticEnergy::Tensor;

/// Kinetic tensor of atom i (transform of an index, for the CUB reduction).
struct AtomKineticTensor {
  const double* velocities;
  const int* types;
  const double* masses;
  __host__ __device__ Tensor operator()(int i) const {
    Tensor t;
    atom_kinetic_tensor(masses[types[i]], velocities + 3 * static_cast<std::size_t>(i), t.v);
    return t;
  }
};

struct AddTensors {
  __host__ __device__ Tensor operator()(const Tensor& a, const Tensor& b) const {
    Tensor s;
    for (int k = 0; k < 6; ++k) s.v[k] = a.v[k] + b.v[k];
    return s;
  }
};

template <class T>
void ensure(DeviceBuffer<T>& buffer, std::size_t n) {
  if (n > buffer.capacity()) buffer.reserve(n + n / 8);
  buffer.resize(n);
}

unsigned int atom_blocks(int n_local) {
  return blocks_for(static_cast<std::size_t>(n_local), kThreads);
}

}  // namespace

DeviceKineticEnergy::DeviceKineticEnergy(const std::vector<double>& type_masses,
                                         cudaStream_t stream) {
  masses_.upload(type_masses.data(), type_masses.size(), stream);
}

std::array<double, 6> DeviceKineticEnergy::local_tensor(const double* d_velocities,
                                                        const int* d_types, int n_local,
                                                        cudaStream_t stream) {
  std::array<double, 6> result{};
  if (n_local <= 0) return result;
  const auto atoms = thrust::make_transform_iterator(
      thrust::counting_iterator<int>(0), AtomKineticTensor{d_velocities, d_types, masses_.data()});
  const Tensor zero{{0.0, 0.0, 0.0, 0.0, 0.0, 0.0}};
  ensure(result_, 1);
  std::size_t temp_bytes = 0;
  MD_CUDA_CHECK(cub::DeviceReduce::Reduce(nullptr, temp_bytes, atoms, result_.data(), n_local,
                                          AddTensors{}, zero, stream));
  ensure(cub_temp_, temp_bytes);
  MD_CUDA_CHECK(cub::DeviceReduce::Reduce(cub_temp_.data(), temp_bytes, atoms, result_.data(),
                                          n_local, AddTensors{}, zero, stream));
  Tensor sum;
  result_.download(&sum, 1, stream);
  for (int k = 0; k < 6; ++k) result[k] = sum.v[k] * units::kMvv2e;  // as local_kinetic_tensor
  return result;
}

DeviceAtomKernels::DeviceAtomKernels(const std::vector<double>& type_masses, cudaStream_t stream)
    : stream_(stream), type_masses_(type_masses), kinetic_(type_masses, stream) {
  masses_.upload(type_masses.data(), type_masses.size(), stream);
}

void DeviceAtomKernels::half_kick(double dt) {
  if (dt != half_kick_dt_) {  // the integrators use one dt, so this runs once per run
    std::vector<double> factors(type_masses_.size());
    for (std::size_t t = 0; t < type_masses_.size(); ++t) {
      factors[t] = half_kick_factor(dt, type_masses_[t]);
    }
    half_kick_factors_.upload(factors.data(), factors.size(), stream_);
    half_kick_dt_ = dt;
  }
  if (arrays_.n_local <= 0) return;
  half_kick_kernel<<<atom_blocks(arrays_.n_local), kThreads, 0, stream_>>>(
      arrays_.velocities, arrays_.forces, arrays_.types, half_kick_factors_.data(),
      arrays_.n_local);
  MD_CUDA_CHECK_LAUNCH(stream_);
}

void DeviceAtomKernels::drift(double dt) {
  if (arrays_.n_local <= 0) return;
  drift_kernel<<<atom_blocks(arrays_.n_local), kThreads, 0, stream_>>>(
      arrays_.positions, arrays_.velocities, arrays_.n_local, dt);
  MD_CUDA_CHECK_LAUNCH(stream_);
}

void DeviceAtomKernels::scale_velocities(double lambda) {
  if (arrays_.n_local <= 0) return;
  const std::size_t n = 3 * static_cast<std::size_t>(arrays_.n_local);
  scale_kernel<<<blocks_for(n, kThreads), kThreads, 0, stream_>>>(arrays_.velocities, n, lambda);
  MD_CUDA_CHECK_LAUNCH(stream_);
}

void DeviceAtomKernels::scale_velocity_components(const std::array<double, 3>& lambda) {
  if (arrays_.n_local <= 0) return;
  scale_components_kernel<<<atom_blocks(arrays_.n_local), kThreads, 0, stream_>>>(
      arrays_.velocities, arrays_.n_local, lambda[0], lambda[1], lambda[2]);
  MD_CUDA_CHECK_LAUNCH(stream_);
}

void DeviceAtomKernels::shear_velocities(const std::array<double, 3>& rate, double c) {
  if (arrays_.n_local <= 0) return;
  shear_velocities_kernel<<<atom_blocks(arrays_.n_local), kThreads, 0, stream_>>>(
      arrays_.velocities, arrays_.n_local, ShearRate{{rate[0], rate[1], rate[2]}}, c);
  MD_CUDA_CHECK_LAUNCH(stream_);
}

void DeviceAtomKernels::map_positions(const BoxMap& map) {
  if (arrays_.n_local <= 0) return;
  map_positions_kernel<<<atom_blocks(arrays_.n_local), kThreads, 0, stream_>>>(
      arrays_.positions, arrays_.n_local, map);
  MD_CUDA_CHECK_LAUNCH(stream_);
}

std::array<double, 6> DeviceAtomKernels::local_kinetic_tensor() {
  return kinetic_.local_tensor(arrays_.velocities, arrays_.types, arrays_.n_local, stream_);
}

double DeviceAtomKernels::local_twice_kinetic_energy() {
  const std::array<double, 6> t = local_kinetic_tensor();
  return t[0] + t[1] + t[2];
}

std::array<double, 6> DeviceAtomKernels::local_twice_kinetic_tensor() {
  return local_kinetic_tensor();
}

double DeviceAtomKernels::ornstein_uhlenbeck(const OrnsteinUhlenbeckStep& step) {
  const int n_local = arrays_.n_local;
  if (n_local <= 0) return 0.0;
  ensure(atom_heat_, static_cast<std::size_t>(n_local));
  ornstein_uhlenbeck_kernel<<<atom_blocks(n_local), kThreads, 0, stream_>>>(
      arrays_.velocities, arrays_.types, arrays_.ids, masses_.data(), n_local, step,
      atom_heat_.data());
  MD_CUDA_CHECK_LAUNCH(stream_);
  ensure(heat_sum_, 1);
  std::size_t temp_bytes = 0;
  MD_CUDA_CHECK(cub::DeviceReduce::Sum(nullptr, temp_bytes, atom_heat_.data(), heat_sum_.data(),
                                       n_local, stream_));
  ensure(cub_temp_, temp_bytes);
  MD_CUDA_CHECK(cub::DeviceReduce::Sum(cub_temp_.data(), temp_bytes, atom_heat_.data(),
                                       heat_sum_.data(), n_local, stream_));
  double heat = 0.0;
  heat_sum_.download(&heat, 1, stream_);
  return heat * step.mvv2e;
}

std::size_t DeviceAtomKernels::device_memory_bytes() const {
  return half_kick_factors_.capacity_bytes() + masses_.capacity_bytes() +
         atom_heat_.capacity_bytes() + heat_sum_.capacity_bytes() + cub_temp_.capacity_bytes() +
         kinetic_.device_memory_bytes();
}

}  // namespace md
