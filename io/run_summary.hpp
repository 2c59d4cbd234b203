// SPDX-License-Identifier: MIT
/// \file
/// The machine-readable run summary (JSON) that scaling scripts read instead of parsing the log.
#pragma once

#include <string>
#include <vector>

#include "core/run_report.hpp"

namespace md {

/// Facts about the run that the report does not carry.
struct RunIdentity {
  std::string version;       ///< mdrun version and git revision
  std::string config_path;
  std::vector<std::string> overrides;  ///< the --set texts
  std::string resolved_config;         ///< the config after the overrides, as YAML
  std::string backend;       ///< "cpu" | "cuda"
  std::string potential;     ///< potential name
};

/// The summary as JSON text: steps, atoms, ranks, wall time, ns/day, timesteps/s, Matom-steps/s,
/// the timing breakdown (min/avg/max per phase), atom counts per rank and the final thermo; on the
/// CUDA backend also `device_memory` (bytes per rank, min/avg/max), a key absent on CPU runs.
/// docs/outputs.md lists the keys.
std::string run_summary_json(const RunReport& report, const RunIdentity& identity);

}  // namespace md
