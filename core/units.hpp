// SPDX-License-Identifier: MIT
/// \file
/// Physical constants of LAMMPS `metal` units: length Å, time ps, energy eV, mass amu (g/mol),
/// temperature K, pressure bar, velocity Å/ps, force eV/Å.
///
/// The values are LAMMPS's own (src/update.cpp, `units metal`), not the newest CODATA ones, because
/// users compare trajectories with LAMMPS: with these values a velocity-Verlet step is the same
/// floating-point operation in both engines. The CODATA-2018 Boltzmann constant (8.617333262e-5)
/// differs from LAMMPS's in the sixth digit; temperatures would differ at the 1e-6 level.
#pragma once

namespace md::units {

/// Boltzmann constant, eV/K.
inline constexpr double kBoltzmann = 8.617343e-5;
/// Converts m·v² (amu·Å²/ps²) to energy (eV).
inline constexpr double kMvv2e = 1.0364269e-4;
/// Converts force/mass (eV/Å/amu) to acceleration (Å/ps²): the inverse of kMvv2e.
inline constexpr double kFtm2v = 1.0 / 1.0364269e-4;
/// Converts energy density (eV/Å³) to pressure (bar).
inline constexpr double kNktv2p = 1.6021765e6;
/// Femtoseconds per picosecond (config times are given in fs; the engine works in ps).
inline constexpr double kFsPerPs = 1000.0;
/// Seconds per day and per hour, for the performance footer.
inline constexpr double kSecondsPerDay = 86400.0;
inline constexpr double kSecondsPerHour = 3600.0;
/// Nanoseconds per picosecond.
inline constexpr double kNsPerPs = 1.0e-3;
/// kJ/mol per eV (CODATA: e·N_A/1000). H5MD stores forces in kJ mol⁻¹ Å⁻¹, a unit the analysis
/// tools read (MDAnalysis has no eV-based force unit); everything else stays in metal units.
inline constexpr double kKjPerMolPerEv = 96.48533212331002;
/// g/cm³ from amu/Å³.
inline constexpr double kAmuPerA3ToGPerCm3 = 1.66053906660;

}  // namespace md::units
