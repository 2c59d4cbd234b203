// SPDX-License-Identifier: MIT
/// \file
/// Answers do not depend on the number of ranks. Each test runs mdrun on 1 rank and under
/// mpiexec on 2, 3, 4, 6 and 8 ranks (oversubscribed) and compares, by global atom id:
///  - `mdrun eval`: energy and virial to 1e-12 relative, forces to 1e-10 eV/Å;
///  - 200 NVE steps: unwrapped positions to 1e-8 Å (summation order differs between
///    decompositions, so trajectories agree to rounding growth, not bit for bit);
///  - 200 NPT steps (MTK anisotropic, and stochastic cell rescaling): the same, and the final box
///    to 1e-10 Å: box changes, migration and the rebuilt halo on every decomposition.
///  - a strongly tilted cell (the Ar/Kr mixture of the triclinic LAMMPS golden): eval, 100 NVE
///    steps, and 100 stochastic-cell-rescaling NPT steps whose box (tilts included) must agree;
///    the decomposition is in fractional coordinates, the ghosts shifted by edge vectors.
/// Edge cases: atoms crossing two subdomains between rebuilds, subdomains thinner than the ghost
/// width (multi-hop halo), ranks without atoms, and a box replicated 1×1×N over N ranks.
#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

#include "io/lammps_data.hpp"
#include "tests/support/mdrun_process.hpp"
#include "tests/support/rank_compare.hpp"

namespace {

using md::test::run_final;
using md::test::ScratchDir;
using nlohmann::json;

constexpr double kEnergyRelTol = 1e-12;
constexpr double kForceTol = 1e-10;     // eV/Å
constexpr double kPositionTol = 1e-8;   // Å

const std::string kLjData = std::string(MD_TEST_DATA_DIR) + "/lj/lj_small.data";  // 500 atoms
const std::string kLjLiquid = std::string(MD_SOURCE_DIR) + "/configs/data/lj_liquid.data";

/// An LJ argon config for `data`; `replicate` is a flow list such as "[1, 1, 4]".
std::string lj_config(const std::string& data, const std::string& extra,
                      const std::string& replicate = "[1, 1, 1]") {
  return "structure: {file: " + data + ", type_map: [Ar], replicate: " + replicate + "}\n"
         "potential:\n"
         "  type: lj/cut\n"
         "  cutoff_A: 8.5125\n"
         "  shift_energy: true\n"
         "  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]\n"
         "run: {steps: 200, dt_fs: 5.0}\n"
         "thermo: {every: 50}\n" +
         extra;
}

json eval_json(const ScratchDir& dir, const std::string& config, int ranks) {
  const std::string out = dir / ("eval_" + std::to_string(ranks) + ".json");
  const auto result = md::test::run_process(
      md::test::mdrun_command(ranks, "eval --config " + config + " --json " + out), dir.path());
  INFO(result.output);
  REQUIRE(result.exit_code == 0);
  return md::test::read_json(out);
}

void compare_eval(const json& reference, const json& other) {
  REQUIRE(other["natoms"] == reference["natoms"]);
  REQUIRE(other["ids"] == reference["ids"]);
  const double e_ref = reference["energy"];
  CHECK(std::abs(other["energy"].get<double>() - e_ref) <= kEnergyRelTol * std::abs(e_ref));
  double w_scale = 0.0;
  for (int k = 0; k < 9; ++k) w_scale = std::max(w_scale, std::abs(reference["virial"][k].get<double>()));
  for (int k = 0; k < 9; ++k) {
    CHECK(std::abs(other["virial"][k].get<double>() - reference["virial"][k].get<double>()) <=
          kEnergyRelTol * w_scale);
  }
  double worst = 0.0;
  for (std::size_t i = 0; i < reference["forces"].size(); ++i) {
    for (int c = 0; c < 3; ++c) {
      worst = std::max(worst, std::abs(other["forces"][i][c].get<double>() -
                                       reference["forces"][i][c].get<double>()));
    }
  }
  CHECK(worst <= kForceTol);
}

}  // namespace

TEST_CASE("lj eval: energy, virial and forces are the same on 1 to 8 ranks", "[mpi]") {
  ScratchDir dir("mpi_lj_eval");
  const std::string config = dir.write("lj.yaml", lj_config(kLjLiquid, ""));
  const json reference = eval_json(dir, config, 1);
  for (int ranks : {2, 3, 4, 6, 8}) {
    INFO(ranks << " ranks");
    compare_eval(reference, eval_json(dir, config, ranks));
  }
}

TEST_CASE("lj NVE: 200-step trajectories agree on 1 to 8 ranks", "[mpi]") {
  ScratchDir dir("mpi_lj_nve");
  const std::string config = dir.write("lj.yaml", lj_config(kLjLiquid, "neighbor: {skin_A: 1.0}\n"));
  const md::StructureData reference = run_final(dir, config, 1);
  for (int ranks : {2, 3, 4, 6, 8}) {
    INFO(ranks << " ranks");
    CHECK(md::test::max_unwrapped_difference(reference, run_final(dir, config, ranks)) <= kPositionTol);
  }
}

TEST_CASE("lj NPT (mtk aniso, c_rescale): 200-step trajectories and boxes agree on 1 to 8 ranks",
          "[mpi]") {
  ScratchDir dir("mpi_lj_npt");
  const std::string mtk = dir.write(
      "mtk.yaml",
      lj_config(kLjLiquid,
                "neighbor: {skin_A: 1.0}\n"
                "integrator: {type: npt, thermostat: {type: nose_hoover_chain, temperature_K: "
                "172, tau_ps: 0.5}, barostat: {type: mtk, pressure_bar: 2000, tau_ps: 1.0, "
                "coupling: anisotropic}}\n"));
  const std::string c_rescale = dir.write(
      "c_rescale.yaml",
      lj_config(kLjLiquid,
                "neighbor: {skin_A: 1.0}\n"
                "integrator: {type: npt, thermostat: {type: csvr, temperature_K: 172, tau_ps: "
                "0.5, seed: 3}, barostat: {type: c_rescale, pressure_bar: 2000, tau_ps: 0.5, "
                "compressibility_per_bar: 2e-4, seed: 4, every: 5}}\n"));
  for (const std::string& config : {mtk, c_rescale}) {
    INFO(config);
    const md::StructureData reference = run_final(dir, config, 1);
    for (int ranks : {2, 4, 8}) {
      INFO(ranks << " ranks");
      const md::StructureData other = run_final(dir, config, ranks);
      CHECK(md::test::max_unwrapped_difference(reference, other) <= kPositionTol);
      for (int d = 0; d < 3; ++d) {
        CHECK(std::abs(other.hi[d] - reference.hi[d]) <= 1e-10);
        CHECK(std::abs(other.lo[d] - reference.lo[d]) <= 1e-10);
      }
    }
    // The box did move.
    const md::StructureData start = md::read_lammps_data(kLjLiquid, md::AtomStyle::kAtomic);
    CHECK(std::abs((reference.hi[0] - reference.lo[0]) - (start.hi[0] - start.lo[0])) > 1e-3);
  }
}

TEST_CASE("a tilted cell: eval, NVE and NPT (c_rescale) agree on 1 to 8 ranks",
          "[mpi][triclinic]") {
  ScratchDir dir("mpi_lj_triclinic");
  const std::string data = std::string(MD_TEST_DATA_DIR) + "/lj/lj_mixture_triclinic.data";
  const std::string common =
      "structure: {file: " + data + ", type_map: [Ar, Kr]}\n"
      "potential:\n"
      "  type: lj/cut\n"
      "  cutoff_A: 8.5125\n"
      "  pairs:\n"
      "    - {types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}\n"
      "    - {types: [Kr, Kr], epsilon_eV: 0.0140, sigma_A: 3.65}\n"
      "    - {types: [Ar, Kr], epsilon_eV: 0.0120, sigma_A: 3.52}\n"
      "run: {steps: 100, dt_fs: 2.0}\n"
      "neighbor: {skin_A: 1.0}\n"
      "thermo: {every: 50}\n";
  const std::string nve = dir.write("nve.yaml", common);
  const std::string npt = dir.write(
      "npt.yaml", common +
                      "integrator: {type: npt, thermostat: {type: csvr, temperature_K: 100, "
                      "tau_ps: 0.5, seed: 3}, barostat: {type: c_rescale, pressure_bar: 3000, "
                      "tau_ps: 0.2, compressibility_per_bar: 2e-4, seed: 4, every: 2}}\n");
  const json eval_reference = eval_json(dir, nve, 1);
  const md::StructureData start = md::read_lammps_data(data, md::AtomStyle::kAtomic);
  for (const std::string& config : {nve, npt}) {
    INFO(config);
    const md::StructureData reference = run_final(dir, config, 1);
    for (int ranks : {2, 3, 4, 6, 8}) {
      INFO(ranks << " ranks");
      if (config == nve) compare_eval(eval_reference, eval_json(dir, nve, ranks));
      const md::StructureData other = run_final(dir, config, ranks);
      CHECK(md::test::max_unwrapped_difference(reference, other) <= kPositionTol);
      for (int d = 0; d < 3; ++d) {
        CHECK(std::abs(other.hi[d] - reference.hi[d]) <= 1e-10);
        CHECK(std::abs(other.tilt[d] - reference.tilt[d]) <= 1e-10);
      }
    }
    if (config == npt) {
      // The cell moved and kept its shape: the tilts scale with the lengths they lie along.
      const double scale = (reference.hi[2] - reference.lo[2]) / (start.hi[2] - start.lo[2]);
      CHECK(std::abs(scale - 1.0) > 1e-3);
      CHECK(reference.tilt[2] / start.tilt[2] == Approx(scale).epsilon(1e-12));
    }
  }
}

TEST_CASE("atoms crossing two subdomains between rebuilds, with multi-hop ghosts", "[mpi]") {
  // 500 atoms in a 28.6 Å box cut into 8 slabs of 3.6 Å along x. With a 10 Å skin an atom may
  // move 5 Å between rebuilds, i.e. across more than one slab, and the 18.5 Å ghost width spans
  // six slabs. The liquid is heated to 3000 K so atoms do travel that far.
  ScratchDir dir("mpi_crossing");
  const std::string config = dir.write(
      "lj.yaml", lj_config(kLjData, "neighbor: {skin_A: 10.0}\n"
                                    "velocity: {create: {temperature_K: 3000, seed: 5}}\n"
                                    "decomposition: [8, 1, 1]\n"));
  const std::string serial_config = dir.write(
      "lj_serial.yaml", lj_config(kLjData, "neighbor: {skin_A: 10.0}\n"
                                           "velocity: {create: {temperature_K: 3000, seed: 5}}\n"));
  const md::StructureData reference = run_final(dir, serial_config, 1);
  const md::StructureData parallel = run_final(dir, config, 8);
  CHECK(md::test::max_unwrapped_difference(reference, parallel) <= kPositionTol);
  // The test only proves something if atoms did travel more than one slab.
  double farthest = 0.0;
  const md::StructureData start = md::read_lammps_data(kLjData, md::AtomStyle::kAtomic);
  for (std::size_t i = 0; i < start.size(); ++i) {
    const double length = parallel.hi[0] - parallel.lo[0];
    const double x_end = parallel.positions[3 * i] + parallel.images[3 * i] * length;
    farthest = std::max(farthest, std::abs(x_end - start.positions[3 * (parallel.ids[i] - 1)]));
  }
  CHECK(farthest > 2 * 28.6 / 8);
}

TEST_CASE("ranks without atoms take part in every exchange", "[mpi]") {
  // The 500-atom liquid in the lower part of a box stretched to 80 Å along z: with 6 ranks
  // stacked along z, the upper ranks own nothing (vacuum), yet the run must match 1 rank.
  ScratchDir dir("mpi_empty");
  md::StructureData slab = md::read_lammps_data(kLjData, md::AtomStyle::kAtomic);
  slab.hi[2] = slab.lo[2] + 80.0;
  md::write_lammps_data(dir / "slab.data", slab);
  const std::string config =
      dir.write("slab.yaml", lj_config(dir / "slab.data", "decomposition: [1, 1, 6]\n"));
  const std::string serial = dir.write("slab_serial.yaml", lj_config(dir / "slab.data", ""));
  compare_eval(eval_json(dir, serial, 1), eval_json(dir, config, 6));
  CHECK(md::test::max_unwrapped_difference(run_final(dir, serial, 1), run_final(dir, config, 6)) <=
        kPositionTol);
}

TEST_CASE("a box replicated 1x1xN over N ranks equals N copies of the base cell", "[mpi]") {
  ScratchDir dir("mpi_replicate");
  const int n = 4;
  const std::string base = dir.write("base.yaml", lj_config(kLjLiquid, ""));
  const std::string config = dir.write(
      "replicated.yaml", lj_config(kLjLiquid, "decomposition: [1, 1, " + std::to_string(n) + "]\n",
                                   "[1, 1, " + std::to_string(n) + "]"));
  const json one_cell = eval_json(dir, base, 1);
  const json on_n_ranks = eval_json(dir, config, n);
  REQUIRE(on_n_ranks["natoms"].get<int>() == n * one_cell["natoms"].get<int>());
  // The base cell (45.8 Å) is wider than twice the cutoff, so each copy sees the same
  // neighbourhood: the energy is exactly n times, and atom b of copy r (id b + r·N_base) feels
  // the force of atom b.
  const double e1 = one_cell["energy"];
  CHECK(std::abs(on_n_ranks["energy"].get<double>() - n * e1) <= kEnergyRelTol * std::abs(n * e1));
  const std::size_t n_base = one_cell["forces"].size();
  double worst = 0.0;
  for (std::size_t i = 0; i < on_n_ranks["forces"].size(); ++i) {
    for (int c = 0; c < 3; ++c) {
      worst = std::max(worst, std::abs(on_n_ranks["forces"][i][c].get<double>() -
                                       one_cell["forces"][i % n_base][c].get<double>()));
    }
  }
  CHECK(worst <= kForceTol);
}
