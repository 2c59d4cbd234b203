// SPDX-License-Identifier: MIT
/// \file
/// The Deep Potential in strongly tilted (restricted-triclinic) cells against DeePMD-kit, through
/// the whole engine: `mdrun eval --atomic` reads the LAMMPS data file, wraps, decomposes in
/// fractional coordinates, builds ghosts shifted by edge vectors and evaluates.
///
/// References: tests/data/models/triclinic_references.json, computed by DeePMD-kit 3.2.0 itself
/// (tests/data/models/make_triclinic_references.py) for the shared se_e2_a model
/// (shared/data/deepmd/deeppot_sea.dp) on
///  - fixture_tilted: DeePMD-kit's 6-atom fixture in a 10×9×8 Å cell with tilts 4.5, −4.0, 3.5
///    (up to 90 % of LAMMPS's limits; atoms see neighbours through two images within rcut);
///  - water_tilted: the 192-atom water box mapped into a cell with tilts 4.0, −3.0, 2.5.
/// Energy, per-atom energies, forces, virial and per-atom virials within 1e-10 (DeePMD-kit's
/// double-precision tolerance). Then the full virial against central differences of the engine's
/// energy under the six strains that keep the cell restricted-triclinic (xx yy zz xy xz yz), and
/// replication of a tilted cell (tests/mpi/test_deep_rank_invariance.cpp has 1–8 ranks).
#include <catch2/catch.hpp>

#include <array>
#include <cmath>
#include <fstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "io/lammps_data.hpp"
#include "tests/support/deep_test_util.hpp"
#include "tests/support/mdrun_process.hpp"

namespace {

using md::test::ScratchDir;
using nlohmann::json;

constexpr double kTolerance = 1e-10;  // DeePMD-kit's |Δ| bound in double precision

const std::string kStructures = std::string(MD_TEST_DATA_DIR) + "/structures/";

json references() {
  std::ifstream in(std::string(MD_TEST_DATA_DIR) + "/models/triclinic_references.json");
  REQUIRE(in);
  return json::parse(in);
}

std::string config_for(const std::string& data_file) {
  return "structure: {file: " + data_file + ", type_map: [O, H]}\n"
         "potential: {type: deepmd, model: " + md::test::deep_fixture_model() + "}\n"
         "run: {steps: 0, dt_fs: 0.5}\n";
}

json eval(const ScratchDir& dir, const std::string& data_file, int ranks = 1,
          const std::string& tag = "eval") {
  const std::string config = dir.write(tag + ".yaml", config_for(data_file));
  const std::string out = dir / (tag + "_" + std::to_string(ranks) + ".json");
  const auto r = md::test::run_process(
      md::test::mdrun_command(ranks, "eval --atomic --config " + config + " --json " + out),
      dir.path());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  return md::test::read_json(out);
}

/// Largest |a − b| over two arrays of rows (or of numbers).
double max_difference(const json& a, const json& b) {
  REQUIRE(a.size() == b.size());
  double worst = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (a[i].is_array()) {
      worst = std::max(worst, max_difference(a[i], b[i]));
    } else {
      worst = std::max(worst, std::abs(a[i].get<double>() - b[i].get<double>()));
    }
  }
  return worst;
}

/// The structure strained by x → (I + ε) x, ε with the single upper-triangle entry ε_ab = e
/// (a ≤ b), applied to atoms and cell (origin included): the cell stays restricted-triclinic.
md::StructureData strained(const md::StructureData& s, int a, int b, double e) {
  md::StructureData out = s;
  const auto apply = [&](double* x) { x[a] += e * x[b]; };
  for (std::size_t i = 0; i < s.size(); ++i) apply(&out.positions[3 * i]);
  // Edge vectors a = (lx,0,0), b = (xy,ly,0), c = (xz,yz,lz), strained like positions.
  double edges[3][3] = {{s.hi[0] - s.lo[0], 0.0, 0.0},
                        {s.tilt[0], s.hi[1] - s.lo[1], 0.0},
                        {s.tilt[1], s.tilt[2], s.hi[2] - s.lo[2]}};
  for (auto& edge : edges) apply(edge);
  double lo[3] = {s.lo[0], s.lo[1], s.lo[2]};
  apply(lo);
  for (int d = 0; d < 3; ++d) {
    out.lo[d] = lo[d];
    out.hi[d] = lo[d] + edges[d][d];
  }
  out.tilt = {edges[1][0], edges[2][0], edges[2][1]};
  out.has_tilt_line = true;
  return out;
}

}  // namespace

TEST_CASE("deepmd in tilted cells: energies, forces and virials match DeePMD-kit",
          "[deepmd][regression][triclinic]") {
  const json refs = references();
  ScratchDir dir("deep_triclinic");
  for (const std::string name : {"fixture_tilted", "water_tilted"}) {
    INFO(name);
    const json& ref = refs.at("configs").at(name);
    const md::StructureData data =
        md::read_lammps_data(kStructures + name + ".data", md::AtomStyle::kAtomic);
    for (int t = 0; t < 3; ++t) CHECK(data.tilt[t] == ref.at("box").at("tilt").at(t).get<double>());
    const json got = eval(dir, kStructures + name + ".data");
    REQUIRE(got.at("ids").size() == ref.at("force").size());  // ids 1..n, in order
    CHECK(std::abs(got.at("energy").get<double>() - ref.at("energy").get<double>()) <= kTolerance);
    CHECK(max_difference(got.at("atom_energies"), ref.at("atom_energy")) <= kTolerance);
    CHECK(max_difference(got.at("forces"), ref.at("force")) <= kTolerance);
    CHECK(max_difference(got.at("virial"), ref.at("virial")) <= kTolerance);
    CHECK(max_difference(got.at("atom_virials"), ref.at("atom_virial")) <= kTolerance);
  }
}

TEST_CASE("deepmd in a tilted cell: the virial is minus the strain derivative of the energy",
          "[deepmd][regression][triclinic]") {
  ScratchDir dir("deep_triclinic_strain");
  const std::string base_file = kStructures + "fixture_tilted.data";
  const md::StructureData base = md::read_lammps_data(base_file, md::AtomStyle::kAtomic);
  const json virial = eval(dir, base_file).at("virial");
  const double h = 1e-5;
  const auto energy = [&](int a, int b, double e) {
    const std::string tag = std::string("strained_") + "xyz"[a] + "xyz"[b] + (e > 0 ? "+" : "-");
    const std::string file = dir / (tag + ".data");
    md::write_lammps_data(file, strained(base, a, b, e));
    return eval(dir, file, 1, tag).at("energy").get<double>();
  };
  for (const auto& [a, b] : std::vector<std::array<int, 2>>{{0, 0}, {1, 1}, {2, 2}, {0, 1},
                                                              {0, 2}, {1, 2}}) {
    INFO("component " << "xyz"[a] << "xyz"[b]);
    const double fd = -(energy(a, b, h) - energy(a, b, -h)) / (2 * h);
    // Rounding |E|·1e-16/h ≈ 1e-8 eV and truncation h²·∂³E against |W| ~ 0.01–10 eV; DeePMD-kit's
    // own check of the same cell gives 7e-9 (triclinic_references.json, "checks").
    CHECK(virial.at(3 * a + b).get<double>() == Approx(fd).margin(1e-6));
    CHECK(virial.at(3 * b + a).get<double>() == Approx(fd).margin(1e-6));
  }
}

TEST_CASE("deepmd in a tilted cell: a 2x1x3 replica has 6 times the energy and the same forces",
          "[deepmd][regression][triclinic]") {
  ScratchDir dir("deep_triclinic_replicate");
  const std::string file = kStructures + "fixture_tilted.data";
  const json base = eval(dir, file);
  const std::string config = dir.write(
      "replicated.yaml", "structure: {file: " + file + ", type_map: [O, H], replicate: [2, 1, 3]}\n"
                         "potential: {type: deepmd, model: " + md::test::deep_fixture_model() +
                         "}\nrun: {steps: 0, dt_fs: 0.5}\n");
  const auto r = md::test::run_process(
      md::test::mdrun_command(1, "eval --config " + config + " --json " + (dir / "rep.json")),
      dir.path());
  INFO(r.output);
  REQUIRE(r.exit_code == 0);
  const json replicated = md::test::read_json(dir / "rep.json");
  REQUIRE(replicated.at("forces").size() == 6 * base.at("forces").size());
  CHECK(replicated.at("energy").get<double>() ==
        Approx(6 * base.at("energy").get<double>()).epsilon(1e-13));
  // Replica r's atom i has id i + r·6 (LAMMPS numbering) and the base cell's force.
  const std::size_t n = base.at("forces").size();
  double worst = 0.0;
  for (std::size_t k = 0; k < replicated.at("forces").size(); ++k) {
    for (int c = 0; c < 3; ++c) {
      worst = std::max(worst, std::abs(replicated.at("forces")[k][c].get<double>() -
                                       base.at("forces")[k % n][c].get<double>()));
    }
  }
  CHECK(worst <= 1e-10);
}
