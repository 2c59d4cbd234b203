// SPDX-License-Identifier: MIT
/// \file
/// model_devi.out across a restart, through the `mdrun` binary: 192-atom water with the four
/// committee models of tests/data/model_devi, NVT, a row every 10 steps (atomic), checkpoints
/// every 20 steps.
///
///  - 60 steps straight vs 20 + `--cpi` + 40: the file must be byte for byte the straight one
///    (the restart step's row is not repeated, no row is lost);
///  - a run killed (SIGKILL) while writing its checkpoint at step 40 has already written the row
///    of step 40; continuing from the step-20 checkpoint drops rows 30 and 40 and writes them
///    again, and the file is again the straight one's.
///
/// Like the other restart tests it runs behind MD_MPIEXEC when set (CTest's "mpi: checkpoint
/// restart on 4 ranks"), so the N-rank continuation is checked the same way.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <string>

#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

std::string committee_config() {
  return md::test::committee_water_config(
      "", "{every: 10, file: model_devi.out, atomic: true}",
      "run: {steps: 60, dt_fs: 0.5}\nvelocity: {create: {temperature_K: 300, seed: 5}}\n"
      "thermo: {every: 20}\ncheckpoint: {file: state.h5, every_steps: 20}\n");
}

struct CommitteeRun {
  explicit CommitteeRun(const std::string& tag) : dir(tag) {
    dir.write("config.yaml", committee_config());
  }
  md::test::ProcessResult mdrun(const std::string& arguments,
                                const std::string& environment = "") const {
    return md::test::run_process(
        md::test::mdrun_with(md::test::launcher_from_environment(),
                             "--config config.yaml " + arguments, environment),
        dir.path());
  }
  std::string rows() const { return md::test::read_text_file(dir / "model_devi.out"); }
  md::test::ScratchDir dir;
};

void require_ok(const md::test::ProcessResult& r) {
  INFO(md::test::tail_of(r.output));
  REQUIRE(r.exit_code == 0);
}

}  // namespace

TEST_CASE("model_devi.out: a restart appends without repeating or losing a row",
          "[regression][restart][model_devi]") {
  CommitteeRun straight("devi_straight");
  require_ok(straight.mdrun(""));
  const std::string expected = straight.rows();
  // Header and the rows of steps 0, 10, …, 60.
  CHECK(std::count(expected.begin(), expected.end(), '\n') == 1 + 7);
  CHECK_THAT(expected, Contains("atm_devi_f(N)"));

  CommitteeRun split("devi_split");
  require_ok(split.mdrun("--nsteps 20"));
  const std::string first_part = split.rows();
  CHECK(std::count(first_part.begin(), first_part.end(), '\n') == 1 + 3);
  const auto second = split.mdrun("--cpi state.h5");
  require_ok(second);
  CHECK_THAT(second.output,
             Contains("continuing the model deviation file model_devi.out after its 3 rows up "
                      "to step 20"));
  CHECK(split.rows() == expected);
}

TEST_CASE("model_devi.out: a killed run's rows after its last checkpoint are written once",
          "[regression][restart][model_devi]") {
  CommitteeRun straight("devi_kill_straight");
  require_ok(straight.mdrun(""));
  CommitteeRun killed("devi_kill");
  // Checkpoint 1 (step 20) completes; checkpoint 2 (step 40) is cut short by SIGKILL, after the
  // row of step 40 was written.
  const auto crash = killed.mdrun("", "MD_TEST_KILL_DURING_CHECKPOINT=2 ");
  CHECK(crash.exit_code != 0);
  const std::string before = killed.rows();
  CHECK(std::count(before.begin(), before.end(), '\n') == 1 + 5);  // rows 0 … 40
  const auto resumed = killed.mdrun("--cpi state.h5");
  require_ok(resumed);
  CHECK_THAT(resumed.output, Contains("continuing from checkpoint state.h5 at step 20"));
  CHECK(killed.rows() == straight.rows());
}
