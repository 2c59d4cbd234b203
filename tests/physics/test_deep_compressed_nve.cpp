// SPDX-License-Identifier: MIT
/// \file
/// NVE energy conservation of the compressed (tabulated) shipped water model, against the exact
/// model on the same start: DeePMD-kit's 192-atom water box (configs/data/water.lmp) with the
/// shipped model (models/water_se_e2_a.dp), 300 K, dt 0.5 fs, 400 steps (200 fs), TotEng every
/// 10 steps. Both runs are made here, one after the other, through the mdrun binary.
///
/// The tables are C² quintic splines of the nets (value, slope and curvature continuous at the
/// knots), so the tabulated energy is smooth and its forces are its exact gradient: velocity
/// Verlet must conserve it as well as it conserves the exact model's. Checked: the largest
/// |E(t) − E(0)| and the least-squares slope of the compressed run are each at most twice the
/// exact run's plus 0.1 meV. Measured: both runs give max |dE| 0.0166 eV and a slope of 7.2e-6
/// eV/step, equal to the thermo's printed digits (the tables differ from the nets by ~1e-11 in
/// the forces, which 400 steps do not amplify to the thermo's precision); the kinetic energy
/// moves by 1.15 eV.
/// A table whose slope were not the derivative of its value (a wrong coefficient, a wrong
/// chain-rule factor) makes the forces non-conservative and the energy walk by orders of
/// magnitude more. The trajectories diverge after a few hundred steps (chaos), so the check is
/// on conservation, not on equal energies.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace {

struct Conservation {
  double max_deviation = 0.0;  ///< max_t |E(t) − E(0)|, eV
  double slope = 0.0;          ///< least-squares slope of E(t), eV per step
  double ke_range = 0.0;       ///< max − min of the kinetic energy, eV
};

Conservation run_nve(md::test::ScratchDir& dir, bool compress) {
  const std::string name = compress ? "compressed" : "exact";
  const std::string config = dir.write(
      name + ".yaml",
      "structure: {file: " + std::string(MD_SOURCE_DIR) +
          "/configs/data/water.lmp, type_map: [O, H]}\n"
          "potential: {type: deepmd, model: " + std::string(MD_SOURCE_DIR) +
          "/models/water_se_e2_a.dp, compress: " + (compress ? "true" : "false") + "}\n"
          "run: {steps: 400, dt_fs: 0.5}\n"
          "neighbor: {skin_A: 2.0}\n"
          "velocity: {create: {temperature_K: 300, seed: 20261205}}\n"
          "thermo: {every: 10, columns: [step, pe, ke, etotal, temp]}\n"
          "output: {write_final_data: false}\n");
  const auto result = md::test::run_process(
      std::string(MD_MDRUN_PATH) + " --config " + config, dir.path());
  INFO(md::test::tail_of(result.output));
  REQUIRE(result.exit_code == 0);
  CHECK((result.output.find("deepmd: compressed") != std::string::npos) == compress);
  auto thermo = md::test::parse_thermo(result.output);
  const std::vector<double>& e = thermo.at("TotEng");
  const std::vector<double>& ke = thermo.at("KinEng");
  REQUIRE(e.size() == 41);
  Conservation c;
  double t_mean = 0.0, e_mean = 0.0;
  for (std::size_t k = 0; k < e.size(); ++k) t_mean += k, e_mean += e[k];
  t_mean /= e.size();
  e_mean /= e.size();
  double num = 0.0, den = 0.0, ke_min = ke.front(), ke_max = ke.front();
  for (std::size_t k = 0; k < e.size(); ++k) {
    c.max_deviation = std::max(c.max_deviation, std::abs(e[k] - e.front()));
    num += (k - t_mean) * (e[k] - e_mean);
    den += (k - t_mean) * (k - t_mean);
    ke_min = std::min(ke_min, ke[k]);
    ke_max = std::max(ke_max, ke[k]);
  }
  c.slope = num / den / 10.0;  // thermo every 10 steps
  c.ke_range = ke_max - ke_min;
  return c;
}

}  // namespace

TEST_CASE("compressed water conserves energy in NVE as well as the exact model",
          "[deepmd][compress][physics][mdrun]") {
  md::test::ScratchDir dir("compressed_nve");
  const Conservation exact = run_nve(dir, false);
  const Conservation compressed = run_nve(dir, true);
  INFO("exact: max |dE| " << exact.max_deviation << " eV, slope " << exact.slope
                          << " eV/step, KE range " << exact.ke_range << " eV");
  INFO("compressed: max |dE| " << compressed.max_deviation << " eV, slope " << compressed.slope
                               << " eV/step, KE range " << compressed.ke_range << " eV");
  // The runs moved: the kinetic energy exchanges far more than the total energy drifts.
  CHECK(exact.ke_range > 0.2);
  CHECK(compressed.ke_range > 0.2);
  CHECK(compressed.max_deviation <= 2.0 * exact.max_deviation + 1e-4);
  CHECK(std::abs(compressed.slope) <= 2.0 * std::abs(exact.slope) + 1e-4 / 400);
}
