// SPDX-License-Identifier: MIT
#include "engine/velocity_create.hpp"

#include <cmath>

#include "core/units.hpp"
#include "engine/keyed_random.hpp"
#include "engine/thermo.hpp"

namespace md {
namespace {
/// Stream id of `velocity create` in the keyed generator (other users pick other streams).
constexpr std::uint64_t kVelocityStream = 0x76656c6f63697479ULL;  // "velocity"
}  // namespace

void create_velocities(ParticleState& state, const VelocityCreate& request,
                       const Communicator& comm) {
  const int n = state.n_local;
  state.velocities.assign(3 * static_cast<std::size_t>(n), 0.0);
  // Components with unit variance scaled by sqrt(kT/m): the Maxwell–Boltzmann shape per mass.
  for (int i = 0; i < n; ++i) {
    const double scale = std::sqrt(units::kBoltzmann * request.temperature_K /
                                   (state.mass(i) * units::kMvv2e));
    const auto id = static_cast<std::uint64_t>(state.ids[i]);
    for (int c = 0; c < 3; ++c) {
      state.velocities[3 * i + c] = scale * keyed_normal(request.seed, kVelocityStream, 3 * id + c);
    }
  }
  const std::int64_t n_atoms = comm.sum(static_cast<std::int64_t>(n));
  if (request.zero_momentum) {
    double momentum_and_mass[4] = {0.0, 0.0, 0.0, 0.0};
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 3; ++c) momentum_and_mass[c] += state.mass(i) * state.velocities[3 * i + c];
      momentum_and_mass[3] += state.mass(i);
    }
    comm.sum(Span<double>(momentum_and_mass, 4));
    for (int i = 0; i < n; ++i) {
      for (int c = 0; c < 3; ++c) {
        state.velocities[3 * i + c] -= momentum_and_mass[c] / momentum_and_mass[3];
      }
    }
  }
  const auto ke_tensor = local_kinetic_tensor(state);
  const double twice_ke = comm.sum(ke_tensor[0] + ke_tensor[1] + ke_tensor[2]);
  const double current_t = twice_ke / (temperature_dof(n_atoms) * units::kBoltzmann);
  const double factor = current_t > 0.0 ? std::sqrt(request.temperature_K / current_t) : 0.0;
  for (double& v : state.velocities) v *= factor;
}

}  // namespace md
