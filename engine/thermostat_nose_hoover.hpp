// SPDX-License-Identifier: MIT
/// \file
/// Nosé–Hoover chain thermostat (Martyna, Klein & Tuckerman, J. Chem. Phys. 97, 2635 (1992)) in
/// the form of LAMMPS `fix nvt` (FixNH::nhc_temp_integrate, one sub-cycle, no Suzuki–Yoshida
/// weights): chain variables ξ_k with velocities v_k and masses
///   Q_1 = dof·kT·τ²,   Q_k = kT·τ²  (k ≥ 2),
/// forces G_1 = (2 KE − dof·kT)/Q_1 and G_k = (Q_{k−1} v_{k−1}² − kT)/Q_k. Each half step (dt/2)
/// updates the chain from its far end inwards with quarter-step kicks damped by exp(−v_{k+1}·dt/8),
/// scales the particle velocities by λ = exp(−v_1·dt/2), advances every ξ_k by v_k·dt/2, and
/// updates the chain outwards again. The conserved energy is
///   H = E_pot + KE + Σ_k ½ Q_k v_k² + dof·kT·ξ_1 + kT·Σ_{k≥2} ξ_k.
/// τ is `tau_ps` (LAMMPS's Tdamp); LAMMPS suggests about 100 timesteps.
#pragma once

#include <vector>

#include "engine/thermostat.hpp"

namespace md {

class NoseHooverChain final : public Thermostat {
 public:
  /// `chain` ≥ 1 links, target `temperature_K`, coupling time `tau_ps`, `dof` degrees of freedom,
  /// full timestep `dt_ps`. `mass_dof` (default: `dof`) sets the first mass, mass_dof·kT·τ²:
  /// LAMMPS's cell chain for anisotropic coupling targets 3kT with a first mass of kT·τ².
  NoseHooverChain(int chain, double temperature_K, double tau_ps, double dof, double dt_ps,
                  double mass_dof = -1.0);

  std::string description() const override;
  double half_step(double kinetic_energy, std::int64_t step, int half) override;
  double conserved_energy_contribution() const override;
  /// [ξ_1..ξ_M, v_1..v_M, G_2..G_M with G_1 first]: 3M doubles.
  std::vector<double> save() const override;
  void restore(const std::vector<double>& state) override;

  const std::vector<double>& positions() const { return xi_; }
  const std::vector<double>& velocities() const { return v_; }

 private:
  int chain_;
  double kt_;         ///< k_B·T, eV
  double dof_;
  double dt_;         ///< full step, ps
  double tau_;
  std::vector<double> q_;   ///< [M] masses, eV·ps²
  std::vector<double> xi_;  ///< [M] chain positions (dimensionless)
  std::vector<double> v_;   ///< [M] chain velocities, 1/ps
  std::vector<double> g_;   ///< [M] chain forces, 1/ps² (G_2.. carry over between half steps)
};

}  // namespace md
