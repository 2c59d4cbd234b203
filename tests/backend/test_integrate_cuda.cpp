// SPDX-License-Identifier: MIT
/// \file
/// The device integrator kernels (engine/integrate_cuda.cuh) against the CPU functions:
///  - 100 velocity-Verlet steps (first half, second half) with fixed random forces on 1,000
///    owned atoms of three types plus 50 ghost rows, and a velocity scaling every 10 steps: the
///    positions and velocities must be BITWISE the CPU's (velocity_verlet_first_half /
///    second_half, v *= λ) after every step — the device kick and drift do not use FMA — and
///    the ghost rows untouched;
///  - the kinetic tensor and twice the kinetic energy within 1e-14 relative of the CPU's
///    local_kinetic_tensor and local_twice_kinetic_energy (a tree reduction sums in another
///    order), for 1,000 atoms and for 1 atom, and zero without atoms.
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "device/device_buffer.hpp"
#include "engine/integrate_cuda.cuh"
#include "engine/integrator.hpp"
#include "engine/particle_state.hpp"
#include "engine/thermo.hpp"
#include "engine/velocity_verlet.hpp"

namespace {

/// n_local owned atoms and n_ghost ghost rows of three types (O, H, Ar masses) with random
/// positions, velocities (Å/ps) and forces (eV/Å).
md::ParticleState random_state(int n_local, int n_ghost, unsigned seed) {
  md::ParticleState s;
  s.n_local = n_local;
  s.n_ghost = n_ghost;
  s.type_names = {"O", "H", "Ar"};
  s.type_masses = {15.9994, 1.008, 39.948};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> position(0.0, 30.0);
  std::uniform_real_distribution<double> velocity(-10.0, 10.0);
  std::uniform_real_distribution<double> force(-5.0, 5.0);
  const std::size_t n_all = static_cast<std::size_t>(n_local + n_ghost);
  for (std::size_t k = 0; k < 3 * n_all; ++k) {
    s.positions.push_back(position(rng));
    s.forces.push_back(force(rng));
  }
  for (int k = 0; k < 3 * n_local; ++k) s.velocities.push_back(velocity(rng));
  for (std::size_t i = 0; i < n_all; ++i) s.types.push_back(static_cast<int>((i * 7) % 3));
  return s;
}

bool bitwise_equal(const std::vector<double>& a, const std::vector<double>& b) {
  return a.size() == b.size() && std::memcmp(a.data(), b.data(), a.size() * sizeof(double)) == 0;
}

std::vector<double> download(const md::DeviceBuffer<double>& buffer, const md::CudaStream& s) {
  std::vector<double> host(buffer.size());
  buffer.download(host.data(), host.size(), s.get());
  return host;
}

}  // namespace

TEST_CASE("device velocity Verlet: 100 steps equal the CPU bit for bit", "[integrate_cuda]") {
  const double dt = 0.0005;  // ps
  md::ParticleState cpu = random_state(1000, 50, 21);
  md::CudaStream stream;
  md::DeviceBuffer<double> d_positions, d_velocities, d_forces;
  md::DeviceBuffer<int> d_types;
  d_positions.upload(cpu.positions.data(), cpu.positions.size(), stream.get());
  d_velocities.upload(cpu.velocities.data(), cpu.velocities.size(), stream.get());
  d_forces.upload(cpu.forces.data(), cpu.forces.size(), stream.get());
  d_types.upload(cpu.types.data(), cpu.types.size(), stream.get());
  const md::DeviceVelocityVerlet verlet(cpu.type_masses, dt, stream.get());
  CHECK(verlet.dt() == dt);

  for (int step = 0; step < 100; ++step) {
    INFO("step " << step);
    md::velocity_verlet_first_half(cpu, dt);
    verlet.first_half(d_positions.data(), d_velocities.data(), d_forces.data(), d_types.data(),
                      cpu.n_local, stream.get());
    md::velocity_verlet_second_half(cpu, dt);
    verlet.second_half(d_velocities.data(), d_forces.data(), d_types.data(), cpu.n_local,
                       stream.get());
    if (step % 10 == 9) {
      const double lambda = 0.9990234375 + 1e-6 * step;
      for (double& v : cpu.velocities) v *= lambda;  // VerletIntegrator's thermostat scaling
      md::scale_velocities_cuda(d_velocities.data(), cpu.n_local, lambda, stream.get());
    }
    // Every step: bitwise equal (ghost position rows included, which neither side touches).
    REQUIRE(bitwise_equal(download(d_velocities, stream), cpu.velocities));
    REQUIRE(bitwise_equal(download(d_positions, stream), cpu.positions));
  }
}

TEST_CASE("device velocity Verlet: no atoms is a no-op", "[integrate_cuda]") {
  md::CudaStream stream;
  const md::DeviceVelocityVerlet verlet({1.0}, 0.001, stream.get());
  verlet.first_half(nullptr, nullptr, nullptr, nullptr, 0, stream.get());
  verlet.second_half(nullptr, nullptr, nullptr, 0, stream.get());
  md::scale_velocities_cuda(nullptr, 0, 0.5, stream.get());
  stream.synchronize();
  md::DeviceKineticEnergy ke({1.0}, stream.get());
  const std::array<double, 6> t = ke.local_tensor(nullptr, nullptr, 0, stream.get());
  for (double x : t) CHECK(x == 0.0);
}

TEST_CASE("device kinetic energy equals the CPU sums within 1e-14", "[integrate_cuda]") {
  const int n_local = GENERATE(1, 1000);
  INFO(n_local << " atoms");
  const md::ParticleState cpu = random_state(n_local, 10, 33);
  md::CudaStream stream;
  md::DeviceBuffer<double> d_velocities;
  md::DeviceBuffer<int> d_types;
  d_velocities.upload(cpu.velocities.data(), cpu.velocities.size(), stream.get());
  d_types.upload(cpu.types.data(), cpu.types.size(), stream.get());
  md::DeviceKineticEnergy ke(cpu.type_masses, stream.get());

  const std::array<double, 6> want = md::local_kinetic_tensor(cpu);
  const std::array<double, 6> got =
      ke.local_tensor(d_velocities.data(), d_types.data(), n_local, stream.get());
  const double trace = want[0] + want[1] + want[2];
  REQUIRE(trace > 0.0);
  for (int k = 0; k < 6; ++k) {
    INFO("component " << k);
    // Diagonal terms are sums of positive numbers; off-diagonal ones may cancel, so they are
    // compared relative to the trace.
    const double scale = k < 3 ? std::abs(want[k]) : trace;
    CHECK(std::abs(got[k] - want[k]) <= 1e-14 * scale);
  }
  const double want_twice = md::local_twice_kinetic_energy(cpu);
  const double got_twice =
      ke.local_twice_kinetic_energy(d_velocities.data(), d_types.data(), n_local, stream.get());
  CHECK(std::abs(got_twice - want_twice) <= 1e-14 * want_twice);

  // Repeated reductions allocate nothing more.
  const std::size_t held = ke.device_memory_bytes();
  ke.local_tensor(d_velocities.data(), d_types.data(), n_local, stream.get());
  CHECK(ke.device_memory_bytes() == held);
}
