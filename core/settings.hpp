// SPDX-License-Identifier: MIT
/// \file
/// What the engine needs to know about a run, as typed values in engine units (Å, ps, K): plain
/// values at the bottom of the module graph, so that io (the config reader fills them from YAML)
/// and the engine (which never sees YAML or strings) both use them without depending on each
/// other.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/backend.hpp"
#include "core/dynamics_settings.hpp"
#include "core/model_deviation.hpp"

namespace md {

/// Thermo output columns, named as LAMMPS `thermo_style custom` keywords.
enum class ThermoColumn {
  kStep, kTime, kPotEng, kKinEng, kTotEng, kTemp, kPress, kVolume, kDensity, kAtoms,
  kLx, kLy, kLz, kPxx, kPyy, kPzz, kPxy, kPxz, kPyz, kCpu,
  kEconserve,  ///< PotEng + KinEng + the thermostat's term: the conserved energy (LAMMPS econserve)
  kXy, kXz, kYz,  ///< the box's tilt factors, Å
};

/// The LAMMPS keyword ("pe") and header ("PotEng") of every column, in enum order.
struct ThermoColumnName {
  ThermoColumn column;
  const char* keyword;
  const char* header;
};
inline const std::vector<ThermoColumnName>& thermo_column_names() {
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
      {ThermoColumn::kXy, "xy", "Xy"},             {ThermoColumn::kXz, "xz", "Xz"},
      {ThermoColumn::kYz, "yz", "Yz"},
  };
  return names;
}
/// Parses a LAMMPS keyword ("step", "pe", "ke", "etotal", "temp", "press", "vol", ...).
inline std::optional<ThermoColumn> parse_thermo_column(const std::string& keyword) {
  for (const auto& name : thermo_column_names()) {
    if (keyword == name.keyword) return name.column;
  }
  return std::nullopt;
}

/// `velocity all create T seed`: Gaussian velocities keyed by global atom id, so the same seed gives
/// the same velocities on any number of ranks; net momentum removed, then scaled to exactly T.
struct VelocityCreate {
  double temperature_K = 0.0;
  std::uint64_t seed = 0;
  bool zero_momentum = true;
};

struct SimulationSettings {
  std::int64_t steps = 0;
  double dt_ps = 0.001;  ///< timestep, ps (the config gives dt_fs)
  double skin = 2.0;     ///< neighbour-list skin, Å; rebuild when an atom moves more than skin/2
  Backend backend = Backend::kCpu;
  int thermo_every = 100;  ///< 0: only the first and last step
  std::vector<ThermoColumn> thermo_columns = {
      ThermoColumn::kStep, ThermoColumn::kPotEng, ThermoColumn::kKinEng, ThermoColumn::kTotEng,
      ThermoColumn::kTemp, ThermoColumn::kPress,  ThermoColumn::kVolume};
  std::optional<VelocityCreate> velocity_create;
  IntegratorSettings integrator;  ///< NVE unless a thermostat is set
  GuardSettings guards;
  /// Rows of model deviation (needs a committee potential: potential/committee.hpp).
  ModelDeviationSettings model_deviation;
};

}  // namespace md
