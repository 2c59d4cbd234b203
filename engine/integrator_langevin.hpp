// SPDX-License-Identifier: MIT
/// \file
/// Langevin dynamics with the BAOAB splitting (Leimkuhler & Matthews, Appl. Math. Res. Express
/// 2013, 34): per step
///   B  v += dt/2·F/m
///   A  x += dt/2·v
///   O  v ← c₁·v + sqrt((1 − c₁²)·kT/m)·R,   c₁ = exp(−γ·dt),  γ = 1/damping_ps
///   A  x += dt/2·v
///   (forces at the new positions)
///   B  v += dt/2·F/m
/// The O step solves the Ornstein–Uhlenbeck process exactly, so configurational averages are
/// accurate to O(dt²) with a small constant. Each normal deviate R is keyed by (seed, step, global
/// atom id, component) through engine/keyed_random.hpp (the per-atom update is
/// ornstein_uhlenbeck_atom, engine/langevin_step.hpp, shared with the CUDA kernel): the noise an atom receives never depends on
/// the rank that holds it, the order of atoms, or a restart. The kinetic energy the O step adds is
/// accumulated per rank (no extra communication per step); minus its sum over ranks is the
/// conserved-energy contribution.
#pragma once

#include <cstdint>

#include "engine/integrator.hpp"

namespace md {

class LangevinIntegrator final : public Integrator {
 public:
  LangevinIntegrator(double dt_ps, const ThermostatSettings& settings);

  std::string description() const override;
  void first_half(StepContext& context) override;
  void second_half(StepContext& context) override;
  double conserved_energy_contribution(const Communicator& comm, const Box& box) const override;
  IntegratorState save() const override;
  void restore(const IntegratorState& state) override;

 private:
  double dt_;
  double kt_;          ///< k_B·T, eV
  double damping_;     ///< 1/γ, ps
  double c1_;          ///< exp(−γ·dt)
  double c2_;          ///< sqrt(1 − c₁²)
  std::uint64_t seed_;
  double local_heat_ = 0.0;  ///< kinetic energy added by the O steps on this rank, eV
};

/// The keyed-generator stream of the Langevin noise of step `step`.
std::uint64_t langevin_stream(std::int64_t step);

}  // namespace md
