// SPDX-License-Identifier: MIT
/// \file
/// The affine map of positions into a new box (engine/box_map.hpp) and HostAtomKernels'
/// map_positions: every owned atom keeps its fractional coordinate, ghosts are untouched, and the
/// box's corners map onto the new corners.
#include <catch2/catch.hpp>

#include "engine/atom_kernels.hpp"
#include "engine/box_map.hpp"

TEST_CASE("positions mapped into a new box keep their fractional coordinates", "[unit][box]") {
  md::Box from, to;
  for (int d = 0; d < 3; ++d) {
    from.lo[d] = -2.0;
    from.hi[d] = 10.0;
    to.lo[d] = -2.5 + d;
    to.hi[d] = 11.0 + 2 * d;
  }
  const md::BoxMap map = md::BoxMap::between(from, to);
  double corner_lo[3] = {-2.0, -2.0, -2.0}, corner_hi[3] = {10.0, 10.0, 10.0};
  md::map_position_atom(corner_lo, map);
  md::map_position_atom(corner_hi, map);
  for (int d = 0; d < 3; ++d) {
    CHECK(corner_lo[d] == to.lo[d]);
    CHECK(corner_hi[d] == Approx(to.hi[d]).epsilon(1e-15));
  }

  md::ParticleState state;
  state.n_local = 2;
  state.n_ghost = 1;
  state.positions = {1.0, 4.0, 7.0, 9.0, -1.0, 0.0, 100.0, 100.0, 100.0};
  const std::vector<double> original = state.positions;
  md::HostAtomKernels kernels(state);
  kernels.map_positions(map);
  for (int i = 0; i < 2; ++i) {
    for (int d = 0; d < 3; ++d) {
      const double s_from = (original[3 * i + d] - from.lo[d]) / from.length(d);
      const double s_to = (state.positions[3 * i + d] - to.lo[d]) / to.length(d);
      CHECK(s_to == Approx(s_from).epsilon(1e-14));
    }
  }
  CHECK(state.positions[6] == 100.0);  // ghost rows are not the kernels' to move
  CHECK(state.positions[8] == 100.0);
}
