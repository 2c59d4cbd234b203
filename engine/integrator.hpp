// SPDX-License-Identifier: MIT
/// \file
/// The equations of motion as two named half steps around the force evaluation, so that
/// Simulation::step() reads the same for every ensemble:
///
///   integrator.first_half(...)    // everything up to the new positions
///   neighbours, forces, reverse_sum
///   integrator.second_half(...)   // everything after the new forces
///
/// Implementations:
///  - VerletIntegrator, NVE: velocity Verlet (engine/velocity_verlet.hpp), bit-identical to the
///    LAMMPS `fix nve` step;
///  - VerletIntegrator with a velocity-scaling Thermostat (Nosé–Hoover chain, CSVR, Berendsen):
///      first_half  = thermostat half step (v *= λ), v += dt/2·F/m, x += dt·v
///      second_half = v += dt/2·F/m, thermostat half step (v *= λ)
///    where λ comes from host scalar state and the all-reduced kinetic energy; with a barostat
///    (NPT, stochastic cell rescaling, engine/barostat_c_rescale.hpp) first_half ends with the
///    cell move: x and the box *= μ, v /= μ, from the pressure at the step's start;
///  - LangevinIntegrator (engine/integrator_langevin.hpp), BAOAB:
///      first_half  = B (v += dt/2·F/m), A (x += dt/2·v), O (exact Ornstein–Uhlenbeck), A
///      second_half = B.
/// An integrator moves the atoms only through AtomKernels (engine/atom_kernels.hpp), so the same
/// object drives the CPU loops and the CUDA kernels. Each half step gets a StepContext
/// (engine/step_context.hpp): the kernels, the communicator, the box, the latest virial (on the
/// steps the integrator asks for it: needs_virial) and a BoxControl to change the box, which a
/// barostat uses.
/// Every integrator exposes the term that makes E_pot + KE + term a conserved quantity, and its
/// state for checkpoints.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "comm/communicator.hpp"
#include "core/dynamics_settings.hpp"
#include "engine/atom_kernels.hpp"
#include "engine/barostat_c_rescale.hpp"
#include "engine/step_context.hpp"
#include "engine/thermostat.hpp"

namespace md {

/// What an integrator carries from step to step, for checkpoints. `scalars` are identical on all
/// ranks; `local_heat` is this rank's share of the heat exchanged (summed over ranks it is the
/// total; only Langevin, whose heat is per atom, uses it).
struct IntegratorState {
  std::string kind;              ///< "nve", "nose_hoover_chain", "csvr", "langevin", "berendsen"
  std::vector<double> scalars;
  double local_heat = 0.0;       ///< eV
};

class Integrator {
 public:
  virtual ~Integrator() = default;
  /// One line for the log ("NVE (velocity Verlet)", "NVT, Nose-Hoover chain (...)").
  virtual std::string description() const = 0;
  /// Everything of step `context.step` → `step + 1` before the force evaluation; on exit the
  /// owned positions are x(t + dt). Collective (thermostats reduce the kinetic energy).
  virtual void first_half(StepContext& context) = 0;
  /// Everything after the force evaluation; on exit the owned velocities are v(t + dt).
  /// Collective.
  virtual void second_half(StepContext& context) = 0;
  /// True when the force evaluation of `step` must compute the virial for this integrator (a
  /// barostat's pressure); the loop then passes it in the context of the half steps after it.
  virtual bool needs_virial(std::int64_t /*step*/) const { return false; }
  /// The integrator's term of the conserved energy for the current `box`, eV, the same on every
  /// rank. Collective.
  virtual double conserved_energy_contribution(const Communicator& comm, const Box& box) const = 0;
  virtual IntegratorState save() const = 0;
  /// Restores a saved state. `state.kind` must be this integrator's kind (a config error
  /// otherwise).
  virtual void restore(const IntegratorState& state) = 0;
};

/// The integrator for `settings`, with timestep `dt_ps`, for a system of `n_atoms` atoms (the
/// thermostats use the kinetic temperature's 3N − 3 degrees of freedom).
std::unique_ptr<Integrator> make_integrator(const IntegratorSettings& settings, double dt_ps,
                                            std::int64_t n_atoms);

/// The `kind` name of a thermostat type ("nve" for none), as stored in checkpoints.
const char* integrator_kind(ThermostatType type);

/// Velocity Verlet, optionally wrapped in a velocity-scaling thermostat's half steps, optionally
/// with a barostat's cell move at the end of the first half.
class VerletIntegrator final : public Integrator {
 public:
  /// `thermostat` null: NVE. `barostat` null: constant volume (a barostat needs a thermostat).
  VerletIntegrator(double dt_ps, std::unique_ptr<Thermostat> thermostat, std::string kind,
                   std::unique_ptr<CRescaleBarostat> barostat = nullptr);
  ~VerletIntegrator() override;

  std::string description() const override;
  void first_half(StepContext& context) override;
  void second_half(StepContext& context) override;
  /// A barostat reads the virial at a move step's start and after its move (step + 1).
  bool needs_virial(std::int64_t step) const override {
    return barostat_ != nullptr && (barostat_->moves_on(step) || barostat_->moves_on(step - 1));
  }
  double conserved_energy_contribution(const Communicator& comm, const Box& box) const override;
  IntegratorState save() const override;
  void restore(const IntegratorState& state) override;

 private:
  void thermostat_half_step(AtomKernels& atoms, double kinetic_energy, std::int64_t step,
                            int half);
  /// The barostat's move at the end of the first half; `kinetic_energy` is that of the step's
  /// start.
  void barostat_move(StepContext& context, double kinetic_energy);

  double dt_;
  std::unique_ptr<Thermostat> thermostat_;
  std::string kind_;
  std::unique_ptr<CRescaleBarostat> barostat_;
};

}  // namespace md
