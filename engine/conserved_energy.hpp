// SPDX-License-Identifier: MIT
/// \file
/// The drift of the conserved energy over a run: E_pot + KE + the integrator's contribution
/// (engine/integrator.hpp), sampled on every thermo step and fitted by least squares at the end.
/// GROMACS prints the same health check ("Conserved energy drift") at the end of every run; we
/// print it as `Conserved energy drift: X ± σ meV/atom/ns`, with the fit's standard error, and
/// say when the fit is too short to mean anything: over a fraction of a picosecond the
/// conserved energy's fluctuations (tenths of meV/atom) fitted by a line give slopes of tens of
/// meV/atom/ns whatever the integration's quality. For NVE the conserved energy is TotEng.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/run_report.hpp"

namespace md {

class ConservedEnergyLog {
 public:
  /// Fits shorter than this say that they do not measure drift (it takes picoseconds for the
  /// slope to stand out of the fluctuations; GROMACS-style checks use nanoseconds).
  static constexpr double kMeaningfulSpanPs = 10.0;

  /// Adds one sample: conserved energy `energy_eV` at `step` and `time_ps`. A sample at a step
  /// already recorded replaces it.
  void add(std::int64_t step, double time_ps, double energy_eV);
  void clear() { steps_.clear(); times_.clear(); energies_.clear(); }
  std::size_t size() const { return energies_.size(); }

  /// The fit; empty with fewer than 2 samples (or no time span).
  std::optional<DriftFit> drift(std::int64_t n_atoms) const;
  /// The end-of-run line: "Conserved energy drift: 1.23e-03 ± 4e-04 meV/atom/ns (<integrator>;
  /// least-squares fit of N thermo samples over T ps, steps A to B)", with a note when the span
  /// is under kMeaningfulSpanPs or the slope is within two standard errors of zero, or a line
  /// saying why there is no fit.
  std::string report(std::int64_t n_atoms, const std::string& integrator) const;

 private:
  std::vector<std::int64_t> steps_;
  std::vector<double> times_;
  std::vector<double> energies_;
};

}  // namespace md
