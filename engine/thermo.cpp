// SPDX-License-Identifier: MIT
#include "engine/thermo.hpp"

#include <algorithm>

#include "core/units.hpp"

namespace md {

double temperature_dof(std::int64_t n_atoms) {
  return std::max(1.0, 3.0 * static_cast<double>(n_atoms) - 3.0);
}

std::array<double, 6> local_kinetic_tensor(const ParticleState& state) {
  std::array<double, 6> t{};
  for (int i = 0; i < state.n_local; ++i) {
    double atom[6];
    atom_kinetic_tensor(state.mass(i), &state.velocities[3 * i], atom);
    for (int k = 0; k < 6; ++k) t[k] += atom[k];
  }
  for (double& x : t) x *= units::kMvv2e;
  return t;
}

ThermoSample measure_thermo(const ParticleState& state, const Box& box, std::int64_t step,
                            double time_ps, double local_potential_energy,
                            const std::array<double, 9>& local_virial, const Communicator& comm) {
  // One reduction for everything: [pe, ke tensor(6), virial(6), mass].
  const auto ke = local_kinetic_tensor(state);
  double mass = 0.0;
  for (int i = 0; i < state.n_local; ++i) mass += state.mass(i);
  double buffer[14] = {local_potential_energy, ke[0], ke[1], ke[2], ke[3], ke[4], ke[5],
                       local_virial[0], local_virial[4], local_virial[8], local_virial[1],
                       local_virial[2], local_virial[5], mass};
  comm.sum(Span<double>(buffer, 14));
  ThermoSample s;
  s.step = step;
  s.time_ps = time_ps;
  s.n_atoms = comm.sum(static_cast<std::int64_t>(state.n_local));
  s.potential_energy = buffer[0];
  const double twice_ke = buffer[1] + buffer[2] + buffer[3];
  s.kinetic_energy = 0.5 * twice_ke;
  s.temperature = twice_ke / (temperature_dof(s.n_atoms) * units::kBoltzmann);
  s.volume = box.volume();
  for (int d = 0; d < 3; ++d) s.box_lengths[d] = box.length(d);
  for (int t = 0; t < 3; ++t) s.box_tilts[t] = box.tilt[t];
  for (int k = 0; k < 6; ++k) {
    s.pressure_tensor[k] = (buffer[1 + k] + buffer[7 + k]) / s.volume * units::kNktv2p;
  }
  s.pressure = (twice_ke + buffer[7] + buffer[8] + buffer[9]) / (3.0 * s.volume) * units::kNktv2p;
  s.density = buffer[13] / s.volume * units::kAmuPerA3ToGPerCm3;
  return s;
}

}  // namespace md
