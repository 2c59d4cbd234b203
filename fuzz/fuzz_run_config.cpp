// SPDX-License-Identifier: MIT
/// \file
/// libFuzzer harness: the YAML run config reader (md::parse_run_config, io/run_config.hpp).
///
/// The input is the YAML text. Lines that start with `#set ` are also passed as `--set`
/// overrides (they are YAML comments, so the document itself is unchanged), which fuzzes
/// yaml_schema::apply_override too. Oracle (fuzz_common.hpp): the reader returns, or throws
/// md::Error with exit code kUsage whose message names the source ("fuzz.yaml:<line>: ...") or
/// the override ("--set ...").
///
/// fuzz/corpus/run_config/regression-stuck-parser-* are inputs on which yaml-cpp 0.7's LoadAll
/// never ends (a stray flow token at document level); io/yaml_schema.cpp load_document reads at
/// most a few documents, so they now end in a config error.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "fuzz/fuzz_common.hpp"
#include "io/run_config.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::vector<std::string> overrides;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("#set ", 0) == 0) overrides.push_back(line.substr(5));
  }

  md::fuzz::expect_value_or_error(
      "parse_run_config", md::ExitCode::kUsage, {"fuzz.yaml", "--set "},
      [&] { md::parse_run_config(text, "fuzz.yaml", "/nonexistent-fuzz-dir", overrides); });
  return 0;
}
