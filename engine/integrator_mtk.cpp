// SPDX-License-Identifier: MIT
#include "engine/integrator_mtk.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/span.hpp"
#include "engine/box_map.hpp"
#include "core/units.hpp"
#include "engine/thermo.hpp"

namespace md {
namespace {

constexpr const char* kKind = "nose_hoover_chain+mtk";
/// The cell's strain rate acts in x, y and z alike (LAMMPS's pdim for iso).
constexpr int kDimensions = 3;

double twice_kinetic_energy(AtomKernels& atoms, const Communicator& comm) {
  return comm.sum(atoms.local_twice_kinetic_energy());
}

}  // namespace

MtkIntegrator::MtkIntegrator(const IntegratorSettings& settings, double dt_ps,
                             std::int64_t n_atoms)
    : dt_(dt_ps),
      pressure_bar_(settings.barostat.pressure_bar),
      kt_(units::kBoltzmann * settings.thermostat.temperature_K),
      n_atoms_(static_cast<double>(n_atoms)),
      dof_(temperature_dof(n_atoms)),
      cell_mass_((static_cast<double>(n_atoms) + 1.0) * kt_ * settings.barostat.tau_ps *
                 settings.barostat.tau_ps),
      isotropic_(settings.barostat.coupling == BarostatCoupling::kIsotropic),
      particles_(settings.thermostat.chain, settings.thermostat.temperature_K,
                 settings.thermostat.tau_ps, temperature_dof(n_atoms), dt_ps),
      // FixNH's etap chain: masses kT·τ_p², target kT (iso) or 3kT (aniso).
      cell_chain_(settings.barostat.chain, settings.thermostat.temperature_K,
                  settings.barostat.tau_ps, isotropic_ ? 1.0 : 3.0, dt_ps, 1.0) {
  if (settings.thermostat.type != ThermostatType::kNoseHooverChain) {
    throw internal_error("the MTK barostat needs the nose_hoover_chain thermostat");
  }
  std::ostringstream out;
  out << "NPT, Martyna-Tobias-Klein barostat (" << (isotropic_ ? "isotropic" : "anisotropic")
      << ", P0 " << pressure_bar_ << " bar, tau_p " << settings.barostat.tau_ps
      << " ps, cell chain " << settings.barostat.chain << "), " << particles_.description()
      << ", velocity Verlet";
  description_ = out.str();
}

std::string MtkIntegrator::description() const { return description_; }

void MtkIntegrator::cell_chain_half_step() {
  double twice_cell_kinetic = 0.0;
  for (double rate : omega_dot_) twice_cell_kinetic += cell_mass_ * rate * rate;
  const double lambda = cell_chain_.half_step(0.5 * twice_cell_kinetic, 0, 0);
  for (double& rate : omega_dot_) rate *= lambda;
}

void MtkIntegrator::cell_velocity_half_step(AtomKernels& atoms, const Communicator& comm,
                                            const std::array<double, 9>& virial, double volume) {
  std::array<double, 3> pressure{};
  double mtk_force = 0.0;
  if (isotropic_) {
    // LAMMPS's scalar pressure compute: (dof·k_B·T + W_xx + W_yy + W_zz)/3 · (1/V), dof·k_B·T = 2K.
    const double fresh_twice_kinetic = twice_kinetic_energy(atoms, comm);
    const double scalar = (fresh_twice_kinetic + virial[0] + virial[4] + virial[8]) / 3.0 *
                          (1.0 / volume) * units::kNktv2p;
    pressure = {scalar, scalar, scalar};
    mtk_force = twice_kinetic_ / (kDimensions * n_atoms_);
  } else {
    std::array<double, 3> diagonal = atoms.local_twice_kinetic_diagonal();
    comm.sum(Span<double>(diagonal.data(), diagonal.size()));
    for (int a = 0; a < 3; ++a) {
      pressure[a] = (diagonal[a] + virial[4 * a]) * (1.0 / volume) * units::kNktv2p;
      mtk_force += diagonal[a];
    }
    mtk_force /= kDimensions * n_atoms_;
  }
  double sum = 0.0;
  for (int a = 0; a < 3; ++a) {
    const double force = (pressure[a] - pressure_bar_) * volume / (cell_mass_ * units::kNktv2p) +
                         mtk_force / cell_mass_;
    omega_dot_[a] += force * 0.5 * dt_;
    sum += omega_dot_[a];
  }
  mtk_term_ = sum / (kDimensions * n_atoms_);
}

void MtkIntegrator::barostat_velocity_scaling(AtomKernels& atoms) const {
  std::array<double, 3> factor{};
  for (int a = 0; a < 3; ++a) factor[a] = std::exp(-0.25 * dt_ * (omega_dot_[a] + mtk_term_));
  atoms.scale_velocity_components(factor);
  atoms.scale_velocity_components(factor);
}

void MtkIntegrator::scale_box(StepContext& context) const {
  double expansion[3];
  for (int d = 0; d < 3; ++d) expansion[d] = std::exp(0.5 * dt_ * omega_dot_[d]);
  context.box_control.change_box(scaled_about_centre(context.box, expansion));
}

void MtkIntegrator::first_half(StepContext& context) {
  if (context.virial_step != context.step) {
    throw internal_error("the MTK barostat's virial is not that of the step's start");
  }
  if (twice_kinetic_ < 0.0) twice_kinetic_ = twice_kinetic_energy(context.atoms, context.comm);
  if (volume0_ < 0.0) volume0_ = context.box.volume();
  cell_chain_half_step();
  const double lambda = particles_.half_step(0.5 * twice_kinetic_, context.step, 0);
  context.atoms.scale_velocities(lambda);
  twice_kinetic_ *= lambda * lambda;
  cell_velocity_half_step(context.atoms, context.comm, context.virial, context.box.volume());
  barostat_velocity_scaling(context.atoms);
  context.atoms.half_kick(dt_);
  scale_box(context);
  context.atoms.drift(dt_);
  scale_box(context);
}

void MtkIntegrator::second_half(StepContext& context) {
  if (context.virial_step != context.step + 1) {
    throw internal_error("the MTK barostat's virial is not that of the new positions");
  }
  context.atoms.half_kick(dt_);
  barostat_velocity_scaling(context.atoms);
  twice_kinetic_ = twice_kinetic_energy(context.atoms, context.comm);
  cell_velocity_half_step(context.atoms, context.comm, context.virial, context.box.volume());
  const double lambda = particles_.half_step(0.5 * twice_kinetic_, context.step, 1);
  context.atoms.scale_velocities(lambda);
  twice_kinetic_ *= lambda * lambda;
  cell_chain_half_step();
}

double MtkIntegrator::conserved_energy_contribution(const Communicator&, const Box& box) const {
  double energy = particles_.conserved_energy_contribution();
  const double volume0 = volume0_ < 0.0 ? box.volume() : volume0_;
  for (int d = 0; d < kDimensions; ++d) {
    energy += 0.5 * omega_dot_[d] * omega_dot_[d] * cell_mass_ +
              pressure_bar_ * (box.volume() - volume0) / (kDimensions * units::kNktv2p);
  }
  return energy + cell_chain_.conserved_energy_contribution();
}

IntegratorState MtkIntegrator::save() const {
  IntegratorState s;
  s.kind = kKind;
  s.scalars = particles_.save();
  for (double x : cell_chain_.save()) s.scalars.push_back(x);
  for (double rate : omega_dot_) s.scalars.push_back(rate);
  s.scalars.push_back(mtk_term_);
  s.scalars.push_back(volume0_);
  s.scalars.push_back(twice_kinetic_);
  return s;
}

void MtkIntegrator::restore(const IntegratorState& state) {
  if (state.kind != kKind) {
    throw config_error("the checkpoint was written by integrator '" + state.kind +
                       "', but this run uses '" + kKind + "'");
  }
  const std::size_t particle_size = particles_.save().size();
  const std::size_t cell_size = cell_chain_.save().size();
  if (state.scalars.size() != particle_size + cell_size + 6) {
    throw config_error("checkpoint: the MTK integrator state has " +
                       std::to_string(state.scalars.size()) + " values, expected " +
                       std::to_string(particle_size + cell_size + 6));
  }
  const auto begin = state.scalars.begin();
  particles_.restore(std::vector<double>(begin, begin + particle_size));
  cell_chain_.restore(
      std::vector<double>(begin + particle_size, begin + particle_size + cell_size));
  const std::size_t k = particle_size + cell_size;
  for (int a = 0; a < 3; ++a) omega_dot_[a] = state.scalars[k + a];
  mtk_term_ = state.scalars[k + 3];
  volume0_ = state.scalars[k + 4];
  twice_kinetic_ = state.scalars[k + 5];
}

}  // namespace md
