// SPDX-License-Identifier: MIT
#include "engine/integrator.hpp"

#include "core/error.hpp"
#include "engine/box_map.hpp"
#include "engine/integrator_langevin.hpp"
#include "engine/integrator_mtk.hpp"
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
  if (settings.barostat.type == BarostatType::kMtk) {
    if (t.type != ThermostatType::kNoseHooverChain) {
      throw config_error("integrator: the mtk barostat needs the nose_hoover_chain thermostat "
                         "(as LAMMPS fix npt)");
    }
    return std::make_unique<MtkIntegrator>(settings, dt_ps, n_atoms);
  }
  if (settings.barostat.type == BarostatType::kCRescale) {
    if (t.type == ThermostatType::kNone || t.type == ThermostatType::kLangevin) {
      throw config_error("integrator: the c_rescale barostat needs a velocity-scaling thermostat "
                         "(csvr, nose_hoover_chain or berendsen)");
    }
    return std::make_unique<VerletIntegrator>(
        dt_ps, make_thermostat(t, temperature_dof(n_atoms), dt_ps),
        std::string(kind) + "+c_rescale",
        std::make_unique<CRescaleBarostat>(settings.barostat, t.temperature_K, dt_ps));
  }
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
                                   std::string kind, std::unique_ptr<CRescaleBarostat> barostat)
    : dt_(dt_ps),
      thermostat_(std::move(thermostat)),
      kind_(std::move(kind)),
      barostat_(std::move(barostat)) {
  if (barostat_ && !thermostat_) throw internal_error("a barostat needs a thermostat");
}

VerletIntegrator::~VerletIntegrator() = default;

std::string VerletIntegrator::description() const {
  if (!thermostat_) return "NVE (velocity Verlet)";
  if (barostat_) {
    return "NPT, " + thermostat_->description() + ", " + barostat_->description() +
           ", velocity Verlet";
  }
  return "NVT, " + thermostat_->description() + ", velocity Verlet";
}

namespace {

double kinetic_energy(AtomKernels& atoms, const Communicator& comm) {
  return 0.5 * comm.sum(atoms.local_twice_kinetic_energy());
}

}  // namespace

void VerletIntegrator::thermostat_half_step(AtomKernels& atoms, double kinetic_energy,
                                            std::int64_t step, int half) {
  atoms.scale_velocities(thermostat_->half_step(kinetic_energy, step, half));
}

void VerletIntegrator::first_half(StepContext& context) {
  if (thermostat_) {
    const double start_kinetic_energy = kinetic_energy(context.atoms, context.comm);
    thermostat_half_step(context.atoms, start_kinetic_energy, context.step, 0);
    context.atoms.half_kick(dt_);
    context.atoms.drift(dt_);
    if (barostat_ && barostat_->moves_on(context.step)) barostat_move(context, start_kinetic_energy);
    return;
  }
  context.atoms.half_kick(dt_);
  context.atoms.drift(dt_);
}

void VerletIntegrator::barostat_move(StepContext& context, double start_kinetic_energy) {
  if (context.virial_step != context.step) {
    throw internal_error("the barostat's virial is not that of the step's start");
  }
  const double virial_trace = context.virial[0] + context.virial[4] + context.virial[8];
  const Box& box = context.box;
  const double volume = box.volume();
  const double mu = barostat_->scale_factor(start_kinetic_energy, virial_trace, volume,
                                            context.step);
  const double scaled_kinetic_energy = kinetic_energy(context.atoms, context.comm);
  context.atoms.scale_velocities(1.0 / mu);
  const double factor[3] = {mu, mu, mu};
  barostat_->account(mu, volume, scaled_kinetic_energy, virial_trace);
  context.box_control.change_box(scaled_about_centre(box, factor));
}

void VerletIntegrator::second_half(StepContext& context) {
  if (barostat_ && barostat_->moves_on(context.step)) {
    if (context.virial_step != context.step + 1) {
      throw internal_error("the barostat's virial is not that of the moved positions");
    }
    barostat_->finish_move(context.virial[0] + context.virial[4] + context.virial[8]);
  }
  context.atoms.half_kick(dt_);
  if (thermostat_) {
    thermostat_half_step(context.atoms, kinetic_energy(context.atoms, context.comm), context.step,
                         1);
  }
}

double VerletIntegrator::conserved_energy_contribution(const Communicator&, const Box& box) const {
  double term = thermostat_ ? thermostat_->conserved_energy_contribution() : 0.0;
  if (barostat_) term += barostat_->conserved_energy_contribution(box.volume());
  return term;
}

IntegratorState VerletIntegrator::save() const {
  IntegratorState s;
  s.kind = kind_;
  if (thermostat_) s.scalars = thermostat_->save();
  if (barostat_) {
    for (double x : barostat_->save()) s.scalars.push_back(x);
  }
  return s;
}

void VerletIntegrator::restore(const IntegratorState& state) {
  if (state.kind != kind_) {
    throw config_error("the checkpoint was written by integrator '" + state.kind +
                       "', but this run uses '" + kind_ + "'");
  }
  std::vector<double> scalars = state.scalars;
  if (barostat_) {
    const std::size_t n = barostat_->save().size();
    if (scalars.size() < n) throw config_error("checkpoint: the integrator state is too short");
    barostat_->restore(std::vector<double>(scalars.end() - static_cast<std::ptrdiff_t>(n),
                                           scalars.end()));
    scalars.resize(scalars.size() - n);
  }
  if (thermostat_) thermostat_->restore(scalars);
}

}  // namespace md
