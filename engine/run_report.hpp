// SPDX-License-Identifier: MIT
/// \file
/// The end-of-run performance report: LAMMPS's `Loop time ... / Performance: ...` footer with the
/// per-phase timing breakdown (min/avg/max over ranks, so load imbalance is visible), and the same
/// numbers as a plain struct for the JSON summary.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "comm/communicator.hpp"
#include "engine/thermo.hpp"
#include "engine/timers.hpp"

namespace md {

struct RankStats {
  double min = 0.0;
  double avg = 0.0;
  double max = 0.0;
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
  /// Linear drift of the conserved energy over the run (meV/atom/ns); empty with < 2 samples.
  std::optional<double> conserved_energy_drift;

  double timesteps_per_second() const { return loop_seconds > 0 ? steps / loop_seconds : 0.0; }
  double ns_per_day() const;
  double hours_per_ns() const;
  double matom_steps_per_second() const;
};

/// Min/avg/max of `value` over ranks. Collective.
RankStats rank_stats(double value, const Communicator& comm);

/// The LAMMPS-style footer text (several lines, ending in a newline).
std::string format_footer(const RunReport& report);

}  // namespace md
