// SPDX-License-Identifier: MIT
/// \file
/// `mdrun --check --config X` on every malformed config in tests/data/configs/malformed: the exit
/// status and the message a user sees must be the ones the file's `# expect-exit:` and
/// `# expect-error:` header lines state. The unit test of io/run_config checks the same corpus
/// through the library; this one checks that the message and exit code survive the trip through
/// the executable (error handling in apps/mdrun, stderr, the process status).
#include <sys/wait.h>

#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/support/config_parsing.hpp"

namespace fs = std::filesystem;
using Catch::Matchers::Contains;

namespace {

/// Wraps `text` in single quotes for /bin/sh.
std::string shell_quote(const std::string& text) {
  std::string out = "'";
  for (const char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

struct RunResult {
  int exit_code = -1;  ///< WEXITSTATUS, or -1 when the process did not exit normally
  std::string output;  ///< stdout and stderr together
};

RunResult run_command(const std::string& command) {
  RunResult result;
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::array<char, 4096> buffer{};
  std::size_t n = 0;
  while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) {
    result.output.append(buffer.data(), n);
  }
  const int status = pclose(pipe);
  if (status != -1 && WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  return result;
}

}  // namespace

TEST_CASE("mdrun --check: every malformed config exits with its code and message", "[cli]") {
  const std::vector<fs::path> files = md::test::malformed_config_corpus();
  REQUIRE(files.size() >= 14);

  for (const auto& file : files) {
    DYNAMIC_SECTION(file.filename().string()) {
      const md::test::CorpusExpectation expect = md::test::read_corpus_expectation(file);
      REQUIRE(expect.exit_code >= 0);
      REQUIRE_FALSE(expect.error.empty());
      const RunResult result = run_command(shell_quote(MD_MDRUN_PATH) + " --check --config " +
                                           shell_quote(file.string()));
      INFO("output:\n" << result.output);
      CHECK(result.exit_code == expect.exit_code);
      CHECK_THAT(result.output, Contains(expect.error));
    }
  }
}

TEST_CASE("mdrun --check: a committee whose type maps differ names the model and the types",
          "[cli][model_devi]") {
  // tests/data/models/params.dp has the types H C O; the committee's first model O H.
  const std::string data = MD_TEST_DATA_DIR;
  const fs::path config = fs::temp_directory_path() / "md_committee_type_maps.yaml";
  {
    std::ofstream out(config);
    out << "structure: {file: " << MD_SHARED_DIR
        << "/data/water-example/lmp/water.lmp, type_map: [O, H]}\n"
           "potential:\n  type: deepmd\n  models: ["
        << data << "/model_devi/m1.dp, " << data << "/models/params.dp]\n"
        << "  deviation: {every: 10}\nrun: {steps: 10, dt_fs: 0.5}\n";
  }
  const RunResult result = run_command(shell_quote(MD_MDRUN_PATH) + " --check --config " +
                                       shell_quote(config.string()));
  fs::remove(config);
  INFO("output:\n" << result.output);
  CHECK(result.exit_code == 4);
  CHECK_THAT(result.output, Contains("potential.models[1]") && Contains("params.dp") &&
                                Contains("[H, C, O]") && Contains("[O, H]"));
}
