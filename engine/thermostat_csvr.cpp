// SPDX-License-Identifier: MIT
#include "engine/thermostat_csvr.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/units.hpp"
#include "engine/keyed_random.hpp"

namespace md {
namespace {

/// Stream ids of the keyed generator: CSVR noise for step s, half h uses stream kCsvrStream + 2s + h
/// and counters 0, 1, 2, ... within it.
constexpr std::uint64_t kCsvrStream = 0x6373767200000000ULL;  // "csvr"

/// Successive keyed deviates of one (seed, stream).
class KeyedSequence {
 public:
  KeyedSequence(std::uint64_t seed, std::uint64_t stream) : seed_(seed), stream_(stream) {}
  double uniform() { return keyed_uniform(seed_, stream_, counter_++); }
  double normal() {
    // keyed_normal(c) uses uniforms 2c and 2c + 1: keep the normals on their own counters.
    return keyed_normal(seed_, stream_ ^ 0x8000000000000000ULL, normal_counter_++);
  }

 private:
  std::uint64_t seed_;
  std::uint64_t stream_;
  std::uint64_t counter_ = 0;
  std::uint64_t normal_counter_ = 0;
};

/// Γ(a, 1) for a ≥ 1 (Marsaglia & Tsang, ACM TOMS 26, 363 (2000)).
double gamma_deviate(double a, KeyedSequence& random) {
  const double d = a - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  while (true) {
    double x = 0.0, v = 0.0;
    do {
      x = random.normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = random.uniform();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace

double keyed_sum_of_squared_normals(double n, std::uint64_t seed, std::uint64_t stream) {
  KeyedSequence random(seed, stream);
  if (n < 2.0) {
    double sum = 0.0;
    for (int i = 0; i < static_cast<int>(std::lround(n)); ++i) {
      const double r = random.normal();
      sum += r * r;
    }
    return sum;
  }
  return 2.0 * gamma_deviate(0.5 * n, random);
}

CsvrThermostat::CsvrThermostat(double temperature_K, double tau_ps, double dof, double dt_ps,
                               std::uint64_t seed)
    : kt_(units::kBoltzmann * temperature_K), tau_(tau_ps), dof_(dof), dt_(dt_ps), seed_(seed) {
  if (!(temperature_K > 0.0) || !(tau_ps > 0.0) || !(dof >= 1.0)) {
    throw internal_error("CSVR needs T > 0, tau > 0 and dof >= 1");
  }
}

std::string CsvrThermostat::description() const {
  std::ostringstream out;
  out << "CSVR (Bussi velocity rescaling, tau " << tau_ << " ps)";
  return out.str();
}

double CsvrThermostat::half_step(double kinetic_energy, std::int64_t step, int half) {
  if (!(kinetic_energy > 0.0)) return 1.0;  // nothing to rescale (all atoms at rest)
  const std::uint64_t stream = kCsvrStream + 2 * static_cast<std::uint64_t>(step) + half;
  KeyedSequence random(seed_, stream);
  const double r1 = random.normal();
  const double others = keyed_sum_of_squared_normals(dof_ - 1.0, seed_, stream + (1ULL << 62));
  const double c = std::exp(-0.5 * dt_ / tau_);
  const double k_target = 0.5 * dof_ * kt_;
  const double k = kinetic_energy;
  const double k_new = k + (1.0 - c) * (k_target * (r1 * r1 + others) / dof_ - k) +
                       2.0 * r1 * std::sqrt(c * (1.0 - c) * k * k_target / dof_);
  heat_ += k_new - k;
  return std::sqrt(k_new / k);
}

void CsvrThermostat::restore(const std::vector<double>& state) {
  if (state.size() != 1) throw config_error("the checkpoint's CSVR state must hold 1 value");
  heat_ = state[0];
}

}  // namespace md
