// SPDX-License-Identifier: MIT
#include "engine/thermostat_nose_hoover.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/units.hpp"

namespace md {

NoseHooverChain::NoseHooverChain(int chain, double temperature_K, double tau_ps, double dof,
                                 double dt_ps, double mass_dof)
    : chain_(chain),
      kt_(units::kBoltzmann * temperature_K),
      dof_(dof),
      dt_(dt_ps),
      tau_(tau_ps),
      q_(chain),
      xi_(chain, 0.0),
      v_(chain, 0.0),
      g_(chain, 0.0) {
  if (chain < 1 || !(temperature_K > 0.0) || !(tau_ps > 0.0) || !(dof > 0.0)) {
    throw internal_error("Nose-Hoover chain needs chain >= 1, T > 0, tau > 0 and dof > 0");
  }
  q_[0] = (mass_dof > 0.0 ? mass_dof : dof_) * kt_ * tau_ * tau_;
  for (int k = 1; k < chain_; ++k) q_[k] = kt_ * tau_ * tau_;
  // LAMMPS FixNH::setup: the outer forces start from v = 0.
  for (int k = 1; k < chain_; ++k) g_[k] = (q_[k - 1] * v_[k - 1] * v_[k - 1] - kt_) / q_[k];
}

std::string NoseHooverChain::description() const {
  std::ostringstream out;
  out << "Nose-Hoover chain (length " << chain_ << ", tau " << tau_ << " ps)";
  return out.str();
}

double NoseHooverChain::half_step(double kinetic_energy, std::int64_t, int) {
  const double dt2 = 0.5 * dt_, dt4 = 0.25 * dt_, dt8 = 0.125 * dt_;
  const double target = dof_ * kt_;  // 2 KE at the target temperature
  double twice_ke = 2.0 * kinetic_energy;
  const auto outer_v = [&](int k) { return k + 1 < chain_ ? v_[k + 1] : 0.0; };
  // A quarter-step kick of link k, damped by the next link on both sides.
  const auto kick = [&](int k) {
    const double damping = std::exp(-dt8 * outer_v(k));
    v_[k] = (v_[k] * damping + g_[k] * dt4) * damping;
  };

  g_[0] = (twice_ke - target) / q_[0];
  for (int k = chain_ - 1; k >= 0; --k) kick(k);

  const double lambda = std::exp(-dt2 * v_[0]);
  twice_ke *= lambda * lambda;
  g_[0] = (twice_ke - target) / q_[0];
  for (int k = 0; k < chain_; ++k) xi_[k] += dt2 * v_[k];

  kick(0);
  for (int k = 1; k < chain_; ++k) {
    const double damping = std::exp(-dt8 * outer_v(k));
    v_[k] *= damping;
    g_[k] = (q_[k - 1] * v_[k - 1] * v_[k - 1] - kt_) / q_[k];
    v_[k] = (v_[k] + g_[k] * dt4) * damping;
  }
  return lambda;
}

double NoseHooverChain::conserved_energy_contribution() const {
  double energy = dof_ * kt_ * xi_[0] + 0.5 * q_[0] * v_[0] * v_[0];
  for (int k = 1; k < chain_; ++k) energy += kt_ * xi_[k] + 0.5 * q_[k] * v_[k] * v_[k];
  return energy;
}

std::vector<double> NoseHooverChain::save() const {
  std::vector<double> state;
  state.insert(state.end(), xi_.begin(), xi_.end());
  state.insert(state.end(), v_.begin(), v_.end());
  state.insert(state.end(), g_.begin(), g_.end());
  return state;
}

void NoseHooverChain::restore(const std::vector<double>& state) {
  if (state.size() != 3 * static_cast<std::size_t>(chain_)) {
    throw config_error("the checkpoint's Nose-Hoover state has " + std::to_string(state.size()) +
                       " values, but a chain of " + std::to_string(chain_) + " needs " +
                       std::to_string(3 * chain_));
  }
  xi_.assign(state.begin(), state.begin() + chain_);
  v_.assign(state.begin() + chain_, state.begin() + 2 * chain_);
  g_.assign(state.begin() + 2 * chain_, state.end());
}

}  // namespace md
