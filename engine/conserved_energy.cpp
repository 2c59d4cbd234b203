// SPDX-License-Identifier: MIT
#include "engine/conserved_energy.hpp"

#include <fmt/format.h>

namespace md {

void ConservedEnergyLog::add(std::int64_t step, double time_ps, double energy_eV) {
  if (!steps_.empty() && steps_.back() == step) {
    energies_.back() = energy_eV;
    return;
  }
  steps_.push_back(step);
  times_.push_back(time_ps);
  energies_.push_back(energy_eV);
}

std::optional<double> ConservedEnergyLog::drift_mev_per_atom_per_ns(std::int64_t n_atoms) const {
  const std::size_t n = energies_.size();
  if (n < 2 || n_atoms <= 0) return std::nullopt;
  // Centred sums: the energies are large and nearly constant, so subtract the first sample too.
  double mean_t = 0.0, mean_e = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    mean_t += times_[k];
    mean_e += energies_[k] - energies_[0];
  }
  mean_t /= n;
  mean_e /= n;
  double stt = 0.0, ste = 0.0;
  for (std::size_t k = 0; k < n; ++k) {
    const double dt = times_[k] - mean_t;
    stt += dt * dt;
    ste += dt * (energies_[k] - energies_[0] - mean_e);
  }
  if (!(stt > 0.0)) return std::nullopt;
  const double ev_per_ps = ste / stt;
  constexpr double kMeVPerEv = 1.0e3;
  constexpr double kPsPerNs = 1.0e3;
  return ev_per_ps * kMeVPerEv * kPsPerNs / static_cast<double>(n_atoms);
}

std::string ConservedEnergyLog::report(std::int64_t n_atoms, const std::string& integrator) const {
  const std::optional<double> drift = drift_mev_per_atom_per_ns(n_atoms);
  if (!drift) {
    return fmt::format(
        "Conserved energy drift: n/a ({}; needs at least 2 thermo samples, got {})", integrator,
        energies_.size());
  }
  return fmt::format(
      "Conserved energy drift: {:.6g} meV/atom/ns ({}; least-squares fit of {} thermo samples, "
      "steps {} to {})",
      *drift, integrator, energies_.size(), steps_.front(), steps_.back());
}

}  // namespace md
