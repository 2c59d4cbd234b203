// SPDX-License-Identifier: MIT
/// \file
/// Berendsen weak coupling (Berendsen et al., J. Chem. Phys. 81, 3684 (1984); LAMMPS `fix
/// temp/berendsen`): over Δt (dt/2 per half step) velocities are scaled by
///   λ = sqrt(1 + (Δt/τ)·(T_0/T − 1)),
/// which relaxes T exponentially towards T_0 but suppresses the kinetic-energy fluctuations of the
/// canonical ensemble (it samples no known ensemble). Use it to equilibrate only; mdrun warns when
/// it is chosen. The heat (λ² − 1)·K is accumulated for the conserved-energy line.
#pragma once

#include "engine/thermostat.hpp"

namespace md {

class BerendsenThermostat final : public Thermostat {
 public:
  BerendsenThermostat(double temperature_K, double tau_ps, double dof, double dt_ps);

  std::string description() const override;
  double half_step(double kinetic_energy, std::int64_t step, int half) override;
  double conserved_energy_contribution() const override { return -heat_; }
  std::vector<double> save() const override { return {heat_}; }
  void restore(const std::vector<double>& state) override;

 private:
  double temperature_;
  double tau_;
  double dof_;
  double dt_;
  double heat_ = 0.0;
};

}  // namespace md
