// SPDX-License-Identifier: MIT
/// \file
/// Stopping before a batch limit (conventions doc §B5 item 22): SIGUSR1 or SIGTERM during a run,
/// and `--maxh`, must write a checkpoint at the current step and exit 0 within a step, and
/// `--cpi` must continue from that step. The run is long enough (10⁷ steps) that only the stop
/// request can end it; a 60 s `timeout` turns a hang into a failure.
#include <catch2/catch.hpp>

#include <filesystem>
#include <regex>
#include <string>

#include "tests/support/mdrun_process.hpp"
#include "tests/support/run_log.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

const char* const kConfig = R"(structure: {file: lj_liquid_108.data, type_map: [Ar]}
potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
run: {steps: 10000000, dt_fs: 10.0}
integrator: {type: nvt, thermostat: {type: csvr, temperature_K: 120, tau_ps: 0.1, seed: 9}}
thermo: {every: 100}
output:
  trajectory: {format: h5md, file: traj.h5, every: 100}
)";

/// The step mdrun reports having stopped at.
long stopped_step(const std::string& log) {
  std::smatch match;
  REQUIRE(std::regex_search(log, match, std::regex("stopped at step ([0-9]+)")));
  return std::stol(match[1]);
}

/// After a stop: the checkpoint is at the reported step and a continuation starts from it.
void check_continuation(const md::test::ScratchDir& dir, long step) {
  const auto resumed = md::test::run_process(
      md::test::mdrun_with("", "--config config.yaml --cpi state.h5 --nsteps " +
                                   std::to_string(step + 20)),
      dir.path());
  INFO(md::test::tail_of(resumed.output));
  CHECK(resumed.exit_code == 0);
  CHECK_THAT(resumed.output,
             Contains("continuing from checkpoint state.h5 at step " + std::to_string(step)));
  CHECK_THAT(resumed.output, Contains("continuing H5MD traj.h5"));
}

void check_signal(const std::string& signal) {
  md::test::ScratchDir dir("signal_" + signal);
  fs::copy_file(fs::path(MD_TEST_DATA_DIR) / "lj" / "lj_liquid_108.data",
                dir.path() / "lj_liquid_108.data");
  dir.write("config.yaml", kConfig);
  // Start mdrun under `timeout`, wait for its first thermo line (the handlers are installed by
  // then), signal it (the child of `timeout`, so nothing else is hit), and record its status.
  // (In braces, so that all of it runs in the scratch directory run_process changes to.)
  const std::string script =
      "{ " + md::test::mdrun_with("timeout 60", "--config config.yaml") + " > run.log 2>&1 & "
      "pid=$!; for i in $(seq 600); do grep -q ' Step ' run.log 2>/dev/null && break; "
      "sleep 0.1; done; sleep 0.3; pkill -" + signal + " -P $pid; wait $pid; echo $? > status; }";
  const auto result = md::test::run_process(script, dir.path());
  const std::string log = md::test::read_text_file(dir / "run.log");
  INFO(md::test::tail_of(log));
  CHECK(md::test::read_text_file(dir / "status") == "0\n");
  CHECK_THAT(log, Contains("(received SIG" + signal + ")"));
  CHECK_THAT(log, Contains("Continue with: mdrun --config config.yaml --cpi state.h5"));
  const long step = stopped_step(log);
  CHECK_THAT(log, Contains("wrote checkpoint state.h5 at step " + std::to_string(step)));
  check_continuation(dir, step);
}

}  // namespace

TEST_CASE("SIGUSR1 writes a checkpoint and exits 0", "[cli][signals]") { check_signal("USR1"); }

TEST_CASE("SIGTERM writes a checkpoint and exits 0", "[cli][signals]") { check_signal("TERM"); }

TEST_CASE("a wall-time limit (--maxh) writes a checkpoint and exits 0 before it is reached", "[cli][signals]") {
  md::test::ScratchDir dir("maxh");
  fs::copy_file(fs::path(MD_TEST_DATA_DIR) / "lj" / "lj_liquid_108.data",
                dir.path() / "lj_liquid_108.data");
  dir.write("config.yaml", kConfig);
  // 0.0003 h = 1.08 s.
  const auto result = md::test::run_process(
      md::test::mdrun_with("timeout 60", "--config config.yaml --maxh 0.0003"), dir.path());
  INFO(md::test::tail_of(result.output));
  CHECK(result.exit_code == 0);
  CHECK_THAT(result.output, Contains("--maxh 0.0003: 99 % of the wall time used"));
  const long step = stopped_step(result.output);
  CHECK(step > 0);
  check_continuation(dir, step);
}
