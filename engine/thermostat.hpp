// SPDX-License-Identifier: MIT
/// \file
/// Velocity-scaling thermostats as host-side scalar logic (HOOMD's `Thermostat`): a thermostat
/// sees only the all-reduced kinetic energy and returns the factor λ by which every velocity is
/// multiplied. The integrator (engine/integrator.hpp) applies λ with one loop, so a thermostat has
/// no per-atom code and no GPU twin, and every rank computes the same λ from the same inputs.
///
/// NVT with a scaling thermostat is "thermostat half step, velocity Verlet, thermostat half step"
/// (JAX-MD's `nvt_nose_hoover`; LAMMPS `fix nvt`): half_step() is called twice per step, each time
/// advancing the thermostat by dt/2.
///
/// Every thermostat keeps the energy it has exchanged with the system so that
///   E_conserved = E_potential + E_kinetic + conserved_energy_contribution()
/// stays constant up to integration error (Nosé–Hoover: the chain's energy; CSVR and Berendsen:
/// minus the heat added to the system, Bussi's "effective energy"). Its drift is the health check
/// printed at the end of every run.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/dynamics_settings.hpp"

namespace md {

class Thermostat {
 public:
  virtual ~Thermostat() = default;

  /// "Nose-Hoover chain", "CSVR", ... for the log.
  virtual std::string description() const = 0;
  /// Advances the thermostat by dt/2 given the current kinetic energy `kinetic_energy` (eV, the
  /// same value on every rank) and returns the velocity scale factor λ. `half` is 0 for the half
  /// step before velocity Verlet and 1 for the one after, within step `step` (the step being
  /// taken, i.e. from `step` to `step + 1`); stochastic thermostats key their random numbers by
  /// (seed, step, half), so the result never depends on the decomposition or on a restart.
  virtual double half_step(double kinetic_energy, std::int64_t step, int half) = 0;
  /// The thermostat's term of the conserved energy, eV.
  virtual double conserved_energy_contribution() const = 0;
  /// The thermostat's complete state as doubles (for checkpoints), and its inverse.
  virtual std::vector<double> save() const = 0;
  virtual void restore(const std::vector<double>& state) = 0;
};

/// The thermostat of `settings` (types kNoseHooverChain, kCsvr, kBerendsen) for `dof` degrees of
/// freedom and a step of `dt_ps`. Throws an internal Error for other types.
std::unique_ptr<Thermostat> make_thermostat(const ThermostatSettings& settings, double dof,
                                            double dt_ps);

}  // namespace md
