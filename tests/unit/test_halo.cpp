// SPDX-License-Identifier: MIT
/// \file Halo forward / reverse_sum on one rank: ghosts carry their owner's values; summing ghost
/// rows back gives every owner one contribution per image of itself.
#include <catch2/catch.hpp>

#include <map>

#include "tests/support/serial_system.hpp"

TEST_CASE("forward copies owner values to ghosts and positions get the periodic shift", "[halo]") {
  // A box thinner than the ghost width along x, so some atoms have several images.
  md::test::SerialSystem s =
      md::test::random_system(40, {0, 0, 0}, {2.5, 6.0, 7.0}, {true, true, false}, 2, 3);
  s.build(3.0);
  REQUIRE(s.n_all > s.n_local);
  std::vector<double> values(3 * s.n_all, -1.0);
  for (int i = 0; i < s.n_local; ++i) {
    for (int c = 0; c < 3; ++c) values[3 * i + c] = 10.0 * s.ids[i] + c;
  }
  s.halo.forward(s.comm, md::Span<double>(values), 3);
  for (int g = s.n_local; g < s.n_all; ++g) {
    for (int c = 0; c < 3; ++c) CHECK(values[3 * g + c] == 10.0 * s.ids[g] + c);
  }
  // Moving owned atoms and forwarding positions moves their images by the same amount.
  std::vector<double> before(s.positions);
  for (int i = 0; i < s.n_local; ++i) s.positions[3 * i + 1] += 0.01 * i;
  s.halo.forward_positions(s.comm, md::Span<double>(s.positions));
  std::map<std::int64_t, int> owner;
  for (int i = 0; i < s.n_local; ++i) owner[s.ids[i]] = i;
  for (int g = s.n_local; g < s.n_all; ++g) {
    const int i = owner.at(s.ids[g]);
    for (int c = 0; c < 3; ++c) {
      const double shift_before = before[3 * g + c] - before[3 * i + c];
      const double shift_after = s.positions[3 * g + c] - s.positions[3 * i + c];
      CHECK(shift_after == Approx(shift_before).margin(1e-12));
      // A ghost's shift is a whole number of box lengths (zero along the fixed z).
      const double periods = shift_after / s.box.length(c);
      CHECK(periods == Approx(std::round(periods)).margin(1e-9));
      if (c == 2) CHECK(shift_after == 0.0);
    }
  }
}

TEST_CASE("reverse_sum adds each ghost row onto its owner", "[halo]") {
  md::test::SerialSystem s =
      md::test::random_system(30, {0, 0, 0}, {3.0, 3.5, 9.0}, {true, true, true}, 1, 11);
  s.build(2.0);
  std::vector<double> ones(2 * s.n_all, 1.0);
  s.halo.reverse_sum(s.comm, md::Span<double>(ones), 2);
  std::map<std::int64_t, int> copies;
  for (int g = 0; g < s.n_all; ++g) ++copies[s.ids[g]];
  double total = 0.0;
  for (int i = 0; i < s.n_local; ++i) {
    CHECK(ones[2 * i] == copies[s.ids[i]]);
    CHECK(ones[2 * i + 1] == copies[s.ids[i]]);
    total += ones[2 * i];
  }
  CHECK(total == s.n_all);
}
