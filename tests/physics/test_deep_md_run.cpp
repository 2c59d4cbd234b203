// SPDX-License-Identifier: MIT
/// \file
/// A short NVE run of water with the DeePMD-kit fixture model through `mdrun --config`: the whole
/// path (config, data file, .dp model, halo, full neighbour list, Deep Potential forces, reverse
/// sum of ghost forces, velocity Verlet, thermo) must conserve energy.
///
/// The fixture model (embedding 3-6-12, fitting 10-10-10) is a unit-test model, not a physical
/// one: it has no short-range repulsion, and after ~160 steps at 300 K two H atoms fall into
/// each other (r < 0.2 Å) and the dynamics becomes stiff. So the run is 100 steps of 0.5 fs,
/// where the total energy stays within 2e-5 eV of its start (measured; the kinetic energy is
/// 7.4 eV and moves by 0.5 eV over the run). The bound, 1e-4 eV, is 1.4e-5 of the kinetic
/// energy: a force that is not the gradient of the energy (a missing ghost-force sum, a wrong
/// virial-free term, a sign error) breaks it by orders of magnitude.
#include <catch2/catch.hpp>

#include <sstream>
#include <vector>

#include "tests/support/mdrun_process.hpp"

TEST_CASE("deepmd water NVE through mdrun conserves energy", "[deep][physics][mdrun]") {
  md::test::ScratchDir dir("deep_nve");
  const std::string config = dir.write(
      "water.yaml",
      "structure: {file: " + std::string(MD_SHARED_DIR) +
          "/data/water-example/lmp/water.lmp, type_map: [O, H]}\n"
          "potential: {type: deepmd, model: " + std::string(MD_SHARED_DIR) +
          "/data/deepmd/deeppot_sea.dp, sel_overflow: error}\n"
          "run: {steps: 100, dt_fs: 0.5}\n"
          "neighbor: {skin_A: 1.0}\n"
          "velocity: {create: {temperature_K: 300, seed: 20261121}}\n"
          "thermo: {every: 5, columns: [step, pe, ke, etotal, temp]}\n"
          "output: {write_final_data: false}\n");
  const auto result = md::test::run_process(std::string(MD_MDRUN_PATH) + " --config " + config,
                                            dir.path());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);

  // Thermo rows: "step pe ke etotal temp".
  std::vector<double> total, kinetic;
  std::istringstream lines(result.output);
  std::string line;
  bool in_table = false;
  while (std::getline(lines, line)) {
    if (line.find("Step") != std::string::npos && line.find("TotEng") != std::string::npos) {
      in_table = true;
      continue;
    }
    if (!in_table) continue;
    std::istringstream row(line);
    long step = 0;
    double pe = 0, ke = 0, etotal = 0, temp = 0;
    if (!(row >> step >> pe >> ke >> etotal >> temp)) break;
    total.push_back(etotal);
    kinetic.push_back(ke);
  }
  REQUIRE(total.size() == 21);
  for (double e : total) CHECK(std::abs(e - total.front()) < 1e-4);
  // The run did move: kinetic energy changes by far more than the total energy.
  double ke_min = kinetic.front(), ke_max = kinetic.front();
  for (double ke : kinetic) ke_min = std::min(ke_min, ke), ke_max = std::max(ke_max, ke);
  CHECK(ke_max - ke_min > 0.1);
}
