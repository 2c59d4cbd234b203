// SPDX-License-Identifier: MIT
/// \file
/// `velocity all create T seed` (LAMMPS, with `mom yes` and `loop all` semantics): every atom gets
/// Gaussian velocity components from a random stream keyed by its global id, so the result does not
/// depend on the number of ranks or the order of atoms; the net momentum is removed, then the
/// velocities are scaled so the kinetic temperature is exactly T (3N − 3 degrees of freedom).
#pragma once

#include "comm/communicator.hpp"
#include "engine/particle_state.hpp"
#include "core/settings.hpp"

namespace md {

/// Overwrites the velocities of the owned atoms. Collective.
void create_velocities(ParticleState& state, const VelocityCreate& request,
                       const Communicator& comm);

}  // namespace md
