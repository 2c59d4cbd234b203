// SPDX-License-Identifier: MIT
/// \file
/// Typed settings of the equations of motion (ensemble, thermostat, barostat) and of the runtime guards,
/// in engine units (K, ps). io/run_config fills them from the `integrator` and `guards` sections;
/// docs/config-reference.md documents the keys.
#pragma once

#include <cstdint>

namespace md {

/// How the temperature is controlled. kNone is NVE (plain velocity Verlet).
enum class ThermostatType {
  kNone,
  kNoseHooverChain,  ///< Martyna–Tuckerman–Klein chain, LAMMPS `fix nvt` conventions
  kCsvr,             ///< Bussi–Donadio–Parrinello stochastic velocity rescaling
  kLangevin,         ///< BAOAB Langevin dynamics (Leimkuhler–Matthews)
  kBerendsen,        ///< weak coupling; not canonical, equilibration only
};

struct ThermostatSettings {
  ThermostatType type = ThermostatType::kNone;
  double temperature_K = 0.0;  ///< target temperature
  double tau_ps = 0.1;         ///< coupling time (Nosé–Hoover, CSVR, Berendsen)
  int chain = 3;               ///< Nosé–Hoover chain length
  double damping_ps = 0.1;     ///< Langevin damping time 1/γ (LAMMPS `fix langevin` damp)
  std::uint64_t seed = 0;      ///< random key of CSVR and Langevin noise
};

/// How the pressure is controlled. kNone: constant volume.
enum class BarostatType {
  kNone,
  kCRescale,  ///< Bernetti–Bussi stochastic cell rescaling (isotropic), J. Chem. Phys. 153, 114107
  kMtk,       ///< Martyna–Tobias–Klein with Nosé–Hoover chains, LAMMPS `fix npt` (isotropic)
};

/// Which cell degrees of freedom a barostat couples (LAMMPS `iso` / `aniso` / `tri`).
enum class BarostatCoupling {
  kIsotropic,    ///< one scale for x, y and z, from the scalar pressure
  kAnisotropic,  ///< x, y and z each from its own diagonal pressure component
  kTriclinic,    ///< x, y, z and the tilts xy, xz, yz, each from its pressure-tensor component
};

/// The config name of a coupling ("isotropic", "anisotropic", "triclinic").
inline const char* barostat_coupling_name(BarostatCoupling coupling) {
  switch (coupling) {
    case BarostatCoupling::kIsotropic: return "isotropic";
    case BarostatCoupling::kAnisotropic: return "anisotropic";
    case BarostatCoupling::kTriclinic: return "triclinic";
  }
  return "";
}

struct BarostatSettings {
  BarostatType type = BarostatType::kNone;
  double pressure_bar = 1.0;              ///< target pressure P₀
  double tau_ps = 1.0;  ///< c_rescale: relaxation time of the volume τ_p; mtk: Pdamp
  double compressibility_per_bar = 4.5e-5;  ///< isothermal compressibility β_T (water: 4.5e-5)
  std::uint64_t seed = 0;                 ///< random key of the barostat noise
  int every = 10;                         ///< a move every this many steps (GROMACS nstpcouple)
  int chain = 3;                          ///< mtk: length of the cell's chain (LAMMPS pchain)
  BarostatCoupling coupling = BarostatCoupling::kIsotropic;  ///< mtk: iso, aniso or tri
};

struct IntegratorSettings {
  ThermostatSettings thermostat;  ///< type kNone: NVE
  BarostatSettings barostat;      ///< type kNone: constant volume
};

/// Runtime integrity checks (docs/conventions-and-reliability.md §B2; docs/config-reference.md
/// `guards`). Every guard is collective: all ranks reach the same verdict and stop together with
/// exit code 5, the step and an atom named, and a crash dump. A value of 0 switches a bound off.
struct GuardSettings {
  /// Scan owned positions, velocities and forces for NaN/Inf and forces beyond max_force_eV_A
  /// every this many steps (and on every thermo step); 0: only on thermo steps.
  int check_every = 100;
  /// Largest number of neighbour-list entries one atom may have (a device list's capacity; on the
  /// CPU the list grows, so this catches collapsed or overlapping structures). 0: no limit.
  int max_neighbors = 2048;
  /// Largest force on one atom, eV/Å. Forces of a stable run are a few eV/Å; 1,000 eV/Å moves a
  /// hydrogen atom ~5 Å in one 0.5 fs step.
  double max_force_eV_A = 1000.0;
  /// Largest displacement of one atom in one step, Å (checked every step, from the neighbour
  /// list's displacement reduction). Negative: half the neighbour skin, at least 0.1 Å.
  double max_step_displacement_A = -1.0;
  /// Largest temperature, K. Negative: 10 times the run's reference temperature (the largest of
  /// the thermostat's target, the created velocities' temperature and the first thermo sample's),
  /// at least 3,000 K.
  double max_temperature_K = -1.0;
  /// Largest change of the conserved energy between two consecutive thermo samples, eV per atom.
  double max_energy_jump_eV_per_atom = 0.1;
};

/// The per-step displacement bound in effect for `skin` (Å): the configured one, or half the
/// skin but at least 0.1 Å. 0 means off.
inline double step_displacement_limit(const GuardSettings& guards, double skin) {
  if (guards.max_step_displacement_A >= 0.0) return guards.max_step_displacement_A;
  return skin / 2 > 0.1 ? skin / 2 : 0.1;
}

}  // namespace md
