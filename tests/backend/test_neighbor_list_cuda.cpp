// SPDX-License-Identifier: MIT
/// \file
/// The CUDA neighbour list (DeviceNeighborList, engine/neighbor_list_cuda.cuh) against the CPU
/// NeighborList: the device lists must be IDENTICAL — same offsets, same neighbours in the same
/// order (vector ==) — and max_displacement_sq the same double, for full and half lists on
///  - 3,000 atoms at liquid-argon density (random, LJ-like cutoff) with periodic ghosts,
///  - the 192-atom water box (configs/data/water.lmp, coordinates with two decimals, so equal
///    coordinates exercise the half-list tie-break) with periodic ghosts,
///  - atoms all in one plane (a grid one list radius thick),
///  - a sparse open system (the grid is capped by kMaxCellsPerAtom, so cells grow),
///  - no local atoms (with and without ghosts),
/// then again after moving every atom (a rebuild into the buffers of the first build), and once
/// more at the same positions, which must not allocate. One list object is also reused over
/// systems of different sizes. Ghosts come from tests/support/periodic_system.hpp, independent of
/// the engine's halo. MD_SOURCE_DIR (environment) overrides the checkout location on GPU hosts.
#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "device/device_buffer.hpp"
#include "engine/neighbor_list.hpp"
#include "engine/neighbor_list_cuda.cuh"
#include "tests/support/periodic_system.hpp"

namespace {

using md::NeighborKind;

std::string source_dir() {
  const char* value = std::getenv("MD_SOURCE_DIR");
  return value != nullptr && *value != '\0' ? std::string(value) : std::string(MD_SOURCE_DIR);
}

/// Positions [n_all][3] (Å): local atoms first, then ghosts.
struct Atoms {
  std::vector<double> positions;
  int n_local = 0;
  int n_all = 0;
};

Atoms with_ghosts(const std::vector<double>& positions, const std::array<double, 3>& lengths,
                  const std::array<bool, 3>& periodic, double radius) {
  const std::vector<int> types(positions.size() / 3, 0);
  const std::array<double, 9> cell = {lengths[0], 0, 0, 0, lengths[1], 0, 0, 0, lengths[2]};
  const md::test::PeriodicSystem sys =
      md::test::make_periodic_system(positions, types, cell, periodic, radius);
  return Atoms{sys.positions, sys.n_local, sys.n_all};
}

std::vector<double> uniform_positions(int n, const std::array<double, 3>& lengths,
                                      unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  std::vector<double> x(3 * static_cast<std::size_t>(n));
  for (int i = 0; i < n; ++i) {
    for (int d = 0; d < 3; ++d) x[3 * i + d] = lengths[d] * unit(rng);
  }
  return x;
}

/// Moves every atom (ghosts too) by up to `amplitude` Å per component.
void displace(std::vector<double>& x, double amplitude, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> step(-amplitude, amplitude);
  for (double& v : x) v += step(rng);
}

/// Builds the CPU list and `gpu` on the same positions and requires identical lists.
void require_same_lists(const md::NeighborList& cpu, md::DeviceNeighborList& gpu,
                        md::DeviceBuffer<double>& d_positions, const Atoms& atoms,
                        const md::CudaStream& stream) {
  d_positions.upload(atoms.positions.data(), atoms.positions.size(), stream.get());
  gpu.build(d_positions.data(), atoms.n_local, atoms.n_all, stream.get());
  const md::DeviceNeighborList::HostLists got = gpu.download(stream.get());
  const md::NeighborView want = cpu.view();
  const std::vector<int> want_offsets(want.offsets.begin(), want.offsets.end());
  const std::vector<int> want_neighbors(want.neighbors.begin(), want.neighbors.end());
  REQUIRE(gpu.n_local() == atoms.n_local);
  REQUIRE(gpu.n_pairs() == cpu.n_pairs());
  REQUIRE(got.offsets == want_offsets);
  REQUIRE(got.neighbors == want_neighbors);
}

/// The whole check for one system and list kind (see the file comment).
void check_against_cpu(Atoms atoms, NeighborKind kind, double cutoff, double skin,
                       bool expect_pairs) {
  INFO((kind == NeighborKind::kHalf ? "half" : "full") << " list, n_local " << atoms.n_local
                                                       << ", n_all " << atoms.n_all);
  md::CudaStream stream;
  md::DeviceBuffer<double> d_positions;
  md::NeighborList cpu(kind, cutoff, skin);
  md::DeviceNeighborList gpu(kind, cutoff, skin);

  cpu.build(md::Span<const double>(atoms.positions), atoms.n_local, atoms.n_all);
  require_same_lists(cpu, gpu, d_positions, atoms, stream);
  CHECK((cpu.n_pairs() > 0) == expect_pairs);

  // Displacement against the reference saved at the build.
  displace(atoms.positions, 0.45 * skin, 17);
  d_positions.upload(atoms.positions.data(), atoms.positions.size(), stream.get());
  const double want_sq =
      cpu.max_displacement_sq(md::Span<const double>(atoms.positions), atoms.n_local);
  const double got_sq = gpu.max_displacement_sq(d_positions.data(), atoms.n_local, stream.get());
  CHECK(got_sq == want_sq);
  if (atoms.n_local > 0) CHECK(want_sq > 0.0);

  // Rebuild at the moved positions, into the buffers of the first build.
  cpu.build(md::Span<const double>(atoms.positions), atoms.n_local, atoms.n_all);
  require_same_lists(cpu, gpu, d_positions, atoms, stream);
  CHECK(gpu.max_displacement_sq(d_positions.data(), atoms.n_local, stream.get()) == 0.0);

  // Steady state: a rebuild of the same system allocates nothing.
  const std::size_t held = gpu.device_memory_bytes();
  require_same_lists(cpu, gpu, d_positions, atoms, stream);
  CHECK(gpu.device_memory_bytes() == held);
  CHECK(gpu.build_count() == 3);
}

/// 3,000 atoms at liquid-argon density (0.0213 Å⁻³) with periodic ghosts of `radius`.
Atoms argon_box(double radius) {
  const double length = 52.0;  // 3,000 / 52³ = 0.0213 Å⁻³
  const std::array<double, 3> lengths = {length, length, length};
  return with_ghosts(uniform_positions(3000, lengths, 5), lengths, {true, true, true}, radius);
}

}  // namespace

TEST_CASE("device neighbour list: 3,000-atom LJ-like box with ghosts equals the CPU list",
          "[neighbor_cuda]") {
  const double cutoff = 8.5, skin = 1.0;  // 2.5 σ of argon
  const NeighborKind kind = GENERATE(NeighborKind::kFull, NeighborKind::kHalf);
  const Atoms atoms = argon_box(cutoff + skin);
  REQUIRE(atoms.n_all > atoms.n_local);
  check_against_cpu(atoms, kind, cutoff, skin, true);
}

TEST_CASE("device neighbour list: 192-atom water box with ghosts equals the CPU list",
          "[neighbor_cuda]") {
  const double cutoff = 6.0, skin = 1.0;
  const NeighborKind kind = GENERATE(NeighborKind::kFull, NeighborKind::kHalf);
  const md::test::LammpsData water =
      md::test::read_lammps_data(source_dir() + "/configs/data/water.lmp");
  REQUIRE(water.types.size() == 192);
  const Atoms atoms = with_ghosts(water.positions, water.box, {true, true, true}, cutoff + skin);
  check_against_cpu(atoms, kind, cutoff, skin, true);
}

TEST_CASE("device neighbour list: atoms in one plane equal the CPU list", "[neighbor_cuda]") {
  const double cutoff = 3.0, skin = 0.5;
  const NeighborKind kind = GENERATE(NeighborKind::kFull, NeighborKind::kHalf);
  const std::array<double, 3> lengths = {20.0, 20.0, 10.0};
  std::vector<double> x = uniform_positions(500, lengths, 9);
  for (std::size_t i = 0; i < x.size() / 3; ++i) x[3 * i + 2] = 5.0;
  Atoms atoms = with_ghosts(x, lengths, {true, true, false}, cutoff + skin);
  check_against_cpu(atoms, kind, cutoff, skin, true);
}

TEST_CASE("device neighbour list: a sparse open system (capped grid) equals the CPU list",
          "[neighbor_cuda]") {
  const double cutoff = 3.0, skin = 0.5;
  const NeighborKind kind = GENERATE(NeighborKind::kFull, NeighborKind::kHalf);
  // 400 atoms in clusters far apart: the radius/2 grid would have ~10⁹ cells.
  std::vector<double> x = uniform_positions(400, {8.0, 8.0, 8.0}, 3);
  for (std::size_t i = 0; i < x.size() / 3; ++i) {
    x[3 * i] += 300.0 * static_cast<double>(i % 4);
    x[3 * i + 2] += 250.0 * static_cast<double>(i % 3);
  }
  const int n = static_cast<int>(x.size() / 3);
  check_against_cpu(Atoms{x, n, n}, kind, cutoff, skin, true);
}

TEST_CASE("device neighbour list: no local atoms gives an empty list", "[neighbor_cuda]") {
  const double cutoff = 3.0, skin = 0.5;
  const NeighborKind kind = GENERATE(NeighborKind::kFull, NeighborKind::kHalf);
  SECTION("no atoms at all") { check_against_cpu(Atoms{{}, 0, 0}, kind, cutoff, skin, false); }
  SECTION("ghosts only") {
    Atoms atoms = with_ghosts(uniform_positions(100, {10.0, 10.0, 10.0}, 4), {10.0, 10.0, 10.0},
                              {true, true, true}, cutoff + skin);
    atoms.n_local = 0;
    check_against_cpu(atoms, kind, cutoff, skin, false);
  }
}

TEST_CASE("device neighbour list: one list object reused over systems of different sizes",
          "[neighbor_cuda]") {
  const double cutoff = 6.0, skin = 1.0;
  const NeighborKind kind = GENERATE(NeighborKind::kFull, NeighborKind::kHalf);
  md::CudaStream stream;
  md::DeviceBuffer<double> d_positions;
  md::DeviceNeighborList gpu(kind, cutoff, skin);
  const md::test::LammpsData water =
      md::test::read_lammps_data(source_dir() + "/configs/data/water.lmp");
  const std::vector<Atoms> systems = {
      argon_box(cutoff + skin),
      with_ghosts(water.positions, water.box, {true, true, true}, cutoff + skin),
      Atoms{{}, 0, 0},
      argon_box(cutoff + skin),
  };
  for (std::size_t k = 0; k < systems.size(); ++k) {
    INFO("system " << k);
    md::NeighborList cpu(kind, cutoff, skin);
    cpu.build(md::Span<const double>(systems[k].positions), systems[k].n_local, systems[k].n_all);
    require_same_lists(cpu, gpu, d_positions, systems[k], stream);
  }
}

TEST_CASE("device neighbour list: 12,288 water atoms with ghosts equal the CPU list",
          "[neighbor_cuda]") {
  // The water box replicated 4x4x4 (12,288 atoms, ~2.6 million full-list entries at 6 + 2 Å):
  // offsets, scan and sort at a size where blocks, scans and the radix sort run many tiles.
  const double cutoff = 6.0, skin = 2.0;
  const NeighborKind kind = GENERATE(NeighborKind::kFull, NeighborKind::kHalf);
  const md::test::LammpsData base =
      md::test::read_lammps_data(source_dir() + "/configs/data/water.lmp");
  const md::test::LammpsData water = md::test::replicate(base, 4, 4, 4);
  REQUIRE(water.types.size() == 12288);
  const Atoms atoms = with_ghosts(water.positions, water.box, {true, true, true}, cutoff + skin);
  check_against_cpu(atoms, kind, cutoff, skin, true);
}

TEST_CASE("device neighbour list: a list past its entry limit is refused as on the CPU",
          "[neighbor_cuda]") {
  const double cutoff = 6.0, skin = 1.0;
  const md::test::LammpsData water =
      md::test::read_lammps_data(source_dir() + "/configs/data/water.lmp");
  const Atoms atoms = with_ghosts(water.positions, water.box, {true, true, true}, cutoff + skin);
  md::NeighborList cpu(NeighborKind::kFull, cutoff, skin);
  cpu.build(md::Span<const double>(atoms.positions), atoms.n_local, atoms.n_all);
  const auto pairs = static_cast<std::int64_t>(cpu.n_pairs());
  md::CudaStream stream;
  md::DeviceBuffer<double> d_positions;
  d_positions.upload(atoms.positions.data(), atoms.positions.size(), stream.get());
  md::DeviceNeighborList limited(NeighborKind::kFull, cutoff, skin, pairs - 1);
  md::NeighborList cpu_limited(NeighborKind::kFull, cutoff, skin, pairs - 1);
  std::string device_message, host_message;
  try {
    limited.build(d_positions.data(), atoms.n_local, atoms.n_all, stream.get());
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kOutOfMemory);
    device_message = e.what();
  }
  try {
    cpu_limited.build(md::Span<const double>(atoms.positions), atoms.n_local, atoms.n_all);
  } catch (const md::Error& e) {
    host_message = e.what();
  }
  CHECK_THAT(device_message, Catch::Contains("needs " + std::to_string(pairs) + " entries"));
  CHECK(device_message == host_message);
  md::DeviceNeighborList at_limit(NeighborKind::kFull, cutoff, skin, pairs);
  at_limit.build(d_positions.data(), atoms.n_local, atoms.n_all, stream.get());
  CHECK(static_cast<std::int64_t>(at_limit.n_pairs()) == pairs);
}
