// SPDX-License-Identifier: MIT
/// \file
/// Device velocity Verlet, velocity scaling and kinetic-energy reduction (contract in
/// integrate_cuda.cuh): one thread per owned atom calling the CPU's per-atom functions; the
/// kinetic tensor is a CUB reduction of atom_kinetic_tensor over the atoms.
#include <thrust/iterator/counting_iterator.h>
#include <thrust/iterator/transform_iterator.h>

#include <cub/device/device_reduce.cuh>

#include "core/units.hpp"
#include "engine/integrate_cuda.cuh"
#include "engine/thermo.hpp"
#include "engine/velocity_verlet.hpp"

namespace md {
namespace {

constexpr unsigned int kThreads = 128;

__global__ void first_half_kernel(double* positions, double* velocities, const double* forces,
                                  const int* types, const double* half_kick_factors, int n_local,
                                  double dt) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  const std::size_t row = 3 * static_cast<std::size_t>(i);
  kick_atom(velocities + row, forces + row, half_kick_factors[types[i]]);
  drift_atom(positions + row, velocities + row, dt);
}

__global__ void second_half_kernel(double* velocities, const double* forces, const int* types,
                                   const double* half_kick_factors, int n_local) {
  const int i = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (i >= n_local) return;
  const std::size_t row = 3 * static_cast<std::size_t>(i);
  kick_atom(velocities + row, forces + row, half_kick_factors[types[i]]);
}

__global__ void scale_kernel(double* values, std::size_t n, double lambda) {
  const std::size_t k = static_cast<std::size_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (k >= n) return;
  values[k] *= lambda;
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

}  // namespace

DeviceVelocityVerlet::DeviceVelocityVerlet(const std::vector<double>& type_masses, double dt,
                                           cudaStream_t stream)
    : dt_(dt) {
  std::vector<double> factors(type_masses.size());
  for (std::size_t t = 0; t < type_masses.size(); ++t) {
    factors[t] = half_kick_factor(dt, type_masses[t]);
  }
  half_kick_factors_.upload(factors.data(), factors.size(), stream);
}

void DeviceVelocityVerlet::first_half(double* d_positions, double* d_velocities,
                                      const double* d_forces, const int* d_types, int n_local,
                                      cudaStream_t stream) const {
  if (n_local <= 0) return;
  first_half_kernel<<<blocks_for(static_cast<std::size_t>(n_local), kThreads), kThreads, 0,
                      stream>>>(d_positions, d_velocities, d_forces, d_types,
                                half_kick_factors_.data(), n_local, dt_);
  MD_CUDA_CHECK_LAUNCH(stream);
}

void DeviceVelocityVerlet::second_half(double* d_velocities, const double* d_forces,
                                       const int* d_types, int n_local,
                                       cudaStream_t stream) const {
  if (n_local <= 0) return;
  second_half_kernel<<<blocks_for(static_cast<std::size_t>(n_local), kThreads), kThreads, 0,
                       stream>>>(d_velocities, d_forces, d_types, half_kick_factors_.data(),
                                 n_local);
  MD_CUDA_CHECK_LAUNCH(stream);
}

void scale_velocities_cuda(double* d_velocities, int n_local, double lambda,
                           cudaStream_t stream) {
  if (n_local <= 0) return;
  const std::size_t n = 3 * static_cast<std::size_t>(n_local);
  scale_kernel<<<blocks_for(n, kThreads), kThreads, 0, stream>>>(d_velocities, n, lambda);
  MD_CUDA_CHECK_LAUNCH(stream);
}

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

double DeviceKineticEnergy::local_twice_kinetic_energy(const double* d_velocities,
                                                       const int* d_types, int n_local,
                                                       cudaStream_t stream) {
  const std::array<double, 6> t = local_tensor(d_velocities, d_types, n_local, stream);
  return t[0] + t[1] + t[2];
}

}  // namespace md
