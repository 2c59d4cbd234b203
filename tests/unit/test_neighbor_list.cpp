// SPDX-License-Identifier: MIT
/// \file
/// The halo plus the cell-list neighbour list against an O(N²) search over periodic images:
/// the same pairs, exactly, for full and half lists, in boxes larger and smaller than the list
/// radius (multi-hop ghosts), with periodic and fixed dimensions.
#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <random>
#include <set>
#include <tuple>

#include "engine/box_map.hpp"
#include "engine/neighbor_list.hpp"
#include "tests/support/serial_system.hpp"

namespace {

using md::test::SerialSystem;
// (id of i, id of j, displacement r_j - r_i quantised to 1e-6 Å): exact set equality up to the
// rounding of positions shifted by a box length.
using Pair = std::tuple<std::int64_t, std::int64_t, long long, long long, long long>;

long long quantise(double x) { return std::llround(x * 1e6); }

/// Every (i, j, image) with |r_j + n·H − r_i| < radius over all lattice translations n·H (H the
/// box's edge vectors), i local (the whole system), j any atom including i itself with n ≠ 0.
std::multiset<Pair> brute_force_pairs(const SerialSystem& original, double radius) {
  std::multiset<Pair> pairs;
  const md::Box& box = original.box;
  int reach[3];
  for (int d = 0; d < 3; ++d) {
    reach[d] = box.periodic[d] ? static_cast<int>(std::ceil(radius / box.width(d))) + 1 : 0;
  }
  double edges[3][3];
  for (int d = 0; d < 3; ++d) box.edge(d, edges[d]);
  const std::size_t n = original.ids.size();
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t j = 0; j < n; ++j) {
      for (int nx = -reach[0]; nx <= reach[0]; ++nx) {
        for (int ny = -reach[1]; ny <= reach[1]; ++ny) {
          for (int nz = -reach[2]; nz <= reach[2]; ++nz) {
            if (i == j && nx == 0 && ny == 0 && nz == 0) continue;
            const int shift[3] = {nx, ny, nz};
            double d[3];
            double r_sq = 0.0;
            for (int c = 0; c < 3; ++c) {
              d[c] = original.positions[3 * j + c] + shift[0] * edges[0][c] +
                     shift[1] * edges[1][c] + shift[2] * edges[2][c] - original.positions[3 * i + c];
              r_sq += d[c] * d[c];
            }
            if (r_sq < radius * radius) {
              pairs.insert({original.ids[i], original.ids[j], quantise(d[0]), quantise(d[1]),
                            quantise(d[2])});
            }
          }
        }
      }
    }
  }
  return pairs;
}

std::multiset<Pair> listed_pairs(const SerialSystem& s, const md::NeighborList& list) {
  std::multiset<Pair> pairs;
  const md::NeighborView v = list.view();
  for (int i = 0; i < s.n_local; ++i) {
    for (int k = v.offsets[i]; k < v.offsets[i + 1]; ++k) {
      const int j = v.neighbors[k];
      pairs.insert({s.ids[i], s.ids[j], quantise(s.positions[3 * j] - s.positions[3 * i]),
                    quantise(s.positions[3 * j + 1] - s.positions[3 * i + 1]),
                    quantise(s.positions[3 * j + 2] - s.positions[3 * i + 2])});
    }
  }
  return pairs;
}

/// A pair and its mirror (j, i, −d) are one physical pair: keep the one with i < j (or, for a
/// self-image, the one pointing "up").
Pair canonical(const Pair& p) {
  const auto [a, b, dx, dy, dz] = p;
  const Pair mirror{b, a, -dx, -dy, -dz};
  return std::min(p, mirror);
}

struct Case {
  int n_atoms;
  std::array<double, 3> lengths;
  std::array<bool, 3> periodic;
  double cutoff;
  double skin;
  std::array<double, 3> tilt{};  ///< xy, xz, yz
};

}  // namespace

TEST_CASE("neighbour lists equal a brute-force search over periodic images", "[neighbor]") {
  const Case c = GENERATE(Case{300, {12.0, 13.0, 14.0}, {true, true, true}, 3.0, 0.5},
                          Case{200, {7.0, 9.0, 8.0}, {true, true, true}, 4.0, 1.0},
                          // Box thinner than the list radius: ghosts need several hops.
                          Case{60, {3.1, 5.0, 4.35}, {true, true, true}, 3.5, 0.7},
                          Case{150, {10.0, 10.0, 10.0}, {true, false, true}, 3.0, 0.4},
                          Case{100, {8.0, 8.0, 8.0}, {false, false, false}, 3.0, 0.3},
                          // Strongly tilted cells (near LAMMPS's limits), wide and thin.
                          Case{300, {12.0, 13.0, 14.0}, {true, true, true}, 3.0, 0.5,
                               {5.5, -5.0, 6.0}},
                          Case{80, {6.0, 7.0, 6.5}, {true, true, true}, 3.5, 0.7,
                               {-2.9, 2.5, -3.4}},
                          Case{150, {10.0, 11.0, 10.0}, {true, false, true}, 3.0, 0.4,
                               {0.0, 4.0, 0.0}});
  const unsigned seed = GENERATE(1u, 2u);
  SerialSystem original = md::test::random_system(c.n_atoms, {-2.0, 1.0, 0.5}, c.lengths,
                                                  c.periodic, 2, seed, c.tilt);
  // Wrapping moves atoms by whole edge vectors; do it first so the reference sees the same atoms.
  for (std::size_t i = 0; i < original.ids.size(); ++i) {
    int image[3] = {0, 0, 0};
    original.box.wrap(&original.positions[3 * i], image);
  }
  const double radius = c.cutoff + c.skin;
  const auto reference = brute_force_pairs(original, radius);
  INFO("box " << c.lengths[0] << " x " << c.lengths[1] << " x " << c.lengths[2] << ", tilts "
              << c.tilt[0] << " " << c.tilt[1] << " " << c.tilt[2] << ", radius "
              << radius << ", seed " << seed);

  SECTION("full list") {
    SerialSystem s = original;
    s.build(radius);
    md::NeighborList list(md::NeighborKind::kFull, c.cutoff, c.skin);
    list.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
    CHECK(listed_pairs(s, list) == reference);
  }
  SECTION("half list holds every physical pair exactly once") {
    SerialSystem s = original;
    s.build(radius);
    md::NeighborList list(md::NeighborKind::kHalf, c.cutoff, c.skin);
    list.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
    std::multiset<Pair> got, expected;
    for (const Pair& p : listed_pairs(s, list)) got.insert(canonical(p));
    for (const Pair& p : reference) {
      if (canonical(p) == p) expected.insert(p);
    }
    CHECK(got == expected);
    CHECK(list.n_pairs() * 2 == reference.size());
  }
}

TEST_CASE("atoms in one plane (a cell grid of zero thickness) still find their neighbours",
          "[neighbor]") {
  SerialSystem original =
      md::test::random_system(80, {0, 0, 0}, {12.0, 12.0, 20.0}, {true, true, false}, 1, 9);
  for (std::size_t i = 0; i < original.ids.size(); ++i) original.positions[3 * i + 2] = 10.0;
  const auto reference = brute_force_pairs(original, 3.5);
  REQUIRE(!reference.empty());
  SerialSystem s = original;
  s.build(3.5);
  md::NeighborList list(md::NeighborKind::kFull, 3.0, 0.5);
  list.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
  CHECK(listed_pairs(s, list) == reference);
}

TEST_CASE("the skin/2 criterion triggers a rebuild only past half the skin", "[neighbor]") {
  SerialSystem s = md::test::random_system(50, {0, 0, 0}, {10, 10, 10}, {true, true, true}, 1, 7);
  s.build(3.0);
  md::NeighborList list(md::NeighborKind::kFull, 2.0, 1.0);
  list.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
  CHECK(list.max_displacement_sq(md::Span<const double>(s.positions), s.n_local) == 0.0);
  s.positions[3 * 7 + 1] += 0.49;
  CHECK_FALSE(list.exceeds_half_skin(list.max_displacement_sq(md::Span<const double>(s.positions),
                                                              s.n_local)));
  s.positions[3 * 7 + 1] += 0.02;
  CHECK(list.exceeds_half_skin(list.max_displacement_sq(md::Span<const double>(s.positions),
                                                        s.n_local)));
}

TEST_CASE("a list past its entry limit is refused with the count needed, never wrapped",
          "[neighbor]") {
  // The 32-bit limit (2^31 - 1 entries) is lowered to just below this system's pair count: the
  // build must stop with exit code 6 naming the full count, not wrap an offset.
  SerialSystem s = md::test::random_system(60, {0, 0, 0}, {9, 9, 9}, {true, true, true}, 1, 11);
  s.build(3.0);
  md::NeighborList unlimited(md::NeighborKind::kFull, 2.5, 0.5);
  unlimited.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
  const auto pairs = static_cast<std::int64_t>(unlimited.n_pairs());
  REQUIRE(pairs > 100);

  md::NeighborList at_limit(md::NeighborKind::kFull, 2.5, 0.5, pairs);
  at_limit.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
  CHECK(static_cast<std::int64_t>(at_limit.n_pairs()) == pairs);

  md::NeighborList limited(md::NeighborKind::kFull, 2.5, 0.5, pairs - 1);
  try {
    limited.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
    FAIL("no error");
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kOutOfMemory);
    CHECK_THAT(e.what(), Catch::Contains("needs " + std::to_string(pairs) + " entries") &&
                             Catch::Contains("more than the " + std::to_string(pairs - 1)) &&
                             Catch::Contains("more ranks"));
  }
  CHECK(limited.n_pairs() == 0);
  CHECK(md::neighbor_pairs_limit_error(3000000000LL, 12000000).what() ==
        std::string("the neighbour list of one rank needs 3000000000 entries for its 12000000 "
                    "atoms, more than the 2147483647 (2^31 - 1) one list can index: run on more "
                    "ranks (or GPUs) so that each holds fewer atoms, or reduce neighbor.skin_A"));
}

TEST_CASE("a list kept across box changes (new ghost shifts) holds every pair inside the cutoff "
          "while 2·moved + shift drift < skin",
          "[neighbor][triclinic]") {
  // What Simulation does for a barostat's step without a rebuild: map the owned atoms at fixed
  // fractional coordinates, give the halo the new edge vectors, forward the positions, and keep
  // the list while the bound says no pair can have crossed the skin.
  const double cutoff = 3.0, skin = 1.0;
  SerialSystem s = md::test::random_system(250, {0.0, 0.0, 0.0}, {11.0, 12.0, 10.0},
                                           {true, true, true}, 2, 4, {3.0, -2.5, 4.0});
  for (std::size_t i = 0; i < s.ids.size(); ++i) {
    int image[3] = {0, 0, 0};
    s.box.wrap(&s.positions[3 * i], image);
  }
  s.build(cutoff + skin);
  md::NeighborList list(md::NeighborKind::kFull, cutoff, skin);
  list.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
  const md::Box build_box = s.box;
  const std::vector<double> reference(s.positions.begin(), s.positions.begin() + 3 * s.n_local);
  std::mt19937_64 rng(17);
  std::uniform_real_distribution<double> jitter(-0.01, 0.01);
  int steps_checked = 0;
  for (int step = 0; step < 200; ++step) {
    md::Box box = s.box;  // expand by 0.1 % and shear a little each step
    for (int d = 0; d < 3; ++d) box.hi[d] = box.lo[d] + 1.001 * box.length(d);
    box.tilt[md::Box::kXY] += 0.004;
    box.tilt[md::Box::kYZ] -= 0.003;
    const md::BoxMap map = md::BoxMap::between(s.box, box);
    for (int i = 0; i < s.n_local; ++i) {
      md::map_position_atom(&s.positions[3 * i], map);
      for (int c = 0; c < 3; ++c) s.positions[3 * i + c] += jitter(rng);  // thermal motion
    }
    s.box = box;
    s.halo.update_shifts(box);
    s.halo.forward_positions(s.comm, md::Span<double>(s.positions));
    double moved_sq = 0.0;
    for (int i = 0; i < s.n_local; ++i) {
      double d2 = 0.0;
      for (int c = 0; c < 3; ++c) {
        const double d = s.positions[3 * i + c] - reference[3 * i + c];
        d2 += d * d;
      }
      moved_sq = std::max(moved_sq, d2);
    }
    const double drift = s.halo.ghost_shift_change(build_box, box);
    if (2.0 * std::sqrt(moved_sq) + drift > skin) break;  // Simulation would rebuild here
    // Every pair now inside the cutoff (brute force over images of the current cell) is listed.
    SerialSystem current = s;
    current.positions.resize(3 * static_cast<std::size_t>(s.n_local));
    current.ids.resize(s.n_local);
    std::multiset<Pair> listed;
    for (const Pair& p : listed_pairs(s, list)) listed.insert(p);
    for (const Pair& p : brute_force_pairs(current, cutoff)) {
      INFO("step " << step << ": pair " << std::get<0>(p) << "-" << std::get<1>(p));
      CHECK(listed.count(p) == 1);
    }
    ++steps_checked;
  }
  CHECK(steps_checked > 10);  // the bound let the list live for a while
}
