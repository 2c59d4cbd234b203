// SPDX-License-Identifier: MIT
/// \file
/// The affine map of positions into a new box (engine/box_map.hpp) and HostAtomKernels'
/// map_positions: every owned atom keeps its fractional coordinate, ghosts are untouched, and the
/// box's corners map onto the new corners; between tilted cells too, and a barostat's scaling
/// keeps a tilted cell's shape.
#include <catch2/catch.hpp>

#include <array>
#include <vector>

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

TEST_CASE("positions mapped between tilted cells keep their fractional coordinates",
          "[unit][box]") {
  md::Box from;
  for (int d = 0; d < 3; ++d) from.lo[d] = -1.0 + d, from.hi[d] = 9.0 + 2 * d;
  from.tilt[md::Box::kXY] = 4.0, from.tilt[md::Box::kXZ] = -3.5, from.tilt[md::Box::kYZ] = 2.5;
  md::Box to = from;
  to.lo[0] = -1.5, to.hi[1] = 12.5, to.hi[2] = 13.0;
  to.tilt[md::Box::kXY] = -2.0, to.tilt[md::Box::kXZ] = 1.0, to.tilt[md::Box::kYZ] = 3.0;
  const md::BoxMap map = md::BoxMap::between(from, to);
  // Fractional coordinates s of x in `box`: x − lo = s0·a + s1·b + s2·c, solved from z upward.
  const auto fractional = [](const md::Box& box, const double* x, double* s) {
    s[2] = (x[2] - box.lo[2]) / box.length(2);
    s[1] = (x[1] - box.lo[1] - s[2] * box.tilt[md::Box::kYZ]) / box.length(1);
    s[0] = (x[0] - box.lo[0] - s[1] * box.tilt[md::Box::kXY] - s[2] * box.tilt[md::Box::kXZ]) /
           box.length(0);
  };
  for (const auto& point : std::vector<std::array<double, 3>>{
           {0.0, 0.0, 0.0}, {1.0, 1.0, 1.0}, {0.3, 0.7, 0.1}, {-0.2, 1.4, 0.9}}) {
    double x[3] = {from.lo[0], from.lo[1], from.lo[2]};
    for (int d = 0; d < 3; ++d) {
      double edge[3];
      from.edge(d, edge);
      for (int c = 0; c < 3; ++c) x[c] += point[d] * edge[c];
    }
    md::map_position_atom(x, map);
    double s[3];
    fractional(to, x, s);
    for (int d = 0; d < 3; ++d) CHECK(s[d] == Approx(point[d]).margin(1e-14));
  }
  // Isotropic scaling about the centre keeps the cell's shape: every tilt scales too.
  const double factor[3] = {1.01, 1.01, 1.01};
  const md::Box scaled = md::scaled_about_centre(from, factor);
  for (int t = 0; t < 3; ++t) CHECK(scaled.tilt[t] == Approx(1.01 * from.tilt[t]).epsilon(1e-15));
  CHECK(scaled.volume() == Approx(1.01 * 1.01 * 1.01 * from.volume()).epsilon(1e-14));
}
