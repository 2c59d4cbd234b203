// SPDX-License-Identifier: MIT
#include "engine/integrator_langevin.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/units.hpp"
#include "engine/keyed_random.hpp"
#include "engine/velocity_verlet.hpp"

namespace md {
namespace {

constexpr std::uint64_t kLangevinStream = 0x6c616e6700000000ULL;  // "lang"

void half_kick(ParticleState& state, double dt) {
  const double dtf = 0.5 * dt * units::kFtm2v;
  for (int i = 0; i < state.n_local; ++i) {
    kick_atom(&state.velocities[3 * static_cast<std::size_t>(i)],
              &state.forces[3 * static_cast<std::size_t>(i)], dtf / state.mass(i));
  }
}

void half_drift(ParticleState& state, double dt) {
  for (int i = 0; i < state.n_local; ++i) {
    drift_atom(&state.positions[3 * static_cast<std::size_t>(i)],
               &state.velocities[3 * static_cast<std::size_t>(i)], 0.5 * dt);
  }
}

}  // namespace

std::uint64_t langevin_stream(std::int64_t step) {
  return kLangevinStream + static_cast<std::uint64_t>(step);
}

LangevinIntegrator::LangevinIntegrator(double dt_ps, const ThermostatSettings& settings)
    : dt_(dt_ps),
      kt_(units::kBoltzmann * settings.temperature_K),
      damping_(settings.damping_ps),
      c1_(std::exp(-dt_ps / settings.damping_ps)),
      c2_(std::sqrt(1.0 - c1_ * c1_)),
      seed_(settings.seed) {
  if (!(settings.temperature_K > 0.0) || !(settings.damping_ps > 0.0)) {
    throw internal_error("Langevin needs T > 0 and damping > 0");
  }
}

std::string LangevinIntegrator::description() const {
  std::ostringstream out;
  out << "NVT, Langevin (BAOAB, damping " << damping_ << " ps)";
  return out.str();
}

void LangevinIntegrator::first_half(ParticleState& state, const Communicator&,
                                    std::int64_t step) {
  half_kick(state, dt_);   // B
  half_drift(state, dt_);  // A
  // O: exact Ornstein–Uhlenbeck update with noise keyed by (seed, step, id, component).
  const std::uint64_t stream = langevin_stream(step);
  double heat = 0.0;
  for (int i = 0; i < state.n_local; ++i) {
    const double m = state.mass(i);
    const double sigma = c2_ * std::sqrt(kt_ / (m * units::kMvv2e));
    const auto id = static_cast<std::uint64_t>(state.ids[i]);
    double* v = &state.velocities[3 * static_cast<std::size_t>(i)];
    double v2_before = 0.0, v2_after = 0.0;
    for (int c = 0; c < 3; ++c) {
      v2_before += v[c] * v[c];
      v[c] = c1_ * v[c] + sigma * keyed_normal(seed_, stream, 3 * id + c);
      v2_after += v[c] * v[c];
    }
    heat += 0.5 * m * (v2_after - v2_before);
  }
  local_heat_ += heat * units::kMvv2e;
  half_drift(state, dt_);  // A
}

void LangevinIntegrator::second_half(ParticleState& state, const Communicator&, std::int64_t) {
  half_kick(state, dt_);  // B
}

double LangevinIntegrator::conserved_energy_contribution(const Communicator& comm) const {
  return -comm.sum(local_heat_);
}

IntegratorState LangevinIntegrator::save() const {
  IntegratorState s;
  s.kind = "langevin";
  s.local_heat = local_heat_;
  return s;
}

void LangevinIntegrator::restore(const IntegratorState& state) {
  if (state.kind != "langevin") {
    throw config_error("the checkpoint was written by integrator '" + state.kind +
                       "', but this run uses 'langevin'");
  }
  local_heat_ = state.local_heat;
}

}  // namespace md
