// SPDX-License-Identifier: MIT
/// \file
/// The global thermodynamic quantities of one step (reduced over ranks, metal units; computed by
/// engine/thermo.hpp, written by the thermo log, H5MD observables and the JSON summary).
#pragma once

#include <array>
#include <cstdint>

namespace md {

struct ThermoSample {
  std::int64_t step = 0;
  double time_ps = 0.0;
  std::int64_t n_atoms = 0;
  double potential_energy = 0.0;  ///< eV
  double kinetic_energy = 0.0;    ///< eV
  double temperature = 0.0;       ///< K
  double pressure = 0.0;          ///< bar
  std::array<double, 6> pressure_tensor{};  ///< xx yy zz xy xz yz, bar
  double volume = 0.0;            ///< Å³
  std::array<double, 3> box_lengths{};  ///< Å
  std::array<double, 3> box_tilts{};    ///< xy xz yz, Å
  double density = 0.0;           ///< g/cm³
  double total_energy() const { return potential_energy + kinetic_energy; }
};

/// The thermo quantities of one step and the conserved energy (E_pot + KE + integrator term).
struct ThermoRecord {
  ThermoSample sample;
  double conserved_energy = 0.0;  ///< eV
};

}  // namespace md
