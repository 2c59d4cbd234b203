// SPDX-License-Identifier: MIT
/// \file
/// What a run reports at its end (the LAMMPS-style footer, the JSON summary): plain values made by
/// the engine (engine/run_report.hpp) and written by io (io/run_summary.hpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "core/thermo_sample.hpp"
#include "core/units.hpp"

namespace md {

/// Phases of the step loop that the footer reports, in LAMMPS's order (engine/timers.hpp times
/// them).
enum class Phase { kPair, kNeigh, kComm, kOutput, kModify };
constexpr int kPhaseCount = 5;
constexpr const char* kPhaseNames[kPhaseCount] = {"Pair", "Neigh", "Comm", "Output", "Modify"};

/// The least-squares line through the conserved energy, per atom.
struct DriftFit {
  double slope = 0.0;                     ///< meV/atom/ns
  std::optional<double> standard_error;   ///< meV/atom/ns; from the residuals (≥ 3 samples)
  double span_ps = 0.0;                   ///< time covered by the samples
};

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
  double ns_per_day() const {
    if (loop_seconds <= 0.0) return 0.0;
    const double simulated_ns = steps * dt_ps * units::kNsPerPs;
    return simulated_ns / loop_seconds * units::kSecondsPerDay;
  }
  double hours_per_ns() const {
    const double rate = ns_per_day();
    return rate > 0.0 ? units::kSecondsPerDay / units::kSecondsPerHour / rate : 0.0;
  }
  double matom_steps_per_second() const {
    return timesteps_per_second() * static_cast<double>(n_atoms) * 1.0e-6;
  }
};

}  // namespace md
