// SPDX-License-Identifier: MIT
#include "engine/settings.hpp"

namespace md {

const std::vector<ThermoColumnName>& thermo_column_names() {
  static const std::vector<ThermoColumnName> names = {
      {ThermoColumn::kStep, "step", "Step"},       {ThermoColumn::kTime, "time", "Time"},
      {ThermoColumn::kPotEng, "pe", "PotEng"},     {ThermoColumn::kKinEng, "ke", "KinEng"},
      {ThermoColumn::kTotEng, "etotal", "TotEng"}, {ThermoColumn::kTemp, "temp", "Temp"},
      {ThermoColumn::kPress, "press", "Press"},    {ThermoColumn::kVolume, "vol", "Volume"},
      {ThermoColumn::kDensity, "density", "Density"}, {ThermoColumn::kAtoms, "atoms", "Atoms"},
      {ThermoColumn::kLx, "lx", "Lx"},             {ThermoColumn::kLy, "ly", "Ly"},
      {ThermoColumn::kLz, "lz", "Lz"},             {ThermoColumn::kPxx, "pxx", "Pxx"},
      {ThermoColumn::kPyy, "pyy", "Pyy"},          {ThermoColumn::kPzz, "pzz", "Pzz"},
      {ThermoColumn::kPxy, "pxy", "Pxy"},          {ThermoColumn::kPxz, "pxz", "Pxz"},
      {ThermoColumn::kPyz, "pyz", "Pyz"},          {ThermoColumn::kCpu, "cpu", "CPU"},
      {ThermoColumn::kEconserve, "econserve", "Econserve"},
  };
  return names;
}

std::optional<ThermoColumn> parse_thermo_column(const std::string& keyword) {
  for (const auto& name : thermo_column_names()) {
    if (keyword == name.keyword) return name.column;
  }
  return std::nullopt;
}

}  // namespace md
