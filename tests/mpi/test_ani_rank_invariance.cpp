// SPDX-License-Identifier: MIT
/// \file
/// ANI-2x (the shipped member 0) on several ranks. `mdrun eval --atomic` of the 192-atom water box
/// replicated 2×2×2 (1,536 atoms) agrees with the 1-rank run to 1e-12 relative in energy and
/// virial and to 1e-10 eV/Å (eV) in forces, atomic energies and per-atom virials by atom id, on 2,
/// 3, 4, 6 and 8 ranks. 100 NVE steps of the 192-atom box agree to 1e-8 Å on 2, 4 and 8 ranks:
/// on 8 ranks its subdomains (6.2 Å) are thinner than the ghost width (5.1 Å cutoff + 1 Å skin
/// on both sides of a neighbour's shell), so ghosts come from beyond the adjacent ranks.
#include <catch2/catch.hpp>

#include <string>

#include "tests/support/rank_compare.hpp"

using md::test::eval_on;
using md::test::max_unwrapped_difference;
using md::test::run_final;
using md::test::ScratchDir;
using nlohmann::json;

namespace {

std::string ani_water_config(const std::string& replicate, int steps) {
  return "structure: {file: " + std::string(MD_SOURCE_DIR) +
         "/configs/data/water.lmp, type_map: [O, H], replicate: " + replicate + "}\n"
         "potential: {type: ani, model: " + std::string(MD_SOURCE_DIR) +
         "/models/ani2x_member0.h5}\n"
         "run: {steps: " + std::to_string(steps) + ", dt_fs: 0.5}\n"
         "neighbor: {skin_A: 1.0}\n"
         "velocity: {create: {temperature_K: 300, seed: 17}}\n"
         "thermo: {every: 50}\n";
}

}  // namespace

TEST_CASE("ani eval of replicated water agrees on 1 to 8 ranks", "[mpi][ani]") {
  ScratchDir dir("mpi_ani_eval");
  const std::string config = dir.write("water.yaml", ani_water_config("[2, 2, 2]", 0));
  const json reference = eval_on(dir, config, 1, "--atomic");
  REQUIRE(reference["natoms"] == 1536);
  for (int ranks : {2, 3, 4, 6, 8}) {
    INFO(ranks << " ranks");
    md::test::check_eval_agrees(eval_on(dir, config, ranks, "--atomic"), reference, 1e-12, 1e-10);
  }
}

TEST_CASE("ani NVE: 100-step trajectories of water agree on 1, 2, 4 and 8 ranks", "[mpi][ani]") {
  ScratchDir dir("mpi_ani_nve");
  const std::string config = dir.write("water.yaml", ani_water_config("[1, 1, 1]", 100));
  const md::StructureData reference = run_final(dir, config, 1);
  for (int ranks : {2, 4, 8}) {
    INFO(ranks << " ranks");
    CHECK(max_unwrapped_difference(run_final(dir, config, ranks), reference) <= 1e-8);
  }
}
