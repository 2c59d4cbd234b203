// SPDX-License-Identifier: MIT
/// \file
/// The end-of-run performance report: LAMMPS's `Loop time ... / Performance: ...` footer with the
/// per-phase timing breakdown (min/avg/max over ranks, so load imbalance is visible), and the same
/// numbers as a plain struct for the JSON summary. On the CUDA backend it also reports the device
/// memory the run uses.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "comm/communicator.hpp"
#include "engine/conserved_energy.hpp"
#include "engine/thermo.hpp"
#include "engine/timers.hpp"
#include "potential/potential.hpp"

namespace md {

struct RankStats {
  double min = 0.0;
  double avg = 0.0;
  double max = 0.0;
};

/// Device memory at the end of a run, bytes per rank (min/avg/max over ranks). Two numbers because
/// they answer different questions: `engine_buffers` is what the potential allocated
/// (Potential::device_memory_bytes(), the part that grows with the system), `device_in_use` is
/// what the GPU has in use (cudaMemGetInfo total − free: adds the CUDA context, cuBLAS workspaces
/// and anything else on the device, other ranks sharing it included) — the number that must fit.
struct DeviceMemoryReport {
  RankStats engine_buffers;
  RankStats device_in_use;
};

struct RunReport {
  std::int64_t steps = 0;
  std::int64_t n_atoms = 0;
  int n_ranks = 1;
  double dt_ps = 0.0;
  double loop_seconds = 0.0;  ///< wall time of the step loop (max over ranks)
  std::array<RankStats, kPhaseCount> phases{};  ///< seconds per phase
  RankStats other;                              ///< loop time not in any phase
  RankStats n_local;
  RankStats n_ghost;
  RankStats n_neighbors;  ///< neighbour-list entries per rank
  std::int64_t neighbor_builds = 0;
  ThermoSample final_thermo;
  /// Linear drift of the conserved energy over the run; empty with < 2 samples.
  std::optional<DriftFit> conserved_energy_drift;
  /// Set on the CUDA backend only (measure_device_memory); empty on CPU runs.
  std::optional<DeviceMemoryReport> device_memory;

  double timesteps_per_second() const { return loop_seconds > 0 ? steps / loop_seconds : 0.0; }
  double ns_per_day() const;
  double hours_per_ns() const;
  double matom_steps_per_second() const;
};

/// Min/avg/max of `value` over ranks. Collective.
RankStats rank_stats(double value, const Communicator& comm);

/// Peak resident memory of each rank's process so far, MiB (min/avg/max over ranks). Collective.
RankStats process_memory_mib(const Communicator& comm);

/// LAMMPS's line before the thermo table, `Per MPI rank memory allocation (min/avg/max) = a | b |
/// c Mbytes` (log parsers such as lammps-logfile start a thermo block after it), no newline.
std::string format_memory_line(const RankStats& mib);

/// Reduces `engine_bytes` (this rank's device buffers: Simulation::device_memory_bytes()) and
/// samples the memory in use on the current CUDA device, on every rank. Call it at the end of the
/// run: buffers only grow, so that is the peak of the engine's buffers. Collective.
DeviceMemoryReport measure_device_memory(std::size_t engine_bytes, const Communicator& comm);

/// `Device memory: engine buffers a/b/c MiB, device in use d/e/f MiB (min/avg/max over ranks)`,
/// without a newline.
std::string format_device_memory_line(const DeviceMemoryReport& memory);

/// The LAMMPS-style footer text (several lines, ending in a newline); ends with the device memory
/// line when the report has one.
std::string format_footer(const RunReport& report);

}  // namespace md
