// SPDX-License-Identifier: MIT
/// \file
/// Canonical sampling through velocity rescaling (Bussi, Donadio & Parrinello, J. Chem. Phys. 126,
/// 014101 (2007); GROMACS `v-rescale`, LAMMPS `fix temp/csvr`). Over a time Δt (here dt/2 per half
/// step) the kinetic energy K relaxes towards K̄ = dof·kT/2 with time constant τ plus the noise
/// that makes its distribution canonical:
///   K' = K + (1 − c)·(K̄·(R_1² + S)/dof − K) + 2·R_1·sqrt(c·(1 − c)·K·K̄/dof),   c = exp(−Δt/τ),
/// with R_1 a standard normal and S a sum of dof − 1 squared standard normals (drawn as 2·Γ((dof −
/// 1)/2), as GROMACS does). Velocities are scaled by λ = sqrt(K'/K). The random numbers come from
/// the keyed generator (engine/keyed_random.hpp) with key (seed, step, half), so every rank draws
/// the same λ without communication and a restart continues the same noise. The heat K' − K is
/// accumulated; minus the heat is the conserved-energy contribution ("effective energy").
#pragma once

#include <cstdint>

#include "engine/thermostat.hpp"

namespace md {

class CsvrThermostat final : public Thermostat {
 public:
  CsvrThermostat(double temperature_K, double tau_ps, double dof, double dt_ps, std::uint64_t seed);

  std::string description() const override;
  double half_step(double kinetic_energy, std::int64_t step, int half) override;
  double conserved_energy_contribution() const override { return -heat_; }
  /// [heat]
  std::vector<double> save() const override { return {heat_}; }
  void restore(const std::vector<double>& state) override;

 private:
  double kt_;
  double tau_;
  double dof_;
  double dt_;
  std::uint64_t seed_;
  double heat_ = 0.0;  ///< energy the thermostat has put into the system, eV
};

/// A sum of `n` squared standard normal deviates (a χ² deviate with n degrees of freedom) from the
/// keyed generator with key (seed, stream): an explicit sum for n < 2, 2·Γ(n/2) by Marsaglia and
/// Tsang's method otherwise. Exposed for tests.
double keyed_sum_of_squared_normals(double n, std::uint64_t seed, std::uint64_t stream);

}  // namespace md
