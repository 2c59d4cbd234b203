// SPDX-License-Identifier: MIT
/// \file
/// The device halo (DeviceHalo, comm/halo_cuda.cuh) against the host Halo on one rank: for the
/// same plan and the same input arrays, forward_positions, forward (3 components) and
/// reverse_sum (3 and 9 components) must give BITWISE the host's arrays (memcmp, so −0.0 and
/// +0.0 differ), ghost rows included, on
///  - the 192-atom water box (configs/data/water.lmp) with ghost widths 8 Å (one hop per
///    direction, edge and corner images) and 14 Å (more than the box: two hops, several images
///    of one atom along a direction),
///  - 40 random atoms in a box thinner than the ghost width along x, periodic in x and y only,
///  - 120 random atoms in a strongly tilted cell, then the same plan after a box change
///    (Halo::update_shifts, DeviceHalo::update_shifts),
/// each with device self-swaps (device→device copies) and with self-swaps sent through the pinned
/// staging and the Communicator (the path of swaps with other ranks). Applying the operations
/// again must not grow any buffer, and one DeviceHalo is reused across plans.
#include <array>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "comm/halo_cuda.cuh"
#include "device/device_buffer.hpp"
#include "tests/support/periodic_system.hpp"
#include "tests/support/serial_system.hpp"

namespace {

std::string source_dir() {
  const char* value = std::getenv("MD_SOURCE_DIR");
  return value != nullptr && *value != '\0' ? std::string(value) : std::string(MD_SOURCE_DIR);
}

md::test::SerialSystem water_system(double ghost_width) {
  const md::test::LammpsData water =
      md::test::read_lammps_data(source_dir() + "/configs/data/water.lmp");
  REQUIRE(water.types.size() == 192);
  md::test::SerialSystem s;
  for (int d = 0; d < 3; ++d) {
    s.box.lo[d] = 0.0;
    s.box.hi[d] = water.box[d];
    s.box.periodic[d] = true;
  }
  s.positions = water.positions;
  s.types = water.types;
  for (std::size_t i = 0; i < water.types.size(); ++i) {
    s.ids.push_back(static_cast<std::int64_t>(i) + 1);
  }
  s.build(ghost_width);
  return s;
}

/// Random values, with some exact zeros of both signs (the pack adds +0.0, so −0.0 must become
/// +0.0 on both sides).
std::vector<double> random_values(std::size_t n, unsigned seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> value(-3.0, 3.0);
  std::vector<double> x(n);
  for (std::size_t k = 0; k < n; ++k) {
    x[k] = k % 17 == 0 ? -0.0 : (k % 19 == 0 ? 0.0 : value(rng));
  }
  return x;
}

void require_bitwise_equal(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  if (std::memcmp(got.data(), want.data(), got.size() * sizeof(double)) == 0) return;
  for (std::size_t k = 0; k < got.size(); ++k) {
    if (std::memcmp(&got[k], &want[k], sizeof(double)) != 0) {
      INFO("first difference at value " << k << " (row " << k / 3 << " for 3 components)");
      CHECK(got[k] == want[k]);
      FAIL("device halo differs from the host halo");
    }
  }
}

enum class Operation { kForwardPositions, kForward, kReverseSum };

/// Applies `op` to `values` ([n_all][components]) with the host Halo and with `device`, from the
/// same input, and requires the same bits.
void check_operation(md::test::SerialSystem& s, md::DeviceHalo& device, Operation op,
                     const std::vector<double>& input, int components,
                     const md::CudaStream& stream) {
  std::vector<double> host = input;
  md::DeviceBuffer<double> d_values;
  d_values.upload(input.data(), input.size(), stream.get());
  switch (op) {
    case Operation::kForwardPositions:
      s.halo.forward_positions(s.comm, md::Span<double>(host));
      device.forward_positions(s.comm, d_values.data(), stream.get());
      break;
    case Operation::kForward:
      s.halo.forward(s.comm, md::Span<double>(host), components);
      device.forward(s.comm, d_values.data(), components, stream.get());
      break;
    case Operation::kReverseSum:
      s.halo.reverse_sum(s.comm, md::Span<double>(host), components);
      device.reverse_sum(s.comm, d_values.data(), components, stream.get());
      break;
  }
  std::vector<double> got(input.size());
  d_values.download(got.data(), got.size(), stream.get());
  require_bitwise_equal(got, host);
}

/// Every operation on system `s` (see the file comment).
void check_system(md::test::SerialSystem& s, md::DeviceHalo& device, bool device_self_swaps) {
  INFO("n_local " << s.n_local << ", n_all " << s.n_all << ", swaps " << s.halo.n_swaps()
                  << (device_self_swaps ? ", device self-swaps" : ", staged self-swaps"));
  md::CudaStream stream;
  device.set_device_self_swaps(device_self_swaps);
  device.set_plan(s.halo, stream.get());
  REQUIRE(device.n_swaps() == s.halo.n_swaps());
  REQUIRE(device.n_local() == s.n_local);
  REQUIRE(device.n_ghost() == s.n_all - s.n_local);
  const std::size_t n_all = static_cast<std::size_t>(s.n_all);

  for (int round = 0; round < 2; ++round) {
    INFO("round " << round);
    const std::size_t device_bytes = device.device_memory_bytes();
    const std::size_t pinned_bytes = device.pinned_memory_bytes();

    // Positions: owned atoms moved a little, ghosts stale; the halo refreshes the ghosts.
    std::vector<double> positions = s.positions;
    std::mt19937_64 rng(7 + round);
    std::uniform_real_distribution<double> step(-0.3, 0.3);
    for (int i = 0; i < 3 * s.n_local; ++i) positions[i] += step(rng);
    check_operation(s, device, Operation::kForwardPositions, positions, 3, stream);

    std::vector<double> values = random_values(3 * n_all, 11 + round);
    check_operation(s, device, Operation::kForward, values, 3, stream);
    check_operation(s, device, Operation::kReverseSum, values, 3, stream);
    values = random_values(9 * n_all, 13 + round);
    check_operation(s, device, Operation::kReverseSum, values, 9, stream);

    if (round == 1) {
      // The second round needs nothing new.
      CHECK(device.device_memory_bytes() == device_bytes);
      CHECK(device.pinned_memory_bytes() == pinned_bytes);
    }
  }
}

}  // namespace

TEST_CASE("device halo: water box, 8 A ghosts, equals the host halo bit for bit",
          "[halo_cuda]") {
  const bool device_self_swaps = GENERATE(true, false);
  md::test::SerialSystem s = water_system(8.0);
  REQUIRE(s.halo.n_swaps() == 6);
  REQUIRE(s.n_all > 2 * s.n_local);
  md::DeviceHalo device;
  check_system(s, device, device_self_swaps);
}

TEST_CASE("device halo: water box, 14 A ghosts (two hops), equals the host halo bit for bit",
          "[halo_cuda]") {
  const bool device_self_swaps = GENERATE(true, false);
  md::test::SerialSystem s = water_system(14.0);
  REQUIRE(s.halo.n_swaps() == 12);
  md::DeviceHalo device;
  check_system(s, device, device_self_swaps);
}

TEST_CASE("device halo: thin partly periodic box equals the host halo bit for bit",
          "[halo_cuda]") {
  const bool device_self_swaps = GENERATE(true, false);
  md::test::SerialSystem s =
      md::test::random_system(40, {0, 0, 0}, {2.5, 6.0, 7.0}, {true, true, false}, 2, 3);
  s.build(3.0);
  REQUIRE(s.halo.n_swaps() == 6);  // two hops along x, one along y, none along z
  md::DeviceHalo device;
  check_system(s, device, device_self_swaps);
}

TEST_CASE("device halo: one DeviceHalo reused across plans", "[halo_cuda]") {
  md::DeviceHalo device;
  md::test::SerialSystem small =
      md::test::random_system(40, {0, 0, 0}, {2.5, 6.0, 7.0}, {true, true, false}, 2, 3);
  small.build(3.0);
  md::test::SerialSystem water = water_system(14.0);
  check_system(small, device, true);
  check_system(water, device, false);
  check_system(small, device, true);
}

TEST_CASE("device halo: a tilted cell, then its box changed without a rebuild (new shifts)",
          "[halo_cuda][triclinic]") {
  const bool device_self_swaps = GENERATE(true, false);
  md::test::SerialSystem s = md::test::random_system(120, {0, 0, 0}, {9.0, 10.0, 8.0},
                                                     {true, true, true}, 2, 5, {4.0, -3.5, 4.5});
  s.build(5.0);
  md::DeviceHalo device;
  check_system(s, device, device_self_swaps);
  // A barostat's step: the box grows and shears a little; the host plan takes the new edge
  // vectors as shifts, the device takes them from the host plan, and both forward alike.
  md::Box moved = s.box;
  for (int d = 0; d < 3; ++d) moved.hi[d] += 0.05 * (d + 1);
  moved.tilt[md::Box::kXY] += 0.07;
  s.halo.update_shifts(moved);
  device.update_shifts(s.halo);
  md::CudaStream stream;
  check_operation(s, device, Operation::kForwardPositions, s.positions, 3, stream);
  CHECK(s.halo.ghost_shift_change(s.box, moved) > 0.0);
}
