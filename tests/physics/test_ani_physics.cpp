// SPDX-License-Identifier: MIT
/// \file
/// ANI physics (potential/ani): forces and virial are derivatives of the energy (finite
/// differences), per-atom energies and virials add up, and the energy is invariant under
/// translation, rotation, permutation and replication of the periodic cell.
///
/// Model: the shipped ANI-2x member 0 (models/ani2x_member0.h5). Systems: the 192-atom water
/// box of shared/data/water-example with every coordinate moved by up to ±0.1 Å (periodic,
/// 12.4447 Å cell), and an open cluster of small molecules covering all seven elements.
#include <catch2/catch.hpp>
#include <cmath>
#include <functional>

#include "core/error.hpp"
#include "io/ani_model_reader.hpp"
#include "potential/ani/ani_potential.hpp"
#include "tests/support/ani_test_systems.hpp"
#include "tests/support/deep_test_util.hpp"

namespace {

using md::test::DeepResult;
using md::test::PeriodicSystem;

constexpr double kSkin = 1.0;  ///< neighbour-list skin, Å

const md::AniModel& shipped_model() {
  static const md::AniModel model =
      md::read_ani_model(std::string(MD_SOURCE_DIR) + "/models/ani2x_member0.h5");
  return model;
}

md::AniPotential make_potential(const std::vector<std::string>& types) {
  return md::AniPotential(shipped_model(), md::AniOptions{}, types);
}

struct Atoms {
  std::vector<double> positions;
  std::vector<int> types;
  std::array<double, 9> cell{};
};

Atoms perturbed_water(unsigned seed) {
  const md::test::LammpsData data = md::test::water_box();
  Atoms w{data.positions, data.types,
          md::test::orthorhombic_cell(data.box[0], data.box[1], data.box[2])};
  md::test::perturb(w.positions, 0.1, seed);
  return w;
}

const std::vector<std::string>& kClusterTypes = md::test::kAniClusterTypes;

Atoms molecule_cluster() {
  const md::test::AniCluster c = md::test::ani_molecule_cluster();
  return Atoms{c.positions, c.types, c.cell};
}

PeriodicSystem build(const Atoms& a, bool periodic, double cutoff) {
  return md::test::make_periodic_system(a.positions, a.types, a.cell,
                                        {periodic, periodic, periodic}, cutoff);
}

}  // namespace

TEST_CASE("ani physics: per-component finite differences match the forces", "[ani][physics]") {
  const bool periodic = GENERATE(true, false);
  INFO((periodic ? "periodic water" : "molecule cluster"));
  const Atoms a = periodic ? perturbed_water(3) : molecule_cluster();
  md::AniPotential pot =
      make_potential(periodic ? std::vector<std::string>{"O", "H"} : kClusterTypes);
  const double cutoff = pot.cutoff() + kSkin;
  const DeepResult r = md::test::evaluate(pot, build(a, periodic, cutoff));
  const double h = 1e-5;
  const int n = static_cast<int>(a.types.size());
  const int step = periodic ? 17 : 1;  // a spread subset of the water box
  for (int i = 0; i < n; i += step) {
    for (int c = 0; c < 3; ++c) {
      Atoms plus = a, minus = a;
      plus.positions[3 * i + c] += h;
      minus.positions[3 * i + c] -= h;
      const double fd = -(md::test::energy_of(pot, build(plus, periodic, cutoff)) -
                          md::test::energy_of(pot, build(minus, periodic, cutoff))) /
                        (2 * h);
      INFO("atom " << i << " component " << c);
      // Rounding |E|·1e-16/h ≈ 1e-7 eV/Å for |E| ~ 1e5 eV; truncation h²·∂³E ≈ 1e-9.
      CHECK(r.forces[3 * i + c] == Approx(fd).margin(2e-6));
    }
  }
}

TEST_CASE("ani physics: the virial is minus the strain derivative of the energy",
          "[ani][physics]") {
  md::AniPotential pot = make_potential({"O", "H"});
  const double cutoff = pot.cutoff() + kSkin;
  const Atoms w = perturbed_water(5);
  const PeriodicSystem sys = build(w, true, cutoff);
  const DeepResult r = md::test::evaluate(pot, sys);
  const double h = 1e-5;
  const auto strained = [&](int a, int b, double e) {
    Atoms s = w;
    for (std::size_t i = 0; i < s.types.size(); ++i) {
      s.positions[3 * i + a] += e * w.positions[3 * i + b];
    }
    for (int v = 0; v < 3; ++v) s.cell[3 * v + a] += e * w.cell[3 * v + b];
    return md::test::energy_of(pot, build(s, true, cutoff));
  };
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      const double fd = -(strained(a, b, h) - strained(a, b, -h)) / (2 * h);
      INFO("component " << a << b);
      CHECK(r.virial[3 * a + b] == Approx(fd).margin(1e-5));
    }
  }
  // The same virial as Σ_k F_k ⊗ r_k over local and ghost atoms, and as Σ of atom virials; the
  // energy as Σ of atom energies.
  const std::array<double, 9> from_forces = md::test::virial_from_forces(r, sys);
  const std::array<double, 9> from_atoms = md::test::virial_from_atoms(r);
  double energy = 0.0;
  for (double e : r.atom_energy) energy += e;
  CHECK(energy == Approx(r.energy).margin(1e-8));
  for (int k = 0; k < 9; ++k) {
    CHECK(from_forces[k] == Approx(r.virial[k]).margin(1e-8));
    CHECK(from_atoms[k] == Approx(r.virial[k]).margin(1e-8));
  }
}

TEST_CASE("ani physics: invariance under translation, rotation and permutation", "[ani][physics]") {
  md::AniPotential pot = make_potential(kClusterTypes);
  const double cutoff = pot.cutoff() + kSkin;
  const Atoms a = molecule_cluster();
  const DeepResult ref = md::test::evaluate(pot, build(a, false, cutoff));
  double total[3] = {0, 0, 0};
  for (std::size_t k = 0; k < ref.forces.size(); ++k) total[k % 3] += ref.forces[k];
  for (double f : total) CHECK(f == Approx(0.0).margin(1e-10));

  // Translation.
  Atoms moved = a;
  for (std::size_t k = 0; k < moved.positions.size(); ++k) moved.positions[k] += 0.37 * (k % 3 + 1);
  const DeepResult t = md::test::evaluate(pot, build(moved, false, cutoff));
  CHECK(t.energy == Approx(ref.energy).margin(1e-9));
  for (std::size_t k = 0; k < ref.forces.size(); ++k) {
    CHECK(t.forces[k] == Approx(ref.forces[k]).margin(1e-9));
  }

  // Rotation by 0.7 rad about (1, 2, 2)/3 (Rodrigues).
  const double axis[3] = {1.0 / 3, 2.0 / 3, 2.0 / 3};
  const md::test::Rotation rotation(axis, 0.7);
  const auto rotate = [&](const double* v, double* out) { rotation.apply(v, out); };
  Atoms turned = a;
  for (std::size_t i = 0; i < a.types.size(); ++i)
    rotate(&a.positions[3 * i], &turned.positions[3 * i]);
  const DeepResult rr = md::test::evaluate(pot, build(turned, false, cutoff));
  CHECK(rr.energy == Approx(ref.energy).margin(1e-9));
  for (std::size_t i = 0; i < a.types.size(); ++i) {
    double expected[3];
    rotate(&ref.forces[3 * i], expected);
    for (int k = 0; k < 3; ++k) CHECK(rr.forces[3 * i + k] == Approx(expected[k]).margin(1e-9));
  }

  // Permutation: reversed order.
  Atoms reversed;
  reversed.cell = a.cell;
  const int n = static_cast<int>(a.types.size());
  for (int i = n - 1; i >= 0; --i) {
    reversed.types.push_back(a.types[i]);
    reversed.positions.insert(reversed.positions.end(), &a.positions[3 * i],
                              &a.positions[3 * i] + 3);
  }
  const DeepResult p = md::test::evaluate(pot, build(reversed, false, cutoff));
  CHECK(p.energy == Approx(ref.energy).margin(1e-9));
  for (int i = 0; i < n; ++i) {
    for (int k = 0; k < 3; ++k) {
      CHECK(p.forces[3 * (n - 1 - i) + k] == Approx(ref.forces[3 * i + k]).margin(1e-9));
    }
  }
}

TEST_CASE("ani physics: replicating the water cell 2x2x2 multiplies the energy by 8",
          "[ani][physics]") {
  md::AniPotential pot = make_potential({"O", "H"});
  const double cutoff = pot.cutoff() + kSkin;
  md::test::LammpsData base = md::test::water_box();
  md::test::perturb(base.positions, 0.1, 12);
  const auto cell = md::test::orthorhombic_cell(base.box[0], base.box[1], base.box[2]);
  const DeepResult ref = md::test::evaluate(
      pot,
      md::test::make_periodic_system(base.positions, base.types, cell, {true, true, true}, cutoff));
  const md::test::LammpsData big = md::test::replicate(base, 2, 2, 2);
  const DeepResult r =
      md::test::evaluate(pot, md::test::make_periodic_system(
                                  big.positions, big.types,
                                  md::test::orthorhombic_cell(big.box[0], big.box[1], big.box[2]),
                                  {true, true, true}, cutoff));
  CHECK(r.energy == Approx(8 * ref.energy).epsilon(1e-13));
  for (int k = 0; k < 9; ++k) CHECK(r.virial[k] == Approx(8 * ref.virial[k]).margin(1e-8));
  const std::size_t n = base.types.size();
  for (std::size_t image = 0; image < 8; ++image) {
    for (std::size_t k = 0; k < 3 * n; ++k) {
      CHECK(r.forces[image * 3 * n + k] == Approx(ref.forces[k]).margin(1e-9));
    }
  }
}

TEST_CASE("ani: elements the model lacks and bad ensemble members are refused", "[ani][physics]") {
  using Catch::Matchers::Contains;
  const auto code_of = [](const std::function<void()>& f) {
    try {
      f();
    } catch (const md::Error& error) {
      return error.code();
    }
    return md::ExitCode::kOk;
  };
  const auto missing = [] {
    md::AniPotential pot(shipped_model(), md::AniOptions{"model.h5", {}}, {"O", "Fe", "Xx"});
  };
  CHECK(code_of(missing) == md::ExitCode::kModel);
  CHECK_THROWS_WITH(missing(), Contains("[Fe, Xx]") && Contains("[H, C, N, O, S, F, Cl]"));
  CHECK_THROWS_WITH(md::AniPotential(shipped_model(), md::AniOptions{"model.h5", {0, 1}}, {"O"}),
                    Contains("member 1 does not exist") && Contains("has 1 member (0 to 0)"));
  CHECK_THROWS_WITH(md::AniPotential(shipped_model(), md::AniOptions{"model.h5", {0, 0}}, {"O"}),
                    Contains("lists member 0 twice"));
}
