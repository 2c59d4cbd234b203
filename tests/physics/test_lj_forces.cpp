// SPDX-License-Identifier: MIT
/// \file
/// Lennard-Jones through the engine's halo and half neighbour list: forces are −∇E (central
/// finite differences), the virial is −∂E/∂ε (finite strain), forces sum to zero, and the shifted
/// energy differs from the unshifted one by exactly n_pairs · E(r_c).
#include <catch2/catch.hpp>

#include <cmath>

#include "potential/lennard_jones.hpp"
#include "tests/support/serial_system.hpp"

namespace {

constexpr double kCutoff = 5.0;
constexpr double kSkin = 0.5;

md::LennardJonesSpec argon_neon(bool shift) {
  md::LennardJonesSpec spec;
  spec.cutoff = kCutoff;
  spec.shift_energy = shift;
  spec.pairs = {{"Ar", "Ar", 0.0103, 3.405, 0.0}, {"Ne", "Ne", 0.0031, 2.75, 0.0}};
  return spec;  // Ar-Ne is mixed geometrically
}

struct Evaluation {
  double energy = 0.0;
  std::array<double, 9> virial{};
  std::vector<double> forces;  // [n_local][3] after the reverse sum
  std::size_t n_pairs = 0;
};

/// Positions of the n local atoms in `base` (box possibly strained), evaluated from scratch.
Evaluation evaluate(const md::test::SerialSystem& base, bool shift) {
  md::test::SerialSystem s = base;
  s.build(kCutoff + kSkin);
  md::LennardJones lj(argon_neon(shift), {"Ar", "Ne"});
  md::NeighborList list(lj.neighbor_kind(), kCutoff, kSkin);
  list.build(md::Span<const double>(s.positions), s.n_local, s.n_all);
  Evaluation e;
  std::vector<double> forces(3 * s.n_all);
  md::ForceOutput out;
  out.forces = md::Span<double>(forces);
  lj.compute(s.view(), list.view(), md::ComputeRequest{}, out);
  s.halo.reverse_sum(s.comm, md::Span<double>(forces), 3);
  e.energy = out.energy;
  e.virial = out.virial;
  e.forces.assign(forces.begin(), forces.begin() + 3 * s.n_local);
  e.n_pairs = list.n_pairs();
  return e;
}

md::test::SerialSystem liquid() {
  // A perturbed 5×5×5 simple-cubic lattice of alternating Ar and Ne, spacing 3.6 Å (18 Å box,
  // so the 5 Å cutoff is below half the box and the minimum image is the only image in range).
  md::test::SerialSystem s;
  std::mt19937_64 rng(2024);
  std::uniform_real_distribution<double> jitter(-0.3, 0.3);
  constexpr int kSites = 5;
  constexpr double kSpacing = 3.6;
  for (int d = 0; d < 3; ++d) s.box.hi[d] = kSites * kSpacing;
  for (int a = 0; a < kSites; ++a) {
    for (int b = 0; b < kSites; ++b) {
      for (int c = 0; c < kSites; ++c) {
        const int site[3] = {a, b, c};
        for (int d = 0; d < 3; ++d) s.positions.push_back((site[d] + 0.5) * kSpacing + jitter(rng));
        s.types.push_back(static_cast<int>(s.ids.size() % 2));
        s.ids.push_back(static_cast<std::int64_t>(s.ids.size()) + 1);
      }
    }
  }
  return s;
}

}  // namespace

TEST_CASE("lj/cut forces are the negative gradient of the energy", "[lj][physics]") {
  const bool shift = GENERATE(false, true);
  const md::test::SerialSystem s = liquid();
  const Evaluation e0 = evaluate(s, shift);
  double sum[3] = {0, 0, 0};
  for (std::size_t i = 0; i < s.ids.size(); ++i) {
    for (int c = 0; c < 3; ++c) sum[c] += e0.forces[3 * i + c];
  }
  for (double f : sum) CHECK(std::abs(f) < 1e-12);
  // Central differences with h = 1e-5 Å: truncation ~h²·|E'''| ≈ 1e-10 eV/Å, round-off
  // ≈ 1e-16·|E|/h ≈ 1e-11 eV/Å; forces are O(0.1) eV/Å, so 1e-7 eV/Å fails any real error.
  const double h = 1e-5;
  for (int i : {0, 17, 63, 124}) {
    for (int c = 0; c < 3; ++c) {
      md::test::SerialSystem plus = s, minus = s;
      plus.positions[3 * i + c] += h;
      minus.positions[3 * i + c] -= h;
      const double fd = -(evaluate(plus, shift).energy - evaluate(minus, shift).energy) / (2 * h);
      CHECK(e0.forces[3 * i + c] == Approx(fd).margin(1e-7));
    }
  }
}

TEST_CASE("lj/cut virial equals the strain derivative of the energy", "[lj][physics]") {
  const md::test::SerialSystem s = liquid();
  const Evaluation e0 = evaluate(s, true);
  const double eps = 1e-6;
  for (int a = 0; a < 3; ++a) {
    // Diagonal strain of the orthogonal box: positions and box scaled along a.
    auto strained = [&](double e) {
      md::test::SerialSystem t = s;
      t.box.hi[a] = t.box.lo[a] + (1.0 + e) * s.box.length(a);
      for (std::size_t i = 0; i < t.ids.size(); ++i) {
        t.positions[3 * i + a] = t.box.lo[a] + (1.0 + e) * (s.positions[3 * i + a] - s.box.lo[a]);
      }
      return evaluate(t, true).energy;
    };
    const double derivative = (strained(eps) - strained(-eps)) / (2 * eps);
    CHECK(e0.virial[4 * a] == Approx(-derivative).epsilon(1e-6).margin(1e-8));
  }
  // The virial tensor of a pair potential is symmetric.
  CHECK(e0.virial[1] == Approx(e0.virial[3]).margin(1e-14));
  CHECK(e0.virial[2] == Approx(e0.virial[6]).margin(1e-14));
}

TEST_CASE("energy shifting subtracts E(r_c) once per pair inside the cutoff", "[lj][physics]") {
  const md::test::SerialSystem s = liquid();
  const Evaluation plain = evaluate(s, false);
  const Evaluation shifted = evaluate(s, true);
  // Count pairs inside the cutoff per type pair with an O(N²) minimum-image loop (18 Å box,
  // cutoff 5 Å < L/2, so the minimum image is the only image in range).
  md::LennardJones lj(argon_neon(false), {"Ar", "Ne"});
  double expected_difference = 0.0;
  for (std::size_t i = 0; i < s.ids.size(); ++i) {
    for (std::size_t j = i + 1; j < s.ids.size(); ++j) {
      double dx[3];
      for (int d = 0; d < 3; ++d) dx[d] = s.positions[3 * j + d] - s.positions[3 * i + d];
      s.box.minimum_image(dx);
      const double r_sq = dx[0] * dx[0] + dx[1] * dx[1] + dx[2] * dx[2];
      if (r_sq >= kCutoff * kCutoff) continue;
      const auto& c = lj.coeff(s.types[i], s.types[j]);
      double unused = 0.0;
      expected_difference += md::lennard_jones_pair(c, c.cutoff_sq, unused);
    }
  }
  CHECK(plain.energy - shifted.energy == Approx(expected_difference).epsilon(1e-10));
  for (std::size_t k = 0; k < plain.forces.size(); ++k) CHECK(plain.forces[k] == shifted.forces[k]);
}
