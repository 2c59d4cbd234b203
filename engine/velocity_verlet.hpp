// SPDX-License-Identifier: MIT
/// \file
/// Velocity Verlet as two named half-steps (JAX-MD's kick/drift composition):
///   first_half:  v ← v + (dt/2)·F/m ;  x ← x + dt·v
///   second_half: v ← v + (dt/2)·F/m
/// with F/m converted to Å/ps² by units::kFtm2v. The operations are those of LAMMPS `fix nve`
/// (dtfm = dt/2·ftm2v/m, then v += dtfm·f, x += dt·v) so trajectories match it to rounding.
/// Only owned atoms are integrated; ghosts follow through the halo.
#pragma once

#include "core/portability.hpp"
#include "engine/particle_state.hpp"

namespace md {

/// Per-atom kick, shared by every launcher: v += dtfm·f for one atom's three components.
MD_HOST_DEVICE inline void kick_atom(double* v, const double* f, double dtfm) {
  v[0] += dtfm * f[0];
  v[1] += dtfm * f[1];
  v[2] += dtfm * f[2];
}

/// Per-atom drift: x += dt·v.
MD_HOST_DEVICE inline void drift_atom(double* x, const double* v, double dt) {
  x[0] += dt * v[0];
  x[1] += dt * v[1];
  x[2] += dt * v[2];
}

/// Half kick then drift for the owned atoms. dt in ps.
void velocity_verlet_first_half(ParticleState& state, double dt);
/// The closing half kick for the owned atoms. dt in ps.
void velocity_verlet_second_half(ParticleState& state, double dt);

}  // namespace md
