// SPDX-License-Identifier: MIT
/// \file
/// The device atom kernels (DeviceAtomKernels, engine/integrate_cuda.cuh) against the CPU's
/// (HostAtomKernels, engine/atom_kernels.hpp):
///  - 100 velocity-Verlet steps (half kick, drift, half kick) with fixed random forces on 1,000
///    owned atoms of three types plus 50 ghost rows, and a velocity scaling every 10 steps: the
///    positions and velocities must be BITWISE the CPU's after every step — the device kick and
///    drift do not use FMA — and the ghost rows untouched;
///  - five Langevin O steps: the same keyed noise, velocities within 1e-14 of the largest
///    (device log/cos may round differently), heat within 1e-10 relative;
///  - the kinetic tensor and twice the kinetic energy within 1e-14 relative of the CPU's
///    local_kinetic_tensor and local_twice_kinetic_energy (a tree reduction sums in another
///    order), for 1,000 atoms and for 1 atom, and zero without atoms.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <vector>

#include "device/device_buffer.hpp"
#include "engine/integrate_cuda.cuh"
#include "engine/atom_kernels.hpp"
#include "engine/integrator_langevin.hpp"
#include "engine/particle_state.hpp"
#include "engine/thermo.hpp"

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

/// Device arrays holding a copy of `cpu`, and DeviceAtomKernels bound to them.
struct DeviceCopy {
  md::CudaStream stream;
  md::DeviceBuffer<double> positions, velocities, forces;
  md::DeviceBuffer<int> types;
  md::DeviceBuffer<std::int64_t> ids;
  md::DeviceAtomKernels kernels;

  explicit DeviceCopy(const md::ParticleState& cpu) : kernels(cpu.type_masses, stream.get()) {
    positions.upload(cpu.positions.data(), cpu.positions.size(), stream.get());
    velocities.upload(cpu.velocities.data(), cpu.velocities.size(), stream.get());
    forces.upload(cpu.forces.data(), cpu.forces.size(), stream.get());
    types.upload(cpu.types.data(), cpu.types.size(), stream.get());
    ids.upload(cpu.ids.data(), cpu.ids.size(), stream.get());
    kernels.bind(md::DeviceAtomArrays{positions.data(), velocities.data(), forces.data(),
                                      types.data(), ids.data(), cpu.n_local});
  }
};

}  // namespace

TEST_CASE("device velocity Verlet: 100 steps equal the CPU bit for bit", "[integrate_cuda]") {
  const double dt = 0.0005;  // ps
  md::ParticleState cpu = random_state(1000, 50, 21);
  md::HostAtomKernels host(cpu);
  DeviceCopy device(cpu);

  for (int step = 0; step < 100; ++step) {
    INFO("step " << step);
    // VerletIntegrator's sequence (engine/integrator.cpp), with a thermostat scaling every 10.
    for (md::AtomKernels* atoms : {static_cast<md::AtomKernels*>(&host),
                                   static_cast<md::AtomKernels*>(&device.kernels)}) {
      atoms->half_kick(dt);
      atoms->drift(dt);
      atoms->half_kick(dt);
      if (step % 10 == 9) atoms->scale_velocities(0.9990234375 + 1e-6 * step);
      // An anisotropic barostat's per-component scaling.
      if (step % 10 == 4) atoms->scale_velocity_components({0.999, 1.0 + 1e-4 * step, 1.0007});
    }
    // Every step: bitwise equal (ghost position rows included, which neither side touches).
    REQUIRE(bitwise_equal(download(device.velocities, device.stream), cpu.velocities));
    REQUIRE(bitwise_equal(download(device.positions, device.stream), cpu.positions));
  }
}

TEST_CASE("device Langevin O step: the CPU's keyed noise, equal to rounding", "[integrate_cuda]") {
  md::ParticleState cpu = random_state(1000, 0, 5);
  for (int i = 0; i < cpu.n_local; ++i) cpu.ids.push_back(1000 - i);  // ids need not be ordered
  md::HostAtomKernels host(cpu);
  DeviceCopy device(cpu);
  md::OrnsteinUhlenbeckStep o;
  o.c1 = std::exp(-0.0005 / 0.1);
  o.c2 = std::sqrt(1.0 - o.c1 * o.c1);
  o.kt = 8.617333262e-5 * 300.0;
  o.mvv2e = 1.0364269e-4;
  o.seed = 77;
  for (int step = 0; step < 5; ++step) {
    INFO("step " << step);
    o.stream = md::langevin_stream(step);
    const double want_heat = host.ornstein_uhlenbeck(o);
    const double got_heat = device.kernels.ornstein_uhlenbeck(o);
    const std::vector<double> got = download(device.velocities, device.stream);
    double largest = 0.0, worst = 0.0;
    for (std::size_t k = 0; k < got.size(); ++k) {
      largest = std::max(largest, std::abs(cpu.velocities[k]));
      worst = std::max(worst, std::abs(got[k] - cpu.velocities[k]));
    }
    CHECK(worst <= 1e-14 * largest);
    CHECK(std::abs(got_heat - want_heat) <= 1e-10 * std::abs(want_heat) + 1e-14);
    // Keep both sides on the same velocities, so that the next step compares the noise again.
    device.velocities.upload(cpu.velocities.data(), cpu.velocities.size(), device.stream.get());
  }
}

TEST_CASE("device atom kernels: no atoms is a no-op", "[integrate_cuda]") {
  md::ParticleState empty;
  empty.type_masses = {1.0};
  DeviceCopy device(empty);
  device.kernels.half_kick(0.001);
  device.kernels.drift(0.001);
  device.kernels.scale_velocities(0.5);
  device.kernels.scale_velocity_components({0.5, 0.5, 0.5});
  CHECK(device.kernels.local_twice_kinetic_energy() == 0.0);
  device.kernels.shear_velocities({0.1, 0.2, 0.3}, 0.001);
  for (double x : device.kernels.local_twice_kinetic_tensor()) CHECK(x == 0.0);
  md::OrnsteinUhlenbeckStep o;
  o.c1 = 0.5;
  o.mvv2e = 1.0;
  o.kt = 1.0;
  CHECK(device.kernels.ornstein_uhlenbeck(o) == 0.0);
  const std::array<double, 6> t = device.kernels.local_kinetic_tensor();
  for (double x : t) CHECK(x == 0.0);
}

TEST_CASE("device kinetic energy equals the CPU sums within 1e-14", "[integrate_cuda]") {
  const int n_local = GENERATE(1, 1000);
  INFO(n_local << " atoms");
  const md::ParticleState cpu = random_state(n_local, 10, 33);
  md::ParticleState host_copy = cpu;
  md::HostAtomKernels host(host_copy);
  DeviceCopy device(cpu);

  const std::array<double, 6> want = md::local_kinetic_tensor(cpu);
  const std::array<double, 6> got = device.kernels.local_kinetic_tensor();
  const double trace = want[0] + want[1] + want[2];
  REQUIRE(trace > 0.0);
  for (int k = 0; k < 6; ++k) {
    INFO("component " << k);
    // Diagonal terms are sums of positive numbers; off-diagonal ones may cancel, so they are
    // compared relative to the trace.
    const double scale = k < 3 ? std::abs(want[k]) : trace;
    CHECK(std::abs(got[k] - want[k]) <= 1e-14 * scale);
  }
  const double want_twice = host.local_twice_kinetic_energy();
  const double got_twice = device.kernels.local_twice_kinetic_energy();
  CHECK(std::abs(got_twice - want_twice) <= 1e-14 * want_twice);
  // The tensor the anisotropic and triclinic barostats read, through the kernels' interface.
  const std::array<double, 6> want_tensor = host.local_twice_kinetic_tensor();
  const std::array<double, 6> got_tensor = device.kernels.local_twice_kinetic_tensor();
  for (int k = 0; k < 6; ++k) {
    const double scale = k < 3 ? std::abs(want_tensor[k]) : trace;
    CHECK(std::abs(got_tensor[k] - want_tensor[k]) <= 1e-14 * scale);
  }

  // Repeated reductions allocate nothing more.
  const std::size_t held = device.kernels.device_memory_bytes();
  device.kernels.local_kinetic_tensor();
  CHECK(device.kernels.device_memory_bytes() == held);
}

TEST_CASE("device position map into a new tilted box and the velocity shear equal the CPU bit "
          "for bit",
          "[integrate_cuda]") {
  md::ParticleState cpu = random_state(1000, 50, 31);
  md::HostAtomKernels host(cpu);
  DeviceCopy device(cpu);
  md::Box from, to;
  for (int d = 0; d < 3; ++d) {
    from.lo[d] = -1.0;
    from.hi[d] = 31.0;
    to.lo[d] = -1.5 + 0.1 * d;
    to.hi[d] = 31.7 - 0.3 * d;
  }
  // Tilted cells, so the map's shear terms (engine/box_map.hpp) are exercised too.
  from.tilt[md::Box::kXY] = 6.0, from.tilt[md::Box::kXZ] = -4.5, from.tilt[md::Box::kYZ] = 3.0;
  to.tilt[md::Box::kXY] = 6.3, to.tilt[md::Box::kXZ] = -4.1, to.tilt[md::Box::kYZ] = 2.6;
  const md::BoxMap map = md::BoxMap::between(from, to);
  for (md::AtomKernels* atoms : {static_cast<md::AtomKernels*>(&host),
                                 static_cast<md::AtomKernels*>(&device.kernels)}) {
    atoms->map_positions(map);
    atoms->shear_velocities({0.37, -0.21, 0.12}, 0.0025);
  }
  // Owned rows mapped, ghost rows untouched, on both sides and to the same bits.
  REQUIRE(bitwise_equal(download(device.positions, device.stream), cpu.positions));
  REQUIRE(bitwise_equal(download(device.velocities, device.stream), cpu.velocities));
}
