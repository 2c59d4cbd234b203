// SPDX-License-Identifier: MIT
#include "engine/thermo_log.hpp"

#include <fmt/format.h>

namespace md {
namespace {

constexpr int kStepWidth = 10;
constexpr int kValueWidth = 18;

const char* header_of(ThermoColumn column) {
  for (const auto& name : thermo_column_names()) {
    if (name.column == column) return name.header;
  }
  return "?";
}

}  // namespace

std::string ThermoLog::header() const {
  std::string out;
  for (ThermoColumn c : columns_) {
    const int width = (c == ThermoColumn::kStep || c == ThermoColumn::kAtoms) ? kStepWidth
                                                                               : kValueWidth;
    out += fmt::format("{:>{}}", header_of(c), width);
  }
  return out;
}

std::string ThermoLog::row(const ThermoSample& s, double cpu_seconds,
                           double conserved_energy) const {
  std::string out;
  for (ThermoColumn c : columns_) {
    double value = 0.0;
    switch (c) {
      case ThermoColumn::kStep: out += fmt::format("{:>{}}", s.step, kStepWidth); continue;
      case ThermoColumn::kAtoms: out += fmt::format("{:>{}}", s.n_atoms, kStepWidth); continue;
      case ThermoColumn::kTime: value = s.time_ps; break;
      case ThermoColumn::kPotEng: value = s.potential_energy; break;
      case ThermoColumn::kKinEng: value = s.kinetic_energy; break;
      case ThermoColumn::kTotEng: value = s.total_energy(); break;
      case ThermoColumn::kTemp: value = s.temperature; break;
      case ThermoColumn::kPress: value = s.pressure; break;
      case ThermoColumn::kVolume: value = s.volume; break;
      case ThermoColumn::kDensity: value = s.density; break;
      case ThermoColumn::kLx: value = s.box_lengths[0]; break;
      case ThermoColumn::kLy: value = s.box_lengths[1]; break;
      case ThermoColumn::kLz: value = s.box_lengths[2]; break;
      case ThermoColumn::kXy: value = s.box_tilts[0]; break;
      case ThermoColumn::kXz: value = s.box_tilts[1]; break;
      case ThermoColumn::kYz: value = s.box_tilts[2]; break;
      case ThermoColumn::kPxx: value = s.pressure_tensor[0]; break;
      case ThermoColumn::kPyy: value = s.pressure_tensor[1]; break;
      case ThermoColumn::kPzz: value = s.pressure_tensor[2]; break;
      case ThermoColumn::kPxy: value = s.pressure_tensor[3]; break;
      case ThermoColumn::kPxz: value = s.pressure_tensor[4]; break;
      case ThermoColumn::kPyz: value = s.pressure_tensor[5]; break;
      case ThermoColumn::kCpu: value = cpu_seconds; break;
      case ThermoColumn::kEconserve: value = conserved_energy; break;
    }
    out += fmt::format("{:>{}.12g}", value, kValueWidth);
  }
  return out;
}

}  // namespace md
