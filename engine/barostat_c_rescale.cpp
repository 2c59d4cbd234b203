// SPDX-License-Identifier: MIT
#include "engine/barostat_c_rescale.hpp"

#include <cmath>
#include <sstream>

#include "core/error.hpp"
#include "core/units.hpp"
#include "engine/keyed_random.hpp"

namespace md {
namespace {

/// Stream of the keyed generator for the barostat noise of step s: kCRescaleStream + s.
constexpr std::uint64_t kCRescaleStream = 0x6372657300000000ULL;  // "cres"

}  // namespace

CRescaleBarostat::CRescaleBarostat(const BarostatSettings& settings, double temperature_K,
                                   double dt_ps)
    : pressure_bar_(settings.pressure_bar),
      tau_(settings.tau_ps),
      compressibility_(settings.compressibility_per_bar),
      kt_(units::kBoltzmann * temperature_K),
      every_(settings.every),
      interval_(dt_ps * settings.every),
      seed_(settings.seed) {}

std::string CRescaleBarostat::description() const {
  std::ostringstream out;
  out << "stochastic cell rescaling (isotropic, P0 " << pressure_bar_ << " bar, tau_p " << tau_
      << " ps, compressibility " << compressibility_ << " /bar, every " << every_ << " steps)";
  return out.str();
}

double CRescaleBarostat::scale_factor(double kinetic_energy, double virial_trace, double volume,
                                      std::int64_t step) const {
  const double pressure = (2.0 * kinetic_energy + virial_trace) / (3.0 * volume) * units::kNktv2p;
  const double kt_over_v = kt_ / volume * units::kNktv2p;  // bar
  const double rate = compressibility_ / tau_;               // 1/(bar ps)
  const double noise = keyed_normal(seed_, kCRescaleStream + static_cast<std::uint64_t>(step), 0);
  const double d_log_volume = -rate * (pressure_bar_ - pressure) * interval_ +
                              std::sqrt(2.0 * kt_over_v * rate * interval_) * noise;
  return std::exp(d_log_volume / 3.0);
}

void CRescaleBarostat::account(double mu, double volume, double scaled_kinetic_energy,
                               double virial_trace) {
  const double delta_kinetic = scaled_kinetic_energy * (1.0 / (mu * mu) - 1.0);
  const double delta_pv = pressure_bar_ * volume * (mu * mu * mu - 1.0) / units::kNktv2p;
  heat_ += delta_kinetic + delta_pv;
  pending_mu_ = mu;
  pending_virial_ = virial_trace;
}

void CRescaleBarostat::finish_move(double virial_trace) {
  heat_ += -(pending_mu_ - 1.0) * 0.5 * (pending_virial_ + virial_trace);
  pending_mu_ = 1.0;
  pending_virial_ = 0.0;
}

double CRescaleBarostat::conserved_energy_contribution(double volume) const {
  return pressure_bar_ * volume / units::kNktv2p - heat_;
}

void CRescaleBarostat::restore(const std::vector<double>& state) {
  if (state.size() != 1) {
    throw config_error("checkpoint: the C-rescale barostat state must hold 1 value");
  }
  heat_ = state[0];
}

}  // namespace md
