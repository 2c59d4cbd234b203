// SPDX-License-Identifier: MIT
/// \file
/// ANI-2x against TorchANI: the shipped member 0 (models/ani2x_member0.h5, converted from the
/// NeuroChem release by scripts/ani2h5.py) evaluated by AniPotential on the structures of
/// tests/data/ani/torchani_references.json, whose numbers TorchANI 2.9 computed in float64 from
/// the same release (scripts/make_ani_references.py; tests/data/ani/README.md): seven molecules
/// covering H, C, N, O, S, F and Cl, a cluster with neighbours just inside and outside both
/// cutoffs, the periodic 192-atom water box and two boxes small enough for atoms to see their own
/// images. Energies within 1e-10 relative, forces within 1e-10 eV/Å, virials and per-atom
/// energies within 1e-10 relative to the largest value.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
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

}  // namespace

TEST_CASE("ani regression: member 0 reproduces TorchANI on molecules, cutoffs and periodic water",
          "[ani][regression]") {
  const md::AniModel model =
      md::read_ani_model(std::string(MD_SOURCE_DIR) + "/models/ani2x_member0.h5");
  const json& structures = references().at("structures");
  REQUIRE(structures.size() >= 10);
  std::vector<std::string> seen_elements;
  for (const json& s : structures) {
    const std::string name = s.at("name");
    INFO("structure " << name);
    // The run's types: the structure's elements in order of appearance.
    std::vector<std::string> type_names;
    std::vector<int> types;
    for (const std::string element : s.at("elements")) {
      auto it = std::find(type_names.begin(), type_names.end(), element);
      if (it == type_names.end()) it = type_names.insert(type_names.end(), element);
      types.push_back(static_cast<int>(it - type_names.begin()));
      if (std::find(seen_elements.begin(), seen_elements.end(), element) == seen_elements.end()) {
        seen_elements.push_back(element);
      }
    }
    std::vector<double> positions;
    for (const json& row : s.at("positions")) {
      for (double x : row) positions.push_back(x);
    }
    const bool periodic = s.at("pbc").get<bool>();
    std::array<double, 9> cell = md::test::orthorhombic_cell(100.0, 100.0, 100.0);
    if (periodic) {
      for (int a = 0; a < 3; ++a) {
        for (int b = 0; b < 3; ++b) cell[3 * a + b] = s.at("cell")[a][b];
      }
    }
    md::AniPotential pot(model, md::AniOptions{}, type_names);
    const double cutoff = pot.cutoff() + 1.0;
    const md::test::DeepResult r = md::test::evaluate(
        pot, md::test::make_periodic_system(positions, types, cell,
                                            {periodic, periodic, periodic}, cutoff));

    const json& ref = s.at("results").at("member_0");
    const double energy = ref.at("energy");
    CHECK(r.energy == Approx(energy).epsilon(1e-10).margin(0));
    std::vector<double> forces, atomic, virial;
    for (const json& row : ref.at("forces")) {
      for (double x : row) forces.push_back(x);
    }
    for (double e : ref.at("atomic_energies")) atomic.push_back(e);
    for (const json& row : ref.at("virial")) {
      for (double x : row) virial.push_back(x);
    }
    REQUIRE(r.forces.size() == forces.size());
    double worst_force = 0.0;
    for (std::size_t k = 0; k < forces.size(); ++k) {
      worst_force = std::max(worst_force, std::fabs(r.forces[k] - forces[k]));
    }
    CHECK(worst_force <= 1e-10);
    const double virial_scale = std::max(1.0, max_abs(virial));
    for (int k = 0; k < 9; ++k) {
      CHECK(r.virial[k] == Approx(virial[k]).margin(1e-10 * virial_scale));
    }
    const double atomic_scale = max_abs(atomic);
    for (std::size_t i = 0; i < atomic.size(); ++i) {
      CHECK(r.atom_energy[i] == Approx(atomic[i]).margin(1e-10 * atomic_scale));
    }
  }
  // Every element of the model was exercised.
  CHECK(seen_elements.size() == 7);
}
