// SPDX-License-Identifier: MIT
/// \file
/// Test helpers for the run-config reader: the smallest valid config, parsing text as if it were
/// `/base/run.yaml`, and catching the expected config error.
#pragma once

#include <catch2/catch.hpp>

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

}  // namespace md::test
