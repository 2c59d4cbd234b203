// SPDX-License-Identifier: MIT
/// \file Box: minimum image against a naive search over images; wrapping keeps x + image·L.
#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "core/box.hpp"

TEST_CASE("minimum image equals the nearest of all periodic images", "[box]") {
  md::Box box;
  box.lo[0] = -3.0, box.hi[0] = 7.5;
  box.lo[1] = 2.0, box.hi[1] = 5.0;
  box.lo[2] = 0.0, box.hi[2] = 20.0;
  box.periodic[2] = false;
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> dist(-60.0, 60.0);
  for (int trial = 0; trial < 2000; ++trial) {
    for (int d = 0; d < 3; ++d) {
      const double dx = dist(rng);
      const double got = box.minimum_image(d, dx);
      if (!box.periodic[d]) {
        CHECK(got == dx);
        continue;
      }
      double best = dx;
      for (int n = -40; n <= 40; ++n) {
        const double candidate = dx + n * box.length(d);
        if (std::abs(candidate) < std::abs(best)) best = candidate;
      }
      CHECK(std::abs(got) == Approx(std::abs(best)).margin(1e-12));
      CHECK(std::abs(got) <= 0.5 * box.length(d) + 1e-12);
      // got differs from dx by a whole number of box lengths.
      const double periods = (dx - got) / box.length(d);
      CHECK(periods == Approx(std::round(periods)).margin(1e-9));
    }
  }
}

TEST_CASE("wrapping puts x inside the box and keeps the unwrapped coordinate", "[box]") {
  md::Box box;
  box.lo[0] = -1.0, box.hi[0] = 4.0;
  for (double x : {-1.0, 3.9999999, 4.0, -1.0000001, 17.3, -12.2, 1e-17 - 1.0}) {
    double wrapped = x;
    int image = 2;
    box.wrap(0, wrapped, image);
    CHECK(wrapped >= box.lo[0]);
    CHECK(wrapped < box.hi[0]);
    CHECK(wrapped + (image - 2) * box.length(0) == Approx(x).margin(1e-12));
  }
}
