// SPDX-License-Identifier: MIT
#include "engine/conserved_energy.hpp"

#include <fmt/format.h>

#include <cmath>

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

std::optional<DriftFit> ConservedEnergyLog::drift(std::int64_t n_atoms) const {
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
  const double scale = kMeVPerEv * kPsPerNs / static_cast<double>(n_atoms);
  DriftFit fit;
  fit.slope = ev_per_ps * scale;
  fit.span_ps = times_.back() - times_.front();
  if (n >= 3) {
    // Standard error of a least-squares slope: sqrt(Σ residual² / (n − 2) / Σ (t − t̄)²).
    double residuals = 0.0;
    for (std::size_t k = 0; k < n; ++k) {
      const double r = energies_[k] - energies_[0] - mean_e - ev_per_ps * (times_[k] - mean_t);
      residuals += r * r;
    }
    fit.standard_error = std::sqrt(residuals / static_cast<double>(n - 2) / stt) * scale;
  }
  return fit;
}

std::string ConservedEnergyLog::report(std::int64_t n_atoms, const std::string& integrator) const {
  const std::optional<DriftFit> fit = drift(n_atoms);
  if (!fit) {
    return fmt::format(
        "Conserved energy drift: n/a ({}; needs at least 2 thermo samples, got {})", integrator,
        energies_.size());
  }
  const std::string error =
      fit->standard_error ? fmt::format(" ± {:.2g}", *fit->standard_error) : std::string();
  std::string note;
  if (fit->span_ps < kMeaningfulSpanPs) {
    note = fmt::format(
        "; {:.3g} ps is too short to measure drift: fluctuations dominate the fit, judge it over "
        ">= {:g} ps",
        fit->span_ps, kMeaningfulSpanPs);
  } else if (fit->standard_error && std::fabs(fit->slope) < 2.0 * *fit->standard_error) {
    note = "; not distinguishable from zero";
  }
  return fmt::format(
      "Conserved energy drift: {:.6g}{} meV/atom/ns ({}; least-squares fit of {} thermo samples "
      "over {:.4g} ps, steps {} to {}{})",
      fit->slope, error, integrator, energies_.size(), fit->span_ps, steps_.front(), steps_.back(),
      note);
}

}  // namespace md
