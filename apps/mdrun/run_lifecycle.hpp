// SPDX-License-Identifier: MIT
/// \file
/// What makes a production run survive batch limits and faults, around the Simulation: reading
/// and checking a checkpoint for `--cpi`, writing checkpoints on schedule, stopping cleanly on
/// SIGTERM/SIGUSR1/SIGINT or `--maxh`, trajectory outputs (fresh or appended on restart), and the
/// debug dump when a guard stops the run. docs/checkpoints.md and docs/outputs.md describe the
/// behaviour; this file wires io's formats to the engine's hooks.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "comm/communicator.hpp"
#include "core/checkpoint_state.hpp"
#include "engine/simulation.hpp"
#include "io/run_config.hpp"
#include "run_setup.hpp"

namespace md {

/// Installs handlers for SIGTERM, SIGUSR1 and SIGINT that only record the signal; the run polls
/// it after every step. A second SIGINT ends the process at once (exit status 130).
void install_stop_signal_handlers();
/// The first stop signal received, 0 when none.
int received_stop_signal();

/// Who wrote a checkpoint and with what physics; compared on restart.
struct RunFingerprint {
  std::string fingerprint;  ///< physics_fingerprint(config)
  std::string config_hash;  ///< SHA-256 of fingerprint
  std::string model_hash;   ///< SHA-256 of the model file, "" without one (rank 0 only)
};

/// Computes the run's fingerprint (the model file is hashed on rank 0). Collective.
RunFingerprint fingerprint_run(const RunConfig& config, const Communicator& comm);

/// Reads the checkpoint `path` on rank 0 (falling back to `<stem>_prev<ext>` with a warning when
/// `path` is missing or damaged) and checks that it was written by a run with the same physics
/// and model; a mismatch is a config error listing the differing settings. Returns the state on
/// rank 0 and an empty state, with its `step`, elsewhere. Collective.
CheckpointState load_restart_checkpoint(const std::string& path, const RunFingerprint& run,
                                        const Communicator& comm);

/// Adds one TrajectoryObserver per `output.trajectory` entry. `append_after_step` ≥ 0 continues
/// existing files after that step (a restart); −1 starts fresh ones. Collective.
void attach_trajectories(Simulation& simulation, const RunConfig& config, const PreparedRun& run,
                         std::int64_t append_after_step, const Communicator& comm);

/// Adds the model-deviation observer when the potential is a committee with a deviation output
/// (`potential.deviation`); `append_after_step` as for attach_trajectories. Collective.
void attach_model_deviation(Simulation& simulation, const RunConfig& config,
                            std::int64_t append_after_step, const Communicator& comm);

/// Installs the checkpoint writer (the `checkpoint` section's file, or `state.h5`) and the per-step
/// run control: checkpoints every N steps or M minutes when the section is present, and a stop
/// (with a checkpoint) on a signal or when `max_hours` (> 0) of wall time since `start` are 99 %
/// used. On a fresh run existing checkpoint files are first renamed to `#name.N#`. Collective.
void attach_checkpoints(Simulation& simulation, const RunConfig& config, const RunFingerprint& run,
                        bool restarted, double max_hours,
                        std::chrono::steady_clock::time_point start, const Communicator& comm);

/// Writes the last state (all fields) as a LAMMPS dump for debugging, to `output.crash_dump_file`
/// or `<structure file name>.crash.dump`. Never throws: a failure is logged. Collective.
void write_crash_dump(const Simulation& simulation, const RunConfig& config,
                      const Communicator& comm);

/// Why the run stopped early, for the log ("SIGTERM", "--maxh").
std::string stop_reason(double max_hours);

}  // namespace md
