// SPDX-License-Identifier: MIT
/// \file
/// LAMMPS-style thermo output: a header of column names (`Step PotEng KinEng TotEng Temp Press
/// Volume` by default) then one whitespace-separated row per sample, in metal units, so existing
/// log parsers read it unchanged.
#pragma once

#include <string>
#include <vector>

#include "core/settings.hpp"
#include "engine/thermo.hpp"

namespace md {

class ThermoLog {
 public:
  explicit ThermoLog(std::vector<ThermoColumn> columns) : columns_(std::move(columns)) {}
  std::string header() const;
  /// One row; `cpu_seconds` is the wall time since the run started (the `cpu` column).
  std::string row(const ThermoSample& sample, double cpu_seconds,
                  double conserved_energy = 0.0) const;

 private:
  std::vector<ThermoColumn> columns_;
};

}  // namespace md
