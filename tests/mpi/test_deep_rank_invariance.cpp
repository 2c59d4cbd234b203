// SPDX-License-Identifier: MIT
/// \file
/// The Deep Potential on several ranks: the DeePMD-kit fixture model on the 192-atom water box
/// replicated 2×2×2 (1,536 atoms). `mdrun eval` energy and virial agree with the 1-rank run to
/// 1e-12 relative and forces to 1e-10 eV/Å by atom id, on 2, 3, 4, 6 and 8 ranks; 40 NVE steps
/// agree to 1e-8 Å (the fixture model is a unit-test model that turns stiff after ~100 steps, see
/// tests/physics/test_deep_md_run.cpp, so its trajectory check stays short). 200-step NVE
/// trajectories are compared with the shipped production-size water model on the 192-atom box,
/// whose subdomains on 8 ranks (6.2 Å) are thinner than the ghost width (8 Å), exact and compressed
/// (potential.compress: eval and 100 NVE steps on 1, 2, 4 and 8 ranks). The tilted water of
/// tests/data/structures/water_tilted.data, replicated 2×1×2, does the same in a strongly tilted
/// cell (decomposition in fractional coordinates, ghosts shifted by edge vectors).
#include <catch2/catch.hpp>

#include <cmath>
#include <string>

#include "tests/support/rank_compare.hpp"

using md::test::eval_on;
using md::test::max_row_difference;
using md::test::max_unwrapped_difference;
using md::test::run_final;
using md::test::ScratchDir;
using nlohmann::json;

namespace {

std::string water_config(const std::string& extra) {
  return "structure: {file: " + std::string(MD_SHARED_DIR) +
         "/data/water-example/lmp/water.lmp, type_map: [O, H], replicate: [2, 2, 2]}\n"
         "potential: {type: deepmd, model: " + std::string(MD_SHARED_DIR) +
         "/data/deepmd/deeppot_sea.dp}\n"
         "run: {steps: 40, dt_fs: 0.5}\n"
         "neighbor: {skin_A: 1.0}\n"
         "velocity: {create: {temperature_K: 300, seed: 7}}\n"
         "thermo: {every: 20}\n" +
         extra;
}

}  // namespace

TEST_CASE("deepmd eval and NVE on replicated water agree on 1 to 8 ranks", "[mpi][deep]") {
  ScratchDir dir("mpi_deep");
  const std::string config = dir.write("water.yaml", water_config(""));
  auto eval = [&](int ranks) { return eval_on(dir, config, ranks, "--atomic"); };
  auto run = [&](int ranks) { return run_final(dir, config, ranks); };
  const json reference = eval(1);
  REQUIRE(reference["natoms"] == 1536);
  const md::StructureData reference_final = run(1);
  for (int ranks : {2, 3, 4, 6, 8}) {
    INFO(ranks << " ranks");
    md::test::check_eval_agrees(eval(ranks), reference, 1e-12, 1e-10);
    CHECK(max_unwrapped_difference(run(ranks), reference_final) <= 1e-8);
  }
}

TEST_CASE("deepmd in a tilted cell: eval and NVE on replicated tilted water agree on 1 to 8 ranks",
          "[mpi][deep][triclinic]") {
  ScratchDir dir("mpi_deep_triclinic");
  const std::string config = dir.write(
      "water.yaml",
      "structure: {file: " + std::string(MD_TEST_DATA_DIR) +
          "/structures/water_tilted.data, type_map: [O, H], replicate: [2, 1, 2]}\n"
          "potential: {type: deepmd, model: " + std::string(MD_SHARED_DIR) +
          "/data/deepmd/deeppot_sea.dp}\n"
          "run: {steps: 40, dt_fs: 0.5}\n"
          "neighbor: {skin_A: 1.0}\n"
          "velocity: {create: {temperature_K: 300, seed: 7}}\n"
          "thermo: {every: 20}\n");
  const json reference = eval_on(dir, config, 1, "--atomic");
  REQUIRE(reference["natoms"] == 768);
  const md::StructureData reference_final = run_final(dir, config, 1);
  for (int ranks : {2, 3, 4, 8}) {
    INFO(ranks << " ranks");
    md::test::check_eval_agrees(eval_on(dir, config, ranks, "--atomic"), reference, 1e-12, 1e-10);
    CHECK(max_unwrapped_difference(run_final(dir, config, ranks), reference_final) <= 1e-8);
  }
}

TEST_CASE("deepmd NVE: 200-step trajectories of the shipped water model agree on 1 to 8 ranks",
          "[mpi][deep]") {
  ScratchDir dir("mpi_deep_nve");
  const std::string config = dir.write(
      "water.yaml",
      "structure: {file: " + std::string(MD_SOURCE_DIR) + "/configs/data/water.lmp, type_map: [O, H]}\n"
      "potential: {type: deepmd, model: " + std::string(MD_SOURCE_DIR) +
          "/models/water_se_e2_a.dp}\n"
          "run: {steps: 200, dt_fs: 0.5}\n"
          "neighbor: {skin_A: 2.0}\n"
          "velocity: {create: {temperature_K: 300, seed: 11}}\n"
          "thermo: {every: 100}\n");
  auto run = [&](int ranks) { return run_final(dir, config, ranks); };
  const md::StructureData reference = run(1);
  for (int ranks : {2, 3, 4, 6, 8}) {
    INFO(ranks << " ranks");
    CHECK(max_unwrapped_difference(run(ranks), reference) <= 1e-8);
  }
}

TEST_CASE("deepmd compressed: eval and 100 NVE steps of the shipped model agree on 1 to 8 ranks",
          "[mpi][deep][compress]") {
  ScratchDir dir("mpi_deep_compressed");
  const std::string config = dir.write(
      "water.yaml",
      "structure: {file: " + std::string(MD_SOURCE_DIR) + "/configs/data/water.lmp, type_map: [O, H]}\n"
      "potential: {type: deepmd, model: " + std::string(MD_SOURCE_DIR) +
          "/models/water_se_e2_a.dp, compress: true}\n"
          "run: {steps: 100, dt_fs: 0.5}\n"
          "neighbor: {skin_A: 2.0}\n"
          "velocity: {create: {temperature_K: 300, seed: 13}}\n"
          "thermo: {every: 50}\n");
  auto eval = [&](int ranks) {
    return eval_on(dir, config, ranks, "--compressed", "deepmd: compressed");
  };
  const json reference = eval(1);
  const md::StructureData reference_final = run_final(dir, config, 1);
  for (int ranks : {2, 4, 8}) {
    INFO(ranks << " ranks");
    const json other = eval(ranks);
    REQUIRE(other["ids"] == reference["ids"]);
    const double e = reference["energy"];
    CHECK(std::abs(other["energy"].get<double>() - e) <= 1e-12 * std::abs(e));
    CHECK(max_row_difference(other, reference, "forces", 3) <= 1e-10);
    CHECK(max_unwrapped_difference(run_final(dir, config, ranks), reference_final) <= 1e-8);
  }
}
