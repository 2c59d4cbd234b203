// SPDX-License-Identifier: MIT
/// \file
/// The drift of the conserved energy over a run: E_pot + KE + the integrator's contribution
/// (engine/integrator.hpp), sampled on every thermo step and fitted by least squares at the end.
/// GROMACS prints the same health check ("Conserved energy drift") at the end of every run; we
/// print it as `Conserved energy drift: X meV/atom/ns`. For NVE the conserved energy is TotEng.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace md {

class ConservedEnergyLog {
 public:
  /// Adds one sample: conserved energy `energy_eV` at `step` and `time_ps`. A sample at a step
  /// already recorded replaces it.
  void add(std::int64_t step, double time_ps, double energy_eV);
  void clear() { steps_.clear(); times_.clear(); energies_.clear(); }
  std::size_t size() const { return energies_.size(); }

  /// Least-squares slope of the samples in meV per atom per ns; empty with fewer than 2 samples.
  std::optional<double> drift_mev_per_atom_per_ns(std::int64_t n_atoms) const;
  /// The end-of-run line: "Conserved energy drift: 1.23e-03 meV/atom/ns (<integrator>; least-squares
  /// fit of N samples, steps A to B)", or a line saying why there is no fit.
  std::string report(std::int64_t n_atoms, const std::string& integrator) const;

 private:
  std::vector<std::int64_t> steps_;
  std::vector<double> times_;
  std::vector<double> energies_;
};

}  // namespace md
