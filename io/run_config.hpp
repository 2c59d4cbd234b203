// SPDX-License-Identifier: MIT
/// \file
/// The run configuration: YAML (`mdrun --config run.yaml`) parsed into typed, validated values.
///
/// Parsing is strict: an unknown key is an error naming the key, its line and the nearest valid
/// key; every number is range-checked; units are part of the key name (`dt_fs`, `temperature_K`,
/// `skin_A`). Relative input paths are resolved against the directory of the config file; output paths
/// against the working directory. Each
/// section's type belongs to the module that consumes it (engine, potential); io only fills them.
/// The full key reference is docs/config-reference.md.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/settings.hpp"
#include "core/trajectory_frame.hpp"
#include "io/trajectory_formats.hpp"
#include "potential/potential_spec.hpp"

namespace md {

struct StructureConfig {
  std::string file;                    ///< resolved path
  std::string format = "lammps-data";  ///< only LAMMPS data files for now
  std::string atom_style = "atomic";   ///< atomic | full
  /// Names of the data file's types 1..n, in order. Empty: taken from `Atom Type Labels`.
  std::vector<std::string> type_map;
  std::array<bool, 3> periodic{true, true, true};  ///< `boundary: [p, p, f]`
  std::array<int, 3> replicate{1, 1, 1};
};

/// One trajectory output (`output.trajectory`, a section or a list of them).
struct TrajectoryConfig {
  using Format = TrajectoryFormat;
  Format format = Format::kH5md;
  std::string file;          ///< relative to the working directory
  std::int64_t every = 0;    ///< a frame on every step divisible by this
  TrajectoryFields fields;   ///< positions are always written
};

struct OutputConfig {
  /// Write the final state as a LAMMPS data file (`<structure file>.final` unless given).
  bool write_final_data = true;
  /// Output paths are relative to the working directory (inputs: to the config file).
  std::string final_data_file;  ///< empty = `<structure file name>.final`
  std::string summary_json;     ///< the JSON run summary; empty = none
  std::vector<TrajectoryConfig> trajectories;
  /// The debug dump written when a guard stops the run; empty = `<structure file name>.crash.dump`.
  std::string crash_dump_file;
  /// Everything rank 0 prints to stdout, also written here; empty (`log_file: none`) = no log.
  std::string log_file = "mdrun.log";
  /// `Atom Type Labels` in the final data file: true/false, or unset = only when the input
  /// structure had them (LAMMPS before 2022 refuses the section).
  std::optional<bool> write_type_labels;
  /// Wall-time seconds between progress lines (engine/progress.hpp); 0: none.
  double progress_seconds = 60.0;
};

/// The `checkpoint` section (docs/checkpoints.md).
struct CheckpointConfig {
  bool enabled = false;            ///< the section is present: periodic and final checkpoints
  std::string file = "state.h5";   ///< relative to the working directory
  std::int64_t every_steps = 0;    ///< 0: not by step count
  double every_minutes = 15.0;     ///< wall time between checkpoints; 0: not by time
  bool keep_previous = true;       ///< keep the previous checkpoint as `<stem>_prev<ext>`
};

struct RunConfig {
  std::string config_path;  ///< the YAML file this came from ("" for strings in tests)
  std::vector<std::string> overrides;  ///< the `--set key.path=value` texts applied
  std::string resolved_yaml;  ///< the document after the overrides, as YAML (for the log)
  StructureConfig structure;
  PotentialSpec potential;  ///< the `potential` section: one alternative per kind
  /// `run.backend`. Resolved into simulation.backend at set-up (resolve_backend, which may probe
  /// the devices); until then simulation.backend is the CPU.
  BackendRequest backend = BackendRequest::kCpu;
  SimulationSettings simulation;
  OutputConfig output;
  CheckpointConfig checkpoint;
  std::map<std::string, double> masses;  ///< per type name, amu; overrides the data file
  /// Rank grid [px, py, pz]; all zero = chosen to minimise the halo surface.
  std::array<int, 3> decomposition{0, 0, 0};
};

/// Reads and validates a run config file. `overrides` are `key.path=value` strings (`--set`),
/// applied to the YAML document before validation. Throws md::Error (exit code kUsage) with a
/// message naming the file, line and key.
RunConfig load_run_config(const std::string& path, const std::vector<std::string>& overrides = {});

/// Same, from YAML text; relative paths resolve against `base_dir`. `source_name` names the text
/// in messages.
RunConfig parse_run_config(const std::string& yaml_text, const std::string& source_name,
                           const std::string& base_dir,
                           const std::vector<std::string>& overrides = {});

}  // namespace md
