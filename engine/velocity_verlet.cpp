// SPDX-License-Identifier: MIT
#include "engine/velocity_verlet.hpp"

namespace md {
namespace {

void half_kick(ParticleState& state, double dt) {
  for (int i = 0; i < state.n_local; ++i) {
    kick_atom(&state.velocities[3 * i], &state.forces[3 * i],
              half_kick_factor(dt, state.mass(i)));
  }
}

}  // namespace

void velocity_verlet_first_half(ParticleState& state, double dt) {
  half_kick(state, dt);
  for (int i = 0; i < state.n_local; ++i) {
    drift_atom(&state.positions[3 * i], &state.velocities[3 * i], dt);
  }
}

void velocity_verlet_second_half(ParticleState& state, double dt) { half_kick(state, dt); }

}  // namespace md
