// SPDX-License-Identifier: MIT
/// \file
/// NPT by the Martyna–Tobias–Klein equations (J. Chem. Phys. 101, 4177 (1994)) with Nosé–Hoover
/// chains on the particles and on the cell, in the form of LAMMPS's `fix npt ... iso` (FixNH
/// with mtk yes, tloop = ploop = 1, drag 0, dilate all): a second-order barostat with a conserved
/// quantity, the usual choice for production NPT once the box is near equilibrium (from far
/// away, stochastic cell rescaling relaxes without oscillating: engine/barostat_c_rescale.hpp).
///
/// Variables: the particle chain (NoseHooverChain: masses dof·kT·τ_T², kT·τ_T²), the cell's
/// strain rate ω̇ (isotropic: one value; mass W = (N + 1)·kT·τ_p²) and the cell's chain (masses
/// kT·τ_p², target kT: a NoseHooverChain of one degree of freedom acting on the cell's kinetic
/// energy 3·W·ω̇²/2). One step, as FixNH::initial_integrate and final_integrate:
///
///   first half:  cell chain ½ · particle chain ½ (v *= λ) · ω̇ += dt/2·F_ω ·
///                v *= exp(−dt/2·(ω̇ + ω̇/N)) · v += dt/2·F/m · box, x *= e^(ω̇·dt/2) ·
///                x += dt·v · box, x *= e^(ω̇·dt/2)
///   forces
///   second half: v += dt/2·F/m · v *= exp(−dt/2·(ω̇ + ω̇/N)) · ω̇ += dt/2·F_ω ·
///                particle chain ½ · cell chain ½
///
/// with F_ω = (P − P₀)·V/W + (2K/(3N))/W, P = (2K + W_xx + W_yy + W_zz)/(3V) the instantaneous
/// pressure of the 3N − 3 kinetic degrees of freedom and the virial of the latest forces. The box
/// scales about its centre (LAMMPS's default fixed point). Conserved energy: E_pot + K + the two
/// chains' terms + 3·W·ω̇²/2 + P₀·(V − V₀), V₀ the volume when the run began (LAMMPS's vol0).
#pragma once

#include <cstdint>
#include <string>

#include "core/dynamics_settings.hpp"
#include "engine/integrator.hpp"
#include "engine/thermostat_nose_hoover.hpp"

namespace md {

class MtkIntegrator final : public Integrator {
 public:
  /// `settings`: a nose_hoover_chain thermostat and an mtk barostat.
  MtkIntegrator(const IntegratorSettings& settings, double dt_ps, std::int64_t n_atoms);

  std::string description() const override;
  void first_half(StepContext& context) override;
  void second_half(StepContext& context) override;
  bool needs_virial(std::int64_t) const override { return true; }
  double conserved_energy_contribution(const Communicator& comm, const Box& box) const override;
  /// [particle chain (3M), cell chain (3M'), ω̇, V₀, 2K of the last half step]
  IntegratorState save() const override;
  void restore(const IntegratorState& state) override;

 private:
  /// ω̇ += dt/2·F_ω from the pressure of 2K = `pressure_twice_kinetic` (eV), the virial trace
  /// (eV) and the volume (Å³), and the MTK term of twice_kinetic_; updates mtk_term_.
  void cell_velocity_half_step(double pressure_twice_kinetic, double virial_trace, double volume);
  /// The cell chain's half step: scales ω̇.
  void cell_chain_half_step();
  /// v *= exp(−dt/2·(ω̇ + mtk_term)), in LAMMPS's two quarter factors.
  void barostat_velocity_scaling(AtomKernels& atoms) const;
  /// The box and positions scaled by e^(ω̇·dt/2) about the box centre.
  void scale_box(StepContext& context) const;

  double dt_;
  double pressure_bar_;
  double kt_;              ///< eV
  double n_atoms_;
  double dof_;             ///< 3N − 3
  double cell_mass_;       ///< W, eV·ps²
  NoseHooverChain particles_;
  NoseHooverChain cell_chain_;
  double omega_dot_ = 0.0;  ///< 1/ps
  double mtk_term_ = 0.0;   ///< ω̇/N (LAMMPS mtk_term2), 1/ps
  double volume0_ = -1.0;   ///< Å³; negative until the first step
  double twice_kinetic_ = -1.0;  ///< 2K carried between half steps (LAMMPS's t_current); < 0: unset
  std::string description_;
};

}  // namespace md
