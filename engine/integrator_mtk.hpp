// SPDX-License-Identifier: MIT
/// \file
/// NPT by the Martyna–Tobias–Klein equations (J. Chem. Phys. 101, 4177 (1994)) with Nosé–Hoover
/// chains on the particles and on the cell, in the form of LAMMPS's `fix npt ... iso`, `aniso` or `tri`
/// (FixNH with mtk yes, tloop = ploop = 1, drag 0, dilate all): a second-order barostat with a conserved
/// quantity, the usual choice for production NPT once the box is near equilibrium (from far
/// away, stochastic cell rescaling relaxes without oscillating: engine/barostat_c_rescale.hpp).
///
/// Variables: the particle chain (NoseHooverChain: masses dof·kT·τ_T², kT·τ_T²), the cell's
/// strain rates ω̇_a, a = x, y, z (equal for isotropic coupling; each of mass
/// W = (N + 1)·kT·τ_p²) and the cell's chain (masses kT·τ_p², target kT for isotropic and 3kT
/// for anisotropic coupling, acting on the cell's kinetic energy Σ_a W·ω̇_a²/2). One step, as
/// FixNH::initial_integrate and final_integrate:
///
///   first half:  cell chain ½ · particle chain ½ (v *= λ) · ω̇_a += dt/2·F_a ·
///                v_a *= exp(−dt/2·(ω̇_a + Σ_b ω̇_b/(3N))) · v += dt/2·F/m ·
///                box, x_a *= e^(ω̇_a·dt/2) · x += dt·v · box, x_a *= e^(ω̇_a·dt/2)
///   forces
///   second half: v += dt/2·F/m · v_a *= exp(−dt/2·(ω̇_a + Σ_b ω̇_b/(3N))) · ω̇_a += dt/2·F_a ·
///                particle chain ½ · cell chain ½
///
/// with F_a = (P_a − P₀)·V/W + (2K/(3N))/W: isotropic, P_a = P = (2K + W_xx + W_yy + W_zz)/(3V)
/// the scalar pressure; anisotropic, P_a = (2K_aa + W_aa)/V the diagonal of the pressure tensor
/// (2K_aa = Σ m v_a²). Kinetic terms are those of the 3N − 3 degrees of freedom; W_ab is the
/// virial of the latest forces. The box scales about its centre (LAMMPS's default fixed point).
/// Conserved energy: E_pot + K + the two chains' terms + Σ_a W·ω̇_a²/2 + P₀·(V − V₀), V₀ the
/// volume when the run began (LAMMPS's vol0).
///
/// Triclinic coupling (`tri`) adds the tilt rates ω̇_xy, ω̇_xz, ω̇_yz (mass W each, force
/// P_ab·V/W with P_ab = (2K_ab + W_ab)/V, target 0), the cell chain targets 6kT over all six
/// rates, the velocity scaling gets a shear between its two quarter factors
/// (v_x −= dt/2·(v_y·ω̇_xy + v_z·ω̇_xz), v_y −= dt/2·v_z·ω̇_yz), and each half-step box move
/// integrates ḣ = ω̇·h for the tilts around the scaling of the lengths, in FixNH::remap's
/// symmetric order (xz, yz, xy, xz quarter steps). Without `tri` the tilts follow the lengths
/// (xy with ly, xz and yz with lz), as LAMMPS's default scalexy/scalexz/scaleyz. A tilt grown
/// past 0.6 of its length is flipped at the next rebuild (core/box.hpp's flip_cell, called by
/// Simulation::rebuild_neighbors), as LAMMPS's `flip yes`.
#pragma once

#include <array>
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
  /// [particle chain (3M), cell chain (3M'), ω̇_x, ω̇_y, ω̇_z, mtk term, V₀, 2K of the last
  /// half step], then for `tri` ω̇_xy, ω̇_xz, ω̇_yz]
  IntegratorState save() const override;
  void restore(const IntegratorState& state) override;

 private:
  /// ω̇_a += dt/2·F_a from the virial `virial` [9] (eV), the volume (Å³) and the kinetic terms
  /// (FixNH: isotropic, the pressure takes a fresh 2K and the MTK term the chain's rescaled one,
  /// twice_kinetic_; anisotropic, both take the fresh diagonal); updates mtk_term_.
  void cell_velocity_half_step(AtomKernels& atoms, const Communicator& comm,
                               const std::array<double, 9>& virial, double volume);
  /// The cell chain's half step: scales ω̇.
  void cell_chain_half_step();
  /// v_a *= exp(−dt/2·(ω̇_a + mtk_term)), in LAMMPS's two quarter factors (with the tilt
  /// shear between them for `tri`).
  void barostat_velocity_scaling(AtomKernels& atoms) const;
  /// The box and positions scaled by e^(ω̇_a·dt/2) about the box centre (and, for `tri`, the
  /// tilts moved by their rates).
  void scale_box(StepContext& context) const;
  /// `box` after one half-step move of the cell (dt/2), FixNH::remap.
  Box moved_box(const Box& box) const;

  double dt_;
  double pressure_bar_;
  double kt_;              ///< eV
  double n_atoms_;
  double dof_;             ///< 3N − 3
  double cell_mass_;       ///< W, eV·ps²
  BarostatCoupling coupling_;
  NoseHooverChain particles_;
  NoseHooverChain cell_chain_;
  std::array<double, 3> omega_dot_{0.0, 0.0, 0.0};  ///< 1/ps
  std::array<double, 3> tilt_rate_{0.0, 0.0, 0.0};  ///< ω̇_xy, ω̇_xz, ω̇_yz (tri only), 1/ps
  double mtk_term_ = 0.0;   ///< Σ_a ω̇_a/(3N) (LAMMPS mtk_term2), 1/ps
  double volume0_ = -1.0;   ///< Å³; negative until the first step
  double twice_kinetic_ = -1.0;  ///< 2K carried between half steps (LAMMPS's t_current); < 0: unset
  std::string description_;
};

}  // namespace md
