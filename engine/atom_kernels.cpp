// SPDX-License-Identifier: MIT
#include "engine/atom_kernels.hpp"

#include "core/units.hpp"
#include "engine/thermo.hpp"
#include "engine/velocity_verlet.hpp"

namespace md {

void HostAtomKernels::half_kick(double dt) {
  for (int i = 0; i < state_.n_local; ++i) {
    const std::size_t row = 3 * static_cast<std::size_t>(i);
    kick_atom(&state_.velocities[row], &state_.forces[row], half_kick_factor(dt, state_.mass(i)));
  }
}

void HostAtomKernels::drift(double dt) {
  for (int i = 0; i < state_.n_local; ++i) {
    const std::size_t row = 3 * static_cast<std::size_t>(i);
    drift_atom(&state_.positions[row], &state_.velocities[row], dt);
  }
}

void HostAtomKernels::scale_velocities(double lambda) {
  const std::size_t n = 3 * static_cast<std::size_t>(state_.n_local);
  for (std::size_t k = 0; k < n; ++k) state_.velocities[k] *= lambda;
}

void HostAtomKernels::scale_velocity_components(const std::array<double, 3>& lambda) {
  for (int i = 0; i < state_.n_local; ++i) {
    double* v = &state_.velocities[3 * static_cast<std::size_t>(i)];
    for (int a = 0; a < 3; ++a) v[a] *= lambda[a];
  }
}

void HostAtomKernels::shear_velocities(const std::array<double, 3>& rate, double c) {
  for (int i = 0; i < state_.n_local; ++i) {
    shear_velocity_atom(&state_.velocities[3 * static_cast<std::size_t>(i)], rate.data(), c);
  }
}

void HostAtomKernels::map_positions(const BoxMap& map) {
  for (int i = 0; i < state_.n_local; ++i) {
    map_position_atom(&state_.positions[3 * static_cast<std::size_t>(i)], map);
  }
}

double HostAtomKernels::local_twice_kinetic_energy() {
  double sum = 0.0;
  for (int i = 0; i < state_.n_local; ++i) {
    const double* v = &state_.velocities[3 * static_cast<std::size_t>(i)];
    sum += state_.mass(i) * (v[0] * v[0] + v[1] * v[1] + v[2] * v[2]);
  }
  return sum * units::kMvv2e;
}

std::array<double, 6> HostAtomKernels::local_twice_kinetic_tensor() {
  return local_kinetic_tensor(state_);
}

double HostAtomKernels::ornstein_uhlenbeck(const OrnsteinUhlenbeckStep& step) {
  double heat = 0.0;
  for (int i = 0; i < state_.n_local; ++i) {
    heat += ornstein_uhlenbeck_atom(&state_.velocities[3 * static_cast<std::size_t>(i)],
                                    state_.mass(i), state_.ids[i], step);
  }
  return heat * step.mvv2e;
}

}  // namespace md
