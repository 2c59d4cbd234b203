// SPDX-License-Identifier: MIT
/// \file Box: minimum image against a naive search over images, wrapping keeps the unwrapped
/// position, the untilted coordinates and widths of a tilted cell against their definitions, and
/// the orthogonal box's bits against the per-dimension formulas it had before tilts existed.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/box.hpp"

namespace {

/// A strongly tilted cell (|tilt| close to LAMMPS's limit of half a length).
md::Box tilted_box() {
  md::Box box;
  box.lo[0] = -3.0, box.hi[0] = 9.0;  // lx 12
  box.lo[1] = 2.0, box.hi[1] = 12.0;  // ly 10
  box.lo[2] = 0.5, box.hi[2] = 11.5;  // lz 11
  box.tilt[md::Box::kXY] = 5.5;
  box.tilt[md::Box::kXZ] = -4.0;
  box.tilt[md::Box::kYZ] = 4.5;
  return box;
}

/// x = lo + s0·a + s1·b + s2·c.
void from_fractional(const md::Box& box, const double* s, double* x) {
  for (int c = 0; c < 3; ++c) x[c] = box.lo[c];
  for (int d = 0; d < 3; ++d) {
    double edge[3];
    box.edge(d, edge);
    for (int c = 0; c < 3; ++c) x[c] += s[d] * edge[c];
  }
}

double norm(const double* v) { return std::sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2]); }

}  // namespace

TEST_CASE("minimum image equals the nearest of all periodic images (orthogonal)", "[box]") {
  md::Box box;
  box.lo[0] = -3.0, box.hi[0] = 7.5;
  box.lo[1] = 2.0, box.hi[1] = 5.0;
  box.lo[2] = 0.0, box.hi[2] = 20.0;
  box.periodic[2] = false;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> dist(-60.0, 60.0);
  for (int trial = 0; trial < 2000; ++trial) {
    double dx[3] = {dist(rng), dist(rng), dist(rng)};
    const double original[3] = {dx[0], dx[1], dx[2]};
    box.minimum_image(dx);
    for (int d = 0; d < 3; ++d) {
      if (!box.periodic[d]) {
        CHECK(dx[d] == original[d]);
        continue;
      }
      // Bit for bit the per-dimension formula of an orthogonal box.
      CHECK(dx[d] == original[d] - box.length(d) * std::nearbyint(original[d] / box.length(d)));
      CHECK(std::abs(dx[d]) <= 0.5 * box.length(d) + 1e-12);
    }
  }
}

TEST_CASE("in a tilted cell the minimum image is the nearest lattice image for short vectors",
          "[box]") {
  const md::Box box = tilted_box();
  double narrowest = INFINITY;
  for (int d = 0; d < 3; ++d) narrowest = std::min(narrowest, box.width(d));
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> unit(-1.0, 1.0);
  std::uniform_int_distribution<int> image(-3, 3);
  int checked = 0;
  for (int trial = 0; trial < 3000; ++trial) {
    // A short vector moved by a random lattice translation.
    double short_vector[3];
    for (double& v : short_vector) v = unit(rng) * 0.3 * narrowest;
    if (norm(short_vector) >= 0.5 * narrowest) continue;
    const int n[3] = {image(rng), image(rng), image(rng)};
    double dx[3] = {short_vector[0], short_vector[1], short_vector[2]};
    for (int d = 0; d < 3; ++d) {
      double edge[3];
      box.edge(d, edge);
      for (int c = 0; c < 3; ++c) dx[c] += n[d] * edge[c];
    }
    box.minimum_image(dx);
    for (int c = 0; c < 3; ++c) CHECK(dx[c] == Approx(short_vector[c]).margin(1e-10));
    ++checked;
  }
  CHECK(checked > 1000);
}

TEST_CASE("wrapping puts a position inside the cell and keeps the unwrapped position", "[box]") {
  SECTION("orthogonal, one dimension, edge cases at the faces") {
    md::Box box;
    box.lo[0] = -1.0, box.hi[0] = 4.0;
    for (double x0 : {-1.0, 3.9999999, 4.0, -1.0000001, 17.3, -12.2, 1e-17 - 1.0}) {
      double x[3] = {x0, 0.5, 0.5};
      box.hi[1] = box.hi[2] = 1.0;
      int image[3] = {2, 0, 0};
      box.wrap(x, image);
      CHECK(x[0] >= box.lo[0]);
      CHECK(x[0] < box.hi[0]);
      CHECK(x[0] + (image[0] - 2) * box.length(0) == Approx(x0).margin(1e-12));
      // The per-dimension formula of the orthogonal box, bit for bit (no face case here).
      if (x0 != 4.0 && x0 != 1e-17 - 1.0) {
        CHECK(x[0] == x0 - std::floor((x0 - box.lo[0]) / box.length(0)) * box.length(0));
      }
    }
  }
  SECTION("tilted, random positions far outside") {
    const md::Box box = tilted_box();
    std::mt19937_64 rng(11);
    std::uniform_real_distribution<double> far(-4.0, 5.0);
    for (int trial = 0; trial < 2000; ++trial) {
      const double s[3] = {far(rng), far(rng), far(rng)};
      double x[3];
      from_fractional(box, s, x);
      const double original[3] = {x[0], x[1], x[2]};
      int image[3] = {0, 0, 0};
      box.wrap(x, image);
      for (int d = 0; d < 3; ++d) {
        CHECK(box.contains(x, d));
        CHECK(image[d] == static_cast<int>(std::floor(s[d])));
      }
      double unwrapped[3];
      box.unwrap(x, image, unwrapped);
      for (int c = 0; c < 3; ++c) CHECK(unwrapped[c] == Approx(original[c]).margin(1e-11));
    }
  }
}

TEST_CASE("untilted coordinates are lo + L·s; widths are the distances between faces", "[box]") {
  const md::Box box = tilted_box();
  std::mt19937_64 rng(3);
  std::uniform_real_distribution<double> frac(-0.5, 1.5);
  for (int trial = 0; trial < 200; ++trial) {
    const double s[3] = {frac(rng), frac(rng), frac(rng)};
    double x[3];
    from_fractional(box, s, x);
    for (int d = 0; d < 3; ++d) {
      CHECK(box.untilted(x, d) == Approx(box.lo[d] + box.length(d) * s[d]).margin(1e-12));
    }
  }
  // Width along d = volume / |area of the face spanned by the other two edges|.
  double e[3][3];
  for (int d = 0; d < 3; ++d) box.edge(d, e[d]);
  for (int d = 0; d < 3; ++d) {
    const double* u = e[(d + 1) % 3];
    const double* v = e[(d + 2) % 3];
    const double cross[3] = {u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2],
                             u[0] * v[1] - u[1] * v[0]};
    CHECK(box.width(d) == Approx(box.volume() / norm(cross)).epsilon(1e-14));
    CHECK(box.width(d) <= box.length(d));  // equal along z: c is the only edge off the xy plane
  }
  // An orthogonal box: untilted is the coordinate itself and widths are the lengths, exactly.
  md::Box orthogonal;
  orthogonal.hi[0] = 3.1, orthogonal.hi[1] = 4.7, orthogonal.hi[2] = 5.3;
  const double x[3] = {1.234567, -2.5, 7.75};
  for (int d = 0; d < 3; ++d) {
    CHECK(orthogonal.untilted(x, d) == x[d]);
    CHECK(orthogonal.width(d) == orthogonal.length(d));
    CHECK(orthogonal.width_factor(d) == 1.0);
  }
  CHECK_FALSE(orthogonal.triclinic());
  CHECK(box.triclinic());
}

TEST_CASE("a cell skewed past LAMMPS's limit flips into the same lattice; atoms keep their "
          "unwrapped positions",
          "[box]") {
  struct Case {
    double xy, xz, yz;
  };
  // Each tilt past (0.5 + margin)·L, on either side, alone and together (yz's flip also moves xz).
  const Case c = GENERATE(Case{7.5, 0.0, 0.0}, Case{-7.5, 0.0, 0.0}, Case{0.0, 7.4, 0.0},
                          Case{0.0, -7.4, 0.0}, Case{0.0, 0.0, 6.7}, Case{0.0, 0.0, -6.7},
                          Case{7.3, -7.4, 6.8}, Case{-7.3, 7.4, -6.8}, Case{2.0, 1.0, 0.5});
  md::Box box;
  box.lo[0] = -1.0, box.hi[0] = 11.0;  // lx 12: flips past 7.2
  box.lo[1] = 0.0, box.hi[1] = 11.0;   // ly 11: flips past 6.6
  box.lo[2] = 2.0, box.hi[2] = 12.0;
  box.tilt[0] = c.xy, box.tilt[1] = c.xz, box.tilt[2] = c.yz;
  md::Box flipped = box;
  int flips[3];
  const bool any = md::flip_cell(flipped, flips);
  CHECK(any == (std::abs(c.xy) > 7.2 || std::abs(c.xz) > 7.2 || std::abs(c.yz) > 6.6));
  CHECK(std::abs(flipped.tilt[md::Box::kYZ]) <= 0.5 * box.length(1) + 1e-12);
  CHECK(std::abs(flipped.tilt[md::Box::kXY]) <= (0.5 + md::kFlipMargin) * box.length(0));
  CHECK(flipped.volume() == box.volume());
  std::mt19937_64 rng(5);
  std::uniform_real_distribution<double> frac(-2.0, 3.0);
  for (int trial = 0; trial < 200; ++trial) {
    const double s[3] = {frac(rng), frac(rng), frac(rng)};
    double x[3];
    from_fractional(box, s, x);
    int image[3] = {0, 0, 0};
    box.wrap(x, image);  // an atom of the old cell with its images
    double before[3];
    box.unwrap(x, image, before);
    md::flip_images(image, flips);
    flipped.wrap(x, image);
    double after[3];
    flipped.unwrap(x, image, after);
    for (int d = 0; d < 3; ++d) {
      CHECK(flipped.contains(x, d));
      CHECK(after[d] == Approx(before[d]).margin(1e-10));
    }
  }
}
