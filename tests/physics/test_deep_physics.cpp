// SPDX-License-Identifier: MIT
/// \file
/// Deep Potential physics: forces and virial are derivatives of the energy (finite
/// differences), and the energy is invariant under translation, rotation, permutation and
/// replication of the periodic cell.
///
/// System: the 192-atom water box of shared/data/water-example, every coordinate moved by up to
/// ±0.1 Å, in its periodic 12.4447 Å cell. Models: the DeePMD-kit fixture (type_one_side, 3-6-12
/// doubling embedding) and the random test models of tests/data/models: type_one_side false with
/// a 4-8-16 doubling embedding, 8-8-8 identity residuals with timesteps (gelu/silu), 4-8-16
/// one-side with a wide switching region, and exclusions + slot-dependent statistics +
/// env_protection (silut/softplus).
#include <catch2/catch.hpp>
#include <cmath>

#include "tests/support/deep_test_util.hpp"

namespace {

using md::test::DeepResult;
using md::test::PeriodicSystem;

constexpr double kSkin = 1.0;  ///< neighbour-list skin, Å

const char* const kModels[] = {"two_side_doubled.dp", "one_side_equal.dp", "one_side_doubled.dp",
                               "exclusions.dp", "fixture"};

md::DeepModel load(const std::string& name) {
  return md::read_deepmd_model(name == "fixture" ? md::test::deep_fixture_model()
                                                 : md::test::deep_test_model(name));
}

struct Water {
  std::vector<double> positions;
  std::vector<int> types;
  std::array<double, 9> cell{};
};

Water perturbed_water(unsigned seed) {
  const md::test::LammpsData data = md::test::water_box();
  Water w{data.positions, data.types,
          md::test::orthorhombic_cell(data.box[0], data.box[1], data.box[2])};
  md::test::perturb(w.positions, 0.1, seed);
  return w;
}

PeriodicSystem build(const Water& w, double cutoff) {
  return md::test::make_periodic_system(w.positions, w.types, w.cell, {true, true, true}, cutoff);
}

double energy_at(md::DeepPotential& pot, const Water& w, double cutoff) {
  return md::test::energy_of(pot, build(w, cutoff));
}

}  // namespace

TEST_CASE("deepmd physics: directional finite difference of the energy is the force",
          "[deepmd][physics]") {
  const std::string name =
      GENERATE(values<std::string>({kModels[0], kModels[1], kModels[2], kModels[3], kModels[4]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  const double cutoff = model.rcut + kSkin;
  const Water w = perturbed_water(7);
  const DeepResult r = md::test::evaluate(pot, build(w, cutoff), false);

  // Move all atoms along u = F/|F|: dE/ds = −|F|. Four-point central difference, error O(h⁴).
  double norm = 0.0;
  for (double f : r.forces) norm += f * f;
  norm = std::sqrt(norm);
  REQUIRE(norm > 0.0);
  const double h = 1e-3;  // Å along the unit 576-vector
  const auto shifted = [&](double s) {
    Water moved = w;
    for (std::size_t k = 0; k < moved.positions.size(); ++k) {
      moved.positions[k] += s * r.forces[k] / norm;
    }
    return energy_at(pot, moved, cutoff);
  };
  const double slope =
      (shifted(-2 * h) - 8 * shifted(-h) + 8 * shifted(h) - shifted(2 * h)) / (12 * h);
  // Truncation ~h⁴·E⁽⁵⁾ ≈ 1e-12 relative; rounding ≈ 18·|E|·ε/(12h) ≈ 2e-10 eV/Å against
  // |F| ≈ 10–50 eV/Å. 1e-7 relative leaves a wide margin yet catches any wrong derivative term.
  CHECK(slope == Approx(-norm).epsilon(1e-7));
}

TEST_CASE("deepmd physics: per-component finite differences match the forces",
          "[deepmd][physics]") {
  const std::string name =
      GENERATE(values<std::string>({kModels[0], kModels[1], kModels[2], kModels[3], kModels[4]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  const double cutoff = model.rcut + kSkin;
  const Water w = perturbed_water(8);
  const DeepResult r = md::test::evaluate(pot, build(w, cutoff), false);
  const double h = 1e-5;  // Å
  for (int i : {0, 5, 64, 100, 191}) {
    for (int a = 0; a < 3; ++a) {
      Water plus = w, minus = w;
      plus.positions[3 * i + a] += h;
      minus.positions[3 * i + a] -= h;
      const double fd = -(energy_at(pot, plus, cutoff) - energy_at(pot, minus, cutoff)) / (2 * h);
      INFO("atom " << i << " component " << a);
      // Central difference: truncation h²·E'''/6 ≈ 1e-9 eV/Å; rounding |E|·ε/h ≈ 2e-9 eV/Å.
      CHECK(r.forces[3 * i + a] == Approx(fd).margin(1e-6));
    }
  }
}

TEST_CASE("deepmd physics: the virial is minus the strain derivative of the energy",
          "[deepmd][physics]") {
  const std::string name =
      GENERATE(values<std::string>({kModels[0], kModels[1], kModels[2], kModels[3], kModels[4]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  const double cutoff = model.rcut + kSkin;
  const Water w = perturbed_water(9);
  const PeriodicSystem sys = build(w, cutoff);
  const DeepResult r = md::test::evaluate(pot, sys);

  // W[3a+b] = −∂E/∂ε_ab for r → (I + ε) r applied to atoms and cell vectors (all 9, shears
  // included, so the cell becomes triclinic).
  const double h = 1e-5;
  const auto strained = [&](int a, int b, double e) {
    Water s = w;
    for (std::size_t i = 0; i < s.types.size(); ++i)
      s.positions[3 * i + a] += e * w.positions[3 * i + b];
    for (int v = 0; v < 3; ++v) s.cell[3 * v + a] += e * w.cell[3 * v + b];
    return energy_at(pot, s, cutoff);
  };
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      const double fd = -(strained(a, b, h) - strained(a, b, -h)) / (2 * h);
      INFO("component " << a << b);
      // Rounding |E|·ε/h ≈ 2e-9 eV, truncation h²·∂³E ≈ 1e-8 eV against |W| ~ 1–100 eV.
      CHECK(r.virial[3 * a + b] == Approx(fd).margin(1e-6));
    }
  }
  // The same virial as Σ_k F_k ⊗ r_k over local and ghost atoms, and as Σ of atom virials.
  const std::array<double, 9> from_forces = md::test::virial_from_forces(r, sys);
  const std::array<double, 9> from_atoms = md::test::virial_from_atoms(r);
  double energy = 0.0;
  for (double e : r.atom_energy) energy += e;
  CHECK(energy == Approx(r.energy).margin(1e-9));
  for (int k = 0; k < 9; ++k) {
    CHECK(from_forces[k] == Approx(r.virial[k]).margin(1e-9));
    CHECK(from_atoms[k] == Approx(r.virial[k]).margin(1e-9));
  }
}

TEST_CASE("deepmd physics: invariance under translation and permutation", "[deepmd][physics]") {
  const std::string name = GENERATE(values<std::string>({kModels[0], kModels[3]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  const double cutoff = model.rcut + kSkin;
  const Water w = perturbed_water(10);
  const DeepResult ref = md::test::evaluate(pot, build(w, cutoff));
  const std::size_t n = w.types.size();
  // Rounding only: sums of ~10⁴ terms of O(1) eV.
  constexpr double kTol = 1e-9;

  Water moved = w;  // a translation that also wraps atoms across the cell faces
  for (std::size_t i = 0; i < n; ++i) {
    moved.positions[3 * i] += 3.7;
    moved.positions[3 * i + 1] -= 5.1;
    moved.positions[3 * i + 2] += 11.3;
  }
  const DeepResult t = md::test::evaluate(pot, build(moved, cutoff));
  CHECK(t.energy == Approx(ref.energy).margin(kTol));
  for (std::size_t k = 0; k < 3 * n; ++k) CHECK(t.forces[k] == Approx(ref.forces[k]).margin(kTol));

  std::vector<std::size_t> perm(n);
  for (std::size_t i = 0; i < n; ++i) perm[i] = (i * 77 + 13) % n;  // 77 is coprime with 192
  Water shuffled = w;
  for (std::size_t i = 0; i < n; ++i) {
    shuffled.types[i] = w.types[perm[i]];
    for (int a = 0; a < 3; ++a) shuffled.positions[3 * i + a] = w.positions[3 * perm[i] + a];
  }
  const DeepResult p = md::test::evaluate(pot, build(shuffled, cutoff));
  CHECK(p.energy == Approx(ref.energy).margin(kTol));
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(p.atom_energy[i] == Approx(ref.atom_energy[perm[i]]).margin(kTol));
    for (int a = 0; a < 3; ++a) {
      CHECK(p.forces[3 * i + a] == Approx(ref.forces[3 * perm[i] + a]).margin(kTol));
    }
  }
}

TEST_CASE("deepmd physics: a rotated cluster has the same energy and rotated forces",
          "[deepmd][physics]") {
  const std::string name = GENERATE(values<std::string>({kModels[0], kModels[2], kModels[4]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  const double cutoff = model.rcut + kSkin;
  const Water w = perturbed_water(11);  // used as an open cluster: no periodic images
  const std::array<bool, 3> open = {false, false, false};
  const auto ref = md::test::evaluate(
      pot, md::test::make_periodic_system(w.positions, w.types, w.cell, open, cutoff));
  // Rotation by 0.7 rad about the axis (1, 2, 2)/3 (Rodrigues), about the origin.
  const double axis[3] = {1.0 / 3, 2.0 / 3, 2.0 / 3};
  const md::test::Rotation rotation(axis, 0.7);
  const auto rotate = [&](const double* v, double* out) { rotation.apply(v, out); };
  std::vector<double> turned(w.positions.size());
  for (std::size_t i = 0; i < w.types.size(); ++i) rotate(&w.positions[3 * i], &turned[3 * i]);
  const auto r = md::test::evaluate(
      pot, md::test::make_periodic_system(turned, w.types, w.cell, open, cutoff));
  CHECK(r.energy == Approx(ref.energy).margin(1e-9));
  for (std::size_t i = 0; i < w.types.size(); ++i) {
    double expected[3];
    rotate(&ref.forces[3 * i], expected);
    for (int a = 0; a < 3; ++a) CHECK(r.forces[3 * i + a] == Approx(expected[a]).margin(1e-9));
  }
}

TEST_CASE("deepmd physics: replicating the cell 2x2x2 multiplies the energy by 8",
          "[deepmd][physics]") {
  const std::string name = GENERATE(values<std::string>({kModels[0], kModels[4]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  const double cutoff = model.rcut + kSkin;
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
  CHECK(r.energy == Approx(8 * ref.energy).margin(1e-8));
  for (int k = 0; k < 9; ++k) CHECK(r.virial[k] == Approx(8 * ref.virial[k]).margin(1e-8));
  const std::size_t n = base.types.size();
  for (std::size_t image = 0; image < 8; ++image) {
    for (std::size_t k = 0; k < 3 * n; ++k) {
      CHECK(r.forces[image * 3 * n + k] == Approx(ref.forces[k]).margin(1e-9));
    }
  }
}

TEST_CASE("deepmd physics: with slot-dependent statistics forces are still -dE/dx",
          "[deepmd][physics]") {
  // davg/dstd that vary slot by slot select the general path (sorted slots, per-slot padding).
  // Such a model is discontinuous where two neighbours swap distance order, so the steps are
  // small (1e-6 Å) and only a few coordinates are probed.
  md::DeepModel model = load("one_side_doubled.dp");
  const int n_nei = model.n_nei();
  for (int t = 0; t < model.n_types(); ++t) {
    for (int k = 0; k < n_nei; ++k) {
      for (int c = 0; c < 4; ++c) {
        const std::size_t at = (static_cast<std::size_t>(t) * n_nei + k) * 4 + c;
        model.dstd[at] *= 1.0 + 0.1 * std::cos(3.0 * k + c);
        model.davg[at] =
            c == 0 ? model.davg[at] * (1.0 + 0.1 * std::sin(k)) : 0.001 * std::sin(k + c);
      }
    }
  }
  md::DeepPotential pot(model, md::DeepPotentialOptions{}, {"O", "H"});
  REQUIRE_FALSE(pot.uses_uniform_statistics());
  const double cutoff = model.rcut + kSkin;
  const Water w = perturbed_water(13);
  const DeepResult r = md::test::evaluate(pot, build(w, cutoff), false);
  const double h = 1e-6;  // Å
  for (int i : {3, 77, 150}) {
    for (int a = 0; a < 3; ++a) {
      Water plus = w, minus = w;
      plus.positions[3 * i + a] += h;
      minus.positions[3 * i + a] -= h;
      const double fd = -(energy_at(pot, plus, cutoff) - energy_at(pot, minus, cutoff)) / (2 * h);
      INFO("atom " << i << " component " << a);
      // Rounding |E|·ε/h ≈ 2e-7 eV/Å dominates; truncation is ~1e-12.
      CHECK(r.forces[3 * i + a] == Approx(fd).margin(2e-6));
    }
  }
}
