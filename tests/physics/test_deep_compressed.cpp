// SPDX-License-Identifier: MIT
/// \file
/// The compressed Deep Potential (potential.compress: embedding nets tabulated at load,
/// potential/deep/embedding_table.hpp, fused with the descriptor, tabulated_embedding.hpp):
///  - the nets' scalar-input derivatives the tables are built from;
///  - the tables: DeePMD-kit's knots and bounds on the shipped model, exact at the knots, C² across
///    them, and an error that falls as the sixth power of the stride (quintic interpolation);
///  - the compressed model against the exact one (energies, forces, virials) on every test model,
///    the DeePMD-kit fixture and the shipped model;
///  - forces and virials as the compressed model's own exact derivatives (finite differences);
///  - a pair closer than the tables cover stops the run, naming the pair.
/// Models without a recorded min_nbor_dist (the random test models) are tabulated from 0.9 Å.
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.hpp"
#include "potential/deep/embedding_net.hpp"
#include "potential/deep/embedding_table.hpp"
#include "potential/nn/scalar_input_derivatives.hpp"
#include "tests/support/deep_test_util.hpp"

namespace {

using Catch::Matchers::Contains;
using md::test::DeepResult;
using md::test::PeriodicSystem;

constexpr double kSkin = 1.0;            ///< neighbour-list skin, Å
constexpr double kTestMinDistance = 0.9;  ///< Å, r_min for models that record none

std::string shipped_model() { return std::string(MD_SOURCE_DIR) + "/models/water_se_e2_a.dp"; }

/// Every model the comparisons run on: the random test models (all O/H), the fixture, the
/// shipped water model.
const char* const kModels[] = {"two_side_doubled.dp", "one_side_equal.dp", "one_side_doubled.dp",
                               "exclusions.dp", "fixture", "shipped"};

md::DeepModel load(const std::string& name) {
  if (name == "shipped") return md::read_deepmd_model(shipped_model());
  return md::read_deepmd_model(name == "fixture" ? md::test::deep_fixture_model()
                                                 : md::test::deep_test_model(name));
}

md::DeepPotentialOptions compressed(const md::DeepModel& model) {
  md::DeepPotentialOptions options;
  options.compress.enabled = true;
  if (model.min_nbor_dist == 0.0) options.compress.min_neighbor_distance = kTestMinDistance;
  return options;
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

double max_abs_difference(const std::vector<double>& a, const std::vector<double>& b) {
  double worst = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) worst = std::max(worst, std::fabs(a[k] - b[k]));
  return worst;
}

}  // namespace

TEST_CASE("compressed: the nets' value, slope and curvature at a scalar input",
          "[deepmd][compress]") {
  // Every activation of the test models (tanh, gelu, silu, silut, softplus) and both residuals.
  for (const std::string name : {"two_side_doubled.dp", "one_side_equal.dp", "exclusions.dp"}) {
    const md::DeepModel model = load(name);
    for (const md::DenseNet& net : model.embedding_nets) {
      const int ng = net.n_out();
      std::vector<double> y(ng), dy(ng), d2y(ng), g(ng), dg(ng), up(ng), down(ng);
      for (const double x : {-0.7, 0.1, 1.3, 4.2}) {
        INFO(name << " at x = " << x);
        md::nn::scalar_input_derivatives(net, x, y.data(), dy.data(), d2y.data());
        md::deep::embedding_net_single(net, x, g.data(), dg.data());
        const double h = 1e-5;
        md::nn::scalar_input_derivatives(net, x + h, nullptr, up.data(), nullptr);
        md::nn::scalar_input_derivatives(net, x - h, nullptr, down.data(), nullptr);
        for (int a = 0; a < ng; ++a) {
          // The evaluator's fast tanh differs by ~2 ulp from std::tanh.
          CHECK(y[a] == Approx(g[a]).margin(1e-14));
          CHECK(dy[a] == Approx(dg[a]).margin(1e-13));
          // Central difference of the slope: truncation h²·y⁗/6, rounding ε·|y'|/h.
          CHECK(d2y[a] == Approx((up[a] - down[a]) / (2 * h)).margin(1e-7));
        }
      }
    }
  }
}

TEST_CASE("compressed: the shipped model's tables follow dp compress's knots and bounds",
          "[deepmd][compress]") {
  const md::DeepModel model = load("shipped");
  REQUIRE(model.min_nbor_dist == Approx(0.8854385688525499).epsilon(1e-15));
  const md::deep::EmbeddingTables tables = md::deep::build_embedding_tables(model, {});
  CHECK(tables.matches_deepmd);
  CHECK(tables.settings.min_neighbor_distance == model.min_nbor_dist);
  REQUIRE(tables.nets.size() == 2);
  for (const md::deep::EmbeddingTable& table : tables.nets) {
    // DeePMD-kit 3.2 (`dp --tf compress`, defaults): per centre type ⌊−davg/dstd⌋ = −1 and
    // ⌈(sw(0.885)/0.885 − davg)/dstd⌉ = 8 (O) and 9 (H); type_one_side takes −1 and 9.
    const md::deep::TableGeometry& g = table.geometry;
    CHECK(g.lower == -1.0);
    CHECK(g.upper == 9.0);
    CHECK(g.max == 45.0);
    CHECK(g.stride0 == 0.01);
    CHECK(g.stride1 == 0.1);
    CHECK(g.n_fine == 1000);
    CHECK(g.n_intervals == 1360);
    const int ng = table.ng;
    REQUIRE(ng == 100);
    std::vector<double> y(ng), dy(ng), d2y(ng);
    // The knot of interval j (numpy.arange's placement) holds the net's value, slope and half
    // its curvature exactly; the quintic of interval j reaches knot j + 1's values (C²).
    const double delta0 = (-1.0 + 0.01) - (-1.0);
    const double delta1 = (9.0 + 0.1) - 9.0;
    for (const int j : {0, 1, 2, 517, 999, 1000, 1001, 1359}) {
      INFO("interval " << j);
      const double knot =
          j < 1000 ? (j == 1 ? -1.0 + 0.01 : -1.0 + j * delta0)
                   : (j - 1000 == 1 ? 9.0 + 0.1 : 9.0 + (j - 1000) * delta1);
      md::nn::scalar_input_derivatives(model.embedding_nets[0], knot, y.data(), dy.data(),
                                       d2y.data());
      const double* c = &tables.nets[0].coeff[static_cast<std::size_t>(j) * 6 * ng];
      for (int a = 0; a < ng; a += 9) {
        CHECK(c[a] == y[a]);
        CHECK(c[ng + a] == dy[a]);
        CHECK(c[2 * ng + a] == 0.5 * d2y[a]);
      }
      if (j + 1 < 1360) {
        const double h = j < 1000 ? 0.01 : 0.1;
        const double* next = c + 6 * ng;
        for (int a = 0; a < ng; a += 9) {
          double value = 0.0, slope = 0.0;
          md::deep::table_value_slope(c, ng, a, h, value, slope);
          CHECK(value == Approx(next[a]).margin(1e-11));
          CHECK(slope == Approx(next[ng + a]).margin(1e-8));
        }
      }
    }
  }
  // Pairs down to ~0.18 Å (x = 45) are covered; below, the run stops.
  CHECK(tables.min_covered_distance == Approx(0.178).margin(0.001));
}

TEST_CASE("compressed: the tables' error falls as the sixth power of the stride",
          "[deepmd][compress]") {
  // Quintic Hermite interpolation: e(x) = G⁽⁶⁾(ξ)/720 · (x − x₀)³(x − x₁)³, so |e| ≤ (h/2)⁶/720 ·
  // max|G⁽⁶⁾|: halving the stride divides the error by up to 64. On the shipped model at the
  // default stride the coarse part dominates (h = 0.1: (0.05)⁶/720 ≈ 2e-11 · max|G⁽⁶⁾|).
  const md::DeepModel model = load("shipped");
  md::deep::TableSettings fine;
  md::deep::TableSettings coarse;
  coarse.stride0 = 0.02;
  const md::deep::EmbeddingTables a = md::deep::build_embedding_tables(model, fine);
  const md::deep::EmbeddingTables b = md::deep::build_embedding_tables(model, coarse);
  INFO("errors at stride 0.01: " << a.max_value_error << " (G), " << a.max_slope_error
                                 << " (G'); at 0.02: " << b.max_value_error << ", "
                                 << b.max_slope_error);
  CHECK(a.max_value_error < 1e-9);
  CHECK(a.max_slope_error < 1e-7);
  CHECK(b.max_value_error / a.max_value_error > 16.0);  // 2⁶ = 64 where the bound is sharp
  CHECK(b.max_value_error / a.max_value_error < 128.0);
}

TEST_CASE("compressed: energies, forces and virials agree with the exact model",
          "[deepmd][compress]") {
  const std::string name = GENERATE(values<std::string>(
      {kModels[0], kModels[1], kModels[2], kModels[3], kModels[4], kModels[5]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential exact(model, md::DeepPotentialOptions{}, {"O", "H"});
  md::DeepPotential tabulated(model, compressed(model), {"O", "H"});
  CHECK(tabulated.name() == "deepmd/compressed");
  const PeriodicSystem sys = build(perturbed_water(11), model.rcut + kSkin);
  const DeepResult a = md::test::evaluate(exact, sys);
  const DeepResult b = md::test::evaluate(tabulated, sys);
  // Each of ~17,000 pairs carries a table error ≤ ~1e-10 in G (measured at load, logged): sums
  // stay far below these bounds, which are still 1e5× smaller than the forces themselves.
  CHECK(b.energy == Approx(a.energy).margin(1e-7));
  CHECK(max_abs_difference(a.atom_energy, b.atom_energy) < 1e-8);
  CHECK(max_abs_difference(a.forces, b.forces) < 1e-6);
  for (int k = 0; k < 9; ++k) CHECK(b.virial[k] == Approx(a.virial[k]).margin(1e-6));
  // Not the same function: the tables really are in use (on the accurately tabulated models the
  // energy, a sum of ~-150 eV terms, can round to the same double; forces cannot).
  CHECK(max_abs_difference(a.forces, b.forces) > 0.0);
}

TEST_CASE("compressed: forces and virial are the tabulated energy's own derivatives",
          "[deepmd][compress]") {
  const std::string name = GENERATE(values<std::string>({kModels[0], kModels[3], kModels[5]}));
  INFO("model " << name);
  const md::DeepModel model = load(name);
  md::DeepPotential pot(model, compressed(model), {"O", "H"});
  const double cutoff = model.rcut + kSkin;
  const Water w = perturbed_water(12);
  const PeriodicSystem sys = build(w, cutoff);
  const DeepResult r = md::test::evaluate(pot, sys);

  // Directional derivative along u = F/|F| (four-point central difference, O(h⁴)).
  double norm = 0.0;
  for (double f : r.forces) norm += f * f;
  norm = std::sqrt(norm);
  const double h = 1e-3;
  const auto shifted = [&](double s) {
    Water moved = w;
    for (std::size_t k = 0; k < moved.positions.size(); ++k) {
      moved.positions[k] += s * r.forces[k] / norm;
    }
    return md::test::energy_of(pot, build(moved, cutoff));
  };
  const double slope =
      (shifted(-2 * h) - 8 * shifted(-h) + 8 * shifted(h) - shifted(2 * h)) / (12 * h);
  // As for the exact model (test_deep_physics.cpp): a wrong derivative term, or the net's G' in
  // place of the table's, would show far above this.
  CHECK(slope == Approx(-norm).epsilon(1e-7));

  // W[3a+b] = −∂E/∂ε_ab (all nine strains).
  const double e = 1e-5;
  const auto strained = [&](int a, int b, double amount) {
    Water s = w;
    for (std::size_t i = 0; i < s.types.size(); ++i) {
      s.positions[3 * i + a] += amount * w.positions[3 * i + b];
    }
    for (int v = 0; v < 3; ++v) s.cell[3 * v + a] += amount * w.cell[3 * v + b];
    return md::test::energy_of(pot, build(s, cutoff));
  };
  for (int a = 0; a < 3; ++a) {
    for (int b = 0; b < 3; ++b) {
      INFO("virial component " << a << b);
      CHECK(r.virial[3 * a + b] == Approx(-(strained(a, b, e) - strained(a, b, -e)) / (2 * e))
                                       .margin(1e-6));
    }
  }
}

TEST_CASE("compressed: the explicit per-slot path gives the same results", "[deepmd][compress]") {
  const md::DeepModel model = load("exclusions.dp");  // slot-dependent statistics
  md::DeepPotential uniform(model, compressed(model), {"O", "H"});
  md::DeepPotential explicit_slots(model, compressed(model), {"O", "H"});
  explicit_slots.use_explicit_statistics();
  const PeriodicSystem sys = build(perturbed_water(13), model.rcut + kSkin);
  const DeepResult a = md::test::evaluate(uniform, sys);
  const DeepResult b = md::test::evaluate(explicit_slots, sys);
  CHECK(b.energy == Approx(a.energy).margin(1e-9));
  CHECK(max_abs_difference(a.forces, b.forces) < 1e-9);
}

TEST_CASE("compressed: a pair closer than the tables cover stops the run, named",
          "[deepmd][compress]") {
  const md::DeepModel model = load("shipped");
  md::DeepPotential pot(model, compressed(model), {"O", "H"});
  Water w = perturbed_water(14);
  // Atom 5 onto atom 4, 0.1 Å apart (the tables cover pairs down to ~0.18 Å).
  for (int a = 0; a < 3; ++a) w.positions[3 * 5 + a] = w.positions[3 * 4 + a] + (a == 0 ? 0.1 : 0.0);
  try {
    md::test::evaluate(pot, build(w, model.rcut + kSkin));
    FAIL("no error");
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kUnstable);
    CHECK_THAT(e.what(), Contains("deepmd (compressed): local atom 4") &&
                             Contains("at 0.1 Å, closer than the compressed model's tables cover") &&
                             Contains("potential.compress: false"));
  }
}

TEST_CASE("compressed: settings that cannot make a table are refused", "[deepmd][compress]") {
  md::DeepModel model = load("one_side_doubled.dp");
  REQUIRE(model.min_nbor_dist == 0.0);
  md::DeepPotentialOptions options;
  options.compress.enabled = true;
  CHECK_THROWS_WITH(md::DeepPotential(model, options, {"O", "H"}),
                    Contains("records no minimum neighbour distance") &&
                        Contains("compress_min_neighbor_distance_A"));
  options.compress.min_neighbor_distance = model.rcut + 1.0;
  CHECK_THROWS_WITH(md::DeepPotential(model, options, {"O", "H"}),
                    Contains("must be below the model's rcut"));
}
