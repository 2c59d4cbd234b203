// SPDX-License-Identifier: MIT
/// \file
/// Typed settings of the equations of motion (ensemble and thermostat) and of the runtime guards,
/// in engine units (K, ps). io/run_config fills them from the `integrator` and `guards` sections;
/// docs/config-reference.md documents the keys.
#pragma once

#include <cstdint>

namespace md {

/// How the temperature is controlled. kNone is NVE (plain velocity Verlet).
enum class ThermostatType {
  kNone,
  kNoseHooverChain,  ///< Martyna–Tuckerman–Klein chain, LAMMPS `fix nvt` conventions
  kCsvr,             ///< Bussi–Donadio–Parrinello stochastic velocity rescaling
  kLangevin,         ///< BAOAB Langevin dynamics (Leimkuhler–Matthews)
  kBerendsen,        ///< weak coupling; not canonical, equilibration only
};

struct ThermostatSettings {
  ThermostatType type = ThermostatType::kNone;
  double temperature_K = 0.0;  ///< target temperature
  double tau_ps = 0.1;         ///< coupling time (Nosé–Hoover, CSVR, Berendsen)
  int chain = 3;               ///< Nosé–Hoover chain length
  double damping_ps = 0.1;     ///< Langevin damping time 1/γ (LAMMPS `fix langevin` damp)
  std::uint64_t seed = 0;      ///< random key of CSVR and Langevin noise
};

struct IntegratorSettings {
  ThermostatSettings thermostat;  ///< type kNone: NVE
};

/// Runtime integrity checks (docs/conventions-and-reliability.md §B2).
struct GuardSettings {
  /// Scan owned positions, velocities and forces for NaN/Inf every this many steps (and on every
  /// thermo step); 0: only on thermo steps.
  int check_every = 100;
  /// Largest number of neighbour-list entries one atom may have (a device list's capacity; on the
  /// CPU the list grows, so this catches collapsed or overlapping structures). 0: no limit.
  int max_neighbors = 2048;
};

}  // namespace md
