// SPDX-License-Identifier: MIT
/// \file
/// Errors on several ranks (issue 17): a job that stops stops once — one message, one exit code,
/// every rank finishing MPI cleanly (no MPI_Abort banner) — and the dynamics guards reach the
/// same verdict whatever the number of ranks. Each case runs mdrun under mpiexec on 4 ranks
/// (oversubscribed); the guard verdicts are compared on 1, 2 and 4 ranks.
#include <catch2/catch.hpp>

#include <regex>
#include <string>
#include <vector>

#include "tests/support/mdrun_process.hpp"

namespace {

using Catch::Matchers::Contains;
using md::test::ScratchDir;

const char* const kLj = R"(potential:
  type: lj/cut
  cutoff_A: 8.5125
  shift_energy: true
  pairs: [{types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}]
)";

std::string liquid_config(const std::string& extra) {
  return "structure: {file: " + std::string(MD_SOURCE_DIR) +
         "/configs/data/lj_liquid.data, type_map: [Ar]}\n" + kLj +
         "run: {steps: 20, dt_fs: 5.0}\nthermo: {every: 10}\noutput: {write_final_data: false}\n" +
         extra;
}

int count_of(const std::string& text, const std::string& word) {
  int n = 0;
  for (std::size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) ++n;
  return n;
}

/// The ERROR line mdrun printed (without the prefix), "" when none.
std::string error_line(const std::string& output) {
  std::smatch match;
  return std::regex_search(output, match, std::regex("ERROR: ([^\n]*)")) ? match[1].str() : "";
}

}  // namespace

TEST_CASE("an error on 4 ranks is reported once, with one exit code and a clean exit", "[mpi]") {
  struct Case {
    const char* name;
    std::string config;
    int exit_code;
    const char* message;
  };
  const std::vector<Case> cases = {
      {"config", liquid_config("run2: {}\n"), 2, "unknown top-level key 'run2'"},
      {"structure file", "structure: {file: missing.data, type_map: [Ar]}\n" + std::string(kLj) +
                             "run: {steps: 1, dt_fs: 1.0}\n",
       3, "missing.data"},
      {"model", "structure: {file: " + std::string(MD_SOURCE_DIR) +
                    "/configs/data/water.lmp, type_map: [O, Xx]}\npotential: {type: deepmd, "
                    "model: " + std::string(MD_SOURCE_DIR) +
                    "/models/water_se_e2_a.dp}\nrun: {steps: 1, dt_fs: 0.5}\n",
       4, "type 'Xx' of the run is not in the model's type_map"},
      {"output directory", liquid_config("").replace(
                               liquid_config("").find("output: {write_final_data: false}"),
                               std::string("output: {write_final_data: false}").size(),
                               "output: {summary_json: no/such/dir/s.json}"),
       7, "the directory 'no/such/dir'"},
      {"a guard", liquid_config("velocity: {create: {temperature_K: 3000, seed: 1}}\n")
                      .replace(liquid_config("").find("dt_fs: 5.0"), 10, "dt_fs: 50.0"),
       5, "the dynamics is unstable"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      ScratchDir dir("collective");
      dir.write("run.yaml", c.config);
      const auto r = md::test::run_process(md::test::mdrun_command(4, "--config run.yaml"),
                                           dir.path());
      INFO(r.output);
      CHECK(r.exit_code == c.exit_code);
      CHECK_THAT(r.output, Contains(c.message));
      CHECK(count_of(r.output, "ERROR") == 1);
      CHECK(count_of(r.output, "MPI_ABORT") == 0);
      CHECK(count_of(r.output, "Total wall time") == 1);
    }
  }
}

TEST_CASE("the dynamics guards reach the same verdict on 1, 2 and 4 ranks", "[mpi]") {
  struct Case {
    const char* name;
    std::string data;
    std::string run;
  };
  // Three argon atoms, two of them 0.3 Å apart (stopped at step 0 by the force guard), and the
  // LJ liquid exploding at dt = 50 fs (stopped at step 1 by the per-step displacement guard).
  const std::string overlap =
      "three atoms\n\n3 atoms\n1 atom types\n\n0 20 xlo xhi\n0 20 ylo yhi\n0 20 zlo zhi\n\n"
      "Masses\n\n1 39.948\n\nAtoms # atomic\n\n1 1 5 5 5\n2 1 5.3 5 5\n3 1 15 15 15\n";
  const std::vector<Case> cases = {
      {"atoms 0.3 A apart", overlap, "{steps: 10, dt_fs: 2.0}"},
      {"an exploding liquid", "",
       "{steps: 100, dt_fs: 50.0}\nvelocity: {create: {temperature_K: 3000, seed: 1}}"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      std::vector<std::string> messages;
      for (int ranks : {1, 2, 4}) {
        ScratchDir dir("verdict");
        const std::string data =
            c.data.empty() ? std::string(MD_SOURCE_DIR) + "/configs/data/lj_liquid.data"
                           : dir.write("a.data", c.data);
        dir.write("run.yaml", "structure: {file: " + data + ", type_map: [Ar]}\n" +
                                  std::string(kLj) + "run: " + c.run + "\nthermo: {every: 10}\n");
        const auto r = md::test::run_process(
            md::test::mdrun_command(ranks, "--config run.yaml"), dir.path());
        INFO(ranks << " ranks:\n" << r.output);
        CHECK(r.exit_code == 5);
        CHECK_THAT(r.output, Contains("wrote the last state"));
        messages.push_back(error_line(r.output));
      }
      INFO("1 rank: " << messages[0] << "\n2 ranks: " << messages[1] << "\n4 ranks: "
                      << messages[2]);
      CHECK_FALSE(messages[0].empty());
      CHECK(messages[1] == messages[0]);
      CHECK(messages[2] == messages[0]);
    }
  }
}
