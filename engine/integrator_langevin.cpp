// SPDX-License-Identifier: MIT
#include "engine/integrator_langevin.hpp"

#include <cmath>
#include <sstream>
#include <string>

#include "core/error.hpp"
#include "core/units.hpp"

namespace md {
namespace {

constexpr std::uint64_t kLangevinStream = 0x6c616e6700000000ULL;  // "lang"

}  // namespace

std::uint64_t langevin_stream(std::int64_t step) {
  return kLangevinStream + static_cast<std::uint64_t>(step);
}

LangevinIntegrator::LangevinIntegrator(double dt_ps, const ThermostatSettings& settings)
    : dt_(dt_ps),
      kt_(units::kBoltzmann * settings.temperature_K),
      damping_(settings.damping_ps),
      c1_(std::exp(-dt_ps / settings.damping_ps)),
      c2_(std::sqrt(1.0 - c1_ * c1_)),
      seed_(settings.seed) {
  if (!(settings.temperature_K > 0.0) || !(settings.damping_ps > 0.0)) {
    throw internal_error("Langevin needs T > 0 and damping > 0");
  }
}

std::string LangevinIntegrator::description() const {
  std::ostringstream out;
  out << "NVT, Langevin (BAOAB, damping " << damping_ << " ps)";
  return out.str();
}

void LangevinIntegrator::first_half(StepContext& context) {
  AtomKernels& atoms = context.atoms;
  atoms.half_kick(dt_);     // B
  atoms.drift(0.5 * dt_);   // A
  // O: exact Ornstein–Uhlenbeck update with noise keyed by (seed, step, id, component).
  OrnsteinUhlenbeckStep o;
  o.c1 = c1_;
  o.c2 = c2_;
  o.kt = kt_;
  o.mvv2e = units::kMvv2e;
  o.seed = seed_;
  o.stream = langevin_stream(context.step);
  local_heat_ += atoms.ornstein_uhlenbeck(o);
  atoms.drift(0.5 * dt_);   // A
}

void LangevinIntegrator::second_half(StepContext& context) {
  context.atoms.half_kick(dt_);  // B
}

double LangevinIntegrator::conserved_energy_contribution(const Communicator& comm,
                                                         const Box&) const {
  return -comm.sum(local_heat_);
}

IntegratorState LangevinIntegrator::save() const {
  IntegratorState s;
  s.kind = "langevin";
  s.local_heat = local_heat_;
  return s;
}

void LangevinIntegrator::restore(const IntegratorState& state) {
  if (state.kind != "langevin") {
    throw config_error("the checkpoint was written by integrator '" + state.kind +
                       "', but this run uses 'langevin'");
  }
  local_heat_ = state.local_heat;
}

}  // namespace md
