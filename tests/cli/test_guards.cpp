// SPDX-License-Identifier: MIT
/// \file
/// Runtime guards (engine/guards.hpp; conventions doc §B2 and §B5 item 23): each is triggered by a
/// crafted input through the `mdrun` binary and must stop the run with exit code 5, a message
/// naming the atom and the step, and a debug dump of the last state (`<structure>.crash.dump`,
/// LAMMPS dump custom with positions, image flags, velocities and forces).
///
///  - non-finite force: two atoms at the same position (LJ force 0·∞ = NaN at step 0);
///  - time step too large: the LJ liquid at 3,000 K with dt = 50 fs blows up within a few steps;
///  - atom outside a non-periodic box: an atom leaving through a fixed z boundary at 2,000 Å/ps;
///  - neighbour capacity overflow: guards.max_neighbors below the liquid's ~39 neighbours.
/// Lost atoms cannot happen by design; the guard is checked in-process with a migration hook that
/// simulates the bug (tests/physics/test_lost_atoms.cpp).
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>

#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const char* const kLjPotential = R"(potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
)";

/// A small LAMMPS data file: four argon atoms in a 20 Å box; `atom2` is atom 2's line and
/// `velocity2` its velocity line.
std::string four_atoms(const std::string& atom2, const std::string& velocity2) {
  return "crafted input for a guard test\n\n4 atoms\n1 atom types\n\n"
         "0 20 xlo xhi\n0 20 ylo yhi\n0 20 zlo zhi\n\nMasses\n\n1 39.948\n\nAtoms # atomic\n\n"
         "1 1 5 5 10\n" + atom2 + "\n3 1 15 5 8\n4 1 5 15 12\n\nVelocities\n\n1 0 0 0\n" +
         velocity2 + "\n3 0 0 0\n4 0 0 0\n";
}

struct GuardRun {
  md::test::ProcessResult result;
  std::string dump;  ///< the crash dump's text ("" when missing)
};

/// Runs mdrun in a fresh directory holding `data` (as crafted.data, or the 108-atom LJ liquid
/// when empty) and `config`.
GuardRun run_guard(const std::string& tag, const std::string& data, const std::string& config,
                   const std::string& arguments = "", const std::string& environment = "") {
  md::test::ScratchDir dir("guard_" + tag);
  if (data.empty()) {
    fs::copy_file(fs::path(MD_TEST_DATA_DIR) / "lj" / "lj_liquid_108.data",
                  dir.path() / "crafted.data");
  } else {
    dir.write("crafted.data", data);
  }
  dir.write("config.yaml", config);
  GuardRun run;
  run.result = md::test::run_process(
      md::test::mdrun_with("", "--config config.yaml " + arguments, environment), dir.path());
  run.dump = md::test::read_text_file(dir / "crafted.data.crash.dump");
  return run;
}

std::string config_with(const std::string& boundary, const std::string& run) {
  return "structure: {file: crafted.data, type_map: [Ar], boundary: " + boundary + "}\n" +
         kLjPotential + "run: " + run + "\nneighbor: {skin_A: 1.0}\nthermo: {every: 10}\n";
}

void require_guard(const GuardRun& run, const std::string& message, const std::string& step) {
  INFO(md::test::tail_of(run.result.output));
  CHECK(run.result.exit_code == 5);
  CHECK_THAT(run.result.output, Contains(message));
  CHECK_THAT(run.result.output, Contains("wrote the last state (step " + step + ")"));
  CHECK_THAT(run.dump, Contains("ITEM: TIMESTEP\n" + step + "\n"));
  CHECK_THAT(run.dump, Contains("ITEM: ATOMS id type x y z ix iy iz vx vy vz fx fy fz\n"));
}

}  // namespace

TEST_CASE("guard: a non-finite force stops the run with exit code 5", "[cli][guards]") {
  const GuardRun run = run_guard("nan_force", four_atoms("2 1 5 5 10", "2 0 0 0"),
                                 config_with("[p, p, p]", "{steps: 10, dt_fs: 2.0}"));
  require_guard(run, "non-finite force on atom 1 at step 0", "0");
  CHECK_THAT(run.dump, Contains("nan"));
}

TEST_CASE("guard: a time step far too large stops the run with exit code 5", "[cli][guards]") {
  const GuardRun run = run_guard(
      "large_dt", "",
      config_with("[p, p, p]", "{steps: 200, dt_fs: 50.0}") +
          "velocity: {create: {temperature_K: 3000, seed: 1}}\n");
  // 3,000 K argon moves ~0.7 Å per 50 fs step, more than half the 1 Å skin: stopped at step 1,
  // long before anything becomes non-finite.
  require_guard(run, "moved at least", "1");
  CHECK_THAT(run.result.output, Contains("in one step (step 1), more than "
                                         "guards.max_step_displacement_A = 0.5 Å"));
  CHECK_THAT(run.result.output, Contains("the dynamics is unstable (time step too large"));
}

TEST_CASE("guard: an atom leaving a non-periodic box stops the run with exit code 5",
          "[cli][guards]") {
  // 40 Å/ps × 10 fs = 0.4 Å per step (within the per-step bound): out at step 1, found at the
  // rebuild of step 2, when it has moved more than half the skin.
  const GuardRun run = run_guard("outside", four_atoms("2 1 15 15 19.8", "2 0 0 40"),
                                 config_with("[p, p, f]", "{steps: 10, dt_fs: 10.0}"));
  require_guard(run, "atom 2 left the box along the non-periodic z dimension at step 2", "2");
}

TEST_CASE("guard: neighbour capacity overflow stops the run with exit code 5", "[cli][guards]") {
  const GuardRun run = run_guard("capacity", "",
                                 config_with("[p, p, p]", "{steps: 10, dt_fs: 10.0}"),
                                 "--set guards.max_neighbors=20");
  require_guard(run, "neighbour capacity overflow at step 0: atom 1 has", "0");
  CHECK_THAT(run.result.output, Contains("more than guards.max_neighbors = 20"));
}
