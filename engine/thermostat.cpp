// SPDX-License-Identifier: MIT
#include "engine/thermostat.hpp"

#include "core/error.hpp"
#include "engine/thermostat_berendsen.hpp"
#include "engine/thermostat_csvr.hpp"
#include "engine/thermostat_nose_hoover.hpp"

namespace md {

std::unique_ptr<Thermostat> make_thermostat(const ThermostatSettings& s, double dof,
                                            double dt_ps) {
  switch (s.type) {
    case ThermostatType::kNoseHooverChain:
      return std::make_unique<NoseHooverChain>(s.chain, s.temperature_K, s.tau_ps, dof, dt_ps);
    case ThermostatType::kCsvr:
      return std::make_unique<CsvrThermostat>(s.temperature_K, s.tau_ps, dof, dt_ps, s.seed);
    case ThermostatType::kBerendsen:
      return std::make_unique<BerendsenThermostat>(s.temperature_K, s.tau_ps, dof, dt_ps);
    case ThermostatType::kNone:
    case ThermostatType::kLangevin:
      break;
  }
  throw internal_error("make_thermostat: not a velocity-scaling thermostat");
}

}  // namespace md
