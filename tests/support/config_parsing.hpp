// SPDX-License-Identifier: MIT
/// \file
/// Test helpers for the run-config reader: the smallest valid config, parsing text as if it were
/// `/base/run.yaml`, and catching the expected config error.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "io/run_config.hpp"

namespace md::test {

/// The smallest valid config: the three required sections with their required keys.
inline const std::string kMinimalConfig = R"(structure:
  file: lj.data
potential:
  type: lj/cut
  cutoff_A: 8.5
  pairs:
    - {types: [Ar, Ar], epsilon_eV: 0.0103, sigma_A: 3.405}
run:
  steps: 10
  dt_fs: 1.0
)";

inline RunConfig parse_config(const std::string& text,
                              const std::vector<std::string>& overrides = {}) {
  return parse_run_config(text, "run.yaml", "/base", overrides);
}

/// Parses `text`, expects a config error (exit code 2), and returns its message.
inline std::string config_error_message(const std::string& text,
                                        const std::vector<std::string>& overrides = {}) {
  try {
    parse_config(text, overrides);
  } catch (const Error& e) {
    CHECK(e.code() == ExitCode::kUsage);
    return e.what();
  }
  FAIL("expected a config error");
  return "";
}

/// The `# expect-exit:` / `# expect-error:` header of a malformed-config corpus file.
struct CorpusExpectation {
  int exit_code = -1;
  std::string error;
};

inline CorpusExpectation read_corpus_expectation(const std::filesystem::path& file) {
  std::ifstream in(file);
  CorpusExpectation out;
  std::string line;
  const std::string exit_tag = "# expect-exit: ";
  const std::string error_tag = "# expect-error: ";
  while (std::getline(in, line) && line.rfind("#", 0) == 0) {
    if (line.rfind(exit_tag, 0) == 0) out.exit_code = std::stoi(line.substr(exit_tag.size()));
    if (line.rfind(error_tag, 0) == 0) out.error = line.substr(error_tag.size());
  }
  return out;
}

/// The malformed configs of tests/data/configs/malformed, sorted by name.
inline std::vector<std::filesystem::path> malformed_config_corpus() {
  std::vector<std::filesystem::path> files;
  const std::string dir = std::string(MD_TEST_DATA_DIR) + "/configs/malformed";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace md::test
