// SPDX-License-Identifier: MIT
/// \file
/// Observers: everything that looks at the simulation on its own schedule after a step
/// (trajectory writers; HOOMD's Analyzer with its Trigger). The loop calls every observer after
/// every step; an observer decides from the step number (and whether thermo was sampled) whether
/// to act, so the decision is the same on every rank and the loop carries no output flags.
#pragma once

#include <cstdint>
#include <string>

#include "comm/communicator.hpp"
#include "comm/root_task.hpp"

namespace md {

class Simulation;

class Observer {
 public:
  virtual ~Observer() = default;
  /// Called on every rank after every step, and after setup() of a fresh run (not after a
  /// restore: the outputs already hold the restart step). Collective when it acts.
  virtual void on_step(const Simulation& simulation) = 0;
  /// True when on_step() after `step` reads per-atom data (positions, velocities, forces). On the
  /// CUDA backend the loop copies the atoms from the device first, and only then.
  virtual bool reads_atoms(std::int64_t step) const = 0;
  /// True when on_step() after `step` needs the thermo quantities of that step (thermo_record())
  /// even if it is not a thermo step: the loop then computes the energy and virial there.
  virtual bool wants_thermo(std::int64_t /*step*/) const { return false; }
  /// Called once when the run ends (normally, by a stop request, or before a crash dump): flush.
  virtual void finish() {}
};

}  // namespace md
