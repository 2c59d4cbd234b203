// SPDX-License-Identifier: MIT
/// \file
/// Progress of a long run, as GROMACS prints it: every `interval` seconds of wall time, one line
///
///   Progress: step 12000 of 50000 (24.0 %), 0:05:12 elapsed, 3.45 ns/day, 0:16:28 left, done at 2026-12-06 09:12:33
///
/// (the step and its share of the run's last step; the rate is the average since this process's
/// first step — a restarted run's since the restart — and the estimate assumes it holds). The line starts with a word, so LAMMPS log parsers
/// skip it inside the thermo table as they skip LAMMPS's own warnings (lammps-logfile checked,
/// docs/outputs.md). Local to the rank that prints (rank 0): it reads the step and the clock,
/// nothing collective, so it cannot slow other ranks.
#pragma once

#include <cstdint>
#include <ctime>
#include <functional>
#include <string>

#include "engine/observer.hpp"

namespace md {

/// Where the reporter reads time: monotonic seconds (for rates) and the calendar (for the end).
struct ProgressClock {
  std::function<double()> seconds;      ///< monotonic, s
  std::function<std::time_t()> now;     ///< calendar time
  /// steady_clock and the system clock.
  static ProgressClock system();
};

/// The line for a run ending at `last_step` that went from `first_step` to `step` in `elapsed_s`
/// seconds, `dt_ps` per step, with `now` the calendar time. `step` > first_step.
std::string progress_line(std::int64_t step, std::int64_t first_step, std::int64_t last_step,
                          double elapsed_s, double dt_ps, std::time_t now);

class ProgressReporter final : public Observer {
 public:
  /// Prints through `sink` every `interval_s` (> 0) seconds of `clock`; the first line comes
  /// `interval_s` after the first step observed.
  ProgressReporter(double interval_s, ProgressClock clock,
                   std::function<void(const std::string&)> sink);
  void on_step(const Simulation& simulation) override;
  bool reads_atoms(std::int64_t) const override { return false; }

 private:
  double interval_s_;
  ProgressClock clock_;
  std::function<void(const std::string&)> sink_;
  bool started_ = false;
  std::int64_t start_step_ = 0;
  double start_s_ = 0.0;
  double last_report_s_ = 0.0;
};

}  // namespace md
