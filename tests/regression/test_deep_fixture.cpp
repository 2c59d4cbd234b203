// SPDX-License-Identifier: MIT
/// \file
/// DeePMD-kit's own se_e2_a test case, reproduced to DeePMD-kit's tolerance.
///
/// Model shared/data/deepmd/deeppot_sea.dp and references deeppot_sea-testcase.yaml (parsed
/// here, not copied): three configurations of 6 water atoms — periodic 13 Å box, no box, and a
/// 19×13×13 box with no periodic contact. Energies, per-atom energies, forces, virial and
/// per-atom virials must agree within 1e-10 (DeePMD-kit's double-precision test tolerance,
/// source/api_cc/tests/deeppot_universal_test_common.h), and so must the case-1 descriptor.
#include <yaml-cpp/yaml.h>

#include <catch2/catch.hpp>

#include "core/error.hpp"
#include "tests/support/deep_test_util.hpp"

namespace {

using md::test::DeepResult;

/// DeePMD-kit's |Δ| bound for double-precision models.
constexpr double kTolerance = 1e-10;
/// Neighbour-list skin beyond rcut (Å): the potential must filter by rcut itself.
constexpr double kSkin = 1.0;

struct TestCase {
  std::vector<double> coord;
  std::vector<int> atype;
  bool periodic = false;
  std::array<double, 9> box{};
  std::vector<double> atomic_energy, force, atomic_virial, descriptor;
};

std::vector<double> doubles(const YAML::Node& node) {
  std::vector<double> v;
  for (const auto& x : node) v.push_back(x.as<double>());
  return v;
}

std::vector<TestCase> load_cases() {
  const YAML::Node root = YAML::LoadFile(md::test::deep_fixture_testcase());
  std::vector<TestCase> cases;
  for (const auto& block : root["results"]) {
    TestCase tc;
    tc.coord = doubles(block["coord"]);
    for (const auto& t : block["atype"]) tc.atype.push_back(t.as<int>());
    if (block["box"] && !block["box"].IsNull()) {
      tc.periodic = true;
      const std::vector<double> box = doubles(block["box"]);
      std::copy(box.begin(), box.end(), tc.box.begin());
    }
    tc.atomic_energy = doubles(block["atomic_energy"]);
    tc.force = doubles(block["force"]);
    tc.atomic_virial = doubles(block["atomic_virial"]);
    if (block["descriptor"]) tc.descriptor = doubles(block["descriptor"]);
    cases.push_back(tc);
  }
  return cases;
}

md::test::PeriodicSystem make_system(const TestCase& tc, const std::vector<int>& types,
                                     double cutoff) {
  const std::array<bool, 3> periodic = {tc.periodic, tc.periodic, tc.periodic};
  return md::test::make_periodic_system(tc.coord, types, tc.box, periodic, cutoff);
}

void check_against(const DeepResult& r, const TestCase& tc) {
  const std::size_t n = tc.atype.size();
  double energy = 0.0;
  std::array<double, 9> virial{};
  for (std::size_t i = 0; i < n; ++i) {
    energy += tc.atomic_energy[i];
    for (int k = 0; k < 9; ++k) virial[k] += tc.atomic_virial[9 * i + k];
  }
  CHECK(r.energy == Approx(energy).margin(kTolerance).epsilon(0));
  for (std::size_t i = 0; i < n; ++i) {
    CHECK(r.atom_energy[i] == Approx(tc.atomic_energy[i]).margin(kTolerance).epsilon(0));
    for (int a = 0; a < 3; ++a) {
      CHECK(r.forces[3 * i + a] == Approx(tc.force[3 * i + a]).margin(kTolerance).epsilon(0));
    }
    for (int k = 0; k < 9; ++k) {
      CHECK(r.atom_virial[9 * i + k] ==
            Approx(tc.atomic_virial[9 * i + k]).margin(kTolerance).epsilon(0));
    }
  }
  for (int k = 0; k < 9; ++k) {
    CHECK(r.virial[k] == Approx(virial[k]).margin(kTolerance).epsilon(0));
  }
}

}  // namespace

TEST_CASE("deepmd fixture: energies, forces and virials match DeePMD-kit", "[deepmd][regression]") {
  const md::DeepModel model = md::read_deepmd_model(md::test::deep_fixture_model());
  const std::vector<TestCase> cases = load_cases();
  REQUIRE(cases.size() == 3);
  md::DeepPotential potential(model, md::DeepPotentialOptions{}, {"O", "H"});
  REQUIRE(potential.uses_uniform_statistics());
  for (std::size_t c = 0; c < cases.size(); ++c) {
    INFO("case " << c + 1);
    const auto sys = make_system(cases[c], cases[c].atype, model.rcut + kSkin);
    check_against(md::test::evaluate(potential, sys), cases[c]);
  }
}

TEST_CASE("deepmd fixture: the case-1 descriptor matches DeePMD-kit", "[deepmd][regression]") {
  const md::DeepModel model = md::read_deepmd_model(md::test::deep_fixture_model());
  const TestCase tc = load_cases().at(0);
  md::DeepPotential potential(model, md::DeepPotentialOptions{}, {"O", "H"});
  const auto sys = make_system(tc, tc.atype, model.rcut + kSkin);
  std::vector<double> descriptor;
  potential.compute_descriptors(sys.atoms(), sys.neighbor_view(), descriptor);
  REQUIRE(descriptor.size() == tc.descriptor.size());
  for (std::size_t k = 0; k < descriptor.size(); ++k) {
    CHECK(descriptor[k] == Approx(tc.descriptor[k]).margin(kTolerance).epsilon(0));
  }
}

TEST_CASE("deepmd fixture: the explicit per-slot path gives the same results",
          "[deepmd][regression]") {
  const md::DeepModel model = md::read_deepmd_model(md::test::deep_fixture_model());
  md::DeepPotential potential(model, md::DeepPotentialOptions{}, {"O", "H"});
  potential.use_explicit_statistics();
  REQUIRE_FALSE(potential.uses_uniform_statistics());
  for (const TestCase& tc : load_cases()) {
    const auto sys = make_system(tc, tc.atype, model.rcut + kSkin);
    check_against(md::test::evaluate(potential, sys), tc);
  }
}

TEST_CASE("deepmd fixture: run types map to model types by name", "[deepmd][regression]") {
  // The run calls H type 0 and O type 1; the model's type_map is [O, H].
  const md::DeepModel model = md::read_deepmd_model(md::test::deep_fixture_model());
  md::DeepPotential potential(model, md::DeepPotentialOptions{}, {"H", "O"});
  for (const TestCase& tc : load_cases()) {
    std::vector<int> swapped;
    for (int t : tc.atype) swapped.push_back(1 - t);
    const auto sys = make_system(tc, swapped, model.rcut + kSkin);
    check_against(md::test::evaluate(potential, sys), tc);
  }
}

TEST_CASE("deepmd fixture: a run type missing from the model is refused", "[deepmd]") {
  const md::DeepModel model = md::read_deepmd_model(md::test::deep_fixture_model());
  try {
    md::DeepPotential potential(model, md::DeepPotentialOptions{}, {"O", "C"});
    FAIL("no error");
  } catch (const md::Error& e) {
    CHECK(e.code() == md::ExitCode::kModel);
    CHECK_THAT(e.what(), Catch::Contains("'C'") && Catch::Contains("[O, H]"));
  }
}
