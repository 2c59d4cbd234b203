// SPDX-License-Identifier: MIT
/// \file
/// What an integrator's half step works on (engine/integrator.hpp): the atoms (through the
/// backend's kernels), the communicator, the box, the virial of the latest force evaluation that
/// computed it, and a way to change the box — everything a thermostat needs today and a barostat
/// (issue 15) needs next, so that adding one touches the integrator and not the loop.
#pragma once

#include <array>
#include <cstdint>

#include "comm/communicator.hpp"
#include "core/box.hpp"
#include "engine/atom_kernels.hpp"

namespace md {

/// Changes the simulation box during a step. The owned positions are mapped affinely into the
/// new box (BoxMap, through the atom kernels), the domain takes the new box and the halo its new
/// periodic shifts; the neighbour list and halo are rebuilt at the step's neighbour phase when
/// the skin bound says so (Simulation::update_ghosts_or_rebuild). Implemented by the Simulation.
class BoxControl {
 public:
  virtual ~BoxControl() = default;
  /// `box` must keep the periodic flags and suit the neighbour-list radius (a config Error
  /// otherwise). Collective: every rank passes the same box.
  virtual void change_box(const Box& box) = 0;
};

struct StepContext {
  AtomKernels& atoms;        ///< the owned atoms, where the backend keeps them
  const Communicator& comm;
  const Box& box;            ///< the current box (changes after box_control.change_box)
  /// W = Σ F⊗r of the latest force evaluation that computed the virial, summed over ranks (eV),
  /// and its step; an integrator that needs it on a step says so (Integrator::needs_virial).
  const std::array<double, 9>& virial;
  std::int64_t virial_step;
  std::int64_t step;         ///< the step being made: step → step + 1
  BoxControl& box_control;
};

}  // namespace md
