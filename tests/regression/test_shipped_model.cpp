// SPDX-License-Identifier: MIT
/// \file
/// The shipped water model (models/water_se_e2_a.dp) through `mdrun eval` reproduces the energy,
/// forces and virial DeePMD-kit computed for one validation frame (models/water_se_e2_a.
/// reference.json, written by scripts/train_water_model.sh with DeePMD-kit's own inference).
/// Tolerances are DeePMD-kit's double-precision ones (1e-10): the fixture model agrees to
/// 4e-12 eV in energy, 1e-16 eV/Å in forces and 1e-13 eV in the virial
/// (scripts/compare_deepmd.py on data_3).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "io/lammps_data.hpp"
#include "tests/support/mdrun_process.hpp"

TEST_CASE("the shipped water model reproduces DeePMD-kit on a validation frame",
          "[deep][regression][model]") {
  const std::string models = std::string(MD_SOURCE_DIR) + "/models";
  const nlohmann::json reference = md::test::read_json(models + "/water_se_e2_a.reference.json");
  const auto& frame = reference.at("frame");
  const std::vector<double> coord = frame.at("coord").get<std::vector<double>>();
  const std::vector<double> box = frame.at("box").get<std::vector<double>>();
  const std::vector<int> atype = frame.at("atype").get<std::vector<int>>();
  REQUIRE(box.size() == 9);
  REQUIRE(box[1] == 0.0);
  REQUIRE(box[2] == 0.0);
  REQUIRE(box[3] == 0.0);
  REQUIRE(box[5] == 0.0);
  REQUIRE(box[6] == 0.0);
  REQUIRE(box[7] == 0.0);

  md::StructureData data;
  data.title = "validation frame of the shipped water model";
  data.n_types = 2;
  data.hi = {box[0], box[4], box[8]};
  for (std::size_t i = 0; i < atype.size(); ++i) {
    data.ids.push_back(static_cast<std::int64_t>(i) + 1);
    data.types.push_back(atype[i] + 1);
    data.images.insert(data.images.end(), {0, 0, 0});
  }
  data.positions = coord;
  data.masses = {15.999, 1.008};
  data.type_labels = {"O", "H"};
  md::test::ScratchDir dir("shipped_model");
  md::write_lammps_data(dir / "frame.data", data);

  const auto result = md::test::run_process(
      std::string(MD_MDRUN_PATH) + " eval --model " + models + "/water_se_e2_a.dp --structure " +
          (dir / "frame.data") + " --type-map O,H --json " + (dir / "eval.json"),
      dir.path());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  const nlohmann::json got = md::test::read_json(dir / "eval.json");

  const double energy = reference.at("energy");
  CHECK(std::abs(got.at("energy").get<double>() - energy) < 1e-10);
  const std::vector<double> forces = reference.at("forces").get<std::vector<double>>();
  REQUIRE(got.at("forces").size() * 3 == forces.size());
  double worst_force = 0.0;
  for (std::size_t i = 0; i < got.at("forces").size(); ++i) {
    for (int c = 0; c < 3; ++c) {
      worst_force = std::max(worst_force,
                             std::abs(got["forces"][i][c].get<double>() - forces[3 * i + c]));
    }
  }
  CHECK(worst_force < 1e-10);
  const std::vector<double> virial = reference.at("virial").get<std::vector<double>>();
  for (int k = 0; k < 9; ++k) CHECK(std::abs(got["virial"][k].get<double>() - virial[k]) < 1e-10);
}

TEST_CASE("mdrun eval is exact with the shipped compressed config unless --compressed asks",
          "[deep][regression][model][compress]") {
  const std::string config = std::string(MD_SOURCE_DIR) + "/configs/water.yaml";
  md::test::ScratchDir dir("eval_compress");
  const auto eval = [&](const std::string& extra, const std::string& json) {
    const auto result = md::test::run_process(std::string(MD_MDRUN_PATH) + " eval --config " +
                                                  config + " " + extra + " --json " + (dir / json),
                                              dir.path());
    INFO(result.output);
    REQUIRE(result.exit_code == 0);
    return std::make_pair(result.output, md::test::read_json(dir / json));
  };
  const auto [default_log, by_default] = eval("", "default.json");
  const auto [exact_log, exact] = eval("--set potential.compress=false", "exact.json");
  const auto [compressed_log, compressed] = eval("--compressed", "compressed.json");

  // The config's compress: true is for MD: eval says so and evaluates the networks.
  CHECK_THAT(default_log, Catch::Contains("the networks are evaluated exactly"));
  CHECK_THAT(default_log, !Catch::Contains("deepmd: compressed"));
  CHECK(by_default.at("energy").get<double>() == exact.at("energy").get<double>());
  CHECK(by_default.at("forces") == exact.at("forces"));

  // --compressed evaluates the tables: close to the networks, and not the same numbers.
  CHECK_THAT(compressed_log, Catch::Contains("deepmd: compressed"));
  const double e_exact = exact.at("energy").get<double>();
  const double e_table = compressed.at("energy").get<double>();
  CHECK(e_table != e_exact);
  CHECK(std::abs(e_table - e_exact) < 1e-12 * std::abs(e_exact));  // measured 1e-15
  double worst_force = 0.0;
  for (std::size_t i = 0; i < exact.at("forces").size(); ++i) {
    for (int c = 0; c < 3; ++c) {
      worst_force = std::max(worst_force, std::abs(compressed["forces"][i][c].get<double>() -
                                                   exact["forces"][i][c].get<double>()));
    }
  }
  CHECK(worst_force > 0.0);
  CHECK(worst_force < 1e-8);  // measured 1.2e-11 eV/Å
}
