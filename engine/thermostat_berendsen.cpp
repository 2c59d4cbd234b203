// SPDX-License-Identifier: MIT
#include "engine/thermostat_berendsen.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/units.hpp"

namespace md {

BerendsenThermostat::BerendsenThermostat(double temperature_K, double tau_ps, double dof,
                                         double dt_ps)
    : temperature_(temperature_K), tau_(tau_ps), dof_(dof), dt_(dt_ps) {
  if (!(temperature_K > 0.0) || !(tau_ps > 0.0) || !(dof > 0.0)) {
    throw internal_error("Berendsen needs T > 0, tau > 0 and dof > 0");
  }
}

std::string BerendsenThermostat::description() const {
  std::ostringstream out;
  out << "Berendsen (tau " << tau_ << " ps)";
  return out.str();
}

double BerendsenThermostat::half_step(double kinetic_energy, std::int64_t, int) {
  if (!(kinetic_energy > 0.0)) return 1.0;
  const double temperature = 2.0 * kinetic_energy / (dof_ * units::kBoltzmann);
  const double lambda_sq = 1.0 + 0.5 * dt_ / tau_ * (temperature_ / temperature - 1.0);
  const double lambda = std::sqrt(std::max(lambda_sq, 0.0));
  heat_ += (lambda * lambda - 1.0) * kinetic_energy;
  return lambda;
}

void BerendsenThermostat::restore(const std::vector<double>& state) {
  if (state.size() != 1) throw config_error("the checkpoint's Berendsen state must hold 1 value");
  heat_ = state[0];
}

}  // namespace md
