// SPDX-License-Identifier: MIT
/// \file
/// Wall-clock accounting per phase of the step, in LAMMPS's categories, as RAII scopes so the loop
/// stays readable: `{ auto timing = timers.scope(Phase::kComm); halo.forward(...); }`.
#pragma once

#include <array>
#include <chrono>

#include "core/run_report.hpp"  // Phase

namespace md {

class Timers {
 public:
  using Clock = std::chrono::steady_clock;

  class Scope {
   public:
    Scope(Timers& timers, Phase phase) : timers_(timers), phase_(phase), start_(Clock::now()) {}
    ~Scope() {
      timers_.seconds_[static_cast<int>(phase_)] +=
          std::chrono::duration<double>(Clock::now() - start_).count();
    }
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;

   private:
    Timers& timers_;
    Phase phase_;
    Clock::time_point start_;
  };

  Scope scope(Phase phase) { return Scope(*this, phase); }
  double seconds(Phase phase) const { return seconds_[static_cast<int>(phase)]; }
  void reset() { seconds_.fill(0.0); }

 private:
  std::array<double, kPhaseCount> seconds_{};
};

}  // namespace md
