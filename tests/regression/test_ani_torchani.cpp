// SPDX-License-Identifier: MIT
/// \file
/// ANI-2x against TorchANI: the shipped member 0 (models/ani2x_member0.h5, converted from the
/// NeuroChem release by scripts/ani2h5.py) evaluated by AniPotential on the structures of
/// tests/data/ani/torchani_references.json, whose numbers TorchANI 2.9 computed in float64 from
/// the same release (scripts/make_ani_references.py; tests/data/ani/README.md): seven molecules
/// covering H, C, N, O, S, F and Cl, a cluster with neighbours just inside and outside both
/// cutoffs, the periodic 192-atom water box and two boxes small enough for atoms to see their own
/// images. Energies within 1e-10 relative, forces within 1e-10 eV/Å, virials and per-atom
/// energies within 1e-10 relative to the largest value; `precision: mixed` within the bounds
/// stated in its test case (docs/model-format.md, ANI section).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>

#include "io/ani_model_reader.hpp"
#include "potential/ani/ani_potential.hpp"
#include "tests/support/deep_test_util.hpp"

namespace {

using nlohmann::json;

const json& references() {
  static const json data = [] {
    std::ifstream in(std::string(MD_TEST_DATA_DIR) + "/ani/torchani_references.json");
    return json::parse(in);
  }();
  return data;
}

double max_abs(const std::vector<double>& v) {
  double m = 0.0;
  for (double x : v) m = std::max(m, std::fabs(x));
  return m;
}

/// One structure of the reference file: the run's types (its elements in order of appearance),
/// the system, and TorchANI's float64 results for member 0.
struct Reference {
  std::string name;
  std::vector<std::string> type_names;
  std::vector<std::string> elements;
  std::vector<int> types;
  std::vector<double> positions;
  std::array<double, 9> cell{};
  bool periodic = false;
  double energy = 0.0;
  std::vector<double> forces, atomic, virial;
};

Reference load(const json& s) {
  Reference ref;
  ref.name = s.at("name");
  for (const std::string element : s.at("elements")) {
    auto it = std::find(ref.type_names.begin(), ref.type_names.end(), element);
    if (it == ref.type_names.end()) it = ref.type_names.insert(ref.type_names.end(), element);
    ref.types.push_back(static_cast<int>(it - ref.type_names.begin()));
    ref.elements.push_back(element);
  }
  for (const json& row : s.at("positions")) {
    for (double x : row) ref.positions.push_back(x);
  }
  ref.periodic = s.at("pbc").get<bool>();
  ref.cell = md::test::orthorhombic_cell(100.0, 100.0, 100.0);
  if (ref.periodic) {
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) ref.cell[3 * a + b] = s.at("cell")[a][b];
    }
  }
  const json& results = s.at("results").at("member_0");
  ref.energy = results.at("energy");
  for (const json& row : results.at("forces")) {
    for (double x : row) ref.forces.push_back(x);
  }
  for (double e : results.at("atomic_energies")) ref.atomic.push_back(e);
  for (const json& row : results.at("virial")) {
    for (double x : row) ref.virial.push_back(x);
  }
  return ref;
}

md::test::DeepResult evaluate(const md::AniModel& model, const Reference& ref,
                              md::Precision precision) {
  md::AniOptions options;
  options.precision = precision;
  md::AniPotential pot(model, options, ref.type_names);
  const double cutoff = pot.cutoff() + 1.0;
  const bool p = ref.periodic;
  return md::test::evaluate(
      pot, md::test::make_periodic_system(ref.positions, ref.types, ref.cell, {p, p, p}, cutoff));
}

const md::AniModel& shipped_model() {
  static const md::AniModel model =
      md::read_ani_model(std::string(MD_SOURCE_DIR) + "/models/ani2x_member0.h5");
  return model;
}

double max_abs_diff(const std::vector<double>& a, const std::vector<double>& b) {
  REQUIRE(a.size() == b.size());
  double m = 0.0;
  for (std::size_t k = 0; k < a.size(); ++k) m = std::max(m, std::fabs(a[k] - b[k]));
  return m;
}

}  // namespace

TEST_CASE("ani regression: member 0 reproduces TorchANI on molecules, cutoffs and periodic water",
          "[ani][regression]") {
  const json& structures = references().at("structures");
  REQUIRE(structures.size() >= 10);
  std::vector<std::string> seen_elements;
  for (const json& s : structures) {
    const Reference ref = load(s);
    INFO("structure " << ref.name);
    for (const std::string& element : ref.elements) {
      if (std::find(seen_elements.begin(), seen_elements.end(), element) == seen_elements.end()) {
        seen_elements.push_back(element);
      }
    }
    const md::test::DeepResult r = evaluate(shipped_model(), ref, md::Precision::kDouble);
    CHECK(r.energy == Approx(ref.energy).epsilon(1e-10).margin(0));
    CHECK(max_abs_diff(r.forces, ref.forces) <= 1e-10);
    const double virial_scale = std::max(1.0, max_abs(ref.virial));
    for (int k = 0; k < 9; ++k) {
      CHECK(r.virial[k] == Approx(ref.virial[k]).margin(1e-10 * virial_scale));
    }
    const double atomic_scale = max_abs(ref.atomic);
    for (std::size_t i = 0; i < ref.atomic.size(); ++i) {
      CHECK(r.atom_energy[i] == Approx(ref.atomic[i]).margin(1e-10 * atomic_scale));
    }
  }
  // Every element of the model was exercised.
  CHECK(seen_elements.size() == 7);
}

TEST_CASE("ani regression: mixed precision stays within its stated bounds of TorchANI float64",
          "[ani][regression]") {
  for (const json& s : references().at("structures")) {
    const Reference ref = load(s);
    INFO("structure " << ref.name);
    const md::test::DeepResult r = evaluate(shipped_model(), ref, md::Precision::kMixed);
    const double n_atoms = static_cast<double>(ref.atomic.size());
    const double energy_error = std::fabs(r.energy - ref.energy) / n_atoms;
    const double force_error = max_abs_diff(r.forces, ref.forces);
    const double atomic_error = max_abs_diff(r.atom_energy, ref.atomic);
    const double virial_error =
        max_abs_diff(std::vector<double>(r.virial.begin(), r.virial.end()), ref.virial) / n_atoms;
    std::printf("ani mixed vs TorchANI float64, %s: |dE|/atom %.3g eV, max |dE_i| %.3g eV, "
                "max |dF| %.3g eV/A, max |dW|/atom %.3g eV\n",
                ref.name.c_str(), energy_error, atomic_error, force_error, virial_error);
    INFO("mixed vs float64: |dE|/atom " << energy_error << " eV, max |dE_i| " << atomic_error
                                        << " eV, max |dF| " << force_error << " eV/A, max |dW|/atom "
                                        << virial_error << " eV");
    // Bounds ~10x the largest errors measured over these structures when the CPU mixed path was
    // written (3e-7 eV/atom, 1.7e-6 eV, 9e-6 eV/A, 1.8e-6 eV/atom): float networks and AEVs,
    // double sums.
    CHECK(energy_error <= 5e-6);
    CHECK(atomic_error <= 2e-5);
    CHECK(force_error <= 1e-4);
    CHECK(virial_error <= 2e-5);
    CHECK(energy_error > 0.0);  // the mixed path really computes in float
  }
}
