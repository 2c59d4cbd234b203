// SPDX-License-Identifier: MIT
/// \file
/// Stochastic cell rescaling (Bernetti & Bussi, J. Chem. Phys. 153, 114107 (2020); GROMACS
/// `C-rescale`), isotropic: a first-order barostat that samples the isothermal–isobaric ensemble
/// and, unlike Berendsen's, its volume fluctuations, and that relaxes a box far from equilibrium
/// without the oscillations of a second-order (Nosé–Hoover/MTK) barostat. Over one step dt the
/// logarithm of the volume ε = ln V moves by
///
///   dε = −(β_T/τ_p)·(P₀ − P)·dt + √(2·(kT/V)·β_T·dt/τ_p)·R,
///
/// with P the instantaneous pressure (kinetic and virial) at the start of the step, β_T the
/// isothermal compressibility (it sets the time scale only, not the ensemble), τ_p the relaxation
/// time, T the thermostat's target temperature and R a standard normal deviate from the keyed
/// generator (key: seed, step), so every rank draws the same value and a restart continues the
/// same noise. Positions and the box scale by μ = exp(dε/3) about the box centre, velocities by
/// 1/μ. It needs a thermostat for the kinetic energy.
///
/// Ensemble: with the total momentum conserved (3N − 3 kinetic degrees of freedom: the
/// thermostats here conserve it and velocity creation zeroes it), the moves compress the momenta
/// as V^−(N−1) and this drift makes the stationary volume distribution p(V) ∝ V^(N−1)·e^(−P₀V/kT),
/// with ⟨P⟩ = P₀ for the instantaneous pressure P of those degrees of freedom — the ensemble that
/// LAMMPS's `fix npt` samples (an ideal gas of N atoms: ⟨V⟩ = N·kT/P₀ in both, checked against
/// LAMMPS by scripts/make_npt_reference.py). The paper's drift has an extra kT/V, which gives
/// V^N and ⟨P + kT/V⟩ = P₀ instead: a difference of one in N, which we leave out to give the
/// same numbers as LAMMPS.
/// A move is made every `every` steps with dt = every × the timestep (GROMACS's nstpcouple);
/// every = 10 keeps the cost of the moves (a reduction and an affine map) small.
///
/// Effective energy: each move changes the enthalpy K + U + P₀V by ΔK (exact, K(1/μ² − 1)),
/// ΔU ≈ −(μ − 1)·W_tr (first order, from the virial W = Σ F⊗r) and P₀ΔV; their sum is
/// accumulated as the barostat's heat, and P₀V − heat is its conserved-energy contribution, so
/// that E_pot + KE + thermostat term + that term drifts only by integration error. W is the mean
/// of the virial at the step's start (which sized the move) and of the moved positions (the force
/// evaluation right after the move). Either alone (GROMACS's estimate uses the first) is biased
/// by how W changes over the step and under the scaling, both correlated with the move. On the
/// 192-atom water box expanding under the shipped model (`scripts/check_water_npt.sh
/// models/water_se_e2_a.dp 4000`, 2 ps), the start virial alone (commit 0f0f361) drifted by
/// +1,610 meV/atom/ns, a trial with the post-move virial alone by −1,628, their mean by −9 ± 7.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/dynamics_settings.hpp"

namespace md {

class CRescaleBarostat {
 public:
  /// `temperature_K`: the thermostat's target; `dt_ps`: the MD timestep.
  CRescaleBarostat(const BarostatSettings& settings, double temperature_K, double dt_ps);

  std::string description() const;
  /// Whether the first half of `step` ends with a move.
  bool moves_on(std::int64_t step) const { return step % every_ == 0; }
  /// μ for the step `step`, from the kinetic energy (eV), the virial trace W_xx + W_yy + W_zz (eV)
  /// and the volume (Å³) at its start. The same on every rank.
  double scale_factor(double kinetic_energy, double virial_trace, double volume,
                      std::int64_t step) const;
  /// Records the move μ of a box of `volume` (Å³) whose velocities, of kinetic energy
  /// `scaled_kinetic_energy` (eV), were scaled by 1/μ; `virial_trace` as in scale_factor. Its
  /// potential-energy change, −(μ − 1)·W̄_tr, is completed by finish_move after the step's force
  /// evaluation.
  void account(double mu, double volume, double scaled_kinetic_energy, double virial_trace);
  /// Completes the last move's energy with the virial trace (eV) of the forces evaluated right
  /// after it.
  void finish_move(double virial_trace);
  /// P₀V − heat (eV) for the current volume (Å³).
  double conserved_energy_contribution(double volume) const;
  /// [heat]
  std::vector<double> save() const { return {heat_}; }
  void restore(const std::vector<double>& state);

 private:
  double pressure_bar_;
  double tau_;
  double compressibility_;
  double kt_;  ///< eV
  int every_;
  double interval_;  ///< ps between moves
  std::uint64_t seed_;
  double heat_ = 0.0;  ///< energy the barostat has put into the system, eV
  double pending_mu_ = 1.0;      ///< the last move, until finish_move
  double pending_virial_ = 0.0;  ///< W_tr at its step's start, eV
};

}  // namespace md
