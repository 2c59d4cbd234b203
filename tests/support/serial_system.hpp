// SPDX-License-Identifier: MIT
/// \file
/// Test helper: atoms in a box made ready for a potential exactly as the engine does it on one rank
/// (wrap, halo with periodic images, neighbour list), plus brute-force references to check it.
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "comm/communicator.hpp"
#include "comm/domain.hpp"
#include "comm/halo.hpp"
#include "comm/migration.hpp"
#include "engine/neighbor_list.hpp"

namespace md::test {

struct SerialSystem {
  Communicator comm = Communicator::world();
  Box box;
  std::vector<double> positions;   // [n_all][3] after build()
  std::vector<double> velocities;  // [n_local][3]
  std::vector<int> images;
  std::vector<int> types;
  std::vector<std::int64_t> ids;
  int n_local = 0;
  int n_all = 0;
  Halo halo;

  /// Wraps, migrates (a no-op on one rank) and builds ghosts of width `ghost_width`.
  void build(double ghost_width) {
    Domain domain(box, comm);
    n_local = static_cast<int>(ids.size());
    velocities.resize(3 * static_cast<std::size_t>(n_local), 0.0);
    images.resize(3 * static_cast<std::size_t>(n_local), 0);
    n_local = migrate(domain, comm, OwnedAtoms{positions, velocities, images, types, ids}, 0);
    n_all = n_local + halo.build(domain, comm, ghost_width, n_local, positions, types, ids);
  }

  AtomsView view() const {
    AtomsView v;
    v.positions = Span<const double>(positions);
    v.types = Span<const int>(types);
    v.n_local = n_local;
    v.n_all = n_all;
    v.box = box;
    return v;
  }
};

/// `n` atoms uniformly at random in the cell at `lo` with `lengths` and tilt factors `tilt`
/// (xy, xz, yz; all zero: the orthogonal box [lo, lo + lengths)), ids 1..n, `n_types` types.
inline SerialSystem random_system(int n, std::array<double, 3> lo, std::array<double, 3> lengths,
                                  std::array<bool, 3> periodic, int n_types, unsigned seed,
                                  std::array<double, 3> tilt = {0.0, 0.0, 0.0}) {
  SerialSystem s;
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  for (int d = 0; d < 3; ++d) {
    s.box.lo[d] = lo[d];
    s.box.hi[d] = lo[d] + lengths[d];
    s.box.periodic[d] = periodic[d];
    s.box.tilt[d] = tilt[d];
  }
  for (int i = 0; i < n; ++i) {
    double f[3];
    for (double& fd : f) fd = unit(rng);
    // lo + f0·a + f1·b + f2·c (the tilt terms are exact zeros for an orthogonal box).
    s.positions.push_back(lo[0] + lengths[0] * f[0] + tilt[0] * f[1] + tilt[1] * f[2]);
    s.positions.push_back(lo[1] + lengths[1] * f[1] + tilt[2] * f[2]);
    s.positions.push_back(lo[2] + lengths[2] * f[2]);
    s.types.push_back(i % n_types);
    s.ids.push_back(i + 1);
  }
  return s;
}

}  // namespace md::test
