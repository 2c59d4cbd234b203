// SPDX-License-Identifier: MIT
/// \file
/// The two things mdrun does: run MD (`mdrun --config`) and evaluate once (`mdrun eval`).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "comm/communicator.hpp"

namespace md {

std::string version_string();

struct RunOptions {
  std::string config_path;
  std::vector<std::string> overrides;
  std::int64_t n_steps = -1;  ///< -1: from the config
  bool check_only = false;
  std::string checkpoint_in;  ///< --cpi: continue from this checkpoint ("" = fresh run)
  double max_hours = 0.0;     ///< --maxh: stop (with a checkpoint) at 99 % of this; 0 = no limit
};

struct EvalOptions {
  std::string config_path;
  std::vector<std::string> overrides;
  std::string model_path;
  std::string structure_path;
  std::vector<std::string> type_map;
  std::vector<std::string> boundary;
  std::string atom_style = "atomic";
  bool atomic = false;
  /// Evaluate with the tabulated embedding (potential.compress and its settings); without it
  /// eval is exact even when the config compresses for MD.
  bool compressed = false;
  std::string json_path;
};

/// Returns the process exit code; errors are thrown as md::Error.
int run_md(const RunOptions& options, const Communicator& comm);
int run_eval(const EvalOptions& options, const Communicator& comm);

}  // namespace md
