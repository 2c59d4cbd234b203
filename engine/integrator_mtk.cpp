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

/// The cell chain's target in units of kT: LAMMPS's lkt_press (kT for iso, one kT per coupled
/// cell degree of freedom otherwise).
double cell_chain_dof(BarostatCoupling coupling) {
  switch (coupling) {
    case BarostatCoupling::kIsotropic: return 1.0;
    case BarostatCoupling::kAnisotropic: return 3.0;
    case BarostatCoupling::kTriclinic: return 6.0;
  }
  return 1.0;
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
      coupling_(settings.barostat.coupling),
      particles_(settings.thermostat.chain, settings.thermostat.temperature_K,
                 settings.thermostat.tau_ps, temperature_dof(n_atoms), dt_ps),
      // FixNH's etap chain: masses kT·τ_p², target kT (iso), 3kT (aniso) or 6kT (tri).
      cell_chain_(settings.barostat.chain, settings.thermostat.temperature_K,
                  settings.barostat.tau_ps, cell_chain_dof(settings.barostat.coupling), dt_ps,
                  1.0) {
  if (settings.thermostat.type != ThermostatType::kNoseHooverChain) {
    throw internal_error("the MTK barostat needs the nose_hoover_chain thermostat");
  }
  std::ostringstream out;
  out << "NPT, Martyna-Tobias-Klein barostat (" << barostat_coupling_name(coupling_)
      << ", P0 " << pressure_bar_ << " bar, tau_p " << settings.barostat.tau_ps
      << " ps, cell chain " << settings.barostat.chain << "), " << particles_.description()
      << ", velocity Verlet";
  description_ = out.str();
}

std::string MtkIntegrator::description() const { return description_; }

void MtkIntegrator::cell_chain_half_step() {
  double twice_cell_kinetic = 0.0;
  for (double rate : omega_dot_) twice_cell_kinetic += cell_mass_ * rate * rate;
  for (double rate : tilt_rate_) twice_cell_kinetic += cell_mass_ * rate * rate;  // 0 unless tri
  const double lambda = cell_chain_.half_step(0.5 * twice_cell_kinetic, 0, 0);
  for (double& rate : omega_dot_) rate *= lambda;
  for (double& rate : tilt_rate_) rate *= lambda;
}

void MtkIntegrator::cell_velocity_half_step(AtomKernels& atoms, const Communicator& comm,
                                            const std::array<double, 9>& virial, double volume) {
  std::array<double, 3> pressure{};
  double mtk_force = 0.0;
  if (coupling_ == BarostatCoupling::kIsotropic) {
    // LAMMPS's scalar pressure compute: (dof·k_B·T + W_xx + W_yy + W_zz)/3 · (1/V), dof·k_B·T = 2K.
    const double fresh_twice_kinetic = twice_kinetic_energy(atoms, comm);
    const double scalar = (fresh_twice_kinetic + virial[0] + virial[4] + virial[8]) / 3.0 *
                          (1.0 / volume) * units::kNktv2p;
    pressure = {scalar, scalar, scalar};
    mtk_force = twice_kinetic_ / (kDimensions * n_atoms_);
  } else {
    std::array<double, 6> kinetic = atoms.local_twice_kinetic_tensor();  // xx yy zz xy xz yz
    comm.sum(Span<double>(kinetic.data(), kinetic.size()));
    for (int a = 0; a < 3; ++a) {
      pressure[a] = (kinetic[a] + virial[4 * a]) * (1.0 / volume) * units::kNktv2p;
      mtk_force += kinetic[a];
    }
    mtk_force /= kDimensions * n_atoms_;
    if (coupling_ == BarostatCoupling::kTriclinic) {
      // The tilts' forces: the off-diagonal pressure (W_xy = virial[1], W_xz = [2], W_yz = [5],
      // as the thermo's pxy pxz pyz) against a target of zero.
      const double off_diagonal_virial[3] = {virial[1], virial[2], virial[5]};
      for (int t = 0; t < 3; ++t) {
        const double p = (kinetic[3 + t] + off_diagonal_virial[t]) * (1.0 / volume) *
                         units::kNktv2p;
        tilt_rate_[t] += p * volume / (cell_mass_ * units::kNktv2p) * 0.5 * dt_;
      }
    }
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
  if (coupling_ == BarostatCoupling::kTriclinic) atoms.shear_velocities(tilt_rate_, 0.5 * dt_);
  atoms.scale_velocity_components(factor);
}

Box MtkIntegrator::moved_box(const Box& box) const {
  const double dto = 0.5 * dt_;  // each of the step's two box moves spans half a step
  double expansion[3];
  for (int d = 0; d < 3; ++d) expansion[d] = std::exp(dto * omega_dot_[d]);
  Box moved = scaled_about_centre(box, expansion);  // tilts follow the lengths (not for tri)
  if (coupling_ != BarostatCoupling::kTriclinic) return moved;
  // ḣ = ω̇·h for the tilts (h upper triangular), FixNH::remap's symmetric splitting around the
  // scaling of the lengths. The lengths on the right-hand side are the old ones throughout, as
  // LAMMPS's h[1], h[2] during remap.
  const double ly = box.length(1), lz = box.length(2);
  double xy = box.tilt[Box::kXY], xz = box.tilt[Box::kXZ], yz = box.tilt[Box::kYZ];
  const double w_xy = tilt_rate_[0], w_xz = tilt_rate_[1], w_yz = tilt_rate_[2];
  const auto tilt_half = [&] {
    double e = std::exp(dto / 8.0 * omega_dot_[0]);
    xz = (xz * e + dto / 4.0 * (w_xy * yz + w_xz * lz)) * e;
    e = std::exp(dto / 4.0 * omega_dot_[1]);
    yz = (yz * e + dto / 2.0 * (w_yz * lz)) * e;
    e = std::exp(dto / 4.0 * omega_dot_[0]);
    xy = (xy * e + dto / 2.0 * (w_xy * ly)) * e;
    e = std::exp(dto / 8.0 * omega_dot_[0]);
    xz = (xz * e + dto / 4.0 * (w_xy * yz + w_xz * lz)) * e;
  };
  tilt_half();
  tilt_half();
  moved.tilt[Box::kXY] = xy;
  moved.tilt[Box::kXZ] = xz;
  moved.tilt[Box::kYZ] = yz;
  return moved;
}

void MtkIntegrator::scale_box(StepContext& context) const {
  context.box_control.change_box(moved_box(context.box));
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
  for (double rate : tilt_rate_) energy += 0.5 * rate * rate * cell_mass_;  // 0 unless tri
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
  if (coupling_ == BarostatCoupling::kTriclinic) {
    for (double rate : tilt_rate_) s.scalars.push_back(rate);
  }
  return s;
}

void MtkIntegrator::restore(const IntegratorState& state) {
  if (state.kind != kKind) {
    throw config_error("the checkpoint was written by integrator '" + state.kind +
                       "', but this run uses '" + kKind + "'");
  }
  const std::size_t particle_size = particles_.save().size();
  const std::size_t cell_size = cell_chain_.save().size();
  const std::size_t cell_values = coupling_ == BarostatCoupling::kTriclinic ? 9 : 6;
  if (state.scalars.size() != particle_size + cell_size + cell_values) {
    throw config_error("checkpoint: the MTK integrator state has " +
                       std::to_string(state.scalars.size()) + " values, expected " +
                       std::to_string(particle_size + cell_size + cell_values));
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
  if (coupling_ == BarostatCoupling::kTriclinic) {
    for (int t = 0; t < 3; ++t) tilt_rate_[t] = state.scalars[k + 6 + t];
  }
}

}  // namespace md
