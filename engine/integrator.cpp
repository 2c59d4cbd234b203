// SPDX-License-Identifier: MIT
#include "engine/integrator.hpp"

#include "core/error.hpp"
#include "engine/integrator_langevin.hpp"
#include "engine/thermo.hpp"

namespace md {

const char* integrator_kind(ThermostatType type) {
  switch (type) {
    case ThermostatType::kNone: return "nve";
    case ThermostatType::kNoseHooverChain: return "nose_hoover_chain";
    case ThermostatType::kCsvr: return "csvr";
    case ThermostatType::kLangevin: return "langevin";
    case ThermostatType::kBerendsen: return "berendsen";
  }
  return "?";
}

std::unique_ptr<Integrator> make_integrator(const IntegratorSettings& settings, double dt_ps,
                                            std::int64_t n_atoms) {
  const ThermostatSettings& t = settings.thermostat;
  const char* kind = integrator_kind(t.type);
  switch (t.type) {
    case ThermostatType::kNone:
      return std::make_unique<VerletIntegrator>(dt_ps, nullptr, kind);
    case ThermostatType::kLangevin:
      return std::make_unique<LangevinIntegrator>(dt_ps, t);
    case ThermostatType::kNoseHooverChain:
    case ThermostatType::kCsvr:
    case ThermostatType::kBerendsen:
      return std::make_unique<VerletIntegrator>(
          dt_ps, make_thermostat(t, temperature_dof(n_atoms), dt_ps), kind);
  }
  throw internal_error("make_integrator: unknown thermostat type");
}

VerletIntegrator::VerletIntegrator(double dt_ps, std::unique_ptr<Thermostat> thermostat,
                                   std::string kind)
    : dt_(dt_ps), thermostat_(std::move(thermostat)), kind_(std::move(kind)) {}

std::string VerletIntegrator::description() const {
  if (!thermostat_) return "NVE (velocity Verlet)";
  return "NVT, " + thermostat_->description() + ", velocity Verlet";
}

void VerletIntegrator::thermostat_half_step(AtomKernels& atoms, const Communicator& comm,
                                            std::int64_t step, int half) {
  const double kinetic_energy = 0.5 * comm.sum(atoms.local_twice_kinetic_energy());
  atoms.scale_velocities(thermostat_->half_step(kinetic_energy, step, half));
}

void VerletIntegrator::first_half(StepContext& context) {
  if (thermostat_) thermostat_half_step(context.atoms, context.comm, context.step, 0);
  context.atoms.half_kick(dt_);
  context.atoms.drift(dt_);
}

void VerletIntegrator::second_half(StepContext& context) {
  context.atoms.half_kick(dt_);
  if (thermostat_) thermostat_half_step(context.atoms, context.comm, context.step, 1);
}

double VerletIntegrator::conserved_energy_contribution(const Communicator&) const {
  return thermostat_ ? thermostat_->conserved_energy_contribution() : 0.0;
}

IntegratorState VerletIntegrator::save() const {
  IntegratorState s;
  s.kind = kind_;
  if (thermostat_) s.scalars = thermostat_->save();
  return s;
}

void VerletIntegrator::restore(const IntegratorState& state) {
  if (state.kind != kind_) {
    throw config_error("the checkpoint was written by integrator '" + state.kind +
                       "', but this run uses '" + kind_ + "'");
  }
  if (thermostat_) thermostat_->restore(state.scalars);
}

}  // namespace md
